// The JPKI roots this terminal accepts, kept in the encrypted store (migration 0050). They come
// from an administrator (`madoguchi trust add FILE`) or from the central system's
// configuration stream (importFromCentral, called by the sync subsystem). A root is accepted
// only if it is a self-signed CA certificate; a test/training root is kept but used only in
// training mode (chain.ts).

import { X509Certificate } from 'node:crypto';
import type { Db } from '../../../db/open';
import { prepared } from '../../../db/statements';
import type { Anchor } from './chain';

export type AnchorSource = 'administrator' | 'central';

export interface TrustAnchorInfo {
  readonly fingerprint: string;
  readonly subject: string;
  /** Hex, as X.509 tools print it. */
  readonly serial: string;
  /** ISO 8601, UTC. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly source: AnchorSource;
  readonly test: boolean;
  readonly addedAt: string;
}

export type TrustErrorCode = 'TRUST_NOT_A_CERTIFICATE' | 'TRUST_NOT_A_ROOT';

export class TrustError extends Error {
  override readonly name = 'TrustError';
  constructor(
    readonly code: TrustErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface AddResult {
  readonly anchor: TrustAnchorInfo;
  /** False when the store held this certificate already (nothing changed). */
  readonly added: boolean;
}

interface Row {
  fingerprint: string;
  der: Buffer;
  subject: string;
  serial: string;
  not_before: string;
  not_after: string;
  source: AnchorSource;
  test: number;
  added_at: string;
}

export class TrustStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Adds a root (DER or PEM). Idempotent: the same certificate twice is one anchor. */
  add(
    certificate: Uint8Array | string,
    options: { source: AnchorSource; test: boolean },
  ): AddResult {
    const parsed = parseRoot(certificate);
    const fingerprint = fingerprintOf(parsed);
    const existing = this.row(fingerprint);
    if (existing) return { anchor: toInfo(existing), added: false };
    prepared(
      this.db,
      `INSERT INTO trust_anchor
         (fingerprint, der, subject, serial, not_before, not_after, source, test, added_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      fingerprint,
      parsed.raw,
      oneLine(parsed.subject),
      parsed.serialNumber.toUpperCase(),
      isoOf(parsed.validFrom),
      isoOf(parsed.validTo),
      options.source,
      options.test ? 1 : 0,
      this.now().toISOString(),
    );
    return { anchor: toInfo(this.row(fingerprint) as Row), added: true };
  }

  /**
   * The roots delivered by the central configuration stream, all or nothing: one bad
   * certificate in the delivery adds none of them.
   */
  importFromCentral(certificates: readonly { der: Uint8Array; test?: boolean }[]): {
    added: number;
    unchanged: number;
  } {
    const roots = certificates.map(({ der, test }) => ({
      root: parseRoot(der),
      test: test ?? false,
    }));
    let added = 0;
    this.db.transaction(() => {
      for (const { root, test } of roots) {
        if (this.add(root.raw, { source: 'central', test }).added) added += 1;
      }
    })();
    return { added, unchanged: roots.length - added };
  }

  list(): TrustAnchorInfo[] {
    const rows = prepared(
      this.db,
      'SELECT * FROM trust_anchor ORDER BY subject, not_before, fingerprint',
    ).all() as Row[];
    return rows.map(toInfo);
  }

  /** The anchors chain.ts validates against (test roots included; chain.ts applies the mode). */
  anchors(): Anchor[] {
    const rows = prepared(
      this.db,
      'SELECT fingerprint, der, test FROM trust_anchor',
    ).all() as Row[];
    return rows.map((row) => ({
      certificate: new X509Certificate(row.der),
      test: row.test === 1,
      fingerprint: row.fingerprint,
    }));
  }

  private row(fingerprint: string): Row | undefined {
    return prepared(this.db, 'SELECT * FROM trust_anchor WHERE fingerprint = ?').get(
      fingerprint,
    ) as Row | undefined;
  }
}

/** A self-signed CA certificate, or a TrustError saying which it is not. */
export function parseRoot(certificate: Uint8Array | string): X509Certificate {
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(
      typeof certificate === 'string' ? certificate : Buffer.from(certificate),
    );
  } catch {
    throw new TrustError(
      'TRUST_NOT_A_CERTIFICATE',
      'The file is not an X.509 certificate (PEM or DER). Use the root certificate file J-LIS publishes.',
    );
  }
  const selfSigned = parsed.subject === parsed.issuer && safeVerify(parsed);
  if (!parsed.ca || !selfSigned) {
    throw new TrustError(
      'TRUST_NOT_A_ROOT',
      'The certificate is not a self-signed CA (root) certificate. Only JPKI root certificates can be trusted.',
    );
  }
  return parsed;
}

function safeVerify(certificate: X509Certificate): boolean {
  try {
    return certificate.verify(certificate.publicKey);
  } catch {
    return false;
  }
}

export function fingerprintOf(certificate: X509Certificate): string {
  return certificate.fingerprint256.replaceAll(':', '').toLowerCase();
}

/** Node prints names one attribute per line; one line reads better in a list. */
export function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function isoOf(x509Time: string): string {
  return new Date(Date.parse(x509Time)).toISOString();
}

function toInfo(row: Row): TrustAnchorInfo {
  return {
    fingerprint: row.fingerprint,
    subject: row.subject,
    serial: row.serial,
    notBefore: row.not_before,
    notAfter: row.not_after,
    source: row.source,
    test: row.test === 1,
    addedAt: row.added_at,
  };
}
