import { ACTORS, APPLICATION_KINDS, CARD_STATES, CASE_EVENTS } from '../../domain/case-lifecycle';
import type { RetentionEventType } from './0040-retention';
import type { Migration } from './index';

// The case store: persons, applications, cards, what the counter established about them, and
// `case_event`, the append-only audit log that is also the sync outbox
// (docs/architecture.md "Storage"; reference/sync-protocol.md §3.2).
//
// The CHECK lists are built from the domain's own `as const` arrays, so the database refuses
// what the domain forbids. A CHECK is frozen when the table is created: extending one of
// those arrays later needs a migration that rebuilds the table, or an existing store keeps
// refusing the new value. case_event is the exception: its types are rows of
// `case_event_type` (a foreign key), because an append-only table that grows a new event
// type with nearly every workflow must not be rebuilt each time: a later migration INSERTs.
//
// The three enumerations below have no home in domain/ yet; they belong there (next to
// APPLICATION_KINDS) and should move when domain/ next changes.

/** How an application reached the office. */
export const APPLICATION_CHANNELS = ['counter', 'mail', 'online', 'overseas-online'] as const;
export type ApplicationChannel = (typeof APPLICATION_CHANNELS)[number];

/** Where an application is, apart from its card (the card has its own state machine). */
export const APPLICATION_STATUSES = ['received', 'card-ordered', 'rejected', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** 性別 as recorded in the residents' register. */
export const SEXES = ['male', 'female'] as const;
export type Sex = (typeof SEXES)[number];

/** Who attended a handover (W §3.3 "Who may come"). */
export const ATTENDEES = ['holder', 'legal-representative', 'proxy'] as const;

/** Identity documents by code, never their images (W §3.3 "Bring": list A or list B). */
export const IDENTITY_DOCUMENTS = [
  'a-driving-licence',
  'a-passport',
  'a-residence-card',
  'a-disability-booklet',
  'a-my-number-card',
  'a-other',
  'b-health-insurance-card',
  'b-pension-book',
  'b-student-or-employee-id',
  'b-other',
] as const;

/** Why a card was suspended (W §3.5). */
export const SUSPENSION_REASONS = ['loss', 'theft', 'other'] as const;

/** The event types of migration 20: an application received, a card ordered, card steps. */
export const CASE_EVENT_TYPES = ['application-received', 'card-ordered', ...CASE_EVENTS] as const;
/** Every event type a store at the latest schema knows: these, and those later migrations add. */
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number] | RetentionEventType;

/** What central answered for an uploaded event (reference/sync-protocol.md §3.4). */
export const ACK_OUTCOMES = ['applied', 'duplicate', 'applied-with-conflict', 'rejected'] as const;

/** `'a', 'b'` for an IN (...) list. The values are our own constants, quoted all the same. */
function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');
}

const ISO_DATE = "GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'";

