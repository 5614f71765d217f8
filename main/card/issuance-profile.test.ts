import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  parseManagementSecret,
  resetSecretCommand,
  secretStatusCommand,
  selectApplication,
  SECRET_LOCATIONS,
  setSecretCommand,
} from './issuance-profile';

const spaced = (bytes: Uint8Array): string =>
  Buffer.from(bytes)
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');
const ascii = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'ascii'));

describe('issuance profile APDUs', () => {
  const init = parseManagementSecret('00112233445566778899aabbccddeeff');

  it('builds exactly the example docs/card-issuance-profile.md shows', async () => {
    const doc = await readFile('docs/card-issuance-profile.md', 'utf8');
    const apdu = spaced(setSecretCommand('user-authentication-pin', init, ascii('3817')));
    expect(apdu).toBe('00 24 00 98 14 00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF 33 38 31 37');
    expect(doc).toContain(`\`${apdu}\``);
  });

  it('names each secret by its key IEF in P2, after selecting its application', () => {
    expect(spaced(selectApplication(SECRET_LOCATIONS['card-info-input-pin']))).toBe(
      '00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08',
    );
    expect(spaced(secretStatusCommand('signature-password'))).toBe('00 20 00 9B');
    expect(spaced(secretStatusCommand('resident-registry-pin'))).toBe('00 20 00 9C');
    expect(
      spaced(resetSecretCommand('card-info-input-pin', init, ascii('5093'))).slice(0, 14),
    ).toBe('00 2C 00 91 14');
  });

  it('refuses a management secret that is not 16 bytes, and says so without echoing it', () => {
    expect(() => parseManagementSecret('0011')).toThrow(/32 hex digits/);
    expect(() => parseManagementSecret('zz112233445566778899aabbccddeeff')).toThrow(RangeError);
    expect(() =>
      setSecretCommand('signature-password', new Uint8Array(15), ascii('ABC123')),
    ).toThrow(/16 bytes/);
    expect(() => setSecretCommand('signature-password', init, new Uint8Array(0))).toThrow(
      RangeError,
    );
  });
});
