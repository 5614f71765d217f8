// Every committed state change has its event and every event its state (the rule of
// case-store.ts: one transaction each). Checked from the rows, for `madoguchi db check` and
// the crash tests (crash.test.ts kills writers at random moments and runs this):
//   - an application with no event at all was committed without its event;
//   - an event whose case_ref names no application was committed without its state;
//   - a card whose state is not the one its latest card event led to (or that has no card
//     event) was changed without its event, or its event was written without the change.
// Reports counts and case references only (application IDs and card serials are not
// personal data), never a person.

import type { Db } from '../../db/open';
import { CASE_EVENTS } from '../../domain/case-lifecycle';

export interface ConsistencyProblem {
  kind: 'application-without-event' | 'event-without-application' | 'card-state-not-its-event';
  ref: string;
}

const stepTypes = CASE_EVENTS.map((e) => `'${e}'`).join(', ');

/** Where each card event left its card, per the event's payload. */
const CARD_EVENTS = `
  SELECT seq,
         CASE type WHEN 'case-imported' THEN json_extract(payload, '$.card.cardSerial')
                   ELSE json_extract(payload, '$.cardSerial') END AS serial,
         CASE type WHEN 'case-imported' THEN json_extract(payload, '$.card.state')
                   WHEN 'card-ordered' THEN 'ordered'
                   ELSE json_extract(payload, '$.to') END AS state
  FROM case_event
  WHERE type IN ('card-ordered', 'case-imported', ${stepTypes})`;

export function caseEventProblems(db: Db, limit = 20): ConsistencyProblem[] {
  return db.transaction((): ConsistencyProblem[] => {
    const problems: ConsistencyProblem[] = [];
    const add = (kind: ConsistencyProblem['kind'], refs: string[]) => {
      for (const ref of refs) problems.push({ kind, ref });
    };
    add(
      'application-without-event',
      db
        .prepare(
          `SELECT application_id FROM application AS a
           WHERE NOT EXISTS (SELECT 1 FROM case_event AS e WHERE e.case_ref = a.application_id)
           LIMIT ?`,
        )
        .pluck()
        .all(limit) as string[],
    );
    add(
      'event-without-application',
      db
        .prepare(
          `SELECT DISTINCT case_ref FROM case_event AS e
           WHERE NOT EXISTS (SELECT 1 FROM application AS a WHERE a.application_id = e.case_ref)
           LIMIT ?`,
        )
        .pluck()
        .all(limit) as string[],
    );
    add(
      'card-state-not-its-event',
      db
        .prepare(
          `WITH card_event AS (${CARD_EVENTS}),
                latest AS (
                  SELECT serial, state FROM (
                    SELECT serial, state,
                           row_number() OVER (PARTITION BY serial ORDER BY seq DESC) AS rn
                    FROM card_event)
                  WHERE rn = 1)
           SELECT c.card_serial FROM card AS c LEFT JOIN latest AS l ON l.serial = c.card_serial
           WHERE l.state IS NOT c.state
           LIMIT ?`,
        )
        .pluck()
        .all(limit) as string[],
    );
    return problems;
  })();
}
