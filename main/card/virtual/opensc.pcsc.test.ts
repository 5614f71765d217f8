// The OpenSC cross-check (reference §8): an independent client, OpenSC's jpki driver, reads
// the virtual card through the real pcscd and vpcd as it would read a real My Number Card.
// Both ways OpenSC recognises a card (§9 item 1): by the legacy ATR alone, and by SELECT of
// the JPKI AID after the drivers before it have probed with their own AIDs.

import { execFile } from 'node:child_process';
import { verify, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPcscd, type PcscdHandle } from '../../../test/harness/pcscd';
import { tempDir } from '../../../test/support/temp-dir';
import {
  exampleProfile,
  insertVirtualCard,
  type InsertedMyNumberCard,
} from '../../../test/harness/virtual-card';
import type { CardProfile } from './profile';
import { fixtureCredentials } from '../../../test/harness/card-keys';

// Asynchronous: the card answers from this process's event loop.
const run = promisify(execFile);
const PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';

async function opensc(tool: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(tool, args);
  return stdout;
}

function pem(der: Uint8Array): string {
  return new X509Certificate(der).toString().trim();
}

for (const atr of ['jpki-legacy', 'mynumber-contact-a'] as const) {
  describe(`OpenSC reads the virtual card (ATR ${atr})`, () => {
    let pcscd: PcscdHandle;
    let inserted: InsertedMyNumberCard;
    let profile: CardProfile;

    beforeAll(async () => {
      pcscd = await startPcscd();
      profile = await exampleProfile('issued', { atr });
      inserted = await insertVirtualCard(pcscd.readers[0]!, profile);
    });

    afterAll(async () => {
      await inserted?.remove();
      await pcscd?.stop();
    });

    it('is recognised by the jpki driver', async () => {
      expect((await opensc('opensc-tool', '--reader', '0', '--name')).trim()).toBe('jpki');
    });

    it('lists the four certificates, the signature certificate marked private', async () => {
      const listing = await opensc('pkcs15-tool', '--reader', '0', '--list-certificates');
      const objects = [
        ...listing.matchAll(/X\.509 Certificate \[(.+)\][\s\S]*?Path\s+: (\w+)\s+ID\s+: (\w+)/g),
      ];
      expect(objects.map((m) => [m[1], m[2], m[3]])).toEqual([
        ['User Authentication Certificate', '000a', '01'],
        ['Digital Signature Certificate', '0001', '02'],
        ['User Authentication Certificate CA', '000b', '03'],
        ['Digital Signature Certificate CA', '0002', '04'],
      ]);
      expect(listing).toMatch(
        /\[Digital Signature Certificate\]\s+Object Flags\s+: \[0x01\], private/,
      );
    });

    it('reads certificate 01 without a PIN: exactly the auth certificate the card holds', async () => {
      const expected = await fixtureCredentials(profile);
      const read = await opensc('pkcs15-tool', '--reader', '0', '--read-certificate', '01');
      expect(read.trim()).toBe(pem(expected.authCertificate));
      const ca = await opensc('pkcs15-tool', '--reader', '0', '--read-certificate', '03');
      expect(ca.trim()).toBe(pem(expected.authCaCertificate));
    });

    it('shows the tries left of both PINs (3 and 5) without using one', async () => {
      const pins = await opensc('pkcs15-tool', '--reader', '0', '--list-pins');
      expect([...pins.matchAll(/Tries left\s+: (\d+)/g)].map((m) => m[1])).toEqual(['3', '5']);
      expect(inserted.card.secretStatus().userAuthenticationPin.triesLeft).toBe(3);
    });

    it('reads the signature certificate only with the signature password', async () => {
      const expected = await fixtureCredentials(profile);
      const withPassword = await opensc(
        'pkcs15-tool',
        '--reader',
        '0',
        '--read-certificate',
        '02',
        '--auth-id',
        '02',
        '--verify-pin',
        '--pin',
        'TEST2026',
      );
      expect(withPassword.trim()).toBe(pem(expected.signCertificate));
    });

    it('signs through PKCS#11 with the auth key, and the signature verifies with certificate 01', async () => {
      const dir = tempDir();
      const data = join(dir, 'data.bin');
      const signature = join(dir, 'signature.bin');
      await writeFile(data, 'challenge from the counter');
      await opensc(
        'pkcs11-tool',
        '--module',
        PKCS11_MODULE,
        '--slot-index',
        '0',
        '--login',
        '--pin',
        '4826',
        '--sign',
        '--mechanism',
        'SHA256-RSA-PKCS',
        '--id',
        '01',
        '--input-file',
        data,
        '--output-file',
        signature,
      );
      const expected = await fixtureCredentials(profile);
      expect(
        verify(
          'sha256',
          await readFile(data),
          new X509Certificate(expected.authCertificate).publicKey,
          await readFile(signature),
        ),
      ).toBe(true);
    });
  });
}
