import { createHash, publicDecrypt, verify, X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { collationNumberB } from '../../../domain/japanese-era';
import {
  parseManagementSecret,
  resetSecretCommand,
  secretStatusCommand,
  selectApplication,
  SECRET_LOCATIONS,
  setSecretCommand,
} from '../issuance-profile';
import { AIDS, type VirtualMyNumberCard } from './card';
import { loadCardProfile, type CardProfile } from './profile';
import { x509 } from './x509';
import { fixtureCard, fixtureJpki } from '../../../test/harness/card-keys';

const FIXTURES = 'test/fixtures/cards';
const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const ascii = (text: string): string => Buffer.from(text, 'ascii').toString('hex');

interface Answer {
  sw: string;
  data: Buffer;
}

function send(card: VirtualMyNumberCard, apdu: string | Uint8Array): Answer {
  const out = card.process(typeof apdu === 'string' ? hex(apdu) : apdu);
  return {
    sw: Buffer.from(out.subarray(-2)).toString('hex').toUpperCase(),
    data: Buffer.from(out.subarray(0, -2)),
  };
}

const selectAp = (name: keyof typeof AIDS): string =>
  `00 A4 04 0C ${(AIDS[name].length / 2).toString(16).padStart(2, '0')} ${AIDS[name]}`;
const selectEf = (fid: number): string => `00 A4 02 0C 02 ${fid.toString(16).padStart(4, '0')}`;
const verifyWith = (secret: string): string =>
  `00 20 00 80 ${secret.length.toString(16).padStart(2, '0')} ${ascii(secret)}`;

/** Reads an EF the portable way (OpenSC's): 4-byte header, then 256-byte chunks. */
function readCertificate(card: VirtualMyNumberCard): Buffer {
  const head = send(card, '00 B0 00 00 04');
  expect(head.sw).toBe('9000');
  const total = head.data.readUInt16BE(2) + 4;
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < total; offset += 256) {
    const le = Math.min(256, total - offset) & 0xff;
    const read = send(card, Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, le));
    expect(read.sw).toBe('9000');
    chunks.push(read.data);
  }
  return Buffer.concat(chunks);
}

function sha256DigestInfo(message: string): Buffer {
  const prefix = Buffer.from('3031300d060960864801650304020105000420', 'hex');
  return Buffer.concat([prefix, createHash('sha256').update(message).digest()]);
}

function signApdu(digestInfo: Buffer, p2 = 0x80): Uint8Array {
  return Uint8Array.from([0x80, 0x2a, 0x00, p2, digestInfo.length, ...digestInfo, 0x00]);
}

let issued: CardProfile;
let fresh: CardProfile;
let blocked: CardProfile;
let forged: CardProfile;
let unknownCa: CardProfile;

beforeAll(async () => {
  const load = (name: string) => loadCardProfile(`${FIXTURES}/${name}.json`);
  issued = await load('issued');
  fresh = await load('new-card');
  blocked = await load('blocked-pins');
  forged = await load('forged-key');
  unknownCa = await load('unknown-ca');
});

describe('selecting applications and files', () => {
  it('selects the JPKI, TEXT and VISUAL applications and answers 6A82 to any other AID', async () => {
    const card = await fixtureCard(issued);
    expect(send(card, selectAp('jpki')).sw).toBe('9000');
    expect(send(card, selectAp('text')).sw).toBe('9000');
    expect(send(card, selectAp('visual')).sw).toBe('9000');
    // PIV's AID, as OpenSC's earlier drivers probe it.
    expect(send(card, '00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00').sw).toBe('6A82');
    // A prefix of the JPKI AID selects nothing.
    expect(send(card, '00 A4 04 0C 05 D3 92 F0 00 26').sw).toBe('6A82');
  });

  it('has no usable MF: SELECT MF gives 6A86 after reset, 3F00 is not found', async () => {
    const card = await fixtureCard(issued);
    expect(send(card, '00 A4 00 00').sw).toBe('6A86');
    expect(send(card, '00 A4 00 0C 02 3F 00').sw).toBe('6A82');
    expect(send(card, selectEf(0x000a)).sw).toBe('6A82');
    send(card, selectAp('jpki'));
    expect(send(card, '00 A4 00 00').sw).toBe('9000');
    expect(send(card, selectEf(0x000a)).sw).toBe('9000');
    expect(send(card, selectEf(0x0003)).sw).toBe('6A82');
  });
});

