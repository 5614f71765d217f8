// The records of the TEXT and VISUAL applications, parsed strictly: the outer tag, every
// inner tag, every length, the offset table, the character encoding and the value formats are
// checked. A record that fails any check is CARD_DATA_INVALID: showing a clerk a wrong name or
// number is worse than showing nothing. Layouts: reference mynumber-card-protocol.md §5.2-§5.4.

import { isValidCivilDate, parseIsoDate, type CivilDate } from '../../../domain/japanese-era';
import { myNumberProblem } from '../../../domain/my-number';
import { invalid, readChildren, readTlv, valueOf, type Tlv } from './tlv';

const MY_NUMBER_TAG = 0xff10;
const RECORD_TAG = 0xff20;
const OFFSETS_TAG = 0xdf21;

/** TEXT AP EF 0001: FF 10 0C + 12 ASCII digits (+ FF FF filler). */
export function parseMyNumberRecord(file: Uint8Array): string {
  const record = readTlv(file, 0);
  if (record.tag !== MY_NUMBER_TAG) throw invalid(`My Number record has tag ${tagText(record)}`);
  const digits = ascii(valueOf(file, record), 'My Number');
  if (digits.length !== 12) throw invalid(`My Number record holds ${digits.length} characters`);
  const problem = myNumberProblem(digits);
  if (problem) throw invalid(`My Number record fails its check (${problem})`);
  return digits;
}

export type CardSex = 'male' | 'female' | 'not-applicable' | 'unknown';

/** JIS X 0303 / ISO 5218 codes as the card writes them. */
const SEXES: Readonly<Record<string, CardSex>> = {
  '0': 'unknown',
  '1': 'male',
  '2': 'female',
  '9': 'not-applicable',
};

export interface BasicFour {
  /** 氏名 as on the card: family and given name separated by U+3000. */
  readonly name: string;
  /** 住所 with full-width digits and dashes, as printed. */
  readonly address: string;
  readonly birthDate: CivilDate;
  readonly sex: CardSex;
}

/** TEXT AP EF 0002: FF 20 { DF21 offsets, DF22 name, DF23 address, DF24 birth date, DF25 sex }. */
export function parseBasicFour(file: Uint8Array): BasicFour {
  const fields = recordFields(file, [0xdf22, 0xdf23, 0xdf24, 0xdf25], 'basic information');
  return {
    name: utf8(fields.get(0xdf22), 'name'),
    address: utf8(fields.get(0xdf23), 'address'),
    birthDate: date(fields.get(0xdf24), 'birth date'),
    sex: sex(fields.get(0xdf25)),
  };
}

export interface CardFace {
  readonly birthDate: CivilDate;
  readonly sex: CardSex;
  /** The face photo as stored: JPEG 2000 (JP2 container or bare codestream). */
  readonly photo: Uint8Array;
  readonly photoFormat: 'jp2' | 'j2k' | 'unknown';
  /** Images of the printed name and address (PNG). */
  readonly nameImage: Uint8Array;
  readonly addressImage: Uint8Array;
  readonly expiry: CivilDate;
}

/** VISUAL AP EF 0002: FF 20 { DF21 offsets, DF22 birth .. DF2A security-code image }. */
export function parseCardFace(file: Uint8Array): CardFace {
  const tags = [0xdf22, 0xdf23, 0xdf24, 0xdf25, 0xdf26, 0xdf27, 0xdf28, 0xdf29, 0xdf2a];
  const fields = recordFields(file, tags, 'card face');
  const photo = Uint8Array.from(required(fields.get(0xdf27), 'photo'));
  if (photo.length === 0) throw invalid('card face record has an empty photo');
  return {
    birthDate: date(fields.get(0xdf22), 'birth date'),
    sex: sex(fields.get(0xdf23)),
    photo,
    photoFormat: imageFormat(photo),
    nameImage: Uint8Array.from(required(fields.get(0xdf25), 'name image')),
    addressImage: Uint8Array.from(required(fields.get(0xdf26), 'address image')),
    expiry: date(fields.get(0xdf29), 'expiry'),
  };
}

