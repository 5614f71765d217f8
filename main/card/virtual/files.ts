// The contents of the virtual card's files, built once from the profile and the JPKI
// credentials. Layouts: shared/reference/mynumber-card-protocol.md §2 (which file is where)
// and §5 (what is in it). Where the reference marks a size or a byte as UNKNOWN, the choice
// here is ours and says so.

import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { ascii, concat, fill, tlv, utf8 } from './tlv';
import type { CardProfile } from './profile';
import type { CardCredentials } from './test-jpki';

const SEX_DIGIT = { male: '1', female: '2', 'not-applicable': '9' } as const;

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

function rsaSign(key: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, key));
}

function compactDate(iso: string): string {
  return iso.replaceAll('-', '');
}

/** `90` exponent, `91` modulus: how the 券面 APs write an RSA public key (reference §5.4). */
function cardPublicKey(key: KeyObject): Uint8Array {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  const n = Buffer.from(jwk.n ?? '', 'base64url');
  const e = Buffer.from(jwk.e ?? '', 'base64url');
  return concat([tlv(0x90, e), tlv(0x91, n)]);
}

/**
 * Pads a TLV object with filler, as the card's EFs are larger than their contents
 * (reference §5.1). The real EF sizes are UNKNOWN; ours round up to a multiple of 32 bytes
 * with at least 2 filler bytes, so a client that trusts the EF size instead of the TLV
 * header reads filler and must notice.
 */
function withFiller(object: Uint8Array, byte = 0xff): Uint8Array {
  const size = Math.ceil((object.length + 2) / 32) * 32;
  return concat([object, fill(size - object.length, byte)]);
}

/**
 * A constructed object whose first child (`offsetTag`) lists the file positions of the
 * children after it, 2 bytes big-endian each (reference §5.3: TEXT AP EF 0002 DF21).
 */
function withOffsetTable(outerTag: number, offsetTag: number, children: Uint8Array[]): Uint8Array {
  const tableLength = 2 * children.length;
  const bodyLength = 3 + tableLength + children.reduce((sum, child) => sum + child.length, 0);
  const headerLength = tlv(outerTag, new Uint8Array(bodyLength)).length - bodyLength;
  const offsets = new Uint8Array(tableLength);
  let at = headerLength + 3 + tableLength;
  children.forEach((child, i) => {
    offsets[2 * i] = at >> 8;
    offsets[2 * i + 1] = at & 0xff;
    at += child.length;
  });
  return tlv(outerTag, [tlv(offsetTag, offsets), ...children]);
}

// --- Images -------------------------------------------------------------------------------

/**
 * A white 1-bit greyscale PNG (the card stores name, address and code as 1-bit PNG images,
 * reference §5.4). Ours are blank: rendering text is not the simulator's job.
 */