describe('reading files', () => {
  it('gives the auth and CA certificates without a PIN, in 256-byte chunks or one extended read', async () => {
    const card = await fixtureCard(issued);
    const jpki = await fixtureJpki();
    send(card, selectAp('jpki'));
    send(card, selectEf(0x000a));
    const chunked = readCertificate(card);
    const certificate = new x509.X509Certificate(chunked);
    expect(certificate.issuer).toBe(jpki.authRoot.subject);
    expect(certificate.subject).toMatch(/^C=JP, CN=[0-9A-F]{23}$/);
    expect(
      await certificate.verify({ publicKey: jpki.authRoot.publicKey, signatureOnly: true }),
    ).toBe(true);

    const whole = send(card, '00 B0 00 00 00 00 00');
    expect(whole.sw).toBe('9000');
    // The EF is larger than the certificate: filler follows it.
    expect(whole.data.subarray(0, chunked.length)).toEqual(chunked);
    expect(whole.data.length).toBeGreaterThan(chunked.length);

    send(card, selectEf(0x000b));
    expect(new x509.X509Certificate(readCertificate(card)).subject).toBe(jpki.authRoot.subject);
  });

  it('returns the rest at the end of a file with 9000, and 6B00 past its end', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('jpki'));
    send(card, selectEf(0x0008));
    expect(send(card, '00 B0 00 00 00')).toEqual({
      sw: '9000',
      data: Buffer.from('8f8f00', 'hex'),
    });
    expect(send(card, '00 B0 00 02 10').data).toEqual(Buffer.from('00', 'hex'));
    expect(send(card, '00 B0 00 03 01').sw).toBe('6B00');
    expect(send(card, '00 B0 7F FF 01').sw).toBe('6B00');
  });

  it('reads by short EF identifier without a SELECT and says which card it is (EF 0006)', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('jpki'));
    const token = send(card, '00 B0 86 00 20');
    expect(token.sw).toBe('9000');
    expect(token.data.toString('ascii')).toBe('JPKIAPICCTOKEN2'.padEnd(32, ' '));
  });

  it('refuses the signature certificate until the signature password is verified', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('jpki'));
    send(card, selectEf(0x0001));
    expect(send(card, '00 B0 00 00 04').sw).toBe('6982');
    send(card, selectEf(0x001b));
    expect(send(card, verifyWith('TEST2026')).sw).toBe('9000');
    send(card, selectEf(0x0001));
    const certificate = new x509.X509Certificate(readCertificate(card));
    expect(certificate.issuer).toContain('OU=JPKI for digital signature');
  });

  it('a READ BINARY on a key file or without a current file is refused, not answered', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('jpki'));
    expect(send(card, '00 B0 00 00 04').sw).toBe('6986');
    send(card, selectEf(0x0018));
    expect(send(card, '00 B0 00 00 04').sw).toBe('6981');
    send(card, selectEf(0x0017));
    expect(send(card, '00 B0 00 00 04').sw).toBe('6981');
  });
});

