// The My Number (個人番号): 11 digits plus a check digit.
// Check digit rule: 行政手続における特定の個人を識別するための番号の利用等に関する法律施行令 第8条
// and 総務省令 (weights 6 5 4 3 2 7 6 5 4 3 2 over the first 11 digits, from the left).

const WEIGHTS = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

/** The check digit for the first 11 digits. Throws on anything but exactly 11 ASCII digits. */
export function myNumberCheckDigit(first11: string): number {
  if (!/^[0-9]{11}$/.test(first11)) throw new RangeError('expected exactly 11 digits');
  let sum = 0;
  for (let i = 0; i < 11; i += 1) sum += Number(first11[i]) * (WEIGHTS[i] ?? 0);
  const remainder = sum % 11;
  return remainder <= 1 ? 0 : 11 - remainder;
}

export type MyNumberProblem = 'not-12-digits' | 'check-digit';

/** Why a string is not a valid My Number, or null when it is one. */
export function myNumberProblem(value: string): MyNumberProblem | null {
  if (!/^[0-9]{12}$/.test(value)) return 'not-12-digits';
  return myNumberCheckDigit(value.slice(0, 11)) === Number(value[11]) ? null : 'check-digit';
}

/**
 * The masked form shown by default everywhere (minimal display): only the last four digits,
 * grouped as printed on the card. "••••  ••••  1234".
 */
export function maskMyNumber(value: string): string {
  return `••••  ••••  ${value.slice(-4)}`;
}
