// The office calendar for deadlines in business days (domain/business-days.ts): Japan's
// national holidays (国民の祝日に関する法律, with 振替休日 and 国民の休日) from @holiday-jp's
// table, looked up by ISO date so no Date or time zone is involved. An office's own closures
// and a consular desk's host-country holidays would be added here.

import holidayJp from '@holiday-jp/holiday_jp';
import type { HolidayCalendar } from '../../domain/business-days';
import { toIsoDate, type CivilDate } from '../../domain/japanese-era';

const NATIONAL_HOLIDAYS = new Set(Object.keys(holidayJp.holidays));

export const nationalHolidays: HolidayCalendar = (date) => NATIONAL_HOLIDAYS.has(toIsoDate(date));

/** The terminal's local calendar date of an instant: the office day it belongs to. */
export function officeDay(instant: Date): CivilDate {
  return { year: instant.getFullYear(), month: instant.getMonth() + 1, day: instant.getDate() };
}

/** The instants [start, end) of an office day in the terminal's time zone, as ISO strings. */
export function officeDayRange(day: CivilDate): { from: string; to: string } {
  const start = new Date(day.year, day.month - 1, day.day);
  const end = new Date(day.year, day.month - 1, day.day + 1);
  return { from: start.toISOString(), to: end.toISOString() };
}