describe('PIN retry counters', () => {
  it('reports tries left without using one, then counts down to 63C0 and locks with 6984', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('jpki'));
    send(card, selectEf(0x0018));
    expect(send(card, '00 20 00 80').sw).toBe('63C3');
    expect(send(card, '00 20 00 80').sw).toBe('63C3');
    expect(send(card, verifyWith('0000')).sw).toBe('63C2');
    expect(send(card, '00 20 00 80').sw).toBe('63C2');
    expect(send(card, verifyWith('0001')).sw).toBe('63C1');
    expect(send(card, verifyWith('0002')).sw).toBe('63C0');
    // Blocked: even the right PIN is refused, and the status query says 0 tries.
    expect(send(card, verifyWith('4826')).sw).toBe('6984');
    expect(send(card, '00 20 00 80').sw).toBe('63C0');
    expect(card.secretStatus().userAuthenticationPin).toEqual({ set: true, triesLeft: 0 });
    // The other secrets are untouched.
    expect(card.secretStatus().signaturePassword.triesLeft).toBe(5);
  });

  it('a right PIN puts the counter back to its maximum; a status query after it still says 63Cx', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('text'));
    send(card, selectEf(0x0011));
    expect(send(card, verifyWith('1111')).sw).toBe('63C2');
    expect(send(card, verifyWith('4826')).sw).toBe('9000');
    expect(send(card, '00 20 00 80').sw).toBe('63C3');
  });

  it('addresses a PIN by short EF identifier (P2 = 80|SFI) as well', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('jpki'));
    expect(send(card, '00 20 00 9B').sw).toBe('63C5');
    expect(send(card, `00 20 00 98 04 ${ascii('4826')}`).sw).toBe('9000');
  });

  it('starts from the profile: a blocked PIN stays blocked, a PIN with one try left', async () => {
    const card = await fixtureCard(blocked);
    send(card, selectAp('jpki'));
    send(card, selectEf(0x0018));
    expect(send(card, '00 20 00 80').sw).toBe('63C0');
    expect(send(card, verifyWith('4826')).sw).toBe('6984');
    send(card, selectAp('text'));
    send(card, selectEf(0x0011));
    expect(send(card, '00 20 00 80').sw).toBe('63C1');
  });

  it('TEXT AP key 0012 is blocked, as on every real card examined', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('text'));
    send(card, selectEf(0x0012));
    expect(send(card, '00 20 00 80').sw).toBe('63C0');
    expect(send(card, verifyWith('0000')).sw).toBe('6984');
  });
});

describe('security status', () => {
  it('belongs to the application: a TEXT PIN opens nothing in JPKI, and re-selecting drops it', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('text'));
    send(card, selectEf(0x0011));
    expect(send(card, verifyWith('4826')).sw).toBe('9000');
    send(card, selectEf(0x0001));
    expect(send(card, '00 B0 00 00 11').sw).toBe('9000');
    send(card, selectAp('jpki'));
    send(card, selectEf(0x0001));
    expect(send(card, '00 B0 00 00 04').sw).toBe('6982');
    send(card, selectAp('text'));
    send(card, selectEf(0x0001));
    expect(send(card, '00 B0 00 00 11').sw).toBe('6982');
  });

  it('is dropped by re-selecting the same application and by a card reset', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('text'));
    send(card, selectEf(0x0011));
    send(card, verifyWith('4826'));
    send(card, selectAp('text'));
    expect(send(card, '00 B0 81 00 11').sw).toBe('6982');
    send(card, selectEf(0x0011));
    send(card, verifyWith('4826'));
    card.reset();
    send(card, selectAp('text'));
    expect(send(card, '00 B0 81 00 11').sw).toBe('6982');
  });

  it('a wrong VERIFY drops what the same key had opened', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('text'));
    send(card, selectEf(0x0011));
    send(card, verifyWith('4826'));
    expect(send(card, verifyWith('9999')).sw).toBe('63C2');
    expect(send(card, '00 B0 81 00 11').sw).toBe('6982');
  });
});

