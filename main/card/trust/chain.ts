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

import { constants, verify, type KeyObject, type X509Certificate } from 'node:crypto';
import { readChildren, readTlv, valueOf } from '../mynumber/tlv';

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
  const named = candidates(certificate, anchors, options);
  if (!Array.isArray(named)) return named;
  // Every generation of that name is tried; only a verifying signature identifies the issuer.
  const signers = named.filter((anchor) => signedBy(certificate, anchor.certificate));
  return conclude(certificate, signers, options);
}

/**
 * The same decision, with the signature checks on libuv's thread pool instead of this thread:
 * the counter starts it as soon as the certificate is read and collects it after the card's
 * remaining APDUs, so the check costs no wall time while the card is busy.
 */
export async function validateCardCertificateAsync(
  certificate: X509Certificate,
  anchors: readonly Anchor[],
  options: { at: Date; mode: TrustMode },
): Promise<ChainResult> {
  const named = candidates(certificate, anchors, options);
  if (!Array.isArray(named)) return named;
  const verdicts = await Promise.all(
    named.map((anchor) => signedByOffThread(certificate, anchor.certificate)),
  );
  return conclude(
    certificate,
    named.filter((_, i) => verdicts[i]),
    options,
  );
}

/** The checks before any signature: the anchors whose name is the certificate's issuer. */
function candidates(
  certificate: X509Certificate,
  anchors: readonly Anchor[],
  options: { at: Date },
): Anchor[] | ChainResult {
  const at = options.at.getTime();
  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  if (!(at >= notBefore)) return { valid: false, problem: 'not-yet-valid' };
  if (!(at <= notAfter)) return { valid: false, problem: 'expired' };
  if (certificate.ca) return { valid: false, problem: 'is-a-ca' };
  const named = anchors.filter((anchor) => anchor.certificate.subject === certificate.issuer);
  if (named.length === 0) return { valid: false, problem: 'unknown-issuer' };
  return named;
}

/** The checks after the signatures: which signer was valid when it issued, and may be used. */
function conclude(
  certificate: X509Certificate,
  signers: readonly Anchor[],
  options: { mode: TrustMode },
): ChainResult {
  if (signers.length === 0) return { valid: false, problem: 'bad-signature' };
  const notBefore = Date.parse(certificate.validFrom);
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

/** sha*WithRSAEncryption (RFC 8017 A.2.4), DER of the AlgorithmIdentifier's OID value. */
const RSA_PKCS1_HASHES: ReadonlyMap<string, string> = new Map([
  ['2a864886f70d01010b', 'sha256'],
  ['2a864886f70d01010c', 'sha384'],
  ['2a864886f70d01010d', 'sha512'],
  ['2a864886f70d010105', 'sha1'],
]);

/**
 * What OpenSSL's X509_verify checks, on the thread pool: the outer signature algorithm equals
 * the one inside the signed part, and the signature verifies over the signed part's bytes as
 * read. A certificate whose layout or algorithm this does not know goes to OpenSSL itself.
 */
function signedByOffThread(
  certificate: X509Certificate,
  issuer: X509Certificate,
): Promise<boolean> {
  const parts = signedParts(certificate.raw);
  const key = publicKeyOf(issuer);
  if (!parts || key.asymmetricKeyType !== 'rsa') {
    return Promise.resolve(signedBy(certificate, issuer));
  }
  return new Promise((resolve) => {
    try {
      verify(
        parts.hash,
        parts.tbs,
        { key, padding: constants.RSA_PKCS1_PADDING },
        parts.signature,
        (error, ok) => resolve(!error && ok),
      );
    } catch {
      resolve(false);
    }
  });
}

function signedParts(
  der: Uint8Array,
): { tbs: Uint8Array; hash: string; signature: Uint8Array } | undefined {
  try {
    const outer = readTlv(der, 0);
    const [tbs, algorithm, bits, ...rest] = readChildren(der, outer.valueStart, outer.end);
    if (outer.end !== der.length || !tbs || !algorithm || !bits || rest.length > 0)
      return undefined;
    if (tbs.tag !== 0x30 || algorithm.tag !== 0x30 || bits.tag !== 0x03) return undefined;
    // The signature algorithm inside the signed part: after the optional [0] version, the serial.
    const inner = readChildren(der, tbs.valueStart, tbs.end);
    const innerAlgorithm = inner[0]?.tag === 0xa0 ? inner[2] : inner[1];
    const outerBytes = der.subarray(algorithm.start, algorithm.end);
    if (
      !innerAlgorithm ||
      !sameBytes(der.subarray(innerAlgorithm.start, innerAlgorithm.end), outerBytes)
    ) {
      return undefined;
    }
    const [oid, ...parameters] = readChildren(der, algorithm.valueStart, algorithm.end);
    if (!oid || oid.tag !== 0x06) return undefined;
    // PKCS#1 v1.5 algorithms carry NULL parameters (or, tolerated by OpenSSL, none).
    if (
      parameters.length > 1 ||
      (parameters[0] &&
        (parameters[0].tag !== 0x05 || parameters[0].end !== parameters[0].valueStart))
    ) {
      return undefined;
    }
    const hash = RSA_PKCS1_HASHES.get(Buffer.from(valueOf(der, oid)).toString('hex'));
    const bitString = valueOf(der, bits);
    if (!hash || bitString[0] !== 0) return undefined;
    return { tbs: der.subarray(tbs.start, tbs.end), hash, signature: bitString.subarray(1) };
  } catch {
    return undefined;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
