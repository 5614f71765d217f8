import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir';
import { openStore } from '../open';
import { MIGRATIONS } from './index';

describe('migration 0040: an application can outlive its person', () => {
  it('keeps every application, card and identity check of a store made before it', () => {
    const path = join(tempDir(), 'store.db');
    const key = randomBytes(32);
    const before = openStore({ path, key, migrations: MIGRATIONS.filter((m) => m.version < 40) });
    before.exec(`
      INSERT INTO person (person_id, name_kanji, name_kana, birth_date, sex, address, overseas,
                          my_number, my_number_hmac, created_at)
        VALUES ('p1', '山田太郎', 'ヤマダタロウ', '1980-02-17', 'male', '東京都', 0,
                '123456789018', randomblob(32), 'now');
      INSERT INTO application (application_id, person_id, kind, channel, received_at,
                               office_code, status, version)
        VALUES ('A1', 'p1', 'new', 'counter', '2026-01-05T00:00:00Z', '131016', 'card-ordered', 2),
               ('A2', 'p1', 'renewal', 'mail', '2026-02-05T00:00:00Z', '131016', 'received', 1);
      INSERT INTO card (card_serial, application_id, state) VALUES ('C1', 'A1', 'in-custody');
      INSERT INTO identity_check (identity_check_id, application_id, document, face_compared,
                                  checked_by, checked_at)
        VALUES ('i1', 'A1', 'a-passport', 1, 'clerk-01', 'now');
    `);
    before.close();

    const db = openStore({ path, key });
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(40);
      expect(db.prepare('SELECT * FROM application ORDER BY application_id').all()).toEqual([
        expect.objectContaining({
          application_id: 'A1',
          person_id: 'p1',
          version: 2,
          purged_at: null,
        }),
        expect.objectContaining({ application_id: 'A2', status: 'received', purged_at: null }),
      ]);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.prepare('SELECT count(*) FROM card').pluck().get()).toBe(1);
      // The foreign keys still hold after the rebuild: a card needs its application.
      expect(() =>
        db
          .prepare(
            "INSERT INTO card (card_serial, application_id, state) VALUES ('C9', 'A9', 'ordered')",
          )
          .run(),
      ).toThrow(/FOREIGN KEY/);
      // A purged application has no person, and only then a purge time.
      db.prepare(
        "UPDATE application SET person_id = NULL, purged_at = 'now' WHERE application_id = 'A2'",
      ).run();
      expect(() =>
        db.prepare("UPDATE application SET person_id = NULL WHERE application_id = 'A1'").run(),
      ).toThrow(/CHECK/);
      expect(
        db.prepare("SELECT name FROM pragma_index_list('application')").pluck().all(),
      ).toContain('application_by_person');
      const types = db.prepare('SELECT type FROM case_event_type').pluck().all();
      expect(types).toEqual(expect.arrayContaining(['personal-data-purged', 'case-imported']));
    } finally {
      db.close();
    }
  });
});
