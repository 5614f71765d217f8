import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CardSecret,
  type FourDigitPinProblem,
  CARD_SECRETS,
  PIN_PROBLEM_MESSAGES,
  birthDatePins,
  cardSecretProblems,
  fourDigitPinProblems,
  normalizePin,
  normalizeSignaturePassword,
  signaturePasswordProblems,
} from './pin-rules';
import { day } from './testing';

/** An applicant born 昭和55年2月17日 (1980-02-17), the reference's example. */
const applicant = { birthDate: day('1980-02-17') };

const ALL_PINS = Array.from({ length: 10_000 }, (_, n) => String(n).padStart(4, '0'));

const ALL_SAME = ['0000', '1111', '2222', '3333', '4444', '5555', '6666', '7777', '8888', '9999'];
const SEQUENCES = [
  ...['0123', '1234', '2345', '3456', '4567', '5678', '6789', '7890', '8901', '9012'],
  ...['3210', '4321', '5432', '6543', '7654', '8765', '9876', '0987', '1098', '2109'],
];

describe('the three 4-digit PINs', () => {
  it("a PIN equal to the applicant's birthday is refused, and the clerk is told why", () => {
    const problems = fourDigitPinProblems('0217', applicant);
    expect(problems).toEqual(['birth-date']);
    expect(PIN_PROBLEM_MESSAGES['birth-date'].ja).toContain('生年月日');
    expect(PIN_PROBLEM_MESSAGES['birth-date'].en).toContain('date of birth');
  });

  it('refuses exactly these forms of 昭和55年2月17日: 0217, 1702, 1980, 8002 and 5502', () => {
    expect(birthDatePins(applicant.birthDate)).toEqual(['0217', '1702', '1980', '5502', '8002']);
    for (const pin of ['0217', '1702', '1980', '8002', '5502']) {
      expect(fourDigitPinProblems(pin, applicant)).toContain('birth-date');
    }
  });

  it('does not refuse a window across the middle of the birth date nobody would pick (0021, 5021)', () => {
    expect(fourDigitPinProblems('0021', applicant)).toEqual([]);
    expect(fourDigitPinProblems('5021', applicant)).toEqual([]);
  });

  it.each([
    ['2019-05-01', '0105', '1905'],
    ['2019-04-30', '3104', '1904'],
    ['1989-01-08', '0101', '8901'],
    ['1989-01-07', '6401', '8901'],
  ])('born %s: the era year-month %s and the Western %s are both refused', (iso, era, western) => {
    const pins = birthDatePins(day(iso));
    expect(pins).toContain(era);
    expect(pins).toContain(western);
  });

  it('a birth date before Meiji has no era form to refuse', () => {
    expect(birthDatePins(day('1850-03-04'))).toEqual(['0304', '0403', '1850', '5003']);
  });

  it('refuses every PIN made from any birth date, and the reason is the birth date', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2026-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (utc) => {
          const [yyyy, mm, dd] = utc.toISOString().slice(0, 10).split('-') as [
            string,
            string,
            string,
          ];
          const birthDate = { year: Number(yyyy), month: Number(mm), day: Number(dd) };
          for (const pin of [`${mm}${dd}`, `${dd}${mm}`, yyyy, `${yyyy.slice(2)}${mm}`]) {
            expect(fourDigitPinProblems(pin, { birthDate })).toContain('birth-date');
          }
        },
      ),
    );
  });

  it('refuses exactly 10 all-same-digit PINs and 20 runs of digits, checked over all 10,000 PINs', () => {
    // Born 2000-06-15: none of its forms (0615, 1506, 2000, 0006, 1206) is all-same or a run.
    const someone = { birthDate: day('2000-06-15') };
    const refusedFor = (problem: FourDigitPinProblem) =>
      ALL_PINS.filter((pin) => fourDigitPinProblems(pin, someone).includes(problem));
    expect(refusedFor('all-same-digit')).toEqual(ALL_SAME);
    expect(refusedFor('sequence').sort()).toEqual([...SEQUENCES].sort());
    expect(refusedFor('not-4-digits')).toEqual([]);
    expect(refusedFor('full-width-characters')).toEqual([]);
  });

  it('accepts every other PIN, over all 10,000 PINs and any birth date', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1868-01-25T00:00:00Z'),
          max: new Date('2026-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (utc) => {
          const birthDate = day(utc.toISOString().slice(0, 10));
          const refused = new Set([...ALL_SAME, ...SEQUENCES, ...birthDatePins(birthDate)]);
          const accepted = ALL_PINS.filter(
            (pin) => fourDigitPinProblems(pin, { birthDate }).length === 0,
          );
          expect(accepted).toEqual(ALL_PINS.filter((pin) => !refused.has(pin)));
        },
      ),
      { numRuns: 20 },
    );
  });

  it('gives every reason that applies: 1111 for someone born on 11 November', () => {
    expect(fourDigitPinProblems('1111', { birthDate: day('1990-11-11') })).toEqual([
      'all-same-digit',
      'birth-date',
    ]);
  });

  it.each(['', '123', '12345', '12a4', '12 34', '-123', '1.23', '١٢٣٤'])(
    'refuses %j as not 4 digits',
    (pin) => {
      expect(fourDigitPinProblems(pin, applicant)).toEqual(['not-4-digits']);
    },
  );

  it('anything but 4 half-width digits is refused as not 4 digits', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 8 }), (pin) => {
        const problems = fourDigitPinProblems(pin, applicant);
        const halfWidth = pin.replace(/[\uff01-\uff5e]/g, (c) =>
          String.fromCharCode(c.charCodeAt(0) - 0xfee0),
        );
        expect(problems.includes('not-4-digits')).toBe(!/^[0-9]{4}$/.test(halfWidth));
      }),
    );
  });

  it('tells the clerk to switch to half-width when the input method typed full-width digits', () => {
    expect(fourDigitPinProblems('５８２９', applicant)).toEqual(['full-width-characters']);
    expect(fourDigitPinProblems(normalizePin('５８２９'), applicant)).toEqual([]);
    expect(fourDigitPinProblems('１２３４', applicant)).toEqual([
      'full-width-characters',
      'sequence',
    ]);
    expect(fourDigitPinProblems('１２３', applicant)).toEqual([
      'full-width-characters',
      'not-4-digits',
    ]);
  });

  it('the three 4-digit PINs may all be the same', () => {
    const fourDigit = (Object.keys(CARD_SECRETS) as CardSecret[]).filter(
      (secret) => CARD_SECRETS[secret].format === 'four-digit-pin',
    );
    expect(fourDigit).toEqual([
      'user-authentication-pin',
      'resident-registry-pin',
      'card-info-input-pin',
    ]);
    for (const secret of fourDigit)
      expect(cardSecretProblems(secret, '5829', applicant)).toEqual([]);
  });

  it('locks after 3 wrong tries; the signature password after 5', () => {
    expect(CARD_SECRETS['user-authentication-pin'].tries).toBe(3);
    expect(CARD_SECRETS['resident-registry-pin'].tries).toBe(3);
    expect(CARD_SECRETS['card-info-input-pin'].tries).toBe(3);
    expect(CARD_SECRETS['signature-password'].tries).toBe(5);
  });
});

