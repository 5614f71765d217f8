import holidayJp from '@holiday-jp/holiday_jp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type HolidayCalendar,
  addBusinessDays,
  addDays,
  businessDayOnOrAfter,
  businessDaysBetween,
  dayOfWeek,
  isBusinessDay,
  isYearEndClosure,
} from './business-days';
import { toIsoDate } from './japanese-era';
import { day, civilDates } from './testing';

// The national holidays as main supplies them: the package's table looked up by ISO date, so
// no Date (and no time zone) is involved.
const NATIONAL_HOLIDAYS = new Set(Object.keys(holidayJp.holidays));
const nationalHolidays: HolidayCalendar = (date) => NATIONAL_HOLIDAYS.has(toIsoDate(date));
const noHolidays: HolidayCalendar = () => false;

// 令和8年（2026年）の国民の祝日 as published by the Cabinet Office (内閣府), typed in by hand,
// including 振替休日 5/6 and 国民の休日 9/22.
const HOLIDAYS_2026 = [
  '2026-01-01',
  '2026-01-12',
  '2026-02-11',
  '2026-02-23',
  '2026-03-20',
  '2026-04-29',
  '2026-05-03',
  '2026-05-04',
  '2026-05-05',
  '2026-05-06',
  '2026-07-20',
  '2026-08-11',
  '2026-09-21',
  '2026-09-22',
  '2026-09-23',
  '2026-10-12',
  '2026-11-03',
  '2026-11-23',
];

