import type { Migration } from './index';

// The two-person rule, the arrival check and the counter PIN reset (issue 5 workflows 3, 5, 6;
// issue 7 Security 2):
//
// - approval_log: every supervisor approval given on this terminal, and every refused attempt,
//   append-only. The action it approved records both identities in its own case event too; a
//   bulk export has no case, so this log is its audit record.
// - arrival_shipment / arrival_item: a shipment being checked (交付前設定): the serials on its
//   delivery list and what became of each (matched, missing, extra, unreadable, wrong card).
//   Working state of the check; the facts of each card go to its case events.
// - three case event types: the PIN reset at the counter, a card flagged at the arrival check
//   (missing from the shipment), and a supervisor's approval of a card step whose own event has
//   a fixed shape (reinstatement, a stale revocation-list override).

export const APPROVAL_ACTIONS = [
  'pin-reset',
  'reinstate',
  'revocation-override',
  'bulk-export',
  'reveal-my-number',
] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];

export const APPROVAL_REFUSALS = [
  'invalid-credentials',
  'same-staff',
  'not-supervisor',
  'locked-out',
] as const;
export type ApprovalRefusal = (typeof APPROVAL_REFUSALS)[number];

export const ARRIVAL_OUTCOMES = [
  'listed',
  'matched',
  'missing',
  'extra',
  'unreadable',
  'wrong-card',
  'failed',
] as const;
export type ArrivalOutcome = (typeof ARRIVAL_OUTCOMES)[number];

export const SECOND_PERSON_EVENT_TYPES = [
  'pin-reset',
  'arrival-flagged',
  'second-person-approved',
] as const;
export type SecondPersonEventType = (typeof SECOND_PERSON_EVENT_TYPES)[number];

function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');
}

const migration: Migration = {
  version: 90,
  name: 'second-person-and-arrival',
  up(db) {
    db.exec(`
      CREATE TABLE approval_log (
        approval_id   TEXT PRIMARY KEY,
        action        TEXT NOT NULL CHECK (action IN (${sqlList(APPROVAL_ACTIONS)})),
        staff_id      TEXT NOT NULL CHECK (length(staff_id) BETWEEN 1 AND 32),
        supervisor_id TEXT NOT NULL CHECK (length(supervisor_id) BETWEEN 1 AND 32),
        outcome       TEXT NOT NULL CHECK (outcome IN ('approved', ${sqlList(APPROVAL_REFUSALS)})),
        subject       TEXT CHECK (subject IS NULL OR length(subject) BETWEEN 1 AND 100),
        reason        TEXT CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 200),
        at            TEXT NOT NULL
      ) STRICT;
      CREATE INDEX approval_log_by_time ON approval_log (at);
      CREATE TRIGGER approval_log_no_update BEFORE UPDATE ON approval_log
      BEGIN SELECT RAISE(ABORT, 'approval_log is append-only'); END;
      CREATE TRIGGER approval_log_no_delete BEFORE DELETE ON approval_log
      BEGIN SELECT RAISE(ABORT, 'approval_log is append-only'); END;

      CREATE TABLE arrival_shipment (
        shipment_id TEXT PRIMARY KEY,
        started_by  TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        closed_by   TEXT,
        closed_at   TEXT
      ) STRICT;

      CREATE TABLE arrival_item (
        shipment_id    TEXT NOT NULL REFERENCES arrival_shipment (shipment_id),
        card_serial    TEXT NOT NULL CHECK (length(card_serial) BETWEEN 1 AND 32),
        listed         INTEGER NOT NULL CHECK (listed IN (0, 1)),
        outcome        TEXT NOT NULL CHECK (outcome IN (${sqlList(ARRIVAL_OUTCOMES)})),
        application_id TEXT,
        updated_at     TEXT NOT NULL,
        PRIMARY KEY (shipment_id, card_serial)
      ) STRICT;
    `);
    const insertType = db.prepare('INSERT INTO case_event_type (type) VALUES (?)');
    for (const type of SECOND_PERSON_EVENT_TYPES) insertType.run(type);
  },
};

export default migration;
