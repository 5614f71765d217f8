// Shared by the domain tests: civil dates from ISO strings, and a fast-check generator of
// civil dates drawn through Date's UTC fields (an oracle independent of the code under test).

import fc from 'fast-check';
import { type CivilDate, parseIsoDate } from './japanese-era';

/** '1980-02-17' as a civil date; the tests' shorthand. */
export function day(iso: string): CivilDate {
  const date = parseIsoDate(iso);
  if (!date) throw new Error(`bad test date ${iso}`);
  return date;
}

export function civilDates(from: string, to: string): fc.Arbitrary<CivilDate> {
  return fc
    .date({
      min: new Date(`${from}T00:00:00Z`),
      max: new Date(`${to}T00:00:00Z`),
      noInvalidDate: true,
    })
    .map((d) => ({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }));
}
