// Deadlines in business days (開庁日) of a Japanese public office.
//
// A day is a business day unless it is
// - a Saturday or a Sunday,
// - 12/29 to 1/3 (the year-end closure), or
// - a holiday according to the office's calendar, supplied by the caller.
// This is the list of 行政機関の休日に関する法律 第1条第1項 (national offices) and of
// 地方自治法 第4条の2 第2項, which municipalities adopt in their 休日条例; the 12/29–1/3
// closure is the one almost every municipality's ordinance fixes, and we assume it
// everywhere. An office whose ordinance differs (a municipality that opens on 12/29, a
// consular desk closed on its host country's holidays) expresses that through its calendar.
//
// The calendar is a predicate so that domain/ stays pure: main builds it from the national
// holidays (国民の祝日に関する法律 §2–3, including 振替休日 and 国民の休日) plus the office's
// own closures. Dates are civil dates (see japanese-era.ts for why not JS Date); day
// arithmetic is done on day numbers computed here, with no clock and no time zone.

import { type CivilDate, isValidCivilDate } from './japanese-era';

/** True when the office is closed for a holiday on that day (weekends and 12/29–1/3 aside). */
export type HolidayCalendar = (date: CivilDate) => boolean;

/**
 * A calendar that closes the office every day would make the search for the next business
 * day endless. No real calendar closes an office for a year, so after this many closed days
 * in a row the calendar is treated as broken.
 */
const MAX_CLOSED_RUN = 366;

// Days since 1970-01-01 in the proleptic Gregorian calendar, and back (H. Hinnant,
// "chrono-Compatible Low-Level Date Algorithms", days_from_civil / civil_from_days).
// A cycle is 400 Gregorian years, 146097 days.
function dayNumber({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const cycle = Math.floor(y / 400);
  const yearOfCycle = y - cycle * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfCycle =
    yearOfCycle * 365 + Math.floor(yearOfCycle / 4) - Math.floor(yearOfCycle / 100) + dayOfYear;
  return cycle * 146097 + dayOfCycle - 719468;
}

function fromDayNumber(days: number): CivilDate {
  const z = days + 719468;
  const cycle = Math.floor(z / 146097);
  const dayOfCycle = z - cycle * 146097;
  const yearOfCycle = Math.floor(
    (dayOfCycle -
      Math.floor(dayOfCycle / 1460) +
      Math.floor(dayOfCycle / 36524) -
      Math.floor(dayOfCycle / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfCycle - (365 * yearOfCycle + Math.floor(yearOfCycle / 4) - Math.floor(yearOfCycle / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfCycle + cycle * 400 + (month <= 2 ? 1 : 0), month, day };
}

function checked(date: CivilDate): number {
  if (!isValidCivilDate(date)) throw new RangeError('not a calendar date');
  return dayNumber(date);
}

function calendarDate(days: number): CivilDate {
  const date = fromDayNumber(days);
  if (!isValidCivilDate(date)) throw new RangeError('outside years 1-9999');
  return date;
}

/** The day n calendar days later (n may be negative). */
export function addDays(date: CivilDate, n: number): CivilDate {
  if (!Number.isSafeInteger(n)) throw new RangeError('n must be a whole number of days');
  return calendarDate(checked(date) + n);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: CivilDate): number {
  // 1970-01-01 was a Thursday.
  return (((checked(date) + 4) % 7) + 7) % 7;
}

export function isWeekend(date: CivilDate): boolean {
  const weekday = dayOfWeek(date);
  return weekday === 0 || weekday === 6;
}

/** 12/29 to 1/3 inclusive. */
export function isYearEndClosure(date: CivilDate): boolean {
  checked(date);
  return (date.month === 12 && date.day >= 29) || (date.month === 1 && date.day <= 3);
}

export function isBusinessDay(date: CivilDate, isHoliday: HolidayCalendar): boolean {
  return !isWeekend(date) && !isYearEndClosure(date) && !isHoliday(date);
}

/** The first business day strictly after `date`. */
function nextBusinessDay(days: number, isHoliday: HolidayCalendar): number {
  for (let step = 1; step <= MAX_CLOSED_RUN; step += 1) {
    if (isBusinessDay(calendarDate(days + step), isHoliday)) return days + step;
  }
  throw new RangeError(`no business day within ${MAX_CLOSED_RUN} days: check the holiday calendar`);
}

/**
 * The n-th business day after `date`, not counting `date` itself (民法 第140条: the first day
 * is not counted). `date` itself need not be a business day: 2 business days after Saturday
 * is Tuesday in an ordinary week. n = 0 gives `date` unchanged.
 */
export function addBusinessDays(date: CivilDate, n: number, isHoliday: HolidayCalendar): CivilDate {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError('n must be a whole number of business days, 0 or more');
  }
  let days = checked(date);
  for (let counted = 0; counted < n; counted += 1) days = nextBusinessDay(days, isHoliday);
  return calendarDate(days);
}

/**
 * `date` if it is a business day, otherwise the next one: a deadline that falls on a day the
 * office is closed moves to the next day it is open (行政機関の休日に関する法律 第2条; 地方自治法
 * 第4条の2 第4項).
 */
export function businessDayOnOrAfter(date: CivilDate, isHoliday: HolidayCalendar): CivilDate {
  const days = checked(date);
  if (isBusinessDay(date, isHoliday)) return date;
  return calendarDate(nextBusinessDay(days, isHoliday));
}

/**
 * The business days after `from` up to and including `to`: how many business days are left
 * until a deadline. When `to` is before `from` (the deadline has passed), minus the business
 * days after `to` up to and including `from`, so that
 * businessDaysBetween(a, b) = -businessDaysBetween(b, a), and
 * businessDaysBetween(d, addBusinessDays(d, n)) = n.
 */
export function businessDaysBetween(
  from: CivilDate,
  to: CivilDate,
  isHoliday: HolidayCalendar,
): number {
  const start = checked(from);
  const end = checked(to);
  let count = 0;
  for (let days = Math.min(start, end) + 1; days <= Math.max(start, end); days += 1) {
    if (isBusinessDay(calendarDate(days), isHoliday)) count += 1;
  }
  // Not -count when count is 0: -0 would print as "0" yet fail Object.is(…, 0).
  return end < start && count > 0 ? -count : count;
}