describe('TEXT AP records', () => {
  it('holds the My Number as FF 10 0C + 12 digits + FF FF, behind the PIN or 照合番号A', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('text'));
    send(card, selectEf(0x0014));
    expect(send(card, verifyWith(issued.myNumber)).sw).toBe('9000');
    const record = send(card, '00 B0 81 00 11');
    expect(record.data).toEqual(
      Buffer.concat([hex('FF 10 0C'), Buffer.from(issued.myNumber, 'ascii'), hex('FF FF')]),
    );
    // 照合番号A does not open the 基本4情報.
    expect(send(card, '00 B0 82 00 00').sw).toBe('6982');
  });

  it('holds the 基本4情報 as FF 20 with DF21 offsets pointing at DF22..DF25, behind 照合番号B', async () => {
    const card = await fixtureCard(issued);
    const b = collationNumberB({
      birthDate: { year: 1980, month: 2, day: 17 },
      nationality: 'japanese',
      expiryYear: 2035,
      securityCode: '2285',
    });
    if (!b.ok) throw new Error('fixture');
    send(card, selectAp('text'));
    send(card, selectEf(0x0015));
    expect(send(card, verifyWith(b.value)).sw).toBe('9000');
    expect(send(card, '00 B0 81 00 11').sw).toBe('6982');
    const file = send(card, '00 B0 82 00 00').data;
    expect(file.subarray(0, 2)).toEqual(hex('FF 20'));
    expect(file.subarray(3, 6)).toEqual(hex('DF 21 08'));
    const tags = [0, 1, 2, 3].map((i) => file.readUInt16BE(file.readUInt16BE(6 + 2 * i)));
    expect(tags).toEqual([0xdf22, 0xdf23, 0xdf24, 0xdf25]);
    const at = (i: number): Buffer => {
      const offset = file.readUInt16BE(6 + 2 * i);
      return file.subarray(offset + 3, offset + 3 + (file[offset + 2] ?? 0));
    };
    expect(at(0).toString('utf8')).toBe(issued.name);
    expect(at(1).toString('utf8')).toBe(issued.address);
    expect(at(2).toString('ascii')).toBe('19800217');
    expect(at(3).toString('ascii')).toBe('2');
  });
});

describe('VISUAL AP', () => {
  it('gives the card face with the face photo after 照合番号B, and not before', async () => {
    const face = Buffer.from('ff4fff51 synthetic photo bytes').toString('base64');
    const card = await fixtureCard({ ...issued, faceImage: face });
    send(card, selectAp('visual'));
    send(card, selectEf(0x0002));
    expect(send(card, '00 B0 00 00 05').sw).toBe('6982');
    send(card, selectEf(0x0012));
    expect(send(card, verifyWith('55021720359999')).sw).toBe('63C9');
    expect(send(card, verifyWith('55021720352285')).sw).toBe('9000');
    send(card, selectEf(0x0002));
    const file = send(card, '00 B0 00 00 00 00 00').data;
    expect(file.subarray(0, 3)).toEqual(hex('FF 20 82'));
    const photo = Buffer.from(face, 'base64');
    expect(file.includes(Buffer.concat([hex('DF 27'), Buffer.of(photo.length), photo]))).toBe(true);
    // 照合番号B does not open the My Number image (EF 0005); 照合番号A does.
    send(card, selectEf(0x0005));
    expect(send(card, '00 B0 00 00 04').sw).toBe('6982');
    send(card, selectEf(0x0013));
    send(card, verifyWith(issued.myNumber));
    send(card, selectEf(0x0005));
    expect(send(card, '00 B0 00 00 04').sw).toBe('9000');
  });

  it('opens the birth-date record with the 6-digit era birth date only', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('visual'));
    send(card, selectEf(0x0011));
    expect(send(card, verifyWith('800217')).sw).toBe('63C9');
    expect(send(card, verifyWith('550217')).sw).toBe('9000');
    const record = send(card, '00 B0 81 00 00');
    expect(record.sw).toBe('9000');
    expect(record.data.subarray(0, 2)).toEqual(hex('FF 10'));
    expect(record.data.includes(Buffer.concat([hex('DF 11 08'), Buffer.from('19800217')]))).toBe(
      true,
    );
    expect(send(card, '00 B0 82 00 01').sw).toBe('6982');
  });
});

