// Retention (issue 3 item 5): the personal data of a closed case is erased once it has been
// kept for the retention period (main/settings/retention.ts says how long and why). What stays
// is the minimal audit record: the application row (reference, kind, channel, office, dates,
// final status), its cards (serial, state, expiry) and its events, which never held personal
// data (append.ts: persons by random person_id only; purge.test.ts checks every payload).
//
// When a case is closed, precisely:
//   - its application was rejected or withdrawn, or
//   - it has at least one card and every card is in a closed state: handed over, returned
//     uncollected, revoked, destroyed or cancelled (CLOSED_CARD_STATES). A suspended card is
//     open (it will be reinstated or revoked); so is a card still on its way or in custody,
//     and a failed card awaiting destruction.
// Closed since: the terminal time of the case's latest event. Any later event either keeps
// the case closed (a destroy after a revoke: the clock restarts, erring on keeping) or reopens
// it (a suspension), so the latest event of a closed case is always the one that closed it.
// Due: closed since before (as-of day − retention days).
//
// A person is erased only when every one of their cases is due: someone with an open renewal
// keeps the data that renewal needs. On a terminal enrolled with central, a case is also held
// until central has acknowledged all its events (reference/sync-protocol.md §3.4: PII is purged
// only after the server has it).
//
// Each purged case is one transaction step with its own signed `personal-data-purged` event:
// the person row and everything hanging off the case that is not the audit record
// (identity checks, handovers, suspensions, and whatever rows later migrations hang off
// those, found through the foreign keys) are deleted, the application keeps its row with
// person_id NULL and purged_at set. secure_delete (db/open.ts) zeroes the freed space, and a
// final TRUNCATE checkpoint drops the old page images from the WAL.

import type { Db } from '../../db/open';
import type { ApplicationStatus } from '../../db/migrations/0020-cases';
import { prepared } from '../../db/statements';
import type { CardState } from '../../domain/case-lifecycle';
import { appendEvent } from '../audit/append';
import { retentionDays } from '../settings/retention';

export const CLOSED_CARD_STATES = [
  'handed-over',
  'returned-uncollected',
  'revoked',
  'destroyed',
  'cancelled',
] as const satisfies readonly CardState[];

export const CLOSED_APPLICATION_STATUSES = [
  'rejected',
  'withdrawn',
] as const satisfies readonly ApplicationStatus[];

/** Tables that ARE the audit record: never deleted from by a purge. */
const KEPT_TABLES = new Set(['application', 'card', 'case_event', 'outbox_ack']);

/** Where the erasure of one case starts; everything referencing these rows goes with them. */
const CASE_ROOTS: readonly { table: string; where: string }[] = [
  { table: 'identity_check', where: 'application_id = @applicationId' },
  {
    table: 'handover',
    where: 'card_serial IN (SELECT card_serial FROM card WHERE application_id = @applicationId)',
  },
  {
    table: 'suspension',
    where: 'card_serial IN (SELECT card_serial FROM card WHERE application_id = @applicationId)',
  },
];

export interface PurgeOptions {
  /** The day the retention is counted to (ISO date); today unless given. */
  asOf?: string;
  /** Count what would be purged, change nothing. */
  dryRun?: boolean;
  /** The clock of the purge events. */
  now?: () => Date;
  /** Persons per transaction. */
  batchSize?: number;
}

export interface PurgeReport {
  dryRun: boolean;
  asOf: string;
  retentionDays: number;
  /** Cases closed before this instant are due. */
  cutoff: string;
  /** Cases purged (or, in a dry run, that would be). */
  casesPurged: number;
  personsErased: number;
  /** Due, but the same person has a case still open or not yet due. */
  casesHeldForOtherCase: number;
  /** Due, but central has not acknowledged all their events yet. */
  casesHeldUnsynced: number;
  /** Rows deleted besides the person rows, per table. */
  rowsErased: Record<string, number>;
  /** The WAL checkpoint after the purge: 'complete', 'busy' (a reader held it) or 'skipped'. */
  checkpoint: 'complete' | 'busy' | 'skipped';
}

export class PurgeRefused extends Error {
  override readonly name = 'PurgeRefused';
}

interface CaseRow {
  application_id: string;
  person_id: string;
  version: number;
  status: ApplicationStatus;
  cards: number;
  open_cards: number;
  closed_since: string | null;
  unacked: number;
}

const closedStates = CLOSED_CARD_STATES.map((s) => `'${s}'`).join(', ');

