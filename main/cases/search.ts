// The counter's one search box (issue 3, "Search"): the clerk types whatever the applicant
// hands over (a My Number, an application ID, a card serial, a birth date, a name in kana,
// Latin letters or kanji) and `searchCases` decides which it is, then runs one indexed query.
//
// Every shape returns the same page: one row per application, sorted by the kana search form,
// then by the person's and the application's rowid (the order they were recorded in), and
// keyset-paged by an opaque cursor holding that triple (never OFFSET, so page 50 costs what
// page 1 does). The rowids make the order exactly the order of the indexes that serve it:
// person_by_kana_norm is (kana_norm, rowid) and application_by_person (person_id, rowid), so
// a kana page of 50 reads about 50 index entries and sorts nothing, however many namesakes
// share a reading. (Sorting by application ID within a reading, as before, made SQLite sort
// every reading group the page touched: thousands of rows for a common name at 1,000,000.)
// A cursor is for paging on, not for keeping: a restored backup may number rows differently. A row never carries the My Number: only its last four digits, for the masked
// display (domain/my-number.ts maskMyNumber).
//
// search.test.ts runs EXPLAIN QUERY PLAN on every shape, with and without a cursor.

import { fromJapaneseEra, parseIsoDate, toIsoDate, type EraKey } from '../../domain/japanese-era';
import { myNumberProblem } from '../../domain/my-number';
import {
  isKanaQuery,
  isLatinQuery,
  normalizeKana,
  normalizeKanji,
  normalizeLatin,
} from '../../domain/name-normalize';
import type { Db } from '../../db/open';
import type { CardState } from '../../domain/case-lifecycle';
import { existingMyNumberHmacSecret, myNumberHmac } from './my-number-index';
import { prefixUpperBound } from './queries';
import { prepared } from '../../db/statements';

export type SearchKind = 'my-number' | 'identifier' | 'birth-date' | 'kana' | 'latin' | 'kanji';

export interface SearchHit {
  applicationId: string;
  personId: string;
  nameKanji: string;
  nameKana: string;
  nameLatin: string | null;
  /** ISO date. */
  birthDate: string;
  /** For maskMyNumber only; the full number never leaves the store through search. */
  myNumberLast4: string;
  /** The application's latest card (highest serial), or null before one is ordered. */
  card: { serial: string; state: CardState } | null;
}

