import type { Migration } from './index';

// What the counter's own workflows keep beyond the case projection (issue 5; main/counter/*):
//
// - session_log: sign-in, sign-out, lock and unlock of staff on this terminal. Local only and
//   append-only: it is about the terminal, not a case, so it is not a case_event (which is
//   also the sync outbox and needs a case_ref).
// - loss_report: what the holder said when reporting a lost or stolen card (date, place),
//   beside 0020's suspension row (reason, police 受理番号). The place is free text and may be
//   personal, so it stays here and never enters an event payload.
// - custody_reconciliation: the day-end count of cards in the safe against the store.
//   Append-only: a wrong count is corrected by counting again, never by editing.
// - reminder_letter: the reminder sent for an uncollected card (W §3.3 "Unclaimed cards").
// - handover_draft: a handover under way (main/counter/handover.ts), one per card: what the
//   counter has established so far, so an interrupted handover resumes where it stopped. It
//   holds no secret and no document number; it is deleted in the transaction that commits the
//   handover, so a half handover is never recorded as one.
// - two event types for case_event: a My Number shown in full (with its reason) and the
//   details of a loss report; and the indexes the day-end queries wait on.

export const COUNTER_EVENT_TYPES = ['my-number-revealed', 'loss-reported'] as const;
export type CounterEventType = (typeof COUNTER_EVENT_TYPES)[number];

export const SESSION_LOG_KINDS = [
  'signed-in',
  'sign-in-refused',
  'locked-out',
  'signed-out',
  'locked',
  'idle-locked',
  'unlocked',
  'unlock-refused',
] as const;
export type SessionLogKind = (typeof SESSION_LOG_KINDS)[number];

function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');
}

const ISO_DATE = "GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'";

function appendOnly(table: string): string {
  return `
    CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
    BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;
    CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
    BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`;
}

const migration: Migration = {
  version: 70,
  name: 'counter',
  up(db) {
    db.exec(`
      CREATE TABLE session_log (
        seq      INTEGER PRIMARY KEY AUTOINCREMENT,
        staff_id TEXT CHECK (length(staff_id) BETWEEN 1 AND 32),
        kind     TEXT NOT NULL CHECK (kind IN (${sqlList(SESSION_LOG_KINDS)})),
        at       TEXT NOT NULL
      ) STRICT;
      ${appendOnly('session_log')}

      CREATE TABLE loss_report (
        suspension_id TEXT PRIMARY KEY REFERENCES suspension (suspension_id),
        occurred_on   TEXT NOT NULL CHECK (occurred_on ${ISO_DATE}),
        place         TEXT NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
        reported_by   TEXT NOT NULL,
        reported_at   TEXT NOT NULL
      ) STRICT;

      CREATE TABLE custody_reconciliation (
        reconciliation_id TEXT PRIMARY KEY,
        office_day        TEXT NOT NULL CHECK (office_day ${ISO_DATE}),
        expected          INTEGER NOT NULL CHECK (expected >= 0),
        counted           INTEGER NOT NULL CHECK (counted >= 0),
        staff_id          TEXT NOT NULL,
        recorded_at       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX custody_reconciliation_by_day ON custody_reconciliation (office_day);
      ${appendOnly('custody_reconciliation')}

      CREATE TABLE reminder_letter (
        card_serial TEXT NOT NULL REFERENCES card (card_serial),
        sent_on     TEXT NOT NULL CHECK (sent_on ${ISO_DATE}),
        staff_id    TEXT NOT NULL,
        PRIMARY KEY (card_serial, sent_on)
      ) STRICT;

      CREATE TABLE handover_draft (
        card_serial        TEXT PRIMARY KEY REFERENCES card (card_serial),
        application_id     TEXT NOT NULL,
        card_version       INTEGER NOT NULL CHECK (card_version >= 1),
        attendee           TEXT CHECK (attendee IN ('holder', 'legal-representative', 'proxy')),
        documents          TEXT CHECK (documents IS NULL OR json_valid(documents)),
        face_compared      INTEGER NOT NULL DEFAULT 0 CHECK (face_compared IN (0, 1)),
        card_proved_at     TEXT,
        pins_set_at        TEXT,
        rechecked_at       TEXT,
        old_card_collected INTEGER CHECK (old_card_collected IN (0, 1)),
        started_by         TEXT NOT NULL,
        started_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL
      ) STRICT;

      CREATE INDEX case_event_by_time ON case_event (terminal_time);
      CREATE INDEX card_by_state ON card (state);
    `);
    const insertType = db.prepare('INSERT INTO case_event_type (type) VALUES (?)');
    for (const type of COUNTER_EVENT_TYPES) insertType.run(type);
  },
};

export default migration;