/** The cases of the next `limit` persons after `after`, with what decides their closing. */
const CASES_OF_NEXT_PERSONS = `
  WITH persons AS (
    SELECT DISTINCT person_id FROM application
    WHERE person_id > @after ORDER BY person_id LIMIT @limit
  )
  SELECT a.application_id, a.person_id, a.version, a.status,
         (SELECT count(*) FROM card AS c WHERE c.application_id = a.application_id) AS cards,
         (SELECT count(*) FROM card AS c
          WHERE c.application_id = a.application_id AND c.state NOT IN (${closedStates}))
           AS open_cards,
         (SELECT e.terminal_time FROM case_event AS e
          WHERE e.case_ref = a.application_id ORDER BY e.seq DESC LIMIT 1) AS closed_since,
         CASE WHEN @enrolled THEN EXISTS (
           SELECT 1 FROM case_event AS e
           WHERE e.case_ref = a.application_id
             AND NOT EXISTS (SELECT 1 FROM outbox_ack AS k WHERE k.seq = e.seq))
         ELSE 0 END AS unacked
  FROM persons JOIN application AS a ON a.person_id = persons.person_id
  ORDER BY a.person_id, a.application_id`;

const DAY_MS = 86_400_000;

export function isCaseClosed(status: ApplicationStatus, cardStates: readonly CardState[]): boolean {
  if ((CLOSED_APPLICATION_STATUSES as readonly string[]).includes(status)) return true;
  return (
    cardStates.length > 0 &&
    cardStates.every((s) => (CLOSED_CARD_STATES as readonly string[]).includes(s))
  );
}

/** isCaseClosed, from the counts the purge query reads. */
function rowClosed(row: CaseRow): boolean {
  if ((CLOSED_APPLICATION_STATUSES as readonly string[]).includes(row.status)) return true;
  return row.cards > 0 && row.open_cards === 0;
}

