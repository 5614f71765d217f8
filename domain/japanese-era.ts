// Calendar dates, Japanese eras (和暦) and the card's birth-date secrets (照合番号B and the
// VISUAL AP birth-date key).
//
// Dates in domain/ are civil dates: { year, month, day } in the proleptic Gregorian calendar,
// with no time of day and no time zone. A birth date, a departure date or a deadline is a day
// on the calendar, not an instant. A JS Date is an instant, and the day read back from it
// depends on the terminal's time zone: new Date('1980-02-17') is midnight UTC, and getDate()
// gives 16 on a consular desk in Los Angeles. The same day would then have a different era
// digit string, PIN check and deadline abroad than in Tokyo, so domain/ never uses Date.
// ISO 'YYYY-MM-DD' strings are the form that crosses processes and storage; parseIsoDate and
// toIsoDate convert.

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The languages the counter speaks; the same list as the contract's Language. */
export type Language = 'ja' | 'en';

/** Sentences a clerk can read out, per stable code and language. */
export type Messages<Code extends string> = Readonly<
  Record<Code, Readonly<Record<Language, string>>>
>;

/** Either the value, or every reason it could not be produced. */
export type Checked<Value, Problem extends string> =
  | { readonly ok: true; readonly value: Value }
  | { readonly ok: false; readonly problems: readonly Problem[] };

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** A real calendar day between 0001-01-01 and 9999-12-31 (so it always has an ISO form). */
export function isValidCivilDate(date: CivilDate): boolean {
  const { year, month, day } = date;
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** 'YYYY-MM-DD' (exactly that shape, a real day) to a civil date; null for anything else. */
export function parseIsoDate(text: string): CivilDate | null {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return isValidCivilDate(date) ? date : null;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export function toIsoDate(date: CivilDate): string {
  assertValid(date);
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Negative, zero or positive as a is before, on or after b. */
export function compareCivilDates(a: CivilDate, b: CivilDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function assertValid(date: CivilDate): void {
  if (!isValidCivilDate(date)) throw new RangeError('not a calendar date');
}

// --- Eras -------------------------------------------------------------------------------

export type EraKey = 'meiji' | 'taisho' | 'showa' | 'heisei' | 'reiwa';

export interface Era {
  readonly key: EraKey;
  readonly name: Readonly<Record<Language, string>>;
  /** First day of the era; its year is 元年 (year 1). */
  readonly start: CivilDate;
}

/**
 * The eras a living applicant can be born in, oldest first. Each era starts on the day of
 * its change, which is the first day of its 元年:
 * - 明治: proclaimed on 1868-10-23 (慶応4年9月8日) with effect from 慶応4年1月1日, which is
 *   1868-01-25 in the Gregorian calendar. Japan kept the lunisolar calendar until
 *   明治5年12月2日 (1872-12-31). We map Gregorian dates throughout, so for 1868–1872 the era
 *   year is right but month and day are Gregorian, not the lunisolar ones a 戸籍 of the time
 *   records. Nobody applying for a card was born then; 明治 is here for the oldest
 *   applicants (born up to 1912-07-29).
 * - 大正: 1912-07-30 (改元の詔書: 明治45年7月30日以後を大正元年とする).
 * - 昭和: 1926-12-25 (改元の詔書, 大正15年12月25日).
 * - 平成: 1989-01-08 (元号を改める政令, 昭和64年政令第1号).
 * - 令和: 2019-05-01 (元号を改める政令, 平成31年政令第143号).
 */
export const ERAS: readonly Era[] = [
  { key: 'meiji', name: { ja: '明治', en: 'Meiji' }, start: { year: 1868, month: 1, day: 25 } },
  { key: 'taisho', name: { ja: '大正', en: 'Taisho' }, start: { year: 1912, month: 7, day: 30 } },
  { key: 'showa', name: { ja: '昭和', en: 'Showa' }, start: { year: 1926, month: 12, day: 25 } },
  { key: 'heisei', name: { ja: '平成', en: 'Heisei' }, start: { year: 1989, month: 1, day: 8 } },
  { key: 'reiwa', name: { ja: '令和', en: 'Reiwa' }, start: { year: 2019, month: 5, day: 1 } },
];

export interface JapaneseEraDate {
  readonly era: EraKey;
  readonly eraName: Readonly<Record<Language, string>>;
  /** Year of the era; 元年 is 1. */
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The era a date falls in, or null before 明治 (1868-01-25). */
function eraOf(date: CivilDate): Era | null {
  let found: Era | null = null;
  for (const era of ERAS) if (compareCivilDates(date, era.start) >= 0) found = era;
  return found;
}

/** 1980-02-17 -> 昭和55年2月17日. Throws RangeError for a non-date or a date before 明治. */
export function toJapaneseEra(date: CivilDate): JapaneseEraDate {
  assertValid(date);
  const era = eraOf(date);
  if (!era) throw new RangeError('before the Meiji era (1868-01-25)');
  return {
    era: era.key,
    eraName: era.name,
    year: date.year - era.start.year + 1,
    month: date.month,
    day: date.day,
  };
}

/**
 * 昭和55年2月17日 -> 1980-02-17, for dates written in era form (application forms, 戸籍).
 * Null when the day does not exist or is not in that era: 昭和64年1月8日 is 平成元年,
 * 令和元年4月30日 is still 平成.
 */
export function fromJapaneseEra(
  era: EraKey,
  year: number,
  month: number,
  day: number,
): CivilDate | null {
  const start = ERAS.find((candidate) => candidate.key === era)?.start;
  if (!start || !Number.isInteger(year) || year < 1) return null;
  const date = { year: start.year + year - 1, month, day };
  if (!isValidCivilDate(date)) return null;
  return eraOf(date)?.key === era ? date : null;
}

/**
 * A date as a clerk reads it out.
 * - ja: 令和8年11月21日, with 元年 for year 1 (令和元年5月1日), as official documents write it.
 * - en: 2026-11-21 (Reiwa 8). ISO first, because the desk serves people who read 11/12 as
 *   either November or December; the era after it ties the date to what the card prints.
 */
export function formatJapaneseDate(date: CivilDate, language: Language): string {
  const era = toJapaneseEra(date);
  if (language === 'ja') {
    const year = era.year === 1 ? '元' : String(era.year);
    return `${era.eraName.ja}${year}年${era.month}月${era.day}日`;
  }
  return `${toIsoDate(date)} (${era.eraName.en} ${era.year})`;
}

// --- 照合番号B and the birth-date key ------------------------------------------------------
//
// Source: shared/reference/mynumber-card-protocol.md §3.3, table row 照合番号B (line 229) and
// the row after it: 照合番号B is 14 digits = the birth date YYMMDD *as printed on the card*
// (Japanese-era year for Japanese nationals) + the card's expiry year YYYY (Gregorian) + the
// 4-digit セキュリティコード printed under the photo. Confirmed on a card (SOL): 1980-02-17 =
// 昭和55, expiry 2035, code 2285 -> 55021720352285. Entering the Gregorian year instead of
// the era year fails and, repeated, locks the key (ELL). The VISUAL AP birth-date key (EF
// 0011) is the same 6 digits (the first 6 of 照合番号B).
//
// Foreign residents' cards print a Gregorian birth date. That the secrets then use the
// Gregorian YYMMDD is an ASSUMPTION: the reference (§3.3, lines 235-237) has it only for the
// predecessor 住基カード ("外国人西暦下2桁+月日4桁", ITAMI) and marks the My Number Card case
// UNKNOWN. Confirm on a foreign resident's card before relying on it.

export type Nationality = 'japanese' | 'foreign';

export type BirthDateKeyProblem = 'invalid-birth-date' | 'birth-date-out-of-range';

export type CollationNumberProblem =
  | BirthDateKeyProblem
  | 'expiry-year-invalid'
  | 'expiry-before-birth'
  | 'security-code-not-4-digits';

/** No card expires before the first cards were issued (January 2016). */
const FIRST_CARD_YEAR = 2016;

/**
 * The 6-digit birth-date key (VISUAL AP EF 0011) = the birth date YYMMDD as printed on the
 * card: era year for Japanese nationals (昭和55年2月17日 -> 550217, 令和元年 -> 01),
 * Gregorian for foreign residents (1980-02-17 -> 800217, see the assumption above).
 */
export function birthDateKey(
  birthDate: CivilDate,
  nationality: Nationality,
): Checked<string, BirthDateKeyProblem> {
  if (!isValidCivilDate(birthDate)) return { ok: false, problems: ['invalid-birth-date'] };
  let year = birthDate.year % 100;
  if (nationality === 'japanese') {
    if (!eraOf(birthDate)) return { ok: false, problems: ['birth-date-out-of-range'] };
    year = toJapaneseEra(birthDate).year;
    // An era year needs 3 digits from 令和100年 (2118); the card's 2 digits cannot hold it.
    if (year > 99) return { ok: false, problems: ['birth-date-out-of-range'] };
  }
  return { ok: true, value: `${pad(year, 2)}${pad(birthDate.month, 2)}${pad(birthDate.day, 2)}` };
}

export interface CollationNumberBInput {
  readonly birthDate: CivilDate;
  readonly nationality: Nationality;
  /** The expiry year printed on the card, Gregorian (e.g. 2035). */
  readonly expiryYear: number;
  /** The 4 half-width digits printed under the photo. */
  readonly securityCode: string;
}

/** 照合番号B (14 digits), or every reason the clerk's entries cannot form one. */
export function collationNumberB(
  input: CollationNumberBInput,
): Checked<string, CollationNumberProblem> {
  const problems: CollationNumberProblem[] = [];
  const key = birthDateKey(input.birthDate, input.nationality);
  if (!key.ok) problems.push(...key.problems);
  const { expiryYear } = input;
  if (!Number.isInteger(expiryYear) || expiryYear < FIRST_CARD_YEAR || expiryYear > 9999) {
    problems.push('expiry-year-invalid');
  } else if (isValidCivilDate(input.birthDate) && expiryYear <= input.birthDate.year) {
    problems.push('expiry-before-birth');
  }
  if (!/^[0-9]{4}$/.test(input.securityCode)) problems.push('security-code-not-4-digits');
  if (!key.ok || problems.length > 0) return { ok: false, problems };
  return { ok: true, value: `${key.value}${expiryYear}${input.securityCode}` };
}

export const COLLATION_NUMBER_MESSAGES: Messages<CollationNumberProblem> = {
  'invalid-birth-date': {
    ja: '生年月日が正しい日付ではありません。',
    en: 'The date of birth is not a real date.',
  },
  'birth-date-out-of-range': {
    ja: '生年月日がカードに記載できる範囲（明治元年以降）にありません。カードの記載を確認してください。',
    en: 'The date of birth is outside what the card can print (from Meiji 1, 1868, onwards). Check it against the card.',
  },
  'expiry-year-invalid': {
    ja: '有効期限の年は、カードに記載の西暦4桁（2016以降）で入力してください。',
    en: "Enter the card's expiry year as the 4-digit Western year printed on the card (2016 or later).",
  },
  'expiry-before-birth': {
    ja: '有効期限の年が生まれ年より前になっています。カードの記載と照らして確認してください。',
    en: 'The expiry year is not after the year of birth. Check both against the card.',
  },
  'security-code-not-4-digits': {
    ja: 'セキュリティコードは、カード表面の写真の下に記載された数字4桁です（半角で入力）。',
    en: 'The security code is the 4 digits printed under the photo on the front of the card (half-width digits).',
  },
};
