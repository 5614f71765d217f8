import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/open';
import { tempStore } from '../../test/support/store';
import { createMemoryLogger } from '../log/logger';
import { CaseStore } from './case-store';
import { classifyQuery, searchCases, searchSql, SearchError, type SearchKind } from './search';
import { application, central, clerk, person, uniqueMyNumber } from './testing';

function counter(db: Db = tempStore()) {
  const { log } = createMemoryLogger();
  return { db, store: new CaseStore({ db, log, now: () => new Date('2026-01-05T09:30:00.000Z') }) };
}

const YAMADA = person({
  nameKanji: '山田 太郎',
  nameKana: 'やまだ たろう',
  nameLatin: 'Yamada Tarō',
  birthDate: '1980-02-17',
  myNumber: uniqueMyNumber(),
});

describe('a clerk searching from the one search box', () => {
  it('a clerk typing ﾔﾏﾀﾞ finds 山田 太郎 registered as やまだ たろう', () => {
    const { db, store } = counter();
    const { applicationId } = store.receiveApplication(application({ person: YAMADA }), clerk);
    store.receiveApplication(application(), clerk);
    for (const typed of [
      'ﾔﾏﾀﾞ',
      'やまだ',
      'ヤマダ タ',
      'yamada',
      'ＹＡＭＡＤＡ　ＴＡＲＯＵ',
      '山田',
      '山田太',
    ]) {
      const page = searchCases(db, typed);
      expect(
        page.hits.map((h) => h.applicationId),
        typed,
      ).toEqual([applicationId]);
    }
    expect(searchCases(db, 'ﾔﾏﾀﾞ').hits[0]).toMatchObject({
      nameKanji: '山田 太郎',
      nameKana: 'やまだ たろう',
      nameLatin: 'Yamada Tarō',
      birthDate: '1980-02-17',
      myNumberLast4: YAMADA.myNumber.slice(-4),
      card: null,
    });
  });

  it('finds 髙橋 when the clerk types 高橋', () => {
    const { db, store } = counter();
    store.receiveApplication(application({ person: person({ nameKanji: '髙橋 一郎' }) }), clerk);
    expect(searchCases(db, '高橋').hits).toHaveLength(1);
    expect(searchCases(db, '高橋').kind).toBe('kanji');
  });

  it('finds a person by My Number, typed with spaces, and never shows more than its last 4 digits', () => {
    const { db, store } = counter();
    const { applicationId } = store.receiveApplication(application({ person: YAMADA }), clerk);
    const spaced = YAMADA.myNumber.replace(/(\d{4})(?=\d)/g, '$1 ');
    const page = searchCases(db, spaced);
    expect(page.kind).toBe('my-number');
    expect(page.hits.map((h) => h.applicationId)).toEqual([applicationId]);
    expect(JSON.stringify(page)).not.toContain(YAMADA.myNumber);
    expect(JSON.stringify(page)).not.toContain(YAMADA.myNumber.slice(0, 8));
  });

  it('finds nothing by My Number on a store where nobody was ever recorded', () => {
    const { db } = counter();
    expect(searchCases(db, YAMADA.myNumber)).toEqual({
      kind: 'my-number',
      hits: [],
      nextCursor: null,
    });
  });

  it('finds an application by its ID and by the serial of its card, with the card state', () => {
    const { db, store } = counter();
    store.receiveApplication(
      application({ applicationId: '12345678901234567890123', person: YAMADA }),
      clerk,
    );
    store.orderCard(
      '12345678901234567890123',
      { cardSerial: 'SN-0042', expiryDate: null },
      central,
      1,
    );
    for (const typed of ['12345678901234567890123', 'SN-0042']) {
      const page = searchCases(db, typed);
      expect(page.kind).toBe('identifier');
      expect(page.hits).toMatchObject([
        { applicationId: '12345678901234567890123', card: { serial: 'SN-0042', state: 'ordered' } },
      ]);
    }
    expect(searchCases(db, 'SN-0043').hits).toEqual([]);
  });

  it('finds people born on a day typed in western or Japanese-era form', () => {
    const { db, store } = counter();
    store.receiveApplication(application({ person: YAMADA }), clerk);
    store.receiveApplication(application({ person: person({ birthDate: '1980-02-18' }) }), clerk);
    for (const typed of ['1980-02-17', '1980/2/17', '昭和55年2月17日', 'S55.2.17']) {
      const page = searchCases(db, typed);
      expect(page.kind, typed).toBe('birth-date');
      expect(
        page.hits.map((h) => h.nameKanji),
        typed,
      ).toEqual(['山田 太郎']);
    }
  });

  it('pages through namesakes in kana order, then in the order they were recorded, without repeating anyone', () => {
    const { db, store } = counter();
    const kana = ['サトウ ハナコ', 'さとう いちろう', 'ｻﾄｳ ｼﾞﾛｳ', 'サトウ アキ', 'さとう いちろう'];
    const ids = kana.map(
      (nameKana, i) =>
        store.receiveApplication(
          application({
            applicationId: `A-${9 - i}`,
            person: person({ nameKana, nameKanji: '佐藤' }),
          }),
          clerk,
        ).applicationId,
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const page = searchCases(db, 'さとう', { limit: 2, cursor });
      seen.push(...page.hits.map((h) => h.applicationId));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    // アキ, イチロウ (A-8, recorded before A-5), ジロウ, ハナコ.
    expect(seen).toEqual(['A-6', 'A-8', 'A-5', 'A-7', 'A-9']);
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  it('refuses an empty search, a page size out of range and a cursor it did not make', () => {
    const { db } = counter();
    const code = (action: () => unknown) => {
      try {
        action();
      } catch (error) {
        if (error instanceof SearchError) return error.code;
      }
      return 'no error';
    };
    expect(code(() => searchCases(db, '  '))).toBe('SEARCH_QUERY_EMPTY');
    expect(code(() => searchCases(db, 'x', { limit: 0 }))).toBe('SEARCH_BAD_LIMIT');
    expect(code(() => searchCases(db, 'x', { limit: 201 }))).toBe('SEARCH_BAD_LIMIT');
    expect(code(() => searchCases(db, 'x', { cursor: 'not-a-cursor' }))).toBe('SEARCH_BAD_CURSOR');
  });
});

describe('what the search box takes a query for', () => {
  it.each([
    ['123456789018', 'my-number'],
    ['123456789019', 'identifier'],
    ['2026-01-05', 'birth-date'],
    ['令和元年5月1日', 'birth-date'],
    ['MDG-0190a0b1-aaaa', 'identifier'],
    ['ﾔﾏﾀﾞ', 'kana'],
    ['Müller', 'latin'],
    ['山田', 'kanji'],
    ['山田はな', 'kanji'],
  ])('%s is a %s search', (typed, kind) => {
    expect(classifyQuery(typed).kind).toBe(kind);
  });
});

// What the clerk waits on: every shape answered from an index, with or without a cursor.
describe('every search shape uses its index', () => {
  const params: Record<SearchKind, Record<string, unknown>> = {
    'my-number': { hmac: Buffer.alloc(32) },
    identifier: { id: 'A-1', cardApplicationId: 'A-2' },
    'birth-date': { birthDate: '1980-02-17' },
    kana: { from: 'ヤマ', to: 'ヤミ' },
    latin: { from: 'YAMA', to: 'YAMB' },
    kanji: { from: '山田', to: '山男' },
  };
  const expected: Record<SearchKind, RegExp> = {
    'my-number': /SEARCH p USING INDEX person_by_my_number_hmac \(my_number_hmac=\?\)/,
    identifier: /SEARCH a USING INDEX sqlite_autoindex_application_1 \(application_id=\?\)/,
    'birth-date': /SEARCH p USING INDEX person_by_birth_date_kana \(birth_date=\?/,
    kana: /SEARCH p USING INDEX person_by_kana_norm \(kana_norm>\? AND kana_norm<\?\)/,
    latin: /SEARCH p USING INDEX person_by_latin_norm \(latin_norm>\? AND latin_norm<\?\)/,
    kanji: /SEARCH p USING INDEX person_by_kanji_norm \(kanji_norm>\? AND kanji_norm<\?\)/,
  };
  const cases = (Object.keys(params) as SearchKind[]).flatMap((kind) => [
    [kind, false] as const,
    [kind, true] as const,
  ]);

  it.each(cases)('%s (with a cursor: %s)', (kind, withCursor) => {
    const { db, store } = counter();
    // Some rows, and fresh statistics, so the planner chooses as it would in an office.
    for (let i = 0; i < 12; i += 1) store.receiveApplication(application(), clerk);
    db.exec('ANALYZE');
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${searchSql(kind, withCursor)}`).all({
      ...params[kind],
      limit: 51,
      ...(withCursor ? { afterKana: 'ヤマダ', afterPerson: 5, afterApplication: 5 } : {}),
    }) as { detail: string }[];
    const detail = rows.map((r) => r.detail).join('\n');
    expect(detail).toMatch(expected[kind]);
    expect(detail).toMatch(/SEARCH card USING INDEX card_by_application/);
    expect(detail).not.toMatch(/\bSCAN (p|a|c|person|application|card)\b/);
    // The page order is the order of these shapes' indexes: a kana page of 50 reads about 50
    // entries however many namesakes share the reading, and sorts nothing.
    if (kind === 'kana' || kind === 'birth-date' || kind === 'my-number') {
      expect(detail).not.toMatch(/TEMP B-TREE/);
    }
  });
});
