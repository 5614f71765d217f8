import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COLLATION_NUMBER_MESSAGES,
  ERAS,
  birthDateKey,
  collationNumberB,
  compareCivilDates,
  formatJapaneseDate,
  fromJapaneseEra,
  isValidCivilDate,
  parseIsoDate,
  toIsoDate,
  toJapaneseEra,
} from './japanese-era';
import { day, civilDates } from './testing';

describe('calendar dates', () => {
  it('knows which days exist, exactly as the Gregorian calendar does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, dayOfMonth) => {
          const utc = new Date(0);
          utc.setUTCFullYear(year, month - 1, dayOfMonth);
          const exists =
            utc.getUTCFullYear() === year &&
            utc.getUTCMonth() === month - 1 &&
            utc.getUTCDate() === dayOfMonth;
          expect(isValidCivilDate({ year, month, day: dayOfMonth })).toBe(exists);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('reads back every date it writes as YYYY-MM-DD', () => {
    fc.assert(
      fc.property(civilDates('0001-01-01', '9999-12-31'), (date) => {
        expect(toIsoDate(date)).toMatch(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/);
        expect(parseIsoDate(toIsoDate(date))).toEqual(date);
      }),
    );
  });

  it.each([
    '2026-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-2-1',
    '20260201',
    ' 2026-02-01',
    '2026-02-01T00:00',
    '２０２６-０２-０１',
    '',
  ])('does not take %j as a date', (text) => {
    expect(parseIsoDate(text)).toBeNull();
  });

  it('accepts 29 February only in leap years', () => {
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseIsoDate('2000-02-29')).not.toBeNull();
    expect(parseIsoDate('1900-02-29')).toBeNull();
  });

  it('orders dates as the calendar does', () => {
    fc.assert(
      fc.property(
        civilDates('1800-01-01', '2200-12-31'),
        civilDates('1800-01-01', '2200-12-31'),
        (a, b) => {
          expect(Math.sign(compareCivilDates(a, b))).toBe(
            Math.sign(toIsoDate(a).localeCompare(toIsoDate(b))),
          );
        },
      ),
    );
  });
});

