import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/support/temp-dir';
import { deferIndexes, restoreDeferredIndexes } from './deferred-indexes';
import { openStore } from './open';

describe('indexes deferred by a bulk load', () => {
  it('come back on the next read-write open when the load never rebuilt them', () => {
    const path = join(tempDir(), 'store.db');
    const key = randomBytes(32);
    const db = openStore({ path, key });
    const names = () =>
      db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name").pluck().all();
    const before = names();
    expect(deferIndexes(db, ['person', 'case_event'])).toBeGreaterThan(3);
    const during = names();
    // The UNIQUE ones stay: they are constraints the load relies on.
    expect(during).toContain('person_by_my_number_hmac');
    expect(during).not.toContain('person_by_kana_norm');
    db.close(); // as if the load was killed here

    const reopened = openStore({ path, key });
    expect(
      reopened
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name")
        .pluck()
        .all(),
    ).toEqual(before);
    expect(restoreDeferredIndexes(reopened)).toBe(0);
    reopened.close();
  });

  it('defers a UNIQUE index only when named, and rebuilding it still refuses duplicates', () => {
    const db = openStore({ path: join(tempDir(), 'store.db'), key: randomBytes(32) });
    const indexes = () =>
      db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index'").pluck().all();
    expect(deferIndexes(db, ['person'], ['person_by_my_number_hmac'])).toBeGreaterThan(1);
    expect(indexes()).not.toContain('person_by_my_number_hmac');
    const insert = db.prepare(
      `INSERT INTO person (person_id, name_kanji, name_kana, birth_date, sex, address, overseas,
                           my_number, my_number_hmac, created_at, kana_norm, kanji_norm)
       VALUES (?, '山田 太郎', 'ヤマダ タロウ', '1980-02-17', 'male', '東京都', 0,
               '123456789018', ?, '2026-01-05T09:00:00.000Z', 'ヤマダタロウ', '山田太郎')`,
    );
    insert.run('p-1', Buffer.alloc(32, 1));
    insert.run('p-2', Buffer.alloc(32, 1));
    expect(() => restoreDeferredIndexes(db)).toThrow(/UNIQUE/);
    db.prepare("DELETE FROM person WHERE person_id = 'p-2'").run();
    expect(restoreDeferredIndexes(db)).toBeGreaterThan(1);
    expect(indexes()).toContain('person_by_my_number_hmac');
    db.close();
  });
});
