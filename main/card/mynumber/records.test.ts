import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CardError } from '../errors';
import { parseBasicFour, parseCardFace, parseMyNumberRecord } from './records';
import { announcedSize, readChildren, readTlv } from './tlv';

const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/** The worked example of reference §5.3 (fictitious 山田太郎), 95 bytes. */
const BASIC_FOUR = hex(`
  FF 20 5C
  DF 21 08 00 0E 00 20 00 50 00 5B
  DF 22 0F E5 B1 B1 E7 94 B0 E3 80 80 E5 A4 AA E9 83 8E
  DF 23 2D E6 9D B1 E4 BA AC E9 83 BD E5 8D 83 E4 BB A3 E7 94 B0 E5 8C BA E9 9C 9E
           E3 81 8C E9 96 A2 EF BC 91 EF BC 8D EF BC 91 EF BC 8D EF BC 91
  DF 24 08 31 39 38 35 30 34 30 31
  DF 25 01 31`);

/** Reference §5.2: FF 10 0C + "123456789018" + FF FF filler. */
const MY_NUMBER = hex('FF 10 0C 31 32 33 34 35 36 37 38 39 30 31 38 FF FF');

function expectInvalid(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CardError);
    expect((error as CardError).code).toBe('CARD_DATA_INVALID');
    return;
  }
  throw new Error('expected CARD_DATA_INVALID, got a value');
}

/** A basic-four file built from its fields, with a correct offset table. */
function basicFourFile(fields: {
  name: Uint8Array;
  address: Uint8Array;
  birth: string;
  sex: string;
}): Uint8Array {
  const tlv = (tag: number, value: Uint8Array): Uint8Array => {
    const length =
      value.length < 0x80
        ? [value.length]
        : value.length < 0x100
          ? [0x81, value.length]
          : [0x82, value.length >> 8, value.length & 0xff];
    return Uint8Array.from([tag >> 8, tag & 0xff, ...length, ...value]);
  };
  const objects = [
    tlv(0xdf22, fields.name),
    tlv(0xdf23, fields.address),
    tlv(0xdf24, new TextEncoder().encode(fields.birth)),
    tlv(0xdf25, new TextEncoder().encode(fields.sex)),
  ];
  const inner = objects.reduce((sum, o) => sum + o.length, 0) + 11;
  const outerHeader = inner < 0x80 ? 3 : inner < 0x100 ? 4 : 5;
  const offsets: number[] = [];
  let at = outerHeader + 11;
  for (const o of objects) {
    offsets.push(at >> 8, at & 0xff);
    at += o.length;
  }
  const value = Uint8Array.from([0xdf, 0x21, 0x08, ...offsets, ...objects.flatMap((o) => [...o])]);
  return tlv(0xff20, value);
}

describe('the My Number record (TEXT AP EF 0001)', () => {
  it('reads the 12 digits and ignores the filler after them', () => {
    expect(parseMyNumberRecord(MY_NUMBER)).toBe('123456789018');
  });

  it('refuses a number whose check digit is wrong: a wrong number is never shown', () => {
    const wrong = Uint8Array.from(MY_NUMBER);
    wrong[14] = 0x39;
    expectInvalid(() => parseMyNumberRecord(wrong));
  });

  it.each([
    ['another tag', 'FF 11 0C 31 32 33 34 35 36 37 38 39 30 31 38'],
    ['11 digits', 'FF 10 0B 31 32 33 34 35 36 37 38 39 30 31'],
    ['a length past the end', 'FF 10 0D 31 32 33 34 35 36 37 38 39 30 31 38'],
    ['letters', 'FF 10 0C 31 32 33 34 35 36 37 38 39 30 31 41'],
    ['nothing', ''],
  ])('refuses a record with %s', (_, bytes) =>
    expectInvalid(() => parseMyNumberRecord(hex(bytes))),
  );
});

