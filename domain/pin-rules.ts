// The rules for the four secrets an applicant sets on a new card (or re-sets after a lock).
//
// The card's own rules (shared/reference/mynumber-card-protocol.md §3.3; counter workflow
// §3.3 "PIN setting"):
// - 署名用電子証明書 password: 6–16 characters, A–Z and 0–9 only, at least one letter and at
//   least one digit; 5 tries.
// - 利用者証明用電子証明書, 住民基本台帳用 and 券面事項入力補助用 PINs: exactly 4 digits,
//   3 tries each. The three may be the same, so nothing here compares one secret with another.
//
// Our rules on top (the card would accept these, the counter refuses them because they are
// the first things someone else would try), for the 4-digit PINs only:
// - all-same-digit: the four digits are equal: 0000, 1111, …, 9999 (10 PINs).
// - sequence: each digit is one more than the one before, or each one less, counting 0 after
//   9 as on a keypad's "1234567890" row: ascending 0123 … 6789, 7890, 8901, 9012 and
//   descending 3210 … 9876, 0987, 1098, 2109 (20 PINs).
// - birth-date: one of the forms birthDatePins lists (see there).
// Each rule must be explainable to the applicant in one sentence, which is why nothing
// subtler (1212, 2580, …) is refused.
//
// The signature password gets the card's rules only: its letter-and-digit rule already
// excludes a bare birth date or a run of digits.
//
// Secrets pass through these functions and are never kept: nothing here stores, logs or
// repeats a value, and no message interpolates one.

import {
  type CivilDate,
  type Language,
  type Messages,
  birthDateKey,
  isValidCivilDate,
} from './japanese-era';

export type FourDigitPinProblem =
  'full-width-characters' | 'not-4-digits' | 'all-same-digit' | 'sequence' | 'birth-date';

export type SignaturePasswordProblem =
  | 'full-width-characters'
  | 'too-short'
  | 'too-long'
  | 'lowercase-letters'
  | 'bad-characters'
  | 'needs-letter'
  | 'needs-digit';

export type PinProblem = FourDigitPinProblem | SignaturePasswordProblem;

export type CardSecret =
  | 'signature-password'
  | 'user-authentication-pin'
  | 'resident-registry-pin'
  | 'card-info-input-pin';

export interface CardSecretRule {
  readonly name: Readonly<Record<Language, string>>;
  readonly format: 'signature-password' | 'four-digit-pin';
  /** Wrong entries before the card locks this secret. */
  readonly tries: number;
}

/** The four secrets, in the order the handover screen asks for them. */
export const CARD_SECRETS: Readonly<Record<CardSecret, CardSecretRule>> = {
  'signature-password': {
    name: { ja: '署名用電子証明書の暗証番号', en: 'Signature certificate password' },
    format: 'signature-password',
    tries: 5,
  },
  'user-authentication-pin': {
    name: { ja: '利用者証明用電子証明書の暗証番号', en: 'User authentication certificate PIN' },
    format: 'four-digit-pin',
    tries: 3,
  },
  'resident-registry-pin': {
    name: { ja: '住民基本台帳用の暗証番号', en: 'Resident registry PIN' },
    format: 'four-digit-pin',
    tries: 3,
  },
  'card-info-input-pin': {
    name: { ja: '券面事項入力補助用の暗証番号', en: 'Card information input support PIN' },
    format: 'four-digit-pin',
    tries: 3,
  },
};

export const SIGNATURE_PASSWORD_MIN_LENGTH = 6;
export const SIGNATURE_PASSWORD_MAX_LENGTH = 16;

/**
 * The text as half-width characters, and whether any were full-width. A Japanese input method
 * often types ＡＢＣ１２３; the card compares bytes, so those must be refused with a reason
 * that tells the clerk to switch to 半角, not with a puzzling "bad characters".
 */
