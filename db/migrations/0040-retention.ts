import { APPLICATION_KINDS } from '../../domain/case-lifecycle';
import { APPLICATION_CHANNELS, APPLICATION_STATUSES } from './0020-cases';
import type { Migration } from './index';

// Retention (issue 3 item 5, main/cases/retention.ts): once a closed case has been kept for
// the retention period, its personal data is erased and only the minimal audit record stays:
// the application row (reference, kind, channel, office, dates, status), its cards (serial,
// state, expiry) and its events. So an application must be able to outlive its person:
// person_id becomes nullable, and purged_at says when the person was erased. SQLite cannot
// drop a NOT NULL, so the table is rebuilt (same columns, same CHECKs, same index).
//
// The rebuild runs inside the migration transaction with foreign keys on. Dropping the
// parent table orphans card and identity_check rows for a moment; defer_foreign_keys turns
// those into deferred violations, and copying the rows back into the new `application`
// resolves every one of them before commit (a leftover would fail the commit).
//
// New event types (case_event_type rows, as 0020 intends):
//   personal-data-purged  one per purged case, in the transaction that erases it
//   case-imported         a case taken over from another system at its current state, with
//                         its history checked against the transition table (bulk seeding)

function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');
}

export const RETENTION_EVENT_TYPES = ['personal-data-purged', 'case-imported'] as const;
export type RetentionEventType = (typeof RETENTION_EVENT_TYPES)[number];

const COLUMNS =
  'application_id, person_id, kind, channel, received_at, office_code, status, version';

const migration: Migration = {
  version: 40,
  name: 'retention',
  up(db) {
    db.pragma('defer_foreign_keys = ON');
    db.exec(`
      CREATE TABLE application_before_0040 AS SELECT ${COLUMNS} FROM application;
      DROP TABLE application;
      CREATE TABLE application (
        application_id TEXT PRIMARY KEY
                       CHECK (length(application_id) BETWEEN 1 AND 64
                              AND application_id NOT GLOB '*[^0-9A-Za-z-]*'),
        -- NULL once the person's data is purged (then purged_at is set, and never before).
        person_id      TEXT REFERENCES person (person_id),
        kind           TEXT NOT NULL CHECK (kind IN (${sqlList(APPLICATION_KINDS)})),
        channel        TEXT NOT NULL CHECK (channel IN (${sqlList(APPLICATION_CHANNELS)})),
        received_at    TEXT NOT NULL,
        office_code    TEXT NOT NULL CHECK (length(office_code) BETWEEN 1 AND 32),
        status         TEXT NOT NULL CHECK (status IN (${sqlList(APPLICATION_STATUSES)})),
        version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
        purged_at      TEXT,
        CHECK ((person_id IS NULL) = (purged_at IS NOT NULL))
      ) STRICT;
      INSERT INTO application (${COLUMNS}) SELECT ${COLUMNS} FROM application_before_0040;
      DROP TABLE application_before_0040;
      CREATE INDEX application_by_person ON application (person_id);
    `);
    const insertType = db.prepare('INSERT INTO case_event_type (type) VALUES (?)');
    for (const type of RETENTION_EVENT_TYPES) insertType.run(type);
  },
};

export default migration;
