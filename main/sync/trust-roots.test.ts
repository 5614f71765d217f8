import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrustRootItemSchema } from '../../sync/protocol';
import { rawPublicKey, signTrustRoot, verifyTrustRoot } from '../../sync/signing';

/** J-LIS's public roots; read from the shared fixtures, never copied into the repository. */
const ROOTS_DIR = join(import.meta.dirname, '../../../shared/fixtures/jpki-roots');

describe('a trust root item of the configuration stream', () => {
  const central = generateKeyPairSync('ed25519');
  const der = new Uint8Array(
    Buffer.from(
      readFileSync(join(ROOTS_DIR, 'auth_ca_2023.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''),
      'base64',
    ),
  );
  const item = signTrustRoot(
    {
      fingerprint: createHash('sha256').update(der).digest('hex'),
      der: Buffer.from(der).toString('base64'),
      test: true,
      added_at: '2026-11-22T00:00:00.000Z',
    },
    central.privateKey,
  );
  const pinned = rawPublicKey(central.publicKey);

  it('verifies under the pinned key, and parses as the protocol says', () => {
    expect(TrustRootItemSchema.parse(item)).toEqual(item);
    expect(verifyTrustRoot(item, pinned)).toBe(true);
  });

  it('refuses a test root passed off as a production one, another certificate, another signer', () => {
    expect(verifyTrustRoot({ ...item, test: false }, pinned)).toBe(false);
    const other = Buffer.from(der);
    other[other.length - 1] = (other[other.length - 1] as number) ^ 1;
    expect(verifyTrustRoot({ ...item, der: other.toString('base64') }, pinned)).toBe(false);
    const impostor = rawPublicKey(generateKeyPairSync('ed25519').publicKey);
    expect(verifyTrustRoot(item, impostor)).toBe(false);
  });
});
