import type { Migration } from './index';

// Sync with central, the terminal side (docs/sync-protocol.md "Terminal side";
// reference/sync-protocol.md §3.2). case_event stays append-only: what central answered lives
// beside it, in 0020's outbox_ack (one row per acknowledged event) and in the tables below.
//
// - sync_identity: who this terminal is for central, from enrolment. The TLS and encryption
//   private keys are kept here because the whole store is page-encrypted; they never leave
//   it except into the TLS stack of this process.
// - sync_state: the upload position and the scheduler's memory (one row).
// - sync_review_item: every conflict or rejection central acknowledged, for a supervisor.
// - stream_cursor: where each download stream stopped; written with the page it ends.
// - revocation_entry / revocation_meta: the suspension and revocation list (card serials
//   only), its version, central's signature and its freshness deadline.
// - revocation_staging: a snapshot arriving page by page, swapped in when complete.
// - sync_card_secret: the wrapped initialization secret central dispatched with a card.
// - sync_run: the history the sync screen shows.

export const SYNC_STATES = ['idle', 'running', 'backoff', 'parked', 'halted'] as const;
export const REVIEW_KINDS = ['applied-with-conflict', 'rejected', 'handover-override'] as const;
export const REVOCATION_STATUSES = ['suspended', 'revoked', 'reinstated'] as const;

function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');
}

const migration: Migration = {
  version: 60,
  name: 'sync',
  up(db) {
    db.exec(`
      CREATE TABLE sync_identity (
        id                  INTEGER PRIMARY KEY CHECK (id = 1),
        terminal_id         TEXT NOT NULL,
        central_url         TEXT NOT NULL,
        office_code         TEXT NOT NULL,
        office_name         TEXT NOT NULL,
        mission             INTEGER NOT NULL CHECK (mission IN (0, 1)),
        epoch               INTEGER NOT NULL CHECK (epoch >= 1),
        tls_key_pem         TEXT NOT NULL,
        tls_cert_pem        TEXT NOT NULL,
        ca_cert_pem         TEXT NOT NULL,
        central_signing_key BLOB NOT NULL CHECK (length(central_signing_key) = 32),
        central_encryption_key BLOB NOT NULL CHECK (length(central_encryption_key) = 32),
        encryption_private_key BLOB NOT NULL,
        encryption_public_key  BLOB NOT NULL CHECK (length(encryption_public_key) = 32),
        enrolled_at         TEXT NOT NULL,
        status              TEXT NOT NULL DEFAULT 'active'
                            CHECK (status IN ('active', 'revoked', 'quarantined'))
      ) STRICT;

      CREATE TABLE sync_state (
        id                   INTEGER PRIMARY KEY CHECK (id = 1),
        acked_through_seq    INTEGER NOT NULL DEFAULT 0 CHECK (acked_through_seq >= 0),
        state                TEXT NOT NULL DEFAULT 'idle' CHECK (state IN (${sqlList(SYNC_STATES)})),
        batch_limit          INTEGER NOT NULL DEFAULT 200 CHECK (batch_limit BETWEEN 1 AND 200),
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        last_attempt_at      TEXT,
        last_success_at      TEXT,
        last_error_code      TEXT,
        last_error_message   TEXT,
        parked_at_seq        INTEGER,
        clock_offset_ms      INTEGER,
        last_server_time     TEXT,
        last_receipt         TEXT
      ) STRICT;
      INSERT INTO sync_state (id) VALUES (1);

      CREATE TABLE sync_review_item (
        review_id   TEXT PRIMARY KEY,
        seq         INTEGER REFERENCES case_event (seq),
        event_id    TEXT,
        kind        TEXT NOT NULL CHECK (kind IN (${sqlList(REVIEW_KINDS)})),
        reason      TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
        resolved_by TEXT,
        resolved_at TEXT,
        resolution  TEXT,
        CHECK ((state = 'open') = (resolved_at IS NULL))
      ) STRICT;
      CREATE INDEX sync_review_open ON sync_review_item (state, created_at);

      CREATE TABLE stream_cursor (
        stream     TEXT PRIMARY KEY,
        cursor     TEXT NOT NULL,
        up_to_date INTEGER NOT NULL CHECK (up_to_date IN (0, 1)),
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE revocation_entry (
        card_serial  TEXT PRIMARY KEY,
        status       TEXT NOT NULL CHECK (status IN (${sqlList(REVOCATION_STATUSES)})),
        effective_at TEXT NOT NULL,
        list_version INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE revocation_staging (
        card_serial  TEXT PRIMARY KEY,
        status       TEXT NOT NULL CHECK (status IN (${sqlList(REVOCATION_STATUSES)})),
        effective_at TEXT NOT NULL,
        list_version INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      -- The signed head that vouched for the list: its freshness deadline (next_update, in
      -- central's time), max_age_ms, and when this terminal received it (its own clock).
      CREATE TABLE revocation_meta (
        id             INTEGER PRIMARY KEY CHECK (id = 1),
        list_version   INTEGER NOT NULL CHECK (list_version >= 0),
        issued_at      TEXT NOT NULL,
        next_update    TEXT NOT NULL,
        max_age_ms     INTEGER NOT NULL,
        server_time    TEXT NOT NULL,
        head_signature TEXT NOT NULL,
        entries        INTEGER NOT NULL,
        received_at    TEXT NOT NULL
      ) STRICT;

      CREATE TABLE sync_card_secret (
        card_serial    TEXT PRIMARY KEY,
        wrapped_secret TEXT NOT NULL,
        received_at    TEXT NOT NULL
      ) STRICT;

      CREATE TABLE sync_run (
        run_id      INTEGER PRIMARY KEY,
        trigger     TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        result      TEXT CHECK (result IN ('ok', 'failed', 'partial')),
        uploaded    INTEGER NOT NULL DEFAULT 0,
        downloaded  INTEGER NOT NULL DEFAULT 0,
        error_code  TEXT
      ) STRICT;
    `);
  },
};

export default migration;
