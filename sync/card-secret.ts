// Wrapping a secret to an X25519 public key: card initialization secrets to the terminal's
// encryption key (stream `cards`), export files to the central's (air-gapped transfer).
//
//   shared = X25519(ephemeral private, recipient public)
//   key    = HKDF-SHA256(ikm = shared, salt = epk || recipient public, info = label 0x00 context, 32)
//   ciphertext || tag = AES-256-GCM(key, nonce (12 random bytes), plaintext, aad = context)
//
// A fresh ephemeral key per wrap, so the nonce never repeats under one key.

import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import type { WrappedSecret } from './protocol';
import { rawPublicKey } from './signing';

export const WRAP_LABELS = {
  cardSecret: 'madoguchi/card-secret/v1',
  /** A card's reset secret, served per request (POST .../reset-secret). */
  resetSecret: 'madoguchi/reset-secret/v1',
  exportFile: 'madoguchi/export/v1',
} as const;
export type WrapLabel = (typeof WRAP_LABELS)[keyof typeof WRAP_LABELS];

export function x25519PublicKey(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new RangeError('an X25519 public key has 32 bytes');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** A new X25519 key pair: the private key as PKCS#8 DER, the public key raw. */
export function newX25519KeyPair(): { privateKeyDer: Buffer; publicKey: Buffer } {
  const pair = generateKeyPairSync('x25519');
  return {
    privateKeyDer: pair.privateKey.export({ format: 'der', type: 'pkcs8' }),
    publicKey: rawPublicKey(pair.publicKey),
  };
}

export function x25519PrivateKey(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

function deriveKey(
  shared: Buffer,
  epk: Buffer,
  recipient: Buffer,
  label: WrapLabel,
  context: string,
): Buffer {
  const info = Buffer.concat([
    Buffer.from(label, 'utf8'),
    Buffer.from([0]),
    Buffer.from(context, 'utf8'),
  ]);
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([epk, recipient]), info, 32));
}

export function wrapSecret(
  plaintext: Buffer,
  recipientPublicKey: Buffer,
  label: WrapLabel,
  context: string,
): WrappedSecret {
  const ephemeral = generateKeyPairSync('x25519');
  const epk = rawPublicKey(ephemeral.publicKey);
  const shared = diffieHellman({
    privateKey: ephemeral.privateKey,
    publicKey: x25519PublicKey(recipientPublicKey),
  });
  const key = deriveKey(shared, epk, recipientPublicKey, label, context);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  key.fill(0);
  return {
    alg: 'X25519-HKDF-SHA256-A256GCM',
    epk: epk.toString('base64'),
    nonce: nonce.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** A wrapped secret that does not open: wrong key, wrong context or tampered. */
export class UnwrapError extends Error {
  readonly code = 'SYNC_UNWRAP_FAILED';
  constructor() {
    super('The encrypted data does not open with this key (wrong recipient, or altered).');
    this.name = 'UnwrapError';
  }
}

export function unwrapSecret(
  wrapped: WrappedSecret,
  recipientPrivateKey: KeyObject,
  label: WrapLabel,
  context: string,
): Buffer {
  const epk = Buffer.from(wrapped.epk, 'base64');
  const body = Buffer.from(wrapped.ciphertext, 'base64');
  if (body.length < 16) throw new UnwrapError();
  const recipient = rawPublicKey(createPublicKey(recipientPrivateKey));
  let key: Buffer | undefined;
  try {
    const shared = diffieHellman({
      privateKey: recipientPrivateKey,
      publicKey: x25519PublicKey(epk),
    });
    key = deriveKey(shared, epk, recipient, label, context);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(wrapped.nonce, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
  } catch {
    throw new UnwrapError();
  } finally {
    key?.fill(0);
  }
}