describe('COMPUTE DIGITAL SIGNATURE', () => {
  it('signs a DigestInfo with the auth key after the auth PIN; the certificate verifies it', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('jpki'));
    send(card, selectEf(0x000a));
    const certificate = readCertificate(card);
    const publicKey = new X509Certificate(certificate).publicKey;

    send(card, selectEf(0x0017));
    expect(send(card, signApdu(sha256DigestInfo('challenge'))).sw).toBe('6982');
    send(card, selectEf(0x0018));
    send(card, verifyWith('4826'));
    send(card, selectEf(0x0017));
    const signed = send(card, signApdu(sha256DigestInfo('challenge')));
    expect(signed.sw).toBe('9000');
    expect(signed.data.length).toBe(256);
    expect(verify('sha256', Buffer.from('challenge'), publicKey, signed.data)).toBe(true);
    // PKCS#1 v1.5 type 01 over exactly the bytes sent (reference §5.8).
    expect(publicDecrypt(publicKey, signed.data)).toEqual(sha256DigestInfo('challenge'));
    // The same key addressed by SFI (P2 = 97) gives the same signature.
    expect(send(card, signApdu(sha256DigestInfo('challenge'), 0x97)).data).toEqual(signed.data);
  });

  it('the sign key needs the signature password, not the auth PIN', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('jpki'));
    send(card, `00 20 00 98 04 ${ascii('4826')}`);
    expect(send(card, signApdu(sha256DigestInfo('x'), 0x9a)).sw).toBe('6982');
    send(card, `00 20 00 9B 08 ${ascii('TEST2026')}`);
    expect(send(card, signApdu(sha256DigestInfo('x'), 0x9a)).sw).toBe('9000');
  });

  it('a forged card (key not the certified one) gives a signature its certificate does not verify', async () => {
    const card = await fixtureCard(forged);
    send(card, selectAp('jpki'));
    send(card, selectEf(0x000a));
    const publicKey = new X509Certificate(readCertificate(card)).publicKey;
    send(card, `00 20 00 98 04 ${ascii('4826')}`);
    const signed = send(card, signApdu(sha256DigestInfo('challenge'), 0x97));
    expect(signed.sw).toBe('9000');
    expect(verify('sha256', Buffer.from('challenge'), publicKey, signed.data)).toBe(false);
  });

  it('refuses an input that does not fit one RSA-2048 block, and a non-key file', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('jpki'));
    send(card, `00 20 00 98 04 ${ascii('4826')}`);
    expect(send(card, signApdu(Buffer.alloc(246, 1), 0x97)).sw).toBe('6700');
    send(card, selectEf(0x000a));
    expect(send(card, signApdu(sha256DigestInfo('x'))).sw).toBe('6985');
    expect(send(card, '80 2A 01 97 01 00 00').sw).toBe('6A86');
  });
});

describe('a card from an unknown CA', () => {
  it('carries the test root names, but its certificate does not verify under the test root', async () => {
    const card = await fixtureCard(unknownCa);
    const jpki = await fixtureJpki();
    send(card, selectAp('jpki'));
    send(card, selectEf(0x000a));
    const certificate = new x509.X509Certificate(readCertificate(card));
    expect(certificate.issuer).toBe(jpki.authRoot.subject);
    expect(
      await certificate.verify({ publicKey: jpki.authRoot.publicKey, signatureOnly: true }),
    ).toBe(false);
    // The card's own CA certificate matches it: reading it from the card proves nothing.
    send(card, selectEf(0x000b));
    const onCard = new x509.X509Certificate(readCertificate(card));
    expect(await certificate.verify({ publicKey: onCard.publicKey, signatureOnly: true })).toBe(
      true,
    );
  });
});