/**
 * The children of an FF 20 record, keyed by tag. Requires the DF21 offset table first, each
 * wanted tag exactly once, and each offset in the table to point at its object (the table is
 * how other readers find the fields; if it disagrees with the objects the record is corrupt).
 */
function recordFields(
  file: Uint8Array,
  wanted: readonly number[],
  what: string,
): Map<number, Uint8Array> {
  const record = readTlv(file, 0);
  if (record.tag !== RECORD_TAG) throw invalid(`${what} record has tag ${tagText(record)}`);
  const children = readChildren(file, record.valueStart, record.end);
  const [table, ...rest] = children;
  if (!table || table.tag !== OFFSETS_TAG) throw invalid(`${what} record lacks its offset table`);
  const offsets = valueOf(file, table);
  const fields = new Map<number, Uint8Array>();
  const starts = new Map<number, number>();
  for (const child of rest) {
    if (!wanted.includes(child.tag)) continue; // room for objects later cards may add
    if (fields.has(child.tag)) throw invalid(`${what} record repeats tag ${tagText(child)}`);
    fields.set(child.tag, valueOf(file, child));
    starts.set(child.tag, child.start);
  }
  for (const tag of wanted) {
    if (!fields.has(tag))
      throw invalid(`${what} record lacks tag ${tag.toString(16).toUpperCase()}`);
  }
  // One 2-byte offset per object the table covers; the table may cover fewer than we want.
  if (offsets.length % 2 !== 0) throw invalid(`${what} offset table has an odd length`);
  for (let i = 0; i < offsets.length / 2 && i < wanted.length; i += 1) {
    const offset = ((offsets[2 * i] as number) << 8) | (offsets[2 * i + 1] as number);
    if (starts.get(wanted[i] as number) !== offset) {
      throw invalid(`${what} offset table disagrees with the record (entry ${i + 1})`);
    }
  }
  return fields;
}

function required(value: Uint8Array | undefined, what: string): Uint8Array {
  if (value === undefined) throw invalid(`${what} missing`);
  return value;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function utf8(value: Uint8Array | undefined, what: string): string {
  let text: string;
  try {
    text = strictUtf8.decode(required(value, what));
  } catch {
    throw invalid(`${what} is not valid UTF-8`);
  }
  // Control characters (C0, DEL, C1) have no place in a printed name or address.
  if (text.trim().length === 0 || /\p{Cc}/u.test(text))
    throw invalid(`${what} is empty or has control characters`);
  return text;
}

function ascii(value: Uint8Array, what: string): string {
  for (const byte of value) {
    if (byte < 0x20 || byte > 0x7e) throw invalid(`${what} is not printable ASCII`);
  }
  return String.fromCharCode(...value);
}

/** YYYYMMDD, Gregorian, a real date. */
function date(value: Uint8Array | undefined, what: string): CivilDate {
  const text = ascii(required(value, what), what);
  const parsed = /^[0-9]{8}$/.test(text)
    ? parseIsoDate(`${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`)
    : null;
  if (!parsed || !isValidCivilDate(parsed)) throw invalid(`${what} is not a YYYYMMDD date`);
  return parsed;
}

function sex(value: Uint8Array | undefined): CardSex {
  const text = ascii(required(value, 'sex'), 'sex');
  const parsed = Object.hasOwn(SEXES, text) ? SEXES[text] : undefined;
  if (!parsed) throw invalid('sex is not one of the codes 0, 1, 2, 9');
  return parsed;
}

const JP2_SIGNATURE = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];

function imageFormat(photo: Uint8Array): CardFace['photoFormat'] {
  if (JP2_SIGNATURE.every((byte, i) => photo[i] === byte)) return 'jp2';
  if (photo[0] === 0xff && photo[1] === 0x4f && photo[2] === 0xff && photo[3] === 0x51)
    return 'j2k';
  return 'unknown';
}

function tagText(tlv: Tlv): string {
  return tlv.tag.toString(16).toUpperCase();
}
