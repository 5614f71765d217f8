import type { Migration } from './index';

// The consular review of overseas online applications (issue 5 workflow 7; main/counter/
// overseas-review.ts). An application with channel 'overseas-online' arrives from central by
// the applications stream (main/sync/streams.ts); consular staff decide on it once:
//
// - overseas_review: the decision, one row per application, append-only. It keeps what the
//   reviewer established (the eligibility facts, checked against the 戸籍の附票, and the photo
//   checklist) and the free-text note, which may name people and so never enters an event.
// - two case event types: the application accepted or rejected (with its reason code), the
//   events sync forwards to central (central/rules.ts reviewDecision).

export const REVIEW_EVENT_TYPES = ['application-accepted', 'application-rejected'] as const;
export type ReviewEventType = (typeof REVIEW_EVENT_TYPES)[number];

const migration: Migration = {
  version: 100,
  name: 'overseas-review',
  up(db) {
    db.exec(`
      CREATE TABLE overseas_review (
        application_id TEXT PRIMARY KEY REFERENCES application (application_id),
        decision       TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
        reason         TEXT CHECK (length(reason) BETWEEN 1 AND 64),
        note           TEXT CHECK (length(note) BETWEEN 1 AND 200),
        facts          TEXT NOT NULL CHECK (json_valid(facts)),
        photo_checks   TEXT NOT NULL CHECK (json_valid(photo_checks)),
        reviewed_by    TEXT NOT NULL CHECK (length(reviewed_by) BETWEEN 1 AND 32),
        reviewed_at    TEXT NOT NULL,
        seq            INTEGER NOT NULL REFERENCES case_event (seq),
        CHECK ((decision = 'rejected') = (reason IS NOT NULL))
      ) STRICT;
      CREATE TRIGGER overseas_review_no_update BEFORE UPDATE ON overseas_review
      BEGIN SELECT RAISE(ABORT, 'overseas_review is append-only'); END;
      CREATE TRIGGER overseas_review_no_delete BEFORE DELETE ON overseas_review
      BEGIN SELECT RAISE(ABORT, 'overseas_review is append-only'); END;
      CREATE INDEX application_by_channel_status ON application (channel, status);
    `);
    const insertType = db.prepare('INSERT INTO case_event_type (type) VALUES (?)');
    for (const type of REVIEW_EVENT_TYPES) insertType.run(type);
  },
};

export default migration;
