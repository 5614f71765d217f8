import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';
import { SECOND_PERSON_EVENT_TYPES } from './0090-second-person-and-arrival';

describe('migration 0090: approvals, arrival checks, and their event types', () => {
  it('keeps approval_log append-only and refuses an unknown action or outcome', () => {
    const db = tempStore();
    const insert = db.prepare(
      `INSERT INTO approval_log (approval_id, action, staff_id, supervisor_id, outcome, at)
       VALUES (?, ?, 'clerk01', 'super01', ?, '2026-11-22T00:00:00Z')`,
    );
    insert.run('a1', 'pin-reset', 'approved');
    expect(() => insert.run('a2', 'coffee', 'approved')).toThrow(/CHECK constraint/);
    expect(() => insert.run('a3', 'pin-reset', 'maybe')).toThrow(/CHECK constraint/);
    expect(() => db.exec("UPDATE approval_log SET outcome = 'same-staff'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM approval_log')).toThrow(/append-only/);
  });

  it('registers its case event types and the arrival outcomes', () => {
    const db = tempStore();
    const types = db.prepare('SELECT type FROM case_event_type').pluck().all();
    expect(types).toEqual(expect.arrayContaining([...SECOND_PERSON_EVENT_TYPES]));
    db.prepare(
      "INSERT INTO arrival_shipment (shipment_id, started_by, started_at) VALUES ('s1', 'c', 'now')",
    ).run();
    const item = db.prepare(
      `INSERT INTO arrival_item (shipment_id, card_serial, listed, outcome, updated_at)
       VALUES ('s1', ?, 1, ?, 'now')`,
    );
    item.run('C1', 'listed');
    expect(() => item.run('C2', 'lost-in-the-post')).toThrow(/CHECK constraint/);
  });
});
