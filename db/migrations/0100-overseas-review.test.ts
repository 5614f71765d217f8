import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir';
import { openStore } from '../open';
import { MIGRATIONS } from './index';

describe('migration 0100: the consular review of overseas applications', () => {
  it('adds the review event types and an append-only review table that needs a reason to reject', () => {
    const db = openStore({
      path: join(tempDir(), 'store.db'),
      key: randomBytes(32),
      migrations: MIGRATIONS.filter((m) => m.version <= 100),
    });
    const types = db.prepare('SELECT type FROM case_event_type').pluck().all();
    expect(types).toEqual(expect.arrayContaining(['application-accepted', 'application-rejected']));
    db.exec(`
      INSERT INTO person (person_id, name_kanji, name_kana, birth_date, sex, address, overseas,
                          my_number, my_number_hmac, created_at)
      VALUES ('P1', '山田', 'ヤマダ', '1990-01-01', 'male', 'x', 1, '123456789018',
              zeroblob(32), 'now');
      INSERT INTO application (application_id, person_id, kind, channel, received_at,
                               office_code, status)
      VALUES ('A-1', 'P1', 'overseas', 'overseas-online', 'now', 'M1', 'received');
      INSERT INTO case_event (seq, event_id, terminal_id, actor_role, case_ref, type, payload,
                              terminal_time, prev_hash, hash, signature)
      VALUES (1, 'e1', 't', 'clerk', 'A-1', 'application-rejected', '{}', 'now', zeroblob(32),
              zeroblob(32), zeroblob(64));`);
    const insert = db.prepare(
      `INSERT INTO overseas_review (application_id, decision, reason, facts, photo_checks,
                                    reviewed_by, reviewed_at, seq)
       VALUES ('A-1', ?, ?, '{}', '[]', 'clerk01', 'now', 1)`,
    );
    expect(() => insert.run('rejected', null)).toThrow(/CHECK constraint/);
    expect(() => insert.run('maybe', 'x')).toThrow(/CHECK constraint/);
    insert.run('rejected', 'photo-unsuitable');
    expect(() => db.exec("UPDATE overseas_review SET decision = 'accepted'")).toThrow(
      /append-only/,
    );
    expect(() => db.exec('DELETE FROM overseas_review')).toThrow(/append-only/);
    db.close();
  });
});