describe('issuance profile', () => {
  const init = () => parseManagementSecret(fresh.issuance.initializationSecret);
  const resetKey = () => parseManagementSecret(fresh.issuance.resetSecret);
  const bytes = (text: string) => Uint8Array.from(Buffer.from(text, 'ascii'));

  it('a new card has no secret set: VERIFY answers 6A88, and nothing behind a PIN opens', async () => {
    const card = await fixtureCard(fresh);
    for (const [secret, location] of Object.entries(SECRET_LOCATIONS)) {
      expect(send(card, selectApplication(location)).sw, secret).toBe('9000');
      expect(send(card, secretStatusCommand(secret as keyof typeof SECRET_LOCATIONS)).sw).toBe(
        '6A88',
      );
    }
    send(card, selectAp('jpki'));
    expect(send(card, `00 20 00 98 04 ${ascii('0000')}`).sw).toBe('6A88');
  });

  it('sets all four secrets with the initialization secret; then they verify and cannot be set again', async () => {
    const card = await fixtureCard(fresh);
    const values = {
      'signature-password': 'NEWPASS9',
      'user-authentication-pin': '3817',
      'card-info-input-pin': '5093',
      'resident-registry-pin': '7264',
    } as const;
    for (const [secret, value] of Object.entries(values) as [keyof typeof values, string][]) {
      send(card, selectApplication(SECRET_LOCATIONS[secret]));
      expect(send(card, setSecretCommand(secret, init(), bytes(value))).sw, secret).toBe('9000');
      expect(send(card, secretStatusCommand(secret)).sw).toBe(
        secret === 'signature-password' ? '63C5' : '63C3',
      );
      const ief = SECRET_LOCATIONS[secret].ief;
      expect(
        send(card, Uint8Array.from([0, 0x20, 0, 0x80 | ief, value.length, ...bytes(value)])).sw,
      ).toBe('9000');
      expect(send(card, setSecretCommand(secret, init(), bytes(value))).sw).toBe('6985');
    }
    expect(Object.values(card.secretStatus()).every((status) => status.set)).toBe(true);
  });

  it('a wrong initialization secret costs a try (63Cx); a malformed new value costs none (6A80)', async () => {
    const card = await fixtureCard(fresh);
    send(card, selectApplication(SECRET_LOCATIONS['user-authentication-pin']));
    const wrong = new Uint8Array(16).fill(7);
    expect(send(card, setSecretCommand('user-authentication-pin', wrong, bytes('3817'))).sw).toBe(
      '63C9',
    );
    expect(send(card, setSecretCommand('user-authentication-pin', init(), bytes('38171'))).sw).toBe(
      '6A80',
    );
    expect(send(card, setSecretCommand('user-authentication-pin', init(), bytes('38A7'))).sw).toBe(
      '6A80',
    );
    send(card, selectApplication(SECRET_LOCATIONS['signature-password']));
    expect(send(card, setSecretCommand('signature-password', init(), bytes('abc123'))).sw).toBe(
      '6A80',
    );
    expect(send(card, setSecretCommand('signature-password', init(), bytes('ABCDEFG'))).sw).toBe(
      '6A80',
    );
    expect(send(card, setSecretCommand('signature-password', wrong, bytes('ABC123'))).sw).toBe(
      '63C8',
    );
    expect(send(card, setSecretCommand('signature-password', init(), bytes('ABC123'))).sw).toBe(
      '9000',
    );
  });

  it('resets a blocked PIN with the reset secret, not with the initialization secret', async () => {
    const card = await fixtureCard({ ...blocked, issuance: fresh.issuance });
    send(card, selectApplication(SECRET_LOCATIONS['user-authentication-pin']));
    expect(send(card, secretStatusCommand('user-authentication-pin')).sw).toBe('63C0');
    expect(
      send(card, resetSecretCommand('user-authentication-pin', init(), bytes('3817'))).sw,
    ).toBe('63C9');
    expect(
      send(card, resetSecretCommand('user-authentication-pin', resetKey(), bytes('3817'))).sw,
    ).toBe('9000');
    expect(send(card, secretStatusCommand('user-authentication-pin')).sw).toBe('63C3');
    expect(send(card, `00 20 00 98 04 ${ascii('4826')}`).sw).toBe('63C2');
    expect(send(card, `00 20 00 98 04 ${ascii('3817')}`).sw).toBe('9000');
  });

  it('a management secret tried wrong ten times is blocked (6984) and refuses even the right one', async () => {
    const card = await fixtureCard({ ...blocked, issuance: fresh.issuance });
    send(card, selectApplication(SECRET_LOCATIONS['user-authentication-pin']));
    const wrong = new Uint8Array(16);
    for (let left = 9; left >= 0; left -= 1) {
      expect(
        send(card, resetSecretCommand('user-authentication-pin', wrong, bytes('3817'))).sw,
      ).toBe(`63C${left.toString(16).toUpperCase()}`);
    }
    expect(
      send(card, resetSecretCommand('user-authentication-pin', resetKey(), bytes('3817'))).sw,
    ).toBe('6984');
  });

  it('lets the holder change a PIN after verifying it (00 24 01 80)', async () => {
    const card = await fixtureCard(issued);
    send(card, selectAp('text'));
    send(card, selectEf(0x0011));
    expect(send(card, `00 24 01 80 04 ${ascii('6150')}`).sw).toBe('6982');
    send(card, verifyWith('4826'));
    expect(send(card, `00 24 01 80 04 ${ascii('6150')}`).sw).toBe('9000');
    expect(send(card, verifyWith('4826')).sw).toBe('63C2');
    expect(send(card, verifyWith('6150')).sw).toBe('9000');
  });
});