function halfWidth(text: string): { readonly text: string; readonly hadFullWidth: boolean } {
  let hadFullWidth = false;
  const converted = [...text]
    .map((character) => {
      const code = character.codePointAt(0) ?? 0;
      if (code >= 0xff01 && code <= 0xff5e) {
        hadFullWidth = true;
        return String.fromCodePoint(code - 0xfee0);
      }
      if (code === 0x3000) {
        hadFullWidth = true;
        return ' ';
      }
      return character;
    })
    .join('');
  return { text: converted, hadFullWidth };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * The 4-digit PINs refused as guessable from a date of birth, sorted. For 1980-02-17
 * (昭和55年):
 * - month and day, MMDD: 0217 (the usual choice);
 * - day and month, DDMM: 1702 (how much of the world writes dates; consular desks);
 * - the Western year, YYYY: 1980;
 * - Western year and month, YYMM: 8002;
 * - Japanese-era year and month, YYMM: 5502 (the first 4 digits of the birth-date key, as
 *   the card prints it; none before 明治).
 * Deliberately not: MMYY, YYDD, or a window across the middle of YYMMDD (0021), which nobody
 * picks on purpose and no clerk could explain.
 * Throws RangeError for something that is not a date.
 */
export function birthDatePins(birthDate: CivilDate): readonly string[] {
  if (!isValidCivilDate(birthDate)) throw new RangeError('not a calendar date');
  const { year, month, day } = birthDate;
  const mm = pad(month, 2);
  const dd = pad(day, 2);
  const forms = [`${mm}${dd}`, `${dd}${mm}`, pad(year, 4), `${pad(year % 100, 2)}${mm}`];
  const printed = birthDateKey(birthDate, 'japanese');
  if (printed.ok) forms.push(printed.value.slice(0, 4));
  return [...new Set(forms)].sort();
}

function isSequence(digits: string): boolean {
  const values = [...digits].map(Number);
  const steps = values.slice(1).map((value, i) => (value - (values[i] ?? 0) + 10) % 10);
  return steps.every((step) => step === 1) || steps.every((step) => step === 9);
}

/**
 * Why a 4-digit PIN is refused, in a stable order; empty when it can be set. The same rules
 * apply to all three 4-digit PINs, and they may all be the same.
 */
export function fourDigitPinProblems(
  pin: string,
  applicant: { readonly birthDate: CivilDate },
): readonly FourDigitPinProblem[] {
  const { text, hadFullWidth } = halfWidth(pin);
  const problems: FourDigitPinProblem[] = hadFullWidth ? ['full-width-characters'] : [];
  if (!/^[0-9]{4}$/.test(text)) return [...problems, 'not-4-digits'];
  if (/^(.)\1{3}$/.test(text)) problems.push('all-same-digit');
  if (isSequence(text)) problems.push('sequence');
  if (birthDatePins(applicant.birthDate).includes(text)) problems.push('birth-date');
  return problems;
}

/**
 * A 4-digit PIN as the applicant meant it: full-width digits as half-width. The UI may apply
 * this as the applicant types; fourDigitPinProblems then checks what goes to the card.
 */
export function normalizePin(input: string): string {
  return halfWidth(input).text;
}

/**
 * A signature password as the applicant meant it: full-width characters as half-width, then
 * a–z as A–Z; everything else untouched, for signaturePasswordProblems to refuse, so nothing
 * is silently dropped. The UI applies this as the applicant types. Upper-casing matches the
 * card, which stores capitals, and the client libraries in the reference, which upper-case
 * what the holder types before VERIFY (jpki/myna, nfcpy_mynacard: §3.3 and §9.1), so "abc123"
 * typed at our counter and typed again in such a client both mean ABC123.
 */
export function normalizeSignaturePassword(input: string): string {
  return halfWidth(input).text.replace(/[a-z]/g, (letter) => letter.toUpperCase());
}

/**
 * Why a signature password is refused, every reason at once in a stable order; empty when it
 * can be set. Lower-case is refused, not upper-cased here: what is checked must be exactly
 * what goes to the card, and a lower-case password on the card could never be entered
 * through the clients that upper-case. The UI normalizes first (normalizeSignaturePassword).
 */
export function signaturePasswordProblems(password: string): readonly SignaturePasswordProblem[] {
  const { text, hadFullWidth } = halfWidth(password);
  const characters = [...text];
  const problems: SignaturePasswordProblem[] = hadFullWidth ? ['full-width-characters'] : [];
  if (characters.length < SIGNATURE_PASSWORD_MIN_LENGTH) problems.push('too-short');
  if (characters.length > SIGNATURE_PASSWORD_MAX_LENGTH) problems.push('too-long');
  if (characters.some((c) => /^[a-z]$/.test(c))) problems.push('lowercase-letters');
  if (characters.some((c) => !/^[A-Za-z0-9]$/.test(c))) problems.push('bad-characters');
  if (!characters.some((c) => /^[A-Za-z]$/.test(c))) problems.push('needs-letter');
  if (!characters.some((c) => /^[0-9]$/.test(c))) problems.push('needs-digit');
  return problems;
}

/** The rules of one of the four secrets, by which secret it is. */
export function cardSecretProblems(
  secret: CardSecret,
  value: string,
  applicant: { readonly birthDate: CivilDate },
): readonly PinProblem[] {
  return CARD_SECRETS[secret].format === 'signature-password'
    ? signaturePasswordProblems(value)
    : fourDigitPinProblems(value, applicant);
}

export const PIN_PROBLEM_MESSAGES: Messages<PinProblem> = {
  'full-width-characters': {
    ja: '全角文字が入力されています。半角に切り替えて入力し直してください。',
    en: 'Full-width characters were typed. Switch the input to half-width (半角) and enter it again.',
  },
  'not-4-digits': {
    ja: '暗証番号は数字4桁で設定してください。',
    en: 'The PIN must be exactly 4 digits.',
  },
  'all-same-digit': {
    ja: '同じ数字だけの番号（1111など）は推測されやすいため設定できません。',
    en: 'A PIN of one digit repeated (like 1111) is easy to guess, so it cannot be used.',
  },
  sequence: {
    ja: '連続した数字（1234、9876、7890など）は推測されやすいため設定できません。',
    en: 'Digits in a row (like 1234, 9876 or 7890) are easy to guess, so they cannot be used.',
  },
  'birth-date': {
    ja: '生年月日から推測できる番号（月日・日月・生まれ年・年月）は設定できません。',
    en: 'A PIN made from the date of birth (month and day, day and month, year of birth, or year and month) cannot be used.',
  },
  'too-short': {
    ja: '署名用パスワードは6文字以上で設定してください。',
    en: 'The signature password must be at least 6 characters.',
  },
  'too-long': {
    ja: '署名用パスワードは16文字以内で設定してください。',
    en: 'The signature password must be at most 16 characters.',
  },
  'lowercase-letters': {
    ja: '英字は大文字（A～Z）で入力してください。',
    en: 'Letters must be capitals (A–Z).',
  },
  'bad-characters': {
    ja: '使える文字は英大文字（A～Z）と数字（0～9）だけです。記号・空白・かなは使えません。',
    en: 'Only capital letters A–Z and digits 0–9 can be used: no symbols, spaces or kana.',
  },
  'needs-letter': {
    ja: '英字（A～Z）を1文字以上含めてください。',
    en: 'Include at least one letter (A–Z).',
  },
  'needs-digit': {
    ja: '数字（0～9）を1文字以上含めてください。',
    en: 'Include at least one digit (0–9).',
  },
};
