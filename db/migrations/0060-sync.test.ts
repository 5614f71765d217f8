import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';

describe('migration 0060: sync', () => {
  it('starts with one sync_state row at seq 0 and refuses a second identity', () => {
    const db = tempStore();
    expect(
      db.prepare('SELECT acked_through_seq, state, batch_limit FROM sync_state').all(),
    ).toEqual([{ acked_through_seq: 0, state: 'idle', batch_limit: 200 }]);
    expect(() => db.prepare('INSERT INTO sync_state (id) VALUES (2)').run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE sync_state SET state = 'confused' WHERE id = 1").run()).toThrow(
      /CHECK/,
    );
  });

  it('keeps a review item resolved only with a time, and an open one without', () => {
    const db = tempStore();
    const insert = db.prepare(
      "INSERT INTO sync_review_item (review_id, kind, reason, created_at, state, resolved_at) VALUES (?, 'rejected', 'UNKNOWN_CASE', 'now', ?, ?)",
    );
    expect(() => insert.run('r1', 'resolved', null)).toThrow(/CHECK/);
    expect(() => insert.run('r2', 'open', 'later')).toThrow(/CHECK/);
    insert.run('r3', 'open', null);
    insert.run('r4', 'resolved', 'later');
  });

  it('holds one entry per card serial in the revocation list', () => {
    const db = tempStore();
    const insert = db.prepare(
      "INSERT INTO revocation_entry (card_serial, status, effective_at, list_version) VALUES ('AB12', ?, 'now', 1)",
    );
    expect(() => insert.run('lost')).toThrow(/CHECK/);
    insert.run('revoked');
    expect(() => insert.run('suspended')).toThrow(/UNIQUE/);
  });
});
