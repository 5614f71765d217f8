// Who may apply for a My Number Card while living abroad (国外転出者向けマイナンバーカード,
// available since 2024-05-27).
//
// Source: shared/reference/counter-workflow-and-anchors.md §3.6 (embassy pages
// ru/toronto/sg/jeju.emb-japan.go.jp; sg.emb-japan.go.jp for express issuance):
// - Japanese nationals who moved abroad on or after 2015-10-05. The card of a person abroad
//   is kept against the family-register supplementary record (戸籍の附票) at the 本籍地, so
//   the applicant must be recorded there and must know their 本籍地 municipality.
// - Not: foreign nationals (they hold a card only while they have a 住民票 in Japan), people
//   who still have a 住民票 in Japan (they apply where they live), people born abroad who were
//   never registered in Japan.
// - 特急発行 (express issuance) is not available abroad.
//
// Why 2015-10-05: My Numbers were assigned to everyone with a resident record on that day,
// when the numbering of the My Number Act (番号法 第7条) took effect, and to everyone
// registered since. Someone now abroad therefore has a number exactly when their last
// departure from Japan was on or after that day, so the rule is read on the most recent
// departure: someone who left in 2010, came back in 2018 and left again in 2020 is eligible.
// A departure on 2015-10-05 itself counts: they were on the register that day.
//
// Dual nationals who hold Japanese nationality are Japanese nationals here.

import { type CivilDate, type Messages, compareCivilDates, isValidCivilDate } from './japanese-era';

export const MY_NUMBER_ASSIGNMENT_START: CivilDate = { year: 2015, month: 10, day: 5 };

export type OverseasApplicant =
  | { readonly nationality: 'foreign' }
  | {
      readonly nationality: 'japanese';
      /** Still has a 住民票 at a Japanese municipality. */
      readonly residentRecordInJapan: boolean;
      /** Recorded on a 戸籍の附票 (the supplementary record of their 戸籍). */
      readonly onKosekiFuhyo: boolean;
      /**
       * The most recent day they left Japan (国外転出), 'never-resident' when they never had a
       * 住民票 (born abroad and never registered), 'unknown' when nobody can say yet.
       */
      readonly leftJapanOn: CivilDate | 'never-resident' | 'unknown';
      /** Knows the municipality of their 本籍地 (needed on the application). */
      readonly honsekiKnown: boolean;
    };

export interface OverseasApplication {
  readonly applicant: OverseasApplicant;
  /** The applicant asks for 特急発行. */
  readonly expressIssuance: boolean;
}

/** Every reason an overseas application cannot be accepted, in overseasEligibility's order. */
export const OVERSEAS_INELIGIBILITIES = [
  'foreign-national',
  'resident-in-japan',
  'never-resident-in-japan',
  'left-before-my-number',
  'departure-date-unknown',
  'not-on-koseki-fuhyo',
  'honseki-unknown',
  'express-not-available-abroad',
] as const;
export type OverseasIneligibility = (typeof OVERSEAS_INELIGIBILITIES)[number];

export type OverseasEligibility =
  | { readonly eligible: true }
  | { readonly eligible: false; readonly reasons: readonly OverseasIneligibility[] };

/**
 * Whether an application from abroad can be accepted, or every reason it cannot, in a stable
 * order. A foreign national or someone with a 住民票 in Japan gets that one reason alone: the
 * other facts do not apply to them (a foreigner has no 戸籍の附票; express issuance exists at
 * home). Throws RangeError when the departure date is not a calendar date.
 */
export function overseasEligibility(application: OverseasApplication): OverseasEligibility {
  const { applicant } = application;
  if (applicant.nationality === 'foreign')
    return { eligible: false, reasons: ['foreign-national'] };
  if (applicant.residentRecordInJapan) return { eligible: false, reasons: ['resident-in-japan'] };

  const reasons: OverseasIneligibility[] = [];
  const left = applicant.leftJapanOn;
  if (left === 'never-resident') reasons.push('never-resident-in-japan');
  else if (left === 'unknown') reasons.push('departure-date-unknown');
  else {
    if (!isValidCivilDate(left)) throw new RangeError('leftJapanOn is not a calendar date');
    if (compareCivilDates(left, MY_NUMBER_ASSIGNMENT_START) < 0)
      reasons.push('left-before-my-number');
  }
  if (!applicant.onKosekiFuhyo) reasons.push('not-on-koseki-fuhyo');
  if (!applicant.honsekiKnown) reasons.push('honseki-unknown');
  if (application.expressIssuance) reasons.push('express-not-available-abroad');
  return reasons.length === 0 ? { eligible: true } : { eligible: false, reasons };
}

export const OVERSEAS_ELIGIBILITY_MESSAGES: Messages<OverseasIneligibility> = {
  'foreign-national': {
    ja: '国外に住む外国籍の方はマイナンバーカードを申請できません。国外からの申請は日本国籍の方に限られます。',
    en: 'Foreign nationals living abroad cannot apply for a My Number Card. Only Japanese nationals can apply from abroad.',
  },
  'resident-in-japan': {
    ja: '日本国内に住民票があるため、国外転出者としては申請できません。住所地の市区町村で申請してください。',
    en: 'The applicant still has a resident record (住民票) in Japan, so this is not an application from abroad: they apply at the municipality where they live.',
  },
  'never-resident-in-japan': {
    ja: '日本で住民登録をしたことがない方（国外で生まれ、住民票がない方など）には個人番号が指定されていないため、申請できません。',
    en: 'The applicant has never had a resident record in Japan (for example, born abroad and never registered), so no My Number has been assigned and they cannot apply.',
  },
  'left-before-my-number': {
    ja: '個人番号の指定が始まった2015年10月5日より前に国外転出し、その後日本に住民票がないため、個人番号が指定されていません。',
    en: 'The applicant left Japan before 5 October 2015, when My Numbers were first assigned, and has not been registered in Japan since, so no My Number has been assigned.',
  },
  'departure-date-unknown': {
    ja: '国外転出日が分かりません。戸籍の附票で最後の国外転出日を確認してから受け付けてください。',
    en: 'The date the applicant left Japan is not known. Check the last departure on the family-register supplementary record (戸籍の附票) before accepting the application.',
  },
  'not-on-koseki-fuhyo': {
    ja: '戸籍の附票に記録がありません。国外転出者のカードは戸籍の附票に基づいて管理されるため、本籍地の市区町村に確認してください。',
    en: 'The applicant is not recorded on a family-register supplementary record (戸籍の附票), which the card of a person abroad depends on. Ask the municipality of their registered domicile (本籍地) to check.',
  },
  'honseki-unknown': {
    ja: '申請には本籍地の市区町村が必要です。戸籍謄本などで確認してください。',
    en: 'The application needs the municipality of the registered domicile (本籍地). It is shown on a copy of the family register (戸籍謄本).',
  },
  'express-not-available-abroad': {
    ja: '国外からの申請では特急発行は利用できません。通常の発行（2～3か月程度）となります。',
    en: 'Express issuance (特急発行) is not available for applications from abroad; the card is issued in the usual way, which takes about 2–3 months.',
  },
};
