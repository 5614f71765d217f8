import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir';
import { openStore } from '../open';
import { MIGRATIONS } from './index';

describe('migration 0080: the local transaction of each case event', () => {
  it('adds tx_seq, which may only name an earlier event, and keeps the log append-only', () => {
    const db = openStore({
      path: join(tempDir(), 'store.db'),
      key: randomBytes(32),
      migrations: MIGRATIONS.filter((m) => m.version <= 80),
    });
    db.exec("INSERT INTO case_event_type (type) VALUES ('test-event')");
    const insert = db.prepare(
      `INSERT INTO case_event (seq, event_id, terminal_id, actor_role, case_ref, type, payload,
                               terminal_time, prev_hash, hash, signature, tx_seq)
       VALUES (?, ?, 't', 'clerk', 'A-1', 'test-event', '{}', 'now', zeroblob(32), zeroblob(32),
               zeroblob(64), ?)`,
    );
    insert.run(1, 'e1', null);
    insert.run(2, 'e2', 1);
    expect(() => insert.run(3, 'e3', 3)).toThrow(/CHECK constraint/);
    expect(() => insert.run(3, 'e3', 0)).toThrow(/CHECK constraint/);
    expect(() => db.exec('UPDATE case_event SET tx_seq = NULL WHERE seq = 2')).toThrow();
    db.close();
  });
});
