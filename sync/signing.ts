// The signed encodings of the sync protocol, byte for byte, and their checks. Central signs
// with its Ed25519 key; terminals verify with the copy they pinned at enrollment. The same
// functions run on both sides, so an encoding can never drift between signer and verifier.
//
// message(tag, body) = UTF-8(tag) || 0x0A || UTF-8(JCS(body))
//
// where JCS is RFC 8785 canonical JSON (main/audit/chain.ts canonicalJson) and body is the
// signed object without its signature field. The tag separates the kinds of signed object,
// so a receipt can never be passed off as a revocation delta. docs/sync-protocol.md §"Signed
// encodings" is the specification.

import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, type JsonValue } from '../main/audit/chain';
import type {
  RevocationDelta,
  RevocationEntry,
  RevocationHead,
  RevocationSnapshotHeader,
  UnsignedUploadAck,
  UploadAck,
  ExportFile,
  UnsignedExportFile,
  TrustRootItem,
} from './protocol';

export const SIGNING_TAGS = {
  receipt: 'madoguchi/sync/receipt/v1',
  revocationHead: 'madoguchi/sync/revocation-head/v1',
  revocationDelta: 'madoguchi/sync/revocation-delta/v1',
  revocationSnapshot: 'madoguchi/sync/revocation-snapshot/v1',
  exportFile: 'madoguchi/sync/export/v1',
  trustRoot: 'madoguchi/sync/trust-root/v1',
} as const;
export type SigningTag = (typeof SIGNING_TAGS)[keyof typeof SIGNING_TAGS];

/** The bytes that are signed for `body` under `tag`. */
export function signedMessage(tag: SigningTag, body: object): Buffer {
  // Through JSON first: a field that is undefined is absent, as it is on the wire.
  const json = JSON.parse(JSON.stringify(body)) as JsonValue;
  return Buffer.from(`${tag}\n${canonicalJson(json)}`, 'utf8');
}

/** An Ed25519 public key object from its raw 32 bytes (RFC 8032). */
export function ed25519PublicKey(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new RangeError('an Ed25519 public key has 32 bytes');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** The raw 32 bytes of an Ed25519 or X25519 public key object. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('not an OKP public key');
  return Buffer.from(jwk.x, 'base64url');
}

export function signBody(tag: SigningTag, body: object, privateKey: KeyObject): string {
  return sign(null, signedMessage(tag, body), privateKey).toString('base64');
}