const migration: Migration = {
  version: 20,
  name: 'cases',
  up(db) {
    db.exec(`
      -- my_number is stored in clear inside the encrypted store; it is looked up only
      -- through my_number_hmac (HMAC-SHA256 with my_number_hmac_key), so no index holds it.
      CREATE TABLE person (
        person_id      TEXT PRIMARY KEY,
        name_kanji     TEXT NOT NULL CHECK (length(name_kanji) BETWEEN 1 AND 200),
        name_kana      TEXT NOT NULL CHECK (length(name_kana) BETWEEN 1 AND 200),
        alias          TEXT CHECK (length(alias) BETWEEN 1 AND 200),
        name_latin     TEXT CHECK (length(name_latin) BETWEEN 1 AND 200),
        birth_date     TEXT NOT NULL CHECK (birth_date ${ISO_DATE}),
        sex            TEXT NOT NULL CHECK (sex IN (${sqlList(SEXES)})),
        address        TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 400),
        overseas       INTEGER NOT NULL CHECK (overseas IN (0, 1)),
        my_number      TEXT NOT NULL
                       CHECK (length(my_number) = 12 AND my_number NOT GLOB '*[^0-9]*'),
        my_number_hmac BLOB NOT NULL CHECK (length(my_number_hmac) = 32),
        created_at     TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX person_by_my_number_hmac ON person (my_number_hmac);
      CREATE INDEX person_by_kana ON person (name_kana);
      CREATE INDEX person_by_birth_date ON person (birth_date);

      CREATE TABLE application (
        application_id TEXT PRIMARY KEY
                       CHECK (length(application_id) BETWEEN 1 AND 64
                              AND application_id NOT GLOB '*[^0-9A-Za-z-]*'),
        person_id      TEXT NOT NULL REFERENCES person (person_id),
        kind           TEXT NOT NULL CHECK (kind IN (${sqlList(APPLICATION_KINDS)})),
        channel        TEXT NOT NULL CHECK (channel IN (${sqlList(APPLICATION_CHANNELS)})),
        received_at    TEXT NOT NULL,
        office_code    TEXT NOT NULL CHECK (length(office_code) BETWEEN 1 AND 32),
        status         TEXT NOT NULL CHECK (status IN (${sqlList(APPLICATION_STATUSES)})),
        version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
      ) STRICT;
      CREATE INDEX application_by_person ON application (person_id);

      CREATE TABLE card (
        card_serial    TEXT PRIMARY KEY CHECK (length(card_serial) BETWEEN 1 AND 32),
        application_id TEXT NOT NULL REFERENCES application (application_id),
        state          TEXT NOT NULL CHECK (state IN (${sqlList(CARD_STATES)})),
        expiry_date    TEXT CHECK (expiry_date ${ISO_DATE}),
        version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
      ) STRICT;
      CREATE INDEX card_by_application ON card (application_id);

      -- One row per document seen; the document itself is never stored.
      CREATE TABLE identity_check (
        identity_check_id TEXT PRIMARY KEY,
        application_id    TEXT NOT NULL REFERENCES application (application_id),
        document          TEXT NOT NULL CHECK (document IN (${sqlList(IDENTITY_DOCUMENTS)})),
        face_compared     INTEGER NOT NULL CHECK (face_compared IN (0, 1)),
        checked_by        TEXT NOT NULL,
        checked_at        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX identity_check_by_application ON identity_check (application_id);

      CREATE TABLE handover (
        card_serial        TEXT PRIMARY KEY REFERENCES card (card_serial),
        attendee           TEXT NOT NULL CHECK (attendee IN (${sqlList(ATTENDEES)})),
        old_card_collected INTEGER NOT NULL CHECK (old_card_collected IN (0, 1)),
        handed_over_by     TEXT NOT NULL,
        handed_over_at     TEXT NOT NULL
      ) STRICT;

      CREATE TABLE suspension (
        suspension_id        TEXT PRIMARY KEY,
        card_serial          TEXT NOT NULL REFERENCES card (card_serial),
        reason               TEXT NOT NULL CHECK (reason IN (${sqlList(SUSPENSION_REASONS)})),
        police_report_number TEXT CHECK (length(police_report_number) BETWEEN 1 AND 32),
        suspended_at         TEXT NOT NULL,
        lifted_at            TEXT
      ) STRICT;
      CREATE INDEX suspension_by_card ON suspension (card_serial);

      CREATE TABLE case_event_type (
        type TEXT PRIMARY KEY
      ) STRICT;

      -- The audit log and the sync outbox (reference/sync-protocol.md §3.2). seq is gapless
      -- per terminal; hash and signature are computed by main/audit/chain.ts, which documents
      -- the exact encoding. case_ref names the application but is not a foreign key: the log
      -- outlives the personal data it refers to (a purged case keeps its history).
      CREATE TABLE case_event (
        seq               INTEGER PRIMARY KEY CHECK (seq >= 1),
        event_id          TEXT NOT NULL UNIQUE,
        terminal_id       TEXT NOT NULL,
        actor_staff_id    TEXT,
        actor_role        TEXT NOT NULL CHECK (actor_role IN (${sqlList(ACTORS)})),
        case_ref          TEXT NOT NULL,
        type              TEXT NOT NULL REFERENCES case_event_type (type),
        payload           TEXT NOT NULL CHECK (json_valid(payload)),
        case_version_seen INTEGER,
        terminal_time     TEXT NOT NULL,
        prev_hash         BLOB NOT NULL CHECK (length(prev_hash) = 32),
        hash              BLOB NOT NULL CHECK (length(hash) = 32),
        signature         BLOB NOT NULL CHECK (length(signature) = 64)
      ) STRICT;
      CREATE INDEX case_event_by_case ON case_event (case_ref, seq);

      -- Append-only. The gapless and chain rules are checked again here so that no code path
      -- can write a row the verifier would reject. The event_id check stops INSERT OR REPLACE,
      -- whose implicit delete fires no DELETE trigger.
      CREATE TRIGGER case_event_append_only_insert BEFORE INSERT ON case_event
      BEGIN
        SELECT RAISE(ABORT, 'case_event: seq must be the next in sequence')
        WHERE NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM case_event);
        SELECT RAISE(ABORT, 'case_event: prev_hash must be the hash of the previous event')
        WHERE NEW.prev_hash IS NOT coalesce(
          (SELECT hash FROM case_event ORDER BY seq DESC LIMIT 1), zeroblob(32));
        SELECT RAISE(ABORT, 'case_event: event_id already recorded')
        WHERE EXISTS (SELECT 1 FROM case_event WHERE event_id = NEW.event_id);
      END;
      CREATE TRIGGER case_event_no_update BEFORE UPDATE ON case_event
      BEGIN
        SELECT RAISE(ABORT, 'case_event is append-only');
      END;
      CREATE TRIGGER case_event_no_delete BEFORE DELETE ON case_event
      BEGIN
        SELECT RAISE(ABORT, 'case_event is append-only');
      END;

      -- Sync acknowledgement lives beside the log, so case_event rows never change.
      CREATE TABLE outbox_ack (
        seq            INTEGER PRIMARY KEY REFERENCES case_event (seq),
        server_seq     INTEGER,
        outcome        TEXT NOT NULL CHECK (outcome IN (${sqlList(ACK_OUTCOMES)})),
        outcome_detail TEXT,
        acked_at       TEXT NOT NULL
      ) STRICT;

      -- The terminal's Ed25519 key pair (main/audit/terminal-key.ts): one row, created once,
      -- never changed, because every event's signature depends on it.
      CREATE TABLE terminal_signing_key (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        terminal_id TEXT NOT NULL,
        public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
        private_key BLOB NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;

      -- The secret of the My Number lookup (main/cases/my-number-index.ts): one row, created
      -- once, never changed, because every person's my_number_hmac depends on it.
      CREATE TABLE my_number_hmac_key (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        secret     BLOB NOT NULL CHECK (length(secret) = 32),
        created_at TEXT NOT NULL
      ) STRICT;
    `);
    for (const table of ['terminal_signing_key', 'my_number_hmac_key']) {
      db.exec(`
        CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
        BEGIN SELECT RAISE(ABORT, '${table} never changes'); END;
        CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
        BEGIN SELECT RAISE(ABORT, '${table} never changes'); END;
      `);
    }
    const insertType = db.prepare('INSERT INTO case_event_type (type) VALUES (?)');
    for (const type of CASE_EVENT_TYPES) insertType.run(type);
  },
};

export default migration;
