import { normalizeKana, normalizeKanji, normalizeLatin } from '../../domain/name-normalize';
import type { Migration } from './index';

// Search by name (issue 3, "Search"): each name in its normalized search form
// (domain/name-normalize.ts), so a clerk typing ﾔﾏﾀﾞ, やまだ or ヤマダ finds the same person.
// The case store writes these columns with every person; existing rows are backfilled here.
// A later change to the normalization needs a migration that backfills again.
//
// Prefix search runs as a range (col >= prefix AND col < next), so plain BINARY indexes serve
// it, as person_by_kana does for 0020's kana lookup. Every result list is sorted by kana_norm
// then rowid (main/cases/search.ts); (birth_date, kana_norm) lets a birth-date search read in
// that order.
//
// No FTS5 table: this build has FTS5, but a trigram index for kanji substrings would need
// sync triggers and cannot match the 1-2 character surnames clerks type most; prefix search
// covers the counter's lookups. (Measured on 50,000 seeded people: a 3-character substring
// through a trigram index 0.13 ms against 4.2 ms scanning person, +4 MiB of store; a
// 2-character query falls back to scanning the index, 5.9 ms. Worth it only with a
// substring search in the UI, which the counter does not have.)

const migration: Migration = {
  version: 30,
  name: 'name-search',
  up(db) {
    db.exec(`
      ALTER TABLE person ADD COLUMN kana_norm TEXT NOT NULL DEFAULT '';
      ALTER TABLE person ADD COLUMN kanji_norm TEXT NOT NULL DEFAULT '';
      ALTER TABLE person ADD COLUMN latin_norm TEXT;
    `);
    const rows = db
      .prepare('SELECT person_id, name_kanji, name_kana, name_latin FROM person')
      .all() as {
      person_id: string;
      name_kanji: string;
      name_kana: string;
      name_latin: string | null;
    }[];
    const update = db.prepare(
      'UPDATE person SET kana_norm = ?, kanji_norm = ?, latin_norm = ? WHERE person_id = ?',
    );
    for (const row of rows) {
      update.run(
        normalizeKana(row.name_kana),
        normalizeKanji(row.name_kanji),
        row.name_latin === null ? null : normalizeLatin(row.name_latin),
        row.person_id,
      );
    }
    db.exec(`
      CREATE INDEX person_by_kana_norm ON person (kana_norm);
      CREATE INDEX person_by_kanji_norm ON person (kanji_norm);
      CREATE INDEX person_by_latin_norm ON person (latin_norm) WHERE latin_norm IS NOT NULL;
      CREATE INDEX person_by_birth_date_kana ON person (birth_date, kana_norm);
    `);
  },
};

export default migration;