describe('Japanese eras', () => {
  it.each([
    ['1868-01-25', 'meiji', 1],
    ['1912-07-29', 'meiji', 45],
    ['1912-07-30', 'taisho', 1],
    ['1926-12-24', 'taisho', 15],
    ['1926-12-25', 'showa', 1],
    ['1980-02-17', 'showa', 55],
    ['1989-01-07', 'showa', 64],
    ['1989-01-08', 'heisei', 1],
    ['2019-04-30', 'heisei', 31],
    ['2019-05-01', 'reiwa', 1],
    ['2026-11-21', 'reiwa', 8],
  ])('%s is %s %i', (iso, era, year) => {
    const result = toJapaneseEra(day(iso));
    expect(result).toMatchObject({ era, year, month: day(iso).month, day: day(iso).day });
    expect(result.eraName).toEqual(ERAS.find((candidate) => candidate.key === era)?.name);
  });

  it('has no era before Meiji (1868-01-25) and says so instead of guessing', () => {
    expect(() => toJapaneseEra(day('1868-01-24'))).toThrow(RangeError);
  });

  it('refuses a day that does not exist', () => {
    expect(() => toJapaneseEra({ year: 2023, month: 2, day: 29 })).toThrow(RangeError);
  });

  it('changes the era year only on 1 January or on the first day of a new era', () => {
    fc.assert(
      fc.property(civilDates('1868-01-25', '2200-12-30'), (date) => {
        const next = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
        const tomorrow = {
          year: next.getUTCFullYear(),
          month: next.getUTCMonth() + 1,
          day: next.getUTCDate(),
        };
        const [today, then] = [toJapaneseEra(date), toJapaneseEra(tomorrow)];
        if (then.era !== today.era) {
          expect(ERAS.find((era) => era.key === then.era)?.start).toEqual(tomorrow);
          expect(then.year).toBe(1);
        } else if (then.year !== today.year) {
          expect(tomorrow).toMatchObject({ month: 1, day: 1 });
          expect(then.year).toBe(today.year + 1);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('gets back the same day from its era form', () => {
    fc.assert(
      fc.property(civilDates('1868-01-25', '2200-12-31'), (date) => {
        const era = toJapaneseEra(date);
        expect(fromJapaneseEra(era.era, era.year, era.month, era.day)).toEqual(date);
      }),
    );
  });

  it.each([
    ['showa', 64, 1, 8, 'the day 平成 began'],
    ['heisei', 31, 5, 1, 'the day 令和 began'],
    ['reiwa', 1, 4, 30, 'the last day of 平成'],
    ['taisho', 16, 1, 1, 'a year 大正 never reached'],
    ['meiji', 1, 1, 24, 'the day before 明治'],
    ['heisei', 0, 6, 1, 'year 0'],
    ['heisei', 2, 2, 30, 'a day that does not exist'],
  ] as const)('refuses %s %i-%i-%i, %s', (era, year, month, dayOfMonth, _why) => {
    expect(fromJapaneseEra(era, year, month, dayOfMonth)).toBeNull();
  });

  it('reads 昭和64年1月7日 as the last day of 昭和', () => {
    expect(fromJapaneseEra('showa', 64, 1, 7)).toEqual(day('1989-01-07'));
  });
});

describe('dates as the clerk reads them out', () => {
  it.each([
    ['2026-11-21', 'ja', '令和8年11月21日'],
    ['2026-11-21', 'en', '2026-11-21 (Reiwa 8)'],
    ['2019-05-01', 'ja', '令和元年5月1日'],
    ['2019-05-01', 'en', '2019-05-01 (Reiwa 1)'],
    ['1989-01-07', 'ja', '昭和64年1月7日'],
    ['1989-01-08', 'ja', '平成元年1月8日'],
    ['1980-02-17', 'en', '1980-02-17 (Showa 55)'],
    ['1912-07-30', 'ja', '大正元年7月30日'],
  ] as const)('%s in %s is %s', (iso, language, text) => {
    expect(formatJapaneseDate(day(iso), language)).toBe(text);
  });
});

describe('照合番号B and the birth-date key', () => {
  const confirmed = {
    birthDate: day('1980-02-17'),
    nationality: 'japanese',
    expiryYear: 2035,
    securityCode: '2285',
  } as const;

  it('builds the number confirmed on a real card: 昭和55年2月17日, expiry 2035, code 2285', () => {
    expect(collationNumberB(confirmed)).toEqual({ ok: true, value: '55021720352285' });
  });

  it('uses the era year printed on a Japanese national’s card, not the Western year that locks it', () => {
    const result = collationNumberB(confirmed);
    expect(result.ok && result.value.startsWith('80')).toBe(false);
  });

  it('uses the Western year printed on a foreign resident’s card', () => {
    expect(collationNumberB({ ...confirmed, nationality: 'foreign' })).toEqual({
      ok: true,
      value: '80021720352285',
    });
  });

  it.each([
    ['1989-01-07', '640107'],
    ['1989-01-08', '010108'],
    ['2019-04-30', '310430'],
    ['2019-05-01', '010501'],
    ['1912-07-29', '450729'],
  ])('a Japanese national born %s has the birth-date key %s', (iso, key) => {
    expect(birthDateKey(day(iso), 'japanese')).toEqual({ ok: true, value: key });
  });

  it('is always 14 digits: the birth-date key, the expiry year, the security code', () => {
    fc.assert(
      fc.property(
        civilDates('1868-01-25', '2030-12-31'),
        fc.constantFrom('japanese', 'foreign') as fc.Arbitrary<'japanese' | 'foreign'>,
        fc.integer({ min: 2031, max: 2050 }),
        fc.stringMatching(/^[0-9]{4}$/),
        (birthDate, nationality, expiryYear, securityCode) => {
          const result = collationNumberB({ birthDate, nationality, expiryYear, securityCode });
          const key = birthDateKey(birthDate, nationality);
          expect(key.ok).toBe(true);
          expect(result).toEqual({
            ok: true,
            value: `${key.ok ? key.value : ''}${expiryYear}${securityCode}`,
          });
          if (result.ok) expect(result.value).toMatch(/^[0-9]{14}$/);
        },
      ),
    );
  });

  it.each([
    ['a 3-digit security code', { securityCode: '228' }, ['security-code-not-4-digits']],
    ['a full-width security code', { securityCode: '２２８５' }, ['security-code-not-4-digits']],
    ['a 2-digit expiry year', { expiryYear: 35 }, ['expiry-year-invalid']],
    ['an expiry year before any card existed', { expiryYear: 2015 }, ['expiry-year-invalid']],
    ['a fractional expiry year', { expiryYear: 2035.5 }, ['expiry-year-invalid']],
    [
      'an expiry year not after the birth year',
      { birthDate: day('2020-06-01'), expiryYear: 2020 },
      ['expiry-before-birth'],
    ],
    [
      'a date of birth that does not exist',
      { birthDate: { year: 1980, month: 2, day: 30 } },
      ['invalid-birth-date'],
    ],
    [
      'a Japanese national born before Meiji',
      { birthDate: day('1868-01-24') },
      ['birth-date-out-of-range'],
    ],
    [
      'three mistakes at once',
      { birthDate: { year: 1980, month: 13, day: 1 }, expiryYear: 0, securityCode: '' },
      ['invalid-birth-date', 'expiry-year-invalid', 'security-code-not-4-digits'],
    ],
  ] as const)('tells the clerk about %s before any try is spent', (_, change, problems) => {
    expect(collationNumberB({ ...confirmed, ...change })).toEqual({ ok: false, problems });
  });

  it('has a sentence in Japanese and in English for every problem', () => {
    for (const [code, text] of Object.entries(COLLATION_NUMBER_MESSAGES)) {
      expect(text.ja, code).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(text.en, code).toMatch(/^[A-Z].*\.$/);
    }
  });
});
