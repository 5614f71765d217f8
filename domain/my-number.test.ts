import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskMyNumber, myNumberCheckDigit, myNumberProblem } from './my-number';

describe('My Number check digit', () => {
  it.each([
    ['12345678901', 8],
    ['98320567321', 4],
    ['53768667718', 8],
  ])('%s has check digit %i', (first11, check) => {
    expect(myNumberCheckDigit(first11)).toBe(check);
    expect(myNumberProblem(`${first11}${check}`)).toBeNull();
  });

  it('accepts every number built with its own check digit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{11}$/), (first11) => {
        expect(myNumberProblem(`${first11}${myNumberCheckDigit(first11)}`)).toBeNull();
      }),
    );
  });

  it('catches a single mistyped digit, except where the rule maps remainders 0 and 1 to the same check digit', () => {
    const remainder = (first11: string) =>
      [...first11].reduce(
        (sum, d, i) => sum + Number(d) * [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2][i]!,
        0,
      ) % 11;
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{11}$/),
        fc.nat(11),
        fc.integer({ min: 1, max: 9 }),
        (first11, pos, delta) => {
          const valid = `${first11}${myNumberCheckDigit(first11)}`;
          const typo = `${valid.slice(0, pos)}${(Number(valid[pos]) + delta) % 10}${valid.slice(pos + 1)}`;
          if (myNumberProblem(typo) === null) {
            expect(pos).toBeLessThan(11);
            expect(new Set([remainder(first11), remainder(typo.slice(0, 11))])).toEqual(
              new Set([0, 1]),
            );
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each([
    '',
    '12345678901',
    '1234567890188',
    '12345678901a',
    '１２３４５６７８９０１８',
    ' 123456789018',
  ])('refuses %j as not 12 digits', (value) => {
    expect(myNumberProblem(value)).toBe('not-12-digits');
  });

  it('shows only the last four digits by default', () => {
    expect(maskMyNumber('123456789018')).toBe('••••  ••••  9018');
    expect(maskMyNumber('123456789018')).not.toMatch(/12345678/);
  });
});
