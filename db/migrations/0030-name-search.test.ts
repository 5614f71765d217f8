import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir';
import { openStore } from '../open';
import { latestVersion, MIGRATIONS } from './index';

describe('migration 0030: names in their search form', () => {
  it('backfills the search forms of people recorded before it, and indexes them', () => {
    const path = join(tempDir(), 'store.db');
    const key = randomBytes(32);
    const before = openStore({ path, key, migrations: MIGRATIONS.filter((m) => m.version < 30) });
    const insert = before.prepare(
      `INSERT INTO person (person_id, name_kanji, name_kana, name_latin, birth_date, sex, address,
                           overseas, my_number, my_number_hmac, created_at)
       VALUES (?, ?, ?, ?, '1980-02-17', 'male', '東京都', 0, '123456789018', randomblob(32), 'now')`,
    );
    insert.run('p1', '髙橋 一郎', 'たかはし いちろう', 'Takahashi Ichirō');
    insert.run('p2', '山田太郎', 'ﾔﾏﾀﾞ ﾀﾛｳ', null);
    before.close();

    const db = openStore({ path, key });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(latestVersion());
      expect(
        db
          .prepare('SELECT person_id, kana_norm, kanji_norm, latin_norm FROM person ORDER BY 1')
          .all(),
      ).toEqual([
        {
          person_id: 'p1',
          kana_norm: 'タカハシイチロウ',
          kanji_norm: '高橋一郎',
          latin_norm: 'TAKAHASHI ICHIRO',
        },
        { person_id: 'p2', kana_norm: 'ヤマダタロウ', kanji_norm: '山田太郎', latin_norm: null },
      ]);
      const indexes = db
        .prepare("SELECT name FROM pragma_index_list('person') ORDER BY name")
        .pluck()
        .all();
      expect(indexes).toEqual(
        expect.arrayContaining([
          'person_by_kana_norm',
          'person_by_kanji_norm',
          'person_by_latin_norm',
          'person_by_birth_date_kana',
        ]),
      );
    } finally {
      db.close();
    }
  });
});
