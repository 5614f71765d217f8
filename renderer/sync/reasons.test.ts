import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../sync/protocol';
import en from '../i18n/en.json';
import ja from '../i18n/ja.json';
import { reasonCodes } from './reasons';

describe('sync review reasons', () => {
  it.each(REASON_CODES)('%s reads as a sentence in both languages, not as its code', (code) => {
    for (const catalog of [ja, en]) {
      const text = (catalog.sync.reasons as Record<string, string>)[code];
      expect(text).toMatch(/\S/);
      expect(text).not.toContain(code);
    }
  });

  it("splits a stored reason into central's codes, most important first", () => {
    expect(reasonCodes('HANDOVER_OF_SUSPENDED_CARD,CLOCK_SKEW')).toEqual([
      'HANDOVER_OF_SUSPENDED_CARD',
      'CLOCK_SKEW',
    ]);
    expect(reasonCodes('')).toEqual([]);
  });
});
