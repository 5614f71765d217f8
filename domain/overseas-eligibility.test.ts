import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCivilDates } from './japanese-era';
import {
  type OverseasApplicant,
  type OverseasApplication,
  OVERSEAS_ELIGIBILITY_MESSAGES,
  overseasEligibility,
} from './overseas-eligibility';
import { day } from './testing';

type JapaneseApplicant = Extract<OverseasApplicant, { nationality: 'japanese' }>;

/** A Japanese national who left Japan in 2020, recorded on the 附票, who knows their 本籍地. */
function japaneseAbroad(facts: Partial<JapaneseApplicant> = {}): JapaneseApplicant {
  return {
    nationality: 'japanese',
    residentRecordInJapan: false,
    onKosekiFuhyo: true,
    leftJapanOn: day('2020-03-31'),
    honsekiKnown: true,
    ...facts,
  };
}

function application(applicant: OverseasApplicant, expressIssuance = false): OverseasApplication {
  return { applicant, expressIssuance };
}

const dates = fc
  .date({
    min: new Date('1950-01-01T00:00:00Z'),
    max: new Date('2100-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => ({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }));

describe('applying for a card from abroad', () => {
  it('a Japanese national who left Japan in 2020 and is on the 戸籍の附票 can apply', () => {
    expect(overseasEligibility(application(japaneseAbroad()))).toEqual({ eligible: true });
  });

  it('someone who left on 5 October 2015, the day My Numbers were assigned, can apply', () => {
    const applicant = japaneseAbroad({ leftJapanOn: day('2015-10-05') });
    expect(overseasEligibility(application(applicant))).toEqual({ eligible: true });
  });

  it('someone who left the day before has no My Number, and the clerk is told why', () => {
    const applicant = japaneseAbroad({ leftJapanOn: day('2015-10-04') });
    expect(overseasEligibility(application(applicant))).toEqual({
      eligible: false,
      reasons: ['left-before-my-number'],
    });
    expect(OVERSEAS_ELIGIBILITY_MESSAGES['left-before-my-number'].en).toContain('5 October 2015');
    expect(OVERSEAS_ELIGIBILITY_MESSAGES['left-before-my-number'].ja).toContain('2015年10月5日');
  });

  it('a foreign national abroad cannot apply, whatever else is true', () => {
    expect(overseasEligibility(application({ nationality: 'foreign' }))).toEqual({
      eligible: false,
      reasons: ['foreign-national'],
    });
    expect(overseasEligibility(application({ nationality: 'foreign' }, true))).toEqual({
      eligible: false,
      reasons: ['foreign-national'],
    });
  });

  it('someone who still has a 住民票 in Japan applies where they live, not from abroad', () => {
    const applicant = japaneseAbroad({ residentRecordInJapan: true, leftJapanOn: 'unknown' });
    expect(overseasEligibility(application(applicant, true))).toEqual({
      eligible: false,
      reasons: ['resident-in-japan'],
    });
  });

  it.each([
    [
      'born abroad and never registered in Japan',
      { leftJapanOn: 'never-resident' },
      'never-resident-in-japan',
    ],
    ['the departure date is not known yet', { leftJapanOn: 'unknown' }, 'departure-date-unknown'],
    ['not recorded on the 戸籍の附票', { onKosekiFuhyo: false }, 'not-on-koseki-fuhyo'],
    ['does not know their 本籍地', { honsekiKnown: false }, 'honseki-unknown'],
  ] as const)('someone %s is refused with that reason', (_, facts, reason) => {
    expect(overseasEligibility(application(japaneseAbroad(facts)))).toEqual({
      eligible: false,
      reasons: [reason],
    });
  });

  it('express issuance is not available abroad', () => {
    expect(overseasEligibility(application(japaneseAbroad(), true))).toEqual({
      eligible: false,
      reasons: ['express-not-available-abroad'],
    });
  });

  it('gives every reason at once, in a stable order', () => {
    const applicant = japaneseAbroad({
      leftJapanOn: day('2010-04-01'),
      onKosekiFuhyo: false,
      honsekiKnown: false,
    });
    expect(overseasEligibility(application(applicant, true))).toEqual({
      eligible: false,
      reasons: [
        'left-before-my-number',
        'not-on-koseki-fuhyo',
        'honseki-unknown',
        'express-not-available-abroad',
      ],
    });
  });

  it('for a Japanese national abroad, the last departure decides: on or after 2015-10-05', () => {
    fc.assert(
      fc.property(dates, (leftJapanOn) => {
        const result = overseasEligibility(application(japaneseAbroad({ leftJapanOn })));
        const afterNumbering = compareCivilDates(leftJapanOn, day('2015-10-05')) >= 0;
        expect(result.eligible).toBe(afterNumbering);
      }),
      { numRuns: 2000 },
    );
  });

  it('is never eligible for a foreign national, someone resident in Japan, or an express request', () => {
    const anyApplicant: fc.Arbitrary<OverseasApplicant> = fc.oneof(
      fc.constant({ nationality: 'foreign' } as const),
      fc.record({
        nationality: fc.constant('japanese' as const),
        residentRecordInJapan: fc.boolean(),
        onKosekiFuhyo: fc.boolean(),
        leftJapanOn: fc.oneof(
          dates,
          fc.constantFrom('never-resident' as const, 'unknown' as const),
        ),
        honsekiKnown: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(anyApplicant, fc.boolean(), (applicant, express) => {
        const result = overseasEligibility(application(applicant, express));
        const barred =
          applicant.nationality === 'foreign' || applicant.residentRecordInJapan || express;
        if (barred) expect(result.eligible).toBe(false);
        if (!result.eligible) expect(result.reasons.length).toBeGreaterThan(0);
      }),
    );
  });

  it('refuses a departure date that is not a calendar date rather than guessing', () => {
    const applicant = japaneseAbroad({ leftJapanOn: { year: 2020, month: 2, day: 30 } });
    expect(() => overseasEligibility(application(applicant))).toThrow(RangeError);
  });

  it('has a sentence in Japanese and in English for every reason', () => {
    for (const [code, text] of Object.entries(OVERSEAS_ELIGIBILITY_MESSAGES)) {
      expect(text.ja, code).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(text.en, code).toMatch(/^[A-Z].*\.$/);
    }
  });
});