describe('the basic four (TEXT AP EF 0002)', () => {
  it('reads name, address, birth date and sex of the reference example', () => {
    expect(parseBasicFour(BASIC_FOUR)).toEqual({
      name: '山田\u3000太郎',
      address: '東京都千代田区霞が関１－１－１',
      birthDate: { year: 1985, month: 4, day: 1 },
      sex: 'male',
    });
  });

  it('reads a long address behind a two-byte (81 xx) outer length, and ignores the filler', () => {
    const address = new TextEncoder().encode('北海道'.repeat(40));
    const file = basicFourFile({
      name: new TextEncoder().encode('佐藤　花子'),
      address,
      birth: '20000229',
      sex: '2',
    });
    expect(file[2]).toBe(0x82);
    const withFiller = Uint8Array.from([...file, 0xff, 0xff, 0xff]);
    expect(parseBasicFour(withFiller)).toMatchObject({
      address: '北海道'.repeat(40),
      sex: 'female',
      birthDate: { year: 2000, month: 2, day: 29 },
    });
  });

  it.each([
    [
      'an offset table that points elsewhere',
      (f: Uint8Array) => {
        f[6] = 0x0f;
      },
    ],
    [
      'a birth date that is not a date',
      (f: Uint8Array) => {
        f.set([0x31, 0x33], f.length - 8);
      },
    ],
    [
      'an unknown sex code',
      (f: Uint8Array) => {
        f[f.length - 1] = 0x35;
      },
    ],
    [
      'a name that is not UTF-8',
      (f: Uint8Array) => {
        f[17] = 0xff;
      },
    ],
    [
      'an outer tag of another record',
      (f: Uint8Array) => {
        f[1] = 0x10;
      },
    ],
  ])('refuses a record with %s', (_, damage) => {
    const file = Uint8Array.from(BASIC_FOUR);
    damage(file);
    expectInvalid(() => parseBasicFour(file));
  });

  it('refuses a record missing a field', () => {
    expectInvalid(() => parseBasicFour(BASIC_FOUR.subarray(0, BASIC_FOUR.length - 4)));
  });
});

describe('TLV headers', () => {
  it('announce the size of a DER certificate file (30 82 HH LL) and of private-class records', () => {
    expect(announcedSize(hex('30 82 05 1E 30 82'))).toBe(0x51e + 4);
    expect(announcedSize(hex('FF 20 81 C0'))).toBe(0xc0 + 4);
    expect(announcedSize(hex('FF 10 0C'))).toBe(15);
  });

  it('refuse indefinite and over-long lengths', () => {
    expectInvalid(() => announcedSize(hex('30 80')));
    expectInvalid(() => announcedSize(hex('30 84 00 00 00 10')));
    expectInvalid(() => announcedSize(hex('30 83 01 00 00')));
  });
});

/** Any other exception than a CardError CARD_DATA_INVALID is a parser bug. */
function valueOrInvalid(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    return error instanceof CardError && error.code === 'CARD_DATA_INVALID';
  }
}

describe('the parsers, fed arbitrary bytes (a hostile card)', () => {
  const bytes = fc.uint8Array({ maxLength: 400 });

  it('return a value or CARD_DATA_INVALID, nothing else', () => {
    fc.assert(
      fc.property(bytes, (data) => {
        for (const parse of [parseMyNumberRecord, parseBasicFour, parseCardFace, announcedSize]) {
          if (!valueOrInvalid(() => parse(data))) return false;
        }
        return (
          valueOrInvalid(() => readChildren(data, 0, data.length)) &&
          valueOrInvalid(() => readTlv(data, 0))
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('survive any single damaged byte of a valid record, and never return another person', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: BASIC_FOUR.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (index, value) => {
          const file = Uint8Array.from(BASIC_FOUR);
          file[index] = value;
          try {
            const parsed = parseBasicFour(file);
            // A change that still parses can only be inside a text or the sex digit, which the
            // card's own signature (EF 0003) covers; structure is never misread.
            return parsed.name.length > 0 && parsed.address.length > 0;
          } catch (error) {
            return error instanceof CardError && error.code === 'CARD_DATA_INVALID';
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('read back any well-formed basic-four record exactly', () => {
    const text = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 120 })
      .filter((s) => s.trim().length > 0 && !/\p{Cc}/u.test(s));
    const sex = fc.constantFrom(
      ['1', 'male'],
      ['2', 'female'],
      ['9', 'not-applicable'],
      ['0', 'unknown'],
    );
    const day = fc.date({
      min: new Date('1900-01-01'),
      max: new Date('2099-12-31'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(text, text, day, sex, (name, address, birth, [code, parsedSex]) => {
        const iso = birth.toISOString().slice(0, 10);
        const file = basicFourFile({
          name: new TextEncoder().encode(name),
          address: new TextEncoder().encode(address),
          birth: iso.replaceAll('-', ''),
          sex: code as string,
        });
        const parsed = parseBasicFour(file);
        return (
          parsed.name === name &&
          parsed.address === address &&
          parsed.sex === parsedSex &&
          parsed.birthDate.year === Number(iso.slice(0, 4))
        );
      }),
      { numRuns: 300 },
    );
  });
});
