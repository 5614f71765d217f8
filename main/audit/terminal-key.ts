// The terminal's Ed25519 key pair, which signs every case event. Created once, on first use,
// and kept in the encrypted store (table terminal_signing_key, which triggers keep unchanged).
// The public key is exported at enrolment so central can check every uploaded signature
// (reference/sync-protocol.md §3.4): only that pinned copy can tell a re-signed chain from
// the real one, because whoever holds the store key can also read the private key.

import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import type { Db } from '../../db/open';
import { uuidv7 } from './event-id';
import { prepared } from '../../db/statements';

interface KeyRow {
  terminal_id: string;
  public_key: Buffer;
  private_key: Buffer;
}

export interface TerminalSigningKey {
  terminalId: string;
  privateKey: KeyObject;
  /** The raw 32-byte Ed25519 public key (RFC 8032). */
  publicKey: Buffer;
}

export interface TerminalPublicKey {
  terminalId: string;
  /** The raw 32-byte Ed25519 public key (RFC 8032), base64. */
  publicKeyBase64: string;
  /** The same key as an SPKI PEM ("-----BEGIN PUBLIC KEY-----"). */
  publicKeyPem: string;
}

function readRow(db: Db): KeyRow | undefined {
  return prepared(
    db,
    'SELECT terminal_id, public_key, private_key FROM terminal_signing_key WHERE id = 1',
  ).get() as KeyRow | undefined;
}

/**
 * The terminal's signing key, created on first use. Inside a transaction the new key is part
 * of it: if the transaction rolls back, so does the key, together with anything it signed.
 */
export function terminalSigningKey(db: Db, now: () => Date = () => new Date()): TerminalSigningKey {
  let row = readRow(db);
  if (!row) {
    const pair = generateKeyPairSync('ed25519');
    const jwk = pair.publicKey.export({ format: 'jwk' });
    if (typeof jwk.x !== 'string') throw new Error('Ed25519 key export gave no public key');
    prepared(
      db,
      `INSERT INTO terminal_signing_key (id, terminal_id, public_key, private_key, created_at)
       VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ).run(
      uuidv7(),
      Buffer.from(jwk.x, 'base64url'),
      pair.privateKey.export({ format: 'der', type: 'pkcs8' }),
      now().toISOString(),
    );
    row = readRow(db);
    if (!row) throw new Error('the terminal signing key was not stored');
  }
  return {
    terminalId: row.terminal_id,
    privateKey: privateKeyOf(row.private_key),
    publicKey: row.public_key,
  };
}

/**
 * Parsing the PKCS#8 key cost half of every append. The parsed key is kept per stored key
 * bytes (not per connection), so a key created in a transaction that rolled back is never
 * reused: the next append reads the row again and finds a different key or none.
 */
let parsedKey: { der: Buffer; key: KeyObject } | undefined;

function privateKeyOf(der: Buffer): KeyObject {
  if (!parsedKey || !parsedKey.der.equals(der)) {
    parsedKey = {
      der: Buffer.from(der),
      key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
    };
  }
  return parsedKey.key;
}

/** An Ed25519 public key object from its raw 32 bytes. */
export function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** The stored public key, or undefined before the terminal has signed anything. */
export function storedPublicKey(db: Db): { terminalId: string; publicKey: Buffer } | undefined {
  const row = readRow(db);
  return row && { terminalId: row.terminal_id, publicKey: row.public_key };
}

/** The public half, for enrolment with central. Creates the key pair if it does not exist. */
export function exportTerminalPublicKey(db: Db): TerminalPublicKey {
  const key = db.transaction(() => terminalSigningKey(db))();
  const pem = publicKeyFromRaw(key.publicKey).export({ format: 'pem', type: 'spki' });
  return {
    terminalId: key.terminalId,
    publicKeyBase64: key.publicKey.toString('base64'),
    publicKeyPem: typeof pem === 'string' ? pem : pem.toString('utf8'),
  };
}
