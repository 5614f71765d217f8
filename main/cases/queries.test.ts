import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';
import {
  CARDS_OF_APPLICATION,
  EVENTS_OF_CASE,
  FIND_PERSON_BY_MY_NUMBER_HMAC,
  FIND_PERSONS_BY_BIRTH_DATE,
  FIND_PERSONS_BY_KANA_PREFIX,
  GET_APPLICATION,
  GET_CARD,
  prefixUpperBound,
} from './queries';

function plan(sql: string, ...params: unknown[]): string {
  const db = tempStore();
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  return rows.map((r) => r.detail).join('\n');
}

// What the clerk waits on at the counter, each answered from an index, never a table scan.
describe('the lookups a clerk waits on use their index', () => {
  it.each([
    [
      'a person by My Number (its HMAC)',
      FIND_PERSON_BY_MY_NUMBER_HMAC,
      [Buffer.alloc(32)],
      /SEARCH person USING INDEX person_by_my_number_hmac/,
    ],
    [
      'persons by kana prefix',
      FIND_PERSONS_BY_KANA_PREFIX,
      [{ from: 'ヤマ', to: 'ヤミ', limit: 50 }],
      /SEARCH person USING INDEX person_by_kana \(name_kana>\? AND name_kana<\?\)/,
    ],
    [
      'persons by birth date',
      FIND_PERSONS_BY_BIRTH_DATE,
      ['1980-02-17'],
      /SEARCH person USING INDEX person_by_birth_date/,
    ],
    [
      'an application by its ID',
      GET_APPLICATION,
      ['A-1'],
      /SEARCH application USING INDEX sqlite_autoindex_application_1/,
    ],
    ['a card by its serial', GET_CARD, ['C-1'], /SEARCH c USING INDEX sqlite_autoindex_card_1/],
    [
      'the cards of an application',
      CARDS_OF_APPLICATION,
      ['A-1'],
      /SEARCH card USING INDEX card_by_application/,
    ],
    [
      'the history of a case',
      EVENTS_OF_CASE,
      ['A-1'],
      /SEARCH case_event USING INDEX case_event_by_case/,
    ],
  ])('%s', (_name, sql, params, expected) => {
    const detail = plan(sql, ...params);
    expect(detail).toMatch(expected);
    expect(detail).not.toMatch(/^SCAN (person|application|card|case_event)\b/m);
  });
});

describe('the kana prefix bound', () => {
  it('is the prefix with its last character moved one code point on', () => {
    expect(prefixUpperBound('ヤマ')).toBe('ヤミ');
    expect(prefixUpperBound('a')).toBe('b');
    expect(prefixUpperBound('\uD7FF')).toBe('\uE000');
    expect(prefixUpperBound('')).toBeUndefined();
    expect(prefixUpperBound('\u{10FFFF}')).toBeUndefined();
  });
});