describe('malformed commands', () => {
  it('answers each with the ISO status word for what is wrong', async () => {
    const card = await fixtureCard(issued);
    expect(send(card, '01 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01').sw).toBe('6881');
    expect(send(card, '0C A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01').sw).toBe('6882');
    expect(send(card, '0C B0 00 00 04').sw).toBe('69FC');
    expect(send(card, '10 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01').sw).toBe('6884');
    expect(send(card, 'FF CA 00 00 00').sw).toBe('6E00');
    expect(send(card, '00 FE 00 00').sw).toBe('6D00');
    expect(send(card, '80 B0 00 00 04').sw).toBe('6D00');
    expect(send(card, '00 A4').sw).toBe('6700');
    expect(send(card, '00 A4 04 0C 0A D3 92').sw).toBe('6700');
    expect(send(card, '00 A4 04 0C 00 00').sw).toBe('6700');
    expect(send(card, '00 A4 08 0C 02 00 01').sw).toBe('6A86');
    expect(send(card, '00 84 00 00 08').data.length).toBe(8);
    expect(send(card, '00 CA 5F 51 00').data).toEqual(Buffer.from(card.atr.subarray(1)));
  });

  it('never throws and always ends with a status word, whatever the bytes', async () => {
    const card = await fixtureCard(issued);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (bytes) => {
        const out = card.process(bytes);
        expect(out.length).toBeGreaterThanOrEqual(2);
        expect(Buffer.from(out.subarray(-2)).toString('hex')).not.toBe('6f00');
      }),
      { numRuns: 2000 },
    );
  });

  it('survives any sequence of well-formed commands to its files and keys', async () => {
    const card = await fixtureCard(issued);
    const command = fc.oneof(
      fc.constantFrom(...Object.keys(AIDS)).map((name) => hex(selectAp(name as keyof typeof AIDS))),
      fc.integer({ min: 0, max: 0x1f }).map((fid) => hex(selectEf(fid))),
      fc
        .tuple(
          fc.integer({ min: 0, max: 0xff }),
          fc.integer({ min: 0, max: 0xff }),
          fc.integer({ min: 0, max: 0xff }),
        )
        .map(([p1, p2, le]) => Uint8Array.of(0, 0xb0, p1, p2, le)),
      fc
        .tuple(fc.integer({ min: 0, max: 0xff }), fc.uint8Array({ minLength: 0, maxLength: 40 }))
        .map(([p2, data]) =>
          Uint8Array.from([0, 0x20, 0, p2, ...(data.length ? [data.length, ...data] : [])]),
        ),
      fc
        .tuple(fc.integer({ min: 0, max: 0xff }), fc.uint8Array({ minLength: 1, maxLength: 250 }))
        .map(([p2, data]) => Uint8Array.from([0x80, 0x2a, 0, p2, data.length, ...data, 0])),
      fc
        .tuple(
          fc.constantFrom(0x24, 0x2c),
          fc.integer({ min: 0, max: 2 }),
          fc.integer({ min: 0x80, max: 0x9f }),
          fc.uint8Array({ minLength: 1, maxLength: 40 }),
        )
        .map(([ins, p1, p2, data]) => Uint8Array.from([0, ins, p1, p2, data.length, ...data])),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
        card.reset();
        for (const apdu of commands) {
          const sw = Buffer.from(card.process(apdu).subarray(-2)).toString('hex');
          expect(sw).not.toBe('6f00');
          expect(sw).toMatch(/^(90|61|62|63|67|68|69|6a|6b|6d|6e)/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