export function blankPng(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const body = concat([ascii(type), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, filter 0, no interlace
  const row = concat([Uint8Array.of(0), fill(Math.ceil(width / 8), 0xff)]);
  const pixels = concat(Array.from({ length: height }, () => row));
  return concat([
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * The built-in face photo when the profile has none: a JPEG 2000 file (JP2 container, as the
 * card stores it, reference §5.4) holding a 1×1 8-bit greyscale image. The boxes (ISO/IEC
 * 15444-1 Annex I) and the codestream segments (Annex A: SIZ, COD with no decomposition and
 * the reversible 5-3 filter, QCD without quantization, one tile with one empty packet, so
 * the pixel is mid-grey) are built by hand and not decoded by any test here: give the
 * profile a real photo to test how the app shows one.
 */
export function placeholderFacePhoto(): Uint8Array {
  const box = (type: string, data: Uint8Array): Uint8Array => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(8 + data.length);
    return concat([length, ascii(type), data]);
  };
  const u32 = (value: number): Uint8Array => {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(value);
    return out;
  };
  // HEIGHT, WIDTH, NC = 1, BPC = 7 (8-bit unsigned), C = 7 (JPEG 2000), UnkC, IPR.
  const ihdr = concat([u32(1), u32(1), Uint8Array.of(0, 1, 7, 7, 0, 0)]);
  const colr = Uint8Array.of(1, 0, 0, 0, 0, 0, 17); // enumerated colour space 17: greyscale
  const codestream = Buffer.from(
    [
      'ff4f', // SOC
      'ff51 0029 0000 00000001 00000001 00000000 00000000 00000001 00000001 00000000 00000000 0001 07 01 01', // SIZ
      'ff52 000c 00 00 0001 00 00 04 04 00 01', // COD
      'ff5c 0004 40 48', // QCD
      'ff90 000a 0000 0000000f 00 01', // SOT, Psot = 15
      'ff93 00', // SOD, one empty packet
      'ffd9', // EOC
    ]
      .join('')
      .replace(/\s+/g, ''),
    'hex',
  );
  return concat([
    box('jP  ', Uint8Array.of(0x0d, 0x0a, 0x87, 0x0a)),
    box('ftyp', concat([ascii('jp2 '), u32(0), ascii('jp2 ')])),
    box('jp2h', concat([box('ihdr', ihdr), box('colr', colr)])),
    box('jp2c', codestream),
  ]);
}

// --- The applications' files ------------------------------------------------------------------

/** TEXT AP EF 0001: FF 10 0C + 12 ASCII digits + FF FF, 17 bytes (reference §5.2). */
export function myNumberRecord(profile: CardProfile): Uint8Array {
  return concat([tlv(0xff10, ascii(profile.myNumber)), fill(2, 0xff)]);
}

/** TEXT AP EF 0002, the 基本4情報 (reference §5.3), unpadded. */
export function basicFourObject(profile: CardProfile): Uint8Array {
  return withOffsetTable(0xff20, 0xdf21, [
    tlv(0xdf22, utf8(profile.name)),
    tlv(0xdf23, utf8(profile.address)),
    tlv(0xdf24, ascii(compactDate(profile.birthDate))),
    tlv(0xdf25, ascii(SEX_DIGIT[profile.sex])),
  ]);
}

/** The value of an object after its tag and length. */
function valueOf(object: Uint8Array): Uint8Array {
  const lengthByte = object[2] ?? 0;
  const lengthBytes = lengthByte < 0x80 ? 1 : 1 + (lengthByte & 0x7f);
  return object.subarray(2 + lengthBytes);
}

/**
 * TEXT AP EF 0003 (reference §5.5): SHA-256 of EF 0001 (17 bytes) and of EF 0002's outer
 * value after the DF21 object, and an RSA-2048 signature over the two digest objects.
 */
function integrityRecord(myNumber: Uint8Array, basicFour: Uint8Array, key: KeyObject): Uint8Array {
  const afterOffsets = valueOf(basicFour).subarray(11); // DF21 08 + 8 bytes
  const digests = concat([tlv(0xdf31, sha256(myNumber)), tlv(0xdf32, sha256(afterOffsets))]);
  return tlv(0xff30, [digests, tlv(0xdf33, rsaSign(key, digests))]);
}

/** 16-byte key id shaped like the card's (reference §5.6: "6000024" + 2 bytes + "001"; 6 = test). */
function keyId(variant: number): Uint8Array {
  return concat([ascii('6000024'), Uint8Array.of(0x00, variant), ascii('001'), fill(4, 0x20)]);
}

/**
 * A card-verifiable certificate `7F21` { `5F4E` issuer key id + subject key id + public key,
 * `5F37` signature } (reference §5.6). The CV CA is not public: ours self-certifies the
 * record key, so only the structure is faithful.
 */
function cvCertificate(key: KeyObject, variant: number): Uint8Array {
  const body = concat([keyId(0), keyId(variant), cardPublicKey(key)]);
  return tlv(0x7f21, [tlv(0x5f4e, body), tlv(0x5f37, rsaSign(key, body))]);
}

function yyyymmdd(iso: string): Uint8Array {
  return ascii(compactDate(iso));
}

export interface CardFiles {
  readonly text: ReadonlyMap<number, Uint8Array>;
  readonly visual: ReadonlyMap<number, Uint8Array>;
  readonly jpki: ReadonlyMap<number, Uint8Array>;
  /** 共通カードAP EF 0001, record 1 (reference §2.4). */
  readonly commonRecord: Uint8Array;
}

/** Cert EFs are larger than the certificate; ours: 2 KB, or the certificate rounded up. */
function certificateEf(der: Uint8Array): Uint8Array {
  const size = Math.max(0x800, Math.ceil(der.length / 256) * 256);
  return concat([der, fill(size - der.length, 0xff)]);
}

/**
 * JPKI EF 0006: a PKCS#11 CK_TOKEN_INFO, 160 bytes, label JPKIAPICCTOKEN2 (a My Number
 * Card) space-padded (reference §2.1; 160-byte layout single source).
 */
function tokenInfo(): Uint8Array {
  const out = Buffer.alloc(160, 0);
  out.write('JPKIAPICCTOKEN2'.padEnd(32, ' '), 0, 'ascii');
  out.write('JPKI'.padEnd(32, ' '), 32, 'ascii');
  out.write('JPKI'.padEnd(16, ' '), 64, 'ascii');
  out.write('00000000'.padEnd(16, ' '), 80, 'ascii');
  return out;
}

/** A 15-digit number standing for the card in the 共通カードAP record (reference §2.4). */
function fifteenDigitSerial(serial: string): string {
  if (/^[0-9]{15}$/.test(serial)) return serial;
  const digest = createHash('sha256').update(serial).digest();
  return (digest.readBigUInt64BE(0) % 10n ** 15n).toString().padStart(15, '0');
}

export function buildCardFiles(profile: CardProfile, credentials: CardCredentials): CardFiles {
  const key = credentials.recordKey;
  const myNumber = myNumberRecord(profile);
  const basicFour = basicFourObject(profile);

  const text = new Map<number, Uint8Array>([
    [0x0001, myNumber],
    [0x0002, withFiller(basicFour)],
    [0x0003, integrityRecord(myNumber, basicFour, key)],
    [0x0004, cvCertificate(key, 1)],
    [
      0x0005,
      tlv(0xff40, [
        tlv(0xdf41, Uint8Array.of(0x01, 0x03, 0x0e, 0x01)),
        tlv(0xdf42, keyId(1)),
        tlv(0xdf43, concat([fill(32, 0x00), fill(96, 0xff)])),
      ]),
    ],
    [0x0008, fill(16, 0xff)],
  ]);

  const faceGroup = [
    tlv(0xdf22, yyyymmdd(profile.birthDate)),
    tlv(0xdf23, ascii(SEX_DIGIT[profile.sex])),
    tlv(0xdf24, cardPublicKey(key)),
  ];
  const imageGroup = [tlv(0xdf25, blankPng(256, 48)), tlv(0xdf26, blankPng(512, 96))];
  const photo = profile.faceImage
    ? new Uint8Array(Buffer.from(profile.faceImage, 'base64'))
    : placeholderFacePhoto();
  const photoObject = tlv(0xdf27, photo);
  // The signature covers SHA-256 of three groups: DF22-DF24, DF25-DF26, DF27 (reference §5.4).
  const signed = concat([
    sha256(concat(faceGroup)),
    sha256(concat(imageGroup)),
    sha256(photoObject),
  ]);
  const cardFace = withOffsetTable(0xff20, 0xdf21, [
    ...faceGroup,
    ...imageGroup,
    photoObject,
    tlv(0xdf28, rsaSign(key, signed)),
    tlv(0xdf29, yyyymmdd(profile.expiryDate)),
    tlv(0xdf2a, blankPng(64, 16)),
  ]);
  const birthContent = [tlv(0xdf11, yyyymmdd(profile.birthDate)), tlv(0xdf12, cardPublicKey(key))];
  const myNumberImage = [tlv(0xdf41, blankPng(256, 32)), tlv(0xdf42, cardPublicKey(key))];

  const visual = new Map<number, Uint8Array>([
    [
      0x0001,
      withFiller(tlv(0xff10, [...birthContent, tlv(0xdf13, rsaSign(key, concat(birthContent)))])),
    ],
    [0x0002, withFiller(cardFace)],
    [
      0x0003,
      tlv(0xff30, [
        tlv(0xdf31, Uint8Array.of(0x06, 0x03, 0x0e, 0x01)),
        tlv(0xdf32, keyId(2)),
        tlv(0xdf33, Uint8Array.of(0x01, 0x00)),
        tlv(0xdf34, ascii(profile.municipalityCode)),
        tlv(0xdf35, fill(16 + 256, 0x00)),
      ]),
    ],
    [0x0004, cvCertificate(key, 2)],
    [
      0x0005,
      withFiller(tlv(0xff40, [...myNumberImage, tlv(0xdf43, rsaSign(key, concat(myNumberImage)))])),
    ],
  ]);

  const jpki = new Map<number, Uint8Array>([
    [0x0001, certificateEf(credentials.signCertificate)],
    [0x0002, certificateEf(credentials.signCaCertificate)],
    [0x0006, tokenInfo()],
    [0x0008, Uint8Array.of(0x8f, 0x8f, 0x00)],
    [0x000a, certificateEf(credentials.authCertificate)],
    [0x000b, certificateEf(credentials.authCaCertificate)],
  ]);

  const commonRecord = concat([
    Uint8Array.of(0x01, 0x1c),
    ascii(
      `${fifteenDigitSerial(profile.cardSerial)}${profile.municipalityCode}${compactDate(profile.expiryDate)}`,
    ),
  ]);
  return { text, visual, jpki, commonRecord };
}