export interface SearchPage {
  kind: SearchKind;
  hits: SearchHit[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface SearchOptions {
  /** 1..200, default 50. */
  limit?: number;
  cursor?: string | null;
}

export const MAX_SEARCH_LIMIT = 200;
export const DEFAULT_SEARCH_LIMIT = 50;

export type SearchErrorCode = 'SEARCH_QUERY_EMPTY' | 'SEARCH_BAD_CURSOR' | 'SEARCH_BAD_LIMIT';

/** A search that cannot run as asked; the message names no searched value. */
export class SearchError extends Error {
  override readonly name = 'SearchError';
  constructor(
    readonly code: SearchErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What the clerk typed, classified, with the parameters of its WHERE clause. */
export type ClassifiedQuery =
  | { kind: 'my-number'; myNumber: string }
  | { kind: 'identifier'; id: string }
  | { kind: 'birth-date'; birthDate: string }
  | { kind: 'kana' | 'latin' | 'kanji'; prefix: string };

const ERA_NAMES: Readonly<Record<string, EraKey>> = {
  明治: 'meiji',
  大正: 'taisho',
  昭和: 'showa',
  平成: 'heisei',
  令和: 'reiwa',
  M: 'meiji',
  T: 'taisho',
  S: 'showa',
  H: 'heisei',
  R: 'reiwa',
};

/** 昭和55年2月17日, S55.2.17, H元年1月8日; 1980-02-17, 1980/2/17. ISO date or null. */
export function parseBirthDate(text: string): string | null {
  const era =
    /^(明治|大正|昭和|平成|令和|[MTSHR])(元|[0-9]{1,2})[年./-]([0-9]{1,2})[月./-]([0-9]{1,2})日?$/u.exec(
      text.toUpperCase(),
    );
  if (era) {
    const key = ERA_NAMES[era[1] ?? ''];
    const year = era[2] === '元' ? 1 : Number(era[2]);
    const date = key ? fromJapaneseEra(key, year, Number(era[3]), Number(era[4])) : null;
    return date ? toIsoDate(date) : null;
  }
  const western = /^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$/u.exec(text);
  if (!western) return null;
  const iso = `${western[1]}-${(western[2] ?? '').padStart(2, '0')}-${(western[3] ?? '').padStart(2, '0')}`;
  return parseIsoDate(iso) ? iso : null;
}

/**
 * Decides what the clerk typed, in this order:
 * 1. 12 digits (spaces and hyphens allowed) with a right check digit: a My Number;
 * 2. a date, western or Japanese-era: a birth date;
 * 3. letters, digits and hyphens with at least one digit: an application ID or a card serial
 *    (both are looked up exactly; neither format is fixed enough to tell them apart);
 * 4. kana only: a kana prefix; 5. Latin letters only: a Latin prefix; 6. otherwise kanji.
 */
export function classifyQuery(raw: string): ClassifiedQuery {
  const text = raw.normalize('NFKC').trim();
  if (text.length === 0)
    throw new SearchError('SEARCH_QUERY_EMPTY', 'Type something to search for.');
  const digits = text.replace(/[\s-]/gu, '');
  if (/^[0-9]{12}$/u.test(digits) && myNumberProblem(digits) === null) {
    return { kind: 'my-number', myNumber: digits };
  }
  const birthDate = parseBirthDate(text.replace(/\s/gu, ''));
  if (birthDate) return { kind: 'birth-date', birthDate };
  if (/^[0-9A-Za-z-]{1,64}$/u.test(text) && /[0-9]/u.test(text)) {
    return { kind: 'identifier', id: text };
  }
  if (isKanaQuery(text)) return { kind: 'kana', prefix: normalizeKana(text) };
  if (isLatinQuery(text)) return { kind: 'latin', prefix: normalizeLatin(text) };
  const prefix = normalizeKanji(text);
  if (prefix.length === 0)
    throw new SearchError('SEARCH_QUERY_EMPTY', 'Type something to search for.');
  return { kind: 'kanji', prefix };
}

const SELECT = `
  SELECT a.application_id, p.person_id, p.name_kanji, p.name_kana, p.name_latin, p.birth_date,
         substr(p.my_number, -4) AS my_number_last4, p.kana_norm,
         p.rowid AS person_rowid, a.rowid AS application_rowid,
         c.card_serial, c.state AS card_state
  FROM person AS p
  JOIN application AS a ON a.person_id = p.person_id
  LEFT JOIN card AS c ON c.card_serial =
    (SELECT max(card_serial) FROM card WHERE card.application_id = a.application_id)`;

/** The WHERE clause of each shape; each is served by one index (see search.test.ts). */
export const SEARCH_WHERE: Readonly<Record<SearchKind, string>> = {
  'my-number': 'p.my_number_hmac = @hmac',
  // @cardApplicationId: the application of the card with serial @id (looked up first by the
  // card's primary key), else @id again. A subquery here lets the planner walk the whole
  // person table instead.
  identifier: 'a.application_id IN (@id, @cardApplicationId)',
  'birth-date': 'p.birth_date = @birthDate',
  kana: 'p.kana_norm >= @from AND p.kana_norm < @to',
  latin: 'p.latin_norm >= @from AND p.latin_norm < @to',
  kanji: 'p.kanji_norm >= @from AND p.kanji_norm < @to',
};

/**
 * Rows strictly after the cursor in (kana_norm, person rowid, application rowid) order. The
 * first condition, on (kana_norm, rowid) alone, is a range of the kana index (and of
 * person_by_birth_date_kana within one birth date), so a kana page after the cursor starts
 * where the cursor is; the second steps past the cursor's own application. The other shapes
 * write `+p.kana_norm` so the planner keeps their own index instead of walking the whole kana
 * index from the cursor on.
 */
function afterCursor(kind: SearchKind): string {
  const kana = kind === 'kana' || kind === 'birth-date' ? 'p.kana_norm' : '+p.kana_norm';
  return `AND (${kana}, p.rowid) >= (@afterKana, @afterPerson)
  AND ((${kana}, p.rowid) > (@afterKana, @afterPerson) OR a.rowid > @afterApplication)`;
}

/** The SQL of one shape; exported for the query-plan tests. */
export function searchSql(kind: SearchKind, withCursor: boolean): string {
  return `${SELECT}
  WHERE ${SEARCH_WHERE[kind]} ${withCursor ? afterCursor(kind) : ''}
  ORDER BY p.kana_norm, p.rowid, a.rowid
  LIMIT @limit`;
}

interface Cursor {
  kana: string;
  person: number;
  application: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(
    JSON.stringify([cursor.kana, cursor.person, cursor.application]),
    'utf8',
  ).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      typeof value[0] === 'string' &&
      Number.isSafeInteger(value[1]) &&
      Number.isSafeInteger(value[2])
    ) {
      return { kana: value[0], person: value[1] as number, application: value[2] as number };
    }
  } catch {
    // Reported below: any cursor we did not make is the same mistake.
  }
  throw new SearchError(
    'SEARCH_BAD_CURSOR',
    'This page cursor is not one a search returned; search again from the first page.',
  );
}

interface HitRow {
  application_id: string;
  person_id: string;
  name_kanji: string;
  name_kana: string;
  name_latin: string | null;
  birth_date: string;
  my_number_last4: string;
  kana_norm: string;
  person_rowid: number;
  application_rowid: number;
  card_serial: string | null;
  card_state: CardState | null;
}

function emptyPage(kind: SearchKind): SearchPage {
  return { kind, hits: [], nextCursor: null };
}

/** The parameters of a classified query, or null when it cannot match anything. */
function whereParams(db: Db, query: ClassifiedQuery): Record<string, unknown> | null {
  switch (query.kind) {
    case 'my-number': {
      // No secret yet means no person was ever stored: nothing to find.
      const secret = existingMyNumberHmacSecret(db);
      return secret ? { hmac: myNumberHmac(secret, query.myNumber) } : null;
    }
    case 'identifier': {
      const ofCard = prepared(db, 'SELECT application_id FROM card WHERE card_serial = ?')
        .pluck()
        .get(query.id) as string | undefined;
      return { id: query.id, cardApplicationId: ofCard ?? query.id };
    }
    case 'birth-date':
      return { birthDate: query.birthDate };
    case 'kana':
    case 'latin':
    case 'kanji': {
      const to = prefixUpperBound(query.prefix);
      return to === undefined ? null : { from: query.prefix, to };
    }
  }
}

/** One page of applications matching what the clerk typed. */
export function searchCases(db: Db, text: string, options: SearchOptions = {}): SearchPage {
  const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    throw new SearchError(
      'SEARCH_BAD_LIMIT',
      `The page size must be a whole number from 1 to ${MAX_SEARCH_LIMIT}.`,
    );
  }
  const cursor = options.cursor ? decodeCursor(options.cursor) : null;
  const query = classifyQuery(text);
  const params = whereParams(db, query);
  if (!params) return emptyPage(query.kind);
  // A kana page after a cursor starts its index range at the cursor's reading.
  if (query.kind === 'kana' && cursor && cursor.kana > String(params['from'])) {
    params['from'] = cursor.kana;
  }
  const rows = prepared(db, searchSql(query.kind, cursor !== null)).all({
    ...params,
    ...(cursor
      ? {
          afterKana: cursor.kana,
          afterPerson: cursor.person,
          afterApplication: cursor.application,
        }
      : {}),
    limit: limit + 1,
  }) as HitRow[];
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    kind: query.kind,
    hits: page.map((row) => ({
      applicationId: row.application_id,
      personId: row.person_id,
      nameKanji: row.name_kanji,
      nameKana: row.name_kana,
      nameLatin: row.name_latin,
      birthDate: row.birth_date,
      myNumberLast4: row.my_number_last4,
      card:
        row.card_serial !== null && row.card_state !== null
          ? { serial: row.card_serial, state: row.card_state }
          : null,
    })),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({
            kana: last.kana_norm,
            person: last.person_rowid,
            application: last.application_rowid,
          })
        : null,
  };
}
