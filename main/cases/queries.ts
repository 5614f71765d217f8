// The lookups a clerk waits on, as plain SQL. queries.test.ts runs EXPLAIN QUERY PLAN on each
// and fails if one stops using its index.

export const FIND_PERSON_BY_MY_NUMBER_HMAC = `
  SELECT person_id, name_kanji, name_kana, alias, name_latin, birth_date, sex, address,
         overseas, created_at
  FROM person WHERE my_number_hmac = ?`;

/** Kana prefix as a range, so the BINARY index on name_kana serves it (no LIKE, no collation). */
export const FIND_PERSONS_BY_KANA_PREFIX = `
  SELECT person_id, name_kanji, name_kana, alias, name_latin, birth_date, sex, address,
         overseas, created_at
  FROM person WHERE name_kana >= @from AND name_kana < @to
  ORDER BY name_kana LIMIT @limit`;

export const FIND_PERSONS_BY_BIRTH_DATE = `
  SELECT person_id, name_kanji, name_kana, alias, name_latin, birth_date, sex, address,
         overseas, created_at
  FROM person WHERE birth_date = ? ORDER BY name_kana LIMIT 200`;

export const GET_APPLICATION = `
  SELECT application_id, person_id, kind, channel, received_at, office_code, status, version,
         purged_at
  FROM application WHERE application_id = ?`;

export const GET_CARD = `
  SELECT c.card_serial, c.application_id, c.state, c.expiry_date, c.version, a.kind
  FROM card AS c JOIN application AS a ON a.application_id = c.application_id
  WHERE c.card_serial = ?`;

export const CARDS_OF_APPLICATION = `
  SELECT card_serial, application_id, state, expiry_date, version
  FROM card WHERE application_id = ? ORDER BY card_serial`;

export const EVENTS_OF_CASE = `
  SELECT seq, type, actor_role, terminal_time FROM case_event WHERE case_ref = ? ORDER BY seq`;

/**
 * The exclusive upper bound of all strings starting with `prefix`: the prefix with its last
 * code point incremented. undefined when no bound exists (empty prefix, or U+10FFFF last).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = [...prefix];
  const last = points.pop();
  if (last === undefined) return undefined;
  const code = last.codePointAt(0) ?? 0;
  if (code >= 0x10ffff) return undefined;
  // Skip the surrogate range, which no well-formed string contains.
  const next = code + 1 === 0xd800 ? 0xe000 : code + 1;
  return points.join('') + String.fromCodePoint(next);
}