describe('the signature password', () => {
  it.each(['ABC123', 'A1B2C3D4E5F6G7H8', '1A2345', 'MADOGUCHI2026'])('accepts %s', (password) => {
    expect(signaturePasswordProblems(password)).toEqual([]);
  });

  it.each([
    ['AB12', ['too-short']],
    ['ABCDEFGH123456789', ['too-long']],
    ['abc123', ['lowercase-letters']],
    ['ABC-123', ['bad-characters']],
    ['ABC 123', ['bad-characters']],
    ['ＡＢＣ１２３', ['full-width-characters']],
    ['ＡＢＣ－１２３', ['full-width-characters', 'bad-characters']],
    ['ABC123！', ['full-width-characters', 'bad-characters']],
    ['ABCDEF', ['needs-digit']],
    ['123456', ['needs-letter']],
    ['あいうえおか', ['bad-characters', 'needs-letter', 'needs-digit']],
    ['', ['too-short', 'needs-letter', 'needs-digit']],
    ['ab c', ['too-short', 'lowercase-letters', 'bad-characters', 'needs-digit']],
  ] as const)('refuses %j and says why: %j', (password, problems) => {
    expect(signaturePasswordProblems(password)).toEqual(problems);
  });

  it('counts characters, not UTF-16 units, so an emoji is one (refused) character', () => {
    expect(signaturePasswordProblems('ABC12😀')).toEqual(['bad-characters']);
  });

  it('accepts exactly 6–16 capitals and digits with at least one of each', () => {
    const cardRule = /^(?=.*[A-Z])(?=.*[0-9])[A-Z0-9]{6,16}$/;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.stringMatching(/^[A-Z0-9]{4,18}$/),
          fc.stringMatching(/^[A-Za-z0-9 -]{4,18}$/),
          fc.string({ unit: 'grapheme', maxLength: 20 }),
        ),
        (password) => {
          expect(signaturePasswordProblems(password).length === 0).toBe(cardRule.test(password));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('the UI upper-cases and turns full-width into half-width as the applicant types', () => {
    expect(normalizeSignaturePassword('abc123')).toBe('ABC123');
    expect(normalizeSignaturePassword('ａｂｃ１２３')).toBe('ABC123');
    expect(signaturePasswordProblems(normalizeSignaturePassword('abc123'))).toEqual([]);
    expect(normalizeSignaturePassword('straße1ı')).toBe('STRAßE1ı');
  });

  it('normalizing changes only a–z and full-width characters, and leaves nothing to refuse for them', () => {
    const changeable = /^[a-z\uff01-\uff5e\u3000]$/;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 20 }),
          fc.stringMatching(/^[a-zＡ-Ｚａ-ｚ０-９A-Z0-9 \u3000-]{0,20}$/),
        ),
        (input) => {
          const [before, after] = [[...input], [...normalizeSignaturePassword(input)]];
          expect(after.length).toBe(before.length);
          before.forEach((character, i) => {
            if (!changeable.test(character)) expect(after[i]).toBe(character);
          });
          expect(normalizeSignaturePassword(after.join(''))).toBe(after.join(''));
          const problems = signaturePasswordProblems(after.join(''));
          expect(problems).not.toContain('lowercase-letters');
          expect(problems).not.toContain('full-width-characters');
        },
      ),
    );
  });

  it('is checked by the password rules, not the PIN rules', () => {
    expect(cardSecretProblems('signature-password', 'ABC123', applicant)).toEqual([]);
    expect(cardSecretProblems('signature-password', '5829', applicant)).toEqual([
      'too-short',
      'needs-letter',
    ]);
  });
});

describe('what the clerk reads out', () => {
  it('every reason has a sentence in Japanese and in English', () => {
    for (const [code, text] of Object.entries(PIN_PROBLEM_MESSAGES)) {
      expect(text.ja, code).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(text.en, code).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('returns only reason codes, never the secret, whatever is typed', () => {
    const codes = Object.keys(PIN_PROBLEM_MESSAGES);
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (value) => {
        for (const problem of [
          ...fourDigitPinProblems(value, applicant),
          ...signaturePasswordProblems(value),
        ]) {
          expect(codes).toContain(problem);
        }
      }),
    );
  });
});
