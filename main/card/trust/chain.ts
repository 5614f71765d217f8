// Is a certificate read from a card issued by a JPKI root this terminal trusts, at time T?
//
// What "valid at T" means here (docs/card-client.md, "Trust"): the card's certificate must be
// within its own validity at T; its issuer must be one of our anchors, found by name AND by a
// verifying signature (every JPKI root generation has the same name, so the name alone picks
// nothing); and that anchor must have been valid when the certificate was issued (the
// certificate's notBefore), not necessarily at T. That is the chain model: J-LIS's 2015 roots
// expired on 2025-10-19, yet certificates issued under them before that day remain J-LIS's
// certificates for their own lifetime. Revocation is not decided here (that needs the CRL or
// OCSP of the central system).
//
// The CA certificate the card itself carries (JPKI EF 000B / 0002) is never an input: a forged
// card would carry a forged CA that matches.

import type { KeyObject, X509Certificate } from 'node:crypto';

export type TrustMode = 'production' | 'training';

export interface Anchor {
  readonly certificate: X509Certificate;
  /** A test or training root: used only in training mode. */
  readonly test: boolean;
  readonly fingerprint: string;
}

export type ChainProblem =
  | 'not-yet-valid'
  | 'expired'
  | 'is-a-ca'
  | 'unknown-issuer'
  | 'bad-signature'
  | 'issued-outside-anchor-validity'
  | 'test-anchor-in-production';

export type ChainResult =
  | { readonly valid: true; readonly anchor: Anchor }
  | { readonly valid: false; readonly problem: ChainProblem };

export const CHAIN_PROBLEM_TEXT: Readonly<Record<ChainProblem, string>> = {
  'not-yet-valid': 'the certificate is not valid yet',
  expired: 'the certificate has expired',
  'is-a-ca': 'the card presents a CA certificate as its own',
  'unknown-issuer': 'no trusted root has the name of its issuer',
  'bad-signature': 'no trusted root of that name signed it',
  'issued-outside-anchor-validity': 'it was issued while its root was not valid',
  'test-anchor-in-production': 'it was issued by a test root, accepted only in training mode',
};

export function validateCardCertificate(
  certificate: X509Certificate,
  anchors: readonly Anchor[],
  options: { at: Date; mode: TrustMode },
): ChainResult {
  const at = options.at.getTime();
  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  if (!(at >= notBefore)) return { valid: false, problem: 'not-yet-valid' };
  if (!(at <= notAfter)) return { valid: false, problem: 'expired' };
  if (certificate.ca) return { valid: false, problem: 'is-a-ca' };

  const named = anchors.filter((anchor) => anchor.certificate.subject === certificate.issuer);
  if (named.length === 0) return { valid: false, problem: 'unknown-issuer' };
  // Every generation of that name is tried; only a verifying signature identifies the issuer.
  const signers = named.filter((anchor) => signedBy(certificate, anchor.certificate));
  if (signers.length === 0) return { valid: false, problem: 'bad-signature' };
  const inTime = signers.filter(
    (anchor) =>
      notBefore >= Date.parse(anchor.certificate.validFrom) &&
      notBefore <= Date.parse(anchor.certificate.validTo),
  );
  if (inTime.length === 0) return { valid: false, problem: 'issued-outside-anchor-validity' };
  const usable = inTime.find((anchor) => options.mode === 'training' || !anchor.test);
  if (!usable) return { valid: false, problem: 'test-anchor-in-production' };
  return { valid: true, anchor: usable };
}

const publicKeys = new WeakMap<X509Certificate, KeyObject>();

/**
 * The certificate's public key, made once per certificate object: Node builds a new KeyObject
 * on every `publicKey` read (about 0.3 ms with OpenSSL 3), and the counter checks the same
 * anchors for every card.
 */
export function publicKeyOf(certificate: X509Certificate): KeyObject {
  let key = publicKeys.get(certificate);
  if (!key) {
    key = certificate.publicKey;
    publicKeys.set(certificate, key);
  }
  return key;
}

function signedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.verify(publicKeyOf(issuer));
  } catch {
    return false;
  }
}