describe('calendar arithmetic without Date', () => {
  it('moves by calendar days exactly as the Gregorian calendar does', () => {
    fc.assert(
      fc.property(
        civilDates('1800-01-01', '2200-12-31'),
        fc.integer({ min: -40_000, max: 40_000 }),
        (date, n) => {
          const utc = new Date(Date.UTC(date.year, date.month - 1, date.day + n));
          expect(addDays(date, n)).toEqual({
            year: utc.getUTCFullYear(),
            month: utc.getUTCMonth() + 1,
            day: utc.getUTCDate(),
          });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('knows the day of the week of any date', () => {
    fc.assert(
      fc.property(civilDates('0001-01-01', '9999-12-31'), (date) => {
        const utc = new Date(0);
        utc.setUTCFullYear(date.year, date.month - 1, date.day);
        expect(dayOfWeek(date)).toBe(utc.getUTCDay());
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses a day that does not exist and a step that is not a whole number', () => {
    expect(() => addDays({ year: 2026, month: 2, day: 29 }, 1)).toThrow(RangeError);
    expect(() => addDays(day('2026-02-28'), 0.5)).toThrow(RangeError);
    expect(() => addDays(day('9999-12-31'), 1)).toThrow(RangeError);
  });
});

describe('when the office is open', () => {
  it('the holiday package agrees with the Cabinet Office list for 2026', () => {
    const fromPackage = Object.keys(holidayJp.holidays).filter((iso) => iso.startsWith('2026-'));
    expect(fromPackage).toEqual(HOLIDAYS_2026);
  });

  it.each([
    ['2026-12-28', false],
    ['2026-12-29', true],
    ['2026-12-31', true],
    ['2027-01-01', true],
    ['2027-01-03', true],
    ['2027-01-04', false],
  ])('the year-end closure: %s closed is %s', (iso, closed) => {
    expect(isYearEndClosure(day(iso))).toBe(closed);
    expect(isBusinessDay(day(iso), noHolidays)).toBe(!closed);
  });

  it('is closed on Saturdays, Sundays and national holidays, open otherwise', () => {
    expect(isBusinessDay(day('2026-11-20'), nationalHolidays)).toBe(true); // Friday
    expect(isBusinessDay(day('2026-11-21'), nationalHolidays)).toBe(false); // Saturday
    expect(isBusinessDay(day('2026-11-22'), nationalHolidays)).toBe(false); // Sunday
    expect(isBusinessDay(day('2026-11-23'), nationalHolidays)).toBe(false); // 勤労感謝の日, Monday
    expect(isBusinessDay(day('2026-11-24'), nationalHolidays)).toBe(true);
  });

  it('has exactly the weekdays of 2026 outside holidays and the year-end closure as business days', () => {
    const closedWeekdays = new Set(HOLIDAYS_2026);
    let expected = 0;
    for (let d = day('2026-01-01'); d.year === 2026; d = addDays(d, 1)) {
      const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
      const yearEnd = (d.month === 12 && d.day >= 29) || (d.month === 1 && d.day <= 3);
      if (weekday !== 0 && weekday !== 6 && !yearEnd && !closedWeekdays.has(toIsoDate(d))) {
        expected += 1;
      }
    }
    expect(businessDaysBetween(day('2025-12-31'), day('2026-12-31'), nationalHolidays)).toBe(
      expected,
    );
    // 261 weekdays, less 17 holidays on weekdays (5/3 is a Sunday), less 1/2 and 12/29–12/31.
    expect(expected).toBe(240);
  });
});

describe('deadlines in business days', () => {
  it('Golden Week 2026: 5 business days from Tuesday 28 April end on Monday 11 May', () => {
    // 4/29 昭和の日, 4/30 (1), 5/1 (2), 5/2–5/6 weekend, holidays and 振替休日, 5/7 (3), 5/8 (4), 5/11 (5).
    expect(addBusinessDays(day('2026-04-28'), 5, nationalHolidays)).toEqual(day('2026-05-11'));
    expect(businessDaysBetween(day('2026-04-28'), day('2026-05-11'), nationalHolidays)).toBe(5);
  });

  it('Silver Week 2026: the business day after Friday 18 September is Thursday 24 September', () => {
    // 9/19–9/20 weekend, 9/21 敬老の日, 9/22 国民の休日, 9/23 秋分の日.
    expect(addBusinessDays(day('2026-09-18'), 1, nationalHolidays)).toEqual(day('2026-09-24'));
  });

  it('a deadline set on Monday 28 December 2026 for the next business day lands on 4 January 2027', () => {
    expect(addBusinessDays(day('2026-12-28'), 1, nationalHolidays)).toEqual(day('2027-01-04'));
  });

  it('counting from a Saturday before a holiday Monday: 2 business days after 21 November is 25 November', () => {
    expect(addBusinessDays(day('2026-11-21'), 2, nationalHolidays)).toEqual(day('2026-11-25'));
  });

  it('a deadline that falls when the office is closed moves to the next day it is open', () => {
    expect(businessDayOnOrAfter(day('2026-05-03'), nationalHolidays)).toEqual(day('2026-05-07'));
    expect(businessDayOnOrAfter(day('2026-12-30'), nationalHolidays)).toEqual(day('2027-01-04'));
    expect(businessDayOnOrAfter(day('2026-05-07'), nationalHolidays)).toEqual(day('2026-05-07'));
  });

  it('counts a passed deadline as negative business days', () => {
    expect(businessDaysBetween(day('2026-05-11'), day('2026-04-28'), nationalHolidays)).toBe(-5);
    expect(businessDaysBetween(day('2026-05-11'), day('2026-05-11'), nationalHolidays)).toBe(0);
    // Sunday back to Saturday: no business day in between, and 0 rather than -0.
    expect(businessDaysBetween(day('2026-11-22'), day('2026-11-21'), nationalHolidays)).toBe(0);
  });

  it('an office closed on extra days (a consular desk on its host country’s holidays) says so in its calendar', () => {
    const hostHoliday = day('2026-11-26'); // e.g. Thanksgiving at a desk in the United States
    const desk: HolidayCalendar = (date) =>
      nationalHolidays(date) || toIsoDate(date) === toIsoDate(hostHoliday);
    expect(addBusinessDays(day('2026-11-25'), 1, nationalHolidays)).toEqual(day('2026-11-26'));
    expect(addBusinessDays(day('2026-11-25'), 1, desk)).toEqual(day('2026-11-27'));
  });

  describe('hold for any date and any calendar', () => {
    const dates = civilDates('2000-01-01', '2049-12-31');
    // Counting walks every day in between: keep the three-date property to 15 years.
    const nearDates = civilDates('2020-01-01', '2034-12-31');
    const calendars = fc.constantFrom<[string, HolidayCalendar]>(
      ['national holidays', nationalHolidays],
      ['no holidays', noHolidays],
      ['national holidays and every 13th', (d) => nationalHolidays(d) || d.day === 13],
    );

    it('n business days later is a business day, n business days away', () => {
      fc.assert(
        fc.property(dates, fc.integer({ min: 0, max: 300 }), calendars, (date, n, [, calendar]) => {
          const deadline = addBusinessDays(date, n, calendar);
          expect(businessDaysBetween(date, deadline, calendar)).toBe(n);
          if (n > 0) expect(isBusinessDay(deadline, calendar)).toBe(true);
          // No business day is skipped: the day before the deadline is n - 1 business days away.
          if (n > 0) expect(businessDaysBetween(date, addDays(deadline, -1), calendar)).toBe(n - 1);
        }),
      );
    });

    it('adding m then n business days is adding m + n', () => {
      fc.assert(
        fc.property(
          dates,
          fc.integer({ min: 0, max: 100 }),
          fc.integer({ min: 0, max: 100 }),
          calendars,
          (date, m, n, [, calendar]) => {
            expect(addBusinessDays(addBusinessDays(date, m, calendar), n, calendar)).toEqual(
              addBusinessDays(date, m + n, calendar),
            );
          },
        ),
      );
    });

    it('counting from a to c is counting a to b plus b to c, in either direction', () => {
      fc.assert(
        fc.property(nearDates, nearDates, nearDates, calendars, (a, b, c, [, calendar]) => {
          const ab = businessDaysBetween(a, b, calendar);
          expect(businessDaysBetween(b, a, calendar) + ab).toBe(0);
          expect(businessDaysBetween(a, c, calendar)).toBe(
            ab + businessDaysBetween(b, c, calendar),
          );
        }),
        { numRuns: 200 },
      );
    });

    it('a week without holidays or the year-end closure has 5 business days', () => {
      fc.assert(
        fc.property(
          civilDates('2000-01-01', '2049-12-31').filter(
            // (date, date + 7] must not reach into 12/29–1/3.
            (d) => !(d.month === 12 && d.day >= 22) && !(d.month === 1 && d.day <= 2),
          ),
          (date) => {
            expect(businessDaysBetween(date, addDays(date, 7), noHolidays)).toBe(5);
          },
        ),
      );
    });
  });

  it('refuses a negative or fractional number of business days', () => {
    expect(() => addBusinessDays(day('2026-05-01'), -1, nationalHolidays)).toThrow(RangeError);
    expect(() => addBusinessDays(day('2026-05-01'), 1.5, nationalHolidays)).toThrow(RangeError);
  });

  it('stops with a clear error when the calendar never lets the office open', () => {
    expect(() => addBusinessDays(day('2026-05-01'), 1, () => true)).toThrow(/holiday calendar/);
  });
});
