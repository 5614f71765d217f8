import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';

describe('migration 0070: the counter workflows', () => {
  it('keeps the session log and the custody counts append-only', () => {
    const db = tempStore();
    db.prepare(
      "INSERT INTO session_log (staff_id, kind, at) VALUES ('c01', 'signed-in', 'now')",
    ).run();
    expect(() => db.prepare("UPDATE session_log SET kind = 'signed-out'").run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM session_log').run()).toThrow(/append-only/);
    db.prepare(
      `INSERT INTO custody_reconciliation VALUES ('r1', '2026-11-20', 3, 2, 'c01', 'now')`,
    ).run();
    expect(() => db.prepare('UPDATE custody_reconciliation SET counted = 3').run()).toThrow(
      /append-only/,
    );
  });

  it('refuses a session log entry of an unknown kind', () => {
    const db = tempStore();
    expect(() =>
      db
        .prepare("INSERT INTO session_log (staff_id, kind, at) VALUES ('c01', 'hacked', 'now')")
        .run(),
    ).toThrow(/CHECK/);
  });

  it('adds its event types, and indexes the day-end queries', () => {
    const db = tempStore();
    const types = db.prepare('SELECT type FROM case_event_type').pluck().all();
    expect(types).toEqual(expect.arrayContaining(['my-number-revealed', 'loss-reported']));
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((row) => row.detail)
        .join('\n');
    expect(
      plan("SELECT * FROM case_event WHERE terminal_time >= 'a' AND terminal_time < 'b'"),
    ).toMatch(/case_event_by_time/);
    expect(plan("SELECT * FROM card WHERE state = 'in-custody'")).toMatch(/card_by_state/);
  });
});