export function verifyBody(
  tag: SigningTag,
  body: object,
  signatureBase64: string,
  publicKey: KeyObject | Buffer,
): boolean {
  const key = Buffer.isBuffer(publicKey) ? ed25519PublicKey(publicKey) : publicKey;
  try {
    return verify(null, signedMessage(tag, body), key, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

function without<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

// ---------------------------------------------------------------------------------------
// Receipts

export function signReceipt(ack: UnsignedUploadAck, privateKey: KeyObject): UploadAck {
  return { ...ack, receipt_signature: signBody(SIGNING_TAGS.receipt, ack, privateKey) };
}

export function verifyReceipt(ack: UploadAck, centralKey: KeyObject | Buffer): boolean {
  return verifyBody(
    SIGNING_TAGS.receipt,
    without(ack, 'receipt_signature'),
    ack.receipt_signature,
    centralKey,
  );
}

// ---------------------------------------------------------------------------------------
// Trust roots (the configuration stream)

export function signTrustRoot(
  item: Omit<TrustRootItem, 'signature'>,
  privateKey: KeyObject,
): TrustRootItem {
  return { ...item, signature: signBody(SIGNING_TAGS.trustRoot, item, privateKey) };
}

/** Central signed this root, and its fingerprint is that of its DER. */
export function verifyTrustRoot(item: TrustRootItem, centralKey: KeyObject | Buffer): boolean {
  const der = Buffer.from(item.der, 'base64');
  return (
    createHash('sha256').update(der).digest('hex') === item.fingerprint &&
    verifyBody(SIGNING_TAGS.trustRoot, without(item, 'signature'), item.signature, centralKey)
  );
}

// ---------------------------------------------------------------------------------------
// Revocation list

export function signRevocationHead(
  head: Omit<RevocationHead, 'signature'>,
  privateKey: KeyObject,
): RevocationHead {
  return { ...head, signature: signBody(SIGNING_TAGS.revocationHead, head, privateKey) };
}

export function signRevocationDelta(
  delta: Omit<RevocationDelta, 'signature'>,
  privateKey: KeyObject,
): RevocationDelta {
  return { ...delta, signature: signBody(SIGNING_TAGS.revocationDelta, delta, privateKey) };
}

export function signSnapshotHeader(
  header: Omit<RevocationSnapshotHeader, 'signature'>,
  privateKey: KeyObject,
): RevocationSnapshotHeader {
  return {
    ...header,
    signature: signBody(SIGNING_TAGS.revocationSnapshot, header, privateKey),
  };
}

/**
 * The line of one entry in the snapshot digest: its canonical JSON (JCS) and "\n". Written
 * out for the four fixed keys, already in JCS order, because a million entries through the
 * generic canonicalJson cost seconds; a test checks it equals canonicalJson byte for byte.
 */
export function entryLine(entry: RevocationEntry): string {
  return (
    `{"card_serial":${JSON.stringify(entry.card_serial)},"effective_at":${JSON.stringify(entry.effective_at)},` +
    `"list_version":${JSON.stringify(entry.list_version)},"status":${JSON.stringify(entry.status)}}\n`
  );
}

/**
 * Incremental SHA-256 over the snapshot entries, fed page by page in card_serial order, so a
 * million entries never have to be in memory at once. Refuses entries out of order.
 */
export class RevocationDigest {
  readonly #hash = createHash('sha256');
  #last: string | null = null;
  #count = 0;

  update(entries: readonly RevocationEntry[]): void {
    let lines = '';
    for (const entry of entries) {
      if (this.#last !== null && !(entry.card_serial > this.#last)) {
        throw new RevocationListError(
          'REVOCATION_SNAPSHOT_ORDER',
          'The revocation snapshot entries are not in card serial order.',
        );
      }
      this.#last = entry.card_serial;
      this.#count += 1;
      lines += entryLine(entry);
    }
    this.#hash.update(lines, 'utf8');
  }

  get count(): number {
    return this.#count;
  }

  /** The digest, base64. Ends the computation. */
  digest(): string {
    return this.#hash.digest('base64');
  }
}

export function revocationEntriesDigest(entries: readonly RevocationEntry[]): string {
  const digest = new RevocationDigest();
  digest.update(entries);
  return digest.digest();
}

export type RevocationErrorCode =
  | 'REVOCATION_BAD_SIGNATURE'
  | 'REVOCATION_ROLLBACK'
  | 'REVOCATION_DELTA_NOT_NEXT'
  | 'REVOCATION_SNAPSHOT_MISMATCH'
  | 'REVOCATION_SNAPSHOT_ORDER';

/** A revocation list that must not be applied; the terminal keeps the list it has. */
export class RevocationListError extends Error {
  constructor(
    readonly code: RevocationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RevocationListError';
  }
}

/**
 * Checks a head against the pinned central key and the version the terminal holds. A head
 * older than what the terminal has is a rollback (a replayed answer, or a central restored
 * from an old backup) and is refused.
 */
export function verifyRevocationHead(
  head: RevocationHead,
  centralKey: KeyObject | Buffer,
  heldVersion: number,
): void {
  if (
    !verifyBody(SIGNING_TAGS.revocationHead, without(head, 'signature'), head.signature, centralKey)
  ) {
    throw new RevocationListError(
      'REVOCATION_BAD_SIGNATURE',
      'The revocation list status is not signed by the pinned central key.',
    );
  }
  if (head.list_version < heldVersion) {
    throw new RevocationListError(
      'REVOCATION_ROLLBACK',
      `Central offered revocation list version ${head.list_version}, older than the version ${heldVersion} this terminal holds.`,
    );
  }
}

/** Checks a delta and that it follows the version the terminal holds. */
export function verifyRevocationDelta(
  delta: RevocationDelta,
  centralKey: KeyObject | Buffer,
  heldVersion: number,
): void {
  if (
    !verifyBody(
      SIGNING_TAGS.revocationDelta,
      without(delta, 'signature'),
      delta.signature,
      centralKey,
    )
  ) {
    throw new RevocationListError(
      'REVOCATION_BAD_SIGNATURE',
      `Revocation delta ${delta.to_version} is not signed by the pinned central key.`,
    );
  }
  if (delta.to_version <= heldVersion) {
    throw new RevocationListError(
      'REVOCATION_ROLLBACK',
      `Revocation delta ${delta.to_version} is not newer than the version ${heldVersion} this terminal holds.`,
    );
  }
  if (delta.from_version !== heldVersion || delta.to_version !== delta.from_version + 1) {
    throw new RevocationListError(
      'REVOCATION_DELTA_NOT_NEXT',
      `Revocation delta ${delta.from_version}->${delta.to_version} does not follow version ${heldVersion}.`,
    );
  }
}

/** Checks a snapshot header's signature and that it is no rollback. */
export function verifySnapshotHeader(
  header: RevocationSnapshotHeader,
  centralKey: KeyObject | Buffer,
  heldVersion: number,
): void {
  if (
    !verifyBody(
      SIGNING_TAGS.revocationSnapshot,
      without(header, 'signature'),
      header.signature,
      centralKey,
    )
  ) {
    throw new RevocationListError(
      'REVOCATION_BAD_SIGNATURE',
      `Revocation snapshot ${header.list_version} is not signed by the pinned central key.`,
    );
  }
  if (header.list_version < heldVersion) {
    throw new RevocationListError(
      'REVOCATION_ROLLBACK',
      `Revocation snapshot ${header.list_version} is older than the version ${heldVersion} this terminal holds.`,
    );
  }
}

/** After the last snapshot page: the entries received are exactly the signed set. */
export function checkSnapshotComplete(
  header: RevocationSnapshotHeader,
  digest: RevocationDigest,
): void {
  const count = digest.count;
  if (count !== header.entry_count || digest.digest() !== header.entries_digest) {
    throw new RevocationListError(
      'REVOCATION_SNAPSHOT_MISMATCH',
      `The revocation snapshot ${header.list_version} received does not match its signed digest (${count} of ${header.entry_count} entries).`,
    );
  }
}

// ---------------------------------------------------------------------------------------
// Export files (signed by the terminal's event-signing key)

export function signExportFile(file: UnsignedExportFile, terminalKey: KeyObject): ExportFile {
  return { ...file, signature: signBody(SIGNING_TAGS.exportFile, file, terminalKey) };
}

export function verifyExportFile(file: ExportFile, terminalKey: KeyObject | Buffer): boolean {
  return verifyBody(
    SIGNING_TAGS.exportFile,
    without(file, 'signature'),
    file.signature,
    terminalKey,
  );
}
