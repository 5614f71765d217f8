import { describe, expect, it } from 'vitest';
import { formatDate, groupedMyNumber, maskedMyNumber, parseDateInput } from './dates';

describe('dates as clerks type them', () => {
  it.each([
    ['昭和55年2月17日', '1980-02-17'],
    ['S55.2.17', '1980-02-17'],
    ['ｓ５５．２．１７', '1980-02-17'],
    ['平成元年1月8日', '1989-01-08'],
    ['1980-02-17', '1980-02-17'],
    ['1980/2/17', '1980-02-17'],
    ['19800217', '1980-02-17'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseDateInput(text)).toBe(iso);
  });

  it.each(['', '昭和65年1月1日', '1980-02-30', 'yesterday'])('refuses %j', (text) => {
    expect(parseDateInput(text)).toBeNull();
  });

  it('writes the era in Japanese and ISO first in English', () => {
    expect(formatDate('1980-02-17', 'ja')).toBe('昭和55年2月17日');
    expect(formatDate('1980-02-17', 'en')).toBe('1980-02-17 (Showa 55)');
  });

  it('masks all but the last four digits of a My Number', () => {
    expect(maskedMyNumber('9012')).toBe('•••• •••• 9012');
    expect(groupedMyNumber('123456789018')).toBe('1234 5678 9018');
  });
});