function todayIso(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** A terminal enrolled with central waits for central's acknowledgement before purging. */
function enrolledWithCentral(db: Db): boolean {
  const hasTable = db
    .prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sync_identity'")
    .pluck()
    .get() as number;
  return (
    hasTable > 0 && (db.prepare('SELECT count(*) FROM sync_identity').pluck().get() as number) > 0
  );
}

interface ForeignKey {
  child: string;
  from: string;
  to: string;
}

/** parent table -> the foreign keys that reference it. */
function referencesByParent(db: Db): Map<string, ForeignKey[]> {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  const map = new Map<string, ForeignKey[]>();
  for (const child of tables) {
    const keys = db
      .prepare('SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)')
      .all(child) as { table: string; from: string; to: string | null }[];
    for (const key of keys) {
      const list = map.get(key.table) ?? [];
      list.push({ child, from: key.from, to: key.to ?? 'rowid' });
      map.set(key.table, list);
    }
  }
  return map;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Deletes the rows of `table` matching `where`, after every row that references them
 * (depth first), and counts what went. A kept table referencing them is left alone, so the
 * delete fails on its foreign key rather than cutting into the audit record.
 */
function eraseRows(
  db: Db,
  references: Map<string, ForeignKey[]>,
  table: string,
  where: string,
  params: Record<string, unknown>,
  counts: Record<string, number>,
  depth = 0,
): void {
  if (depth > 8) throw new Error('purge: foreign keys nest too deep');
  for (const ref of references.get(table) ?? []) {
    if (KEPT_TABLES.has(ref.child)) continue;
    eraseRows(
      db,
      references,
      ref.child,
      `${quote(ref.from)} IN (SELECT ${quote(ref.to)} FROM ${quote(table)} WHERE ${where})`,
      params,
      counts,
      depth + 1,
    );
  }
  const deleted = prepared(db, `DELETE FROM ${quote(table)} WHERE ${where}`).run(params).changes;
  if (deleted > 0) counts[table] = (counts[table] ?? 0) + deleted;
}

/**
 * Purges the personal data of every case due under the retention setting, or in a dry run
 * counts what would go. Reports counts only: nothing of a person is ever returned.
 */
export function purgeClosedCases(db: Db, options: PurgeOptions = {}): PurgeReport {
  const now = options.now ?? (() => new Date());
  const dryRun = options.dryRun ?? false;
  const asOf = options.asOf ?? todayIso(now());
  const asOfMs = Date.parse(`${asOf}T00:00:00.000Z`);
  if (
    !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/u.test(asOf) ||
    Number.isNaN(asOfMs) ||
    new Date(asOfMs).toISOString().slice(0, 10) !== asOf
  ) {
    throw new PurgeRefused('The as-of date must be a date like 2026-04-01.');
  }
  if (!dryRun && asOf > todayIso(now())) {
    throw new PurgeRefused(
      'A purge cannot count retention to a future day; use --dry-run to see what will be due then.',
    );
  }
  const days = retentionDays(db);
  const cutoff = new Date(asOfMs - days * DAY_MS).toISOString();
  const enrolled = enrolledWithCentral(db) ? 1 : 0;
  const references = referencesByParent(db);
  const report: PurgeReport = {
    dryRun,
    asOf,
    retentionDays: days,
    cutoff,
    casesPurged: 0,
    personsErased: 0,
    casesHeldForOtherCase: 0,
    casesHeldUnsynced: 0,
    rowsErased: {},
    checkpoint: 'skipped',
  };
  const batchSize = options.batchSize ?? 200;
  let after = '';
  for (;;) {
    const more = db.transaction((): boolean => {
      const rows = prepared(db, CASES_OF_NEXT_PERSONS).all({
        after,
        limit: batchSize,
        enrolled,
      }) as CaseRow[];
      if (rows.length === 0) return false;
      for (const group of groupByPerson(rows)) {
        const due = group.map(
          (r) => rowClosed(r) && r.closed_since !== null && r.closed_since < cutoff,
        );
        const dueCount = due.filter(Boolean).length;
        if (dueCount === 0) continue;
        if (dueCount < group.length) {
          report.casesHeldForOtherCase += dueCount;
          continue;
        }
        const unsynced = group.filter((r) => r.unacked !== 0).length;
        if (unsynced > 0) {
          report.casesHeldUnsynced += group.length;
          continue;
        }
        report.casesPurged += group.length;
        report.personsErased += 1;
        if (!dryRun) purgePerson(db, references, group, { asOf, days, now, report });
      }
      after = rows.at(-1)?.person_id ?? after;
      return true;
    })();
    if (!more) break;
  }
  if (!dryRun && report.casesPurged > 0) {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    report.checkpoint = result && result.busy === 0 ? 'complete' : 'busy';
  }
  return report;
}

function groupByPerson(rows: readonly CaseRow[]): CaseRow[][] {
  const groups: CaseRow[][] = [];
  for (const row of rows) {
    const last = groups.at(-1);
    if (last && last[0]?.person_id === row.person_id) last.push(row);
    else groups.push([row]);
  }
  return groups;
}

function purgePerson(
  db: Db,
  references: Map<string, ForeignKey[]>,
  cases: readonly CaseRow[],
  context: { asOf: string; days: number; now: () => Date; report: PurgeReport },
): void {
  const personId = cases[0]?.person_id;
  if (personId === undefined) return;
  const purgedAt = context.now().toISOString();
  for (const c of cases) {
    const erased: Record<string, number> = {};
    for (const root of CASE_ROOTS) {
      eraseRows(
        db,
        references,
        root.table,
        root.where,
        { applicationId: c.application_id },
        erased,
      );
    }
    const changed = prepared(
      db,
      `UPDATE application SET person_id = NULL, purged_at = ?, version = version + 1
       WHERE application_id = ? AND version = ?`,
    ).run(purgedAt, c.application_id, c.version).changes;
    if (changed !== 1) throw new Error('purge: a case changed while it was being purged');
    appendEvent(db, {
      type: 'personal-data-purged',
      caseRef: c.application_id,
      actor: { staffId: null, role: 'system' },
      payload: {
        closedSince: c.closed_since,
        asOf: context.asOf,
        retentionDays: context.days,
        personErased: true,
        erased,
      },
      caseVersionSeen: c.version,
      terminalTime: purgedAt,
    });
    for (const [table, n] of Object.entries(erased)) {
      context.report.rowsErased[table] = (context.report.rowsErased[table] ?? 0) + n;
    }
  }
  const personRows: Record<string, number> = {};
  eraseRows(db, references, 'person', 'person_id = @personId', { personId }, personRows);
  if (personRows['person'] !== 1) throw new Error('purge: the person row was not deleted');
  for (const [table, n] of Object.entries(personRows)) {
    if (table !== 'person') {
      context.report.rowsErased[table] = (context.report.rowsErased[table] ?? 0) + n;
    }
  }
}
