// The day's end at the counter: what happened today (applications, handovers, suspensions),
// the count of cards in the safe against the store, and the cards nobody collected in time,
// with their reminder letters and the return list (W §3.3 "Unclaimed cards"). Printable
// through the print seam (main/core/services.ts Printer) and exportable as CSV without a
// single full My Number.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import { addBusinessDays } from '../../domain/business-days';
import {
  compareCivilDates,
  parseIsoDate,
  toIsoDate,
  type CivilDate,
} from '../../domain/japanese-era';
import type {
  DayEndSummary,
  DayEventRow,
  Reconciliation,
  SavedFile,
  UncollectedCard,
} from '../../preload/contract';
import { uuidv7 } from '../audit/event-id';
import { AppError } from '../core/errors';
import { nationalHolidays, officeDay, officeDayRange } from './holidays';

/**
 * The collection deadline printed on the 交付通知書 is about three months after the card
 * arrives (W §3.3); as business days of the office, 60. After the reminder, the same again
 * before the card goes on the return list. Office policy, so one place to change it.
 */
export const COLLECTION_BUSINESS_DAYS = 60;
export const AFTER_REMINDER_BUSINESS_DAYS = 60;
/** The longest list of uncollected cards one summary carries, oldest first. */
export const MAX_UNCOLLECTED = 1000;

const DAY_EVENTS = `
  SELECT seq, type, case_ref, actor_staff_id, terminal_time,
         json_extract(payload, '$.cardSerial') AS card_serial
  FROM case_event
  WHERE terminal_time >= @from AND terminal_time < @to
    AND type IN ('application-received', 'hand-over', 'suspend')
  ORDER BY seq`;

const UNCOLLECTED = `
  SELECT c.card_serial, c.application_id, p.name_kanji, p.name_kana, p.address,
         (SELECT max(e.terminal_time) FROM case_event AS e
          WHERE e.case_ref = c.application_id AND e.type = 'arrival-check-pass') AS since,
         (SELECT max(r.sent_on) FROM reminder_letter AS r
          WHERE r.card_serial = c.card_serial) AS reminded
  FROM card AS c
  JOIN application AS a ON a.application_id = c.application_id
  JOIN person AS p ON p.person_id = a.person_id
  WHERE c.state = 'in-custody'`;

function dayOf(date: string | undefined, now: () => Date): CivilDate {
  if (date === undefined) return officeDay(now());
  const parsed = parseIsoDate(date);
  if (!parsed) throw new AppError('VALIDATION_FAILED', 'Not a calendar date.');
  return parsed;
}

function localDate(iso: string): CivilDate {
  return officeDay(new Date(iso));
}

export function countInCustody(db: Db): number {
  return prepared(db, "SELECT count(*) FROM card WHERE state = 'in-custody'")
    .pluck()
    .get() as number;
}

export function uncollectedCards(db: Db, today: CivilDate): UncollectedCard[] {
  const rows = prepared(db, UNCOLLECTED).all() as {
    card_serial: string;
    application_id: string;
    name_kanji: string;
    name_kana: string;
    address: string;
    since: string | null;
    reminded: string | null;
  }[];
  const overdue: UncollectedCard[] = [];
  for (const row of rows) {
    if (row.since === null) continue;
    const since = localDate(row.since);
    const deadline = addBusinessDays(since, COLLECTION_BUSINESS_DAYS, nationalHolidays);
    if (compareCivilDates(deadline, today) >= 0) continue;
    const reminded = row.reminded === null ? null : parseIsoDate(row.reminded);
    const toReturn =
      reminded !== null &&
      compareCivilDates(
        addBusinessDays(reminded, AFTER_REMINDER_BUSINESS_DAYS, nationalHolidays),
        today,
      ) < 0;
    overdue.push({
      applicationId: row.application_id,
      cardSerial: row.card_serial,
      nameKanji: row.name_kanji,
      nameKana: row.name_kana,
      address: row.address,
      inCustodySince: toIsoDate(since),
      deadline: toIsoDate(deadline),
      reminderSentOn: row.reminded,
      toReturn,
    });
  }
  overdue.sort((a, b) => a.inCustodySince.localeCompare(b.inCustodySince));
  return overdue.slice(0, MAX_UNCOLLECTED);
}

function reconciliationsOf(db: Db, day: CivilDate): Reconciliation[] {
  const rows = prepared(
    db,
    `SELECT reconciliation_id, expected, counted, staff_id, recorded_at
     FROM custody_reconciliation WHERE office_day = ? ORDER BY recorded_at`,
  ).all(toIsoDate(day)) as {
    reconciliation_id: string;
    expected: number;
    counted: number;
    staff_id: string;
    recorded_at: string;
  }[];
  return rows.map((row) => ({
    reconciliationId: row.reconciliation_id,
    expected: row.expected,
    counted: row.counted,
    difference: row.counted - row.expected,
    staffId: row.staff_id,
    recordedAt: row.recorded_at,
  }));
}

export function daySummary(db: Db, date: string | undefined, now: () => Date): DayEndSummary {
  const day = dayOf(date, now);
  const rows = prepared(db, DAY_EVENTS).all(officeDayRange(day)) as {
    seq: number;
    type: string;
    case_ref: string;
    actor_staff_id: string | null;
    terminal_time: string;
    card_serial: string | null;
  }[];
  const events: (DayEventRow & { type: string })[] = rows.map((row) => ({
    seq: row.seq,
    type: row.type,
    applicationId: row.case_ref,
    cardSerial: row.card_serial,
    actorStaffId: row.actor_staff_id,
    terminalTime: row.terminal_time,
  }));
  const unsynced = prepared(
    db,
    'SELECT count(*) FROM case_event AS e WHERE NOT EXISTS (SELECT 1 FROM outbox_ack AS k WHERE k.seq = e.seq)',
  )
    .pluck()
    .get() as number;
  return {
    date: toIsoDate(day),
    applications: events.filter((e) => e.type === 'application-received'),
    handovers: events.filter((e) => e.type === 'hand-over'),
    suspensions: events.filter((e) => e.type === 'suspend'),
    inCustody: countInCustody(db),
    reconciliations: reconciliationsOf(db, day),
    uncollected: uncollectedCards(db, officeDay(now())),
    unsyncedEvents: unsynced,
  };
}

/** The clerk's count of the safe, against what the store says is in custody right now. */
export function reconcile(
  db: Db,
  counted: number,
  staffId: string,
  now: () => Date,
): Reconciliation {
  return db.transaction(() => {
    const at = now();
    const expected = countInCustody(db);
    const id = uuidv7();
    prepared(
      db,
      `INSERT INTO custody_reconciliation
         (reconciliation_id, office_day, expected, counted, staff_id, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(id, toIsoDate(officeDay(at)), expected, counted, staffId, at.toISOString());
    return {
      reconciliationId: id,
      expected,
      counted,
      difference: counted - expected,
      staffId,
      recordedAt: at.toISOString(),
    };
  })();
}

/** Reminder letters printed today for these cards (only cards still in custody). */
export function recordReminders(
  db: Db,
  cardSerials: readonly string[],
  staffId: string,
  now: () => Date,
): { recorded: number } {
  return db.transaction(() => {
    const sentOn = toIsoDate(officeDay(now()));
    let recorded = 0;
    for (const serial of new Set(cardSerials)) {
      recorded += prepared(
        db,
        `INSERT INTO reminder_letter (card_serial, sent_on, staff_id)
         SELECT card_serial, ?, ? FROM card WHERE card_serial = ? AND state = 'in-custody'
         ON CONFLICT DO NOTHING`,
      ).run(sentOn, staffId, serial).changes;
    }
    return { recorded };
  })();
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/u.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(fields: (string | number | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/**
 * The day's summary as CSV (UTF-8 with BOM, so spreadsheet software opens the Japanese as
 * Japanese). Application IDs, serials and names; never a My Number.
 */
export function dayCsv(summary: DayEndSummary): string {
  let csv = '\uFEFF';
  csv += csvLine(['section', 'time', 'type', 'application_id', 'card_serial', 'staff_id']);
  for (const row of [...summary.applications, ...summary.handovers, ...summary.suspensions]) {
    csv += csvLine([
      'event',
      row.terminalTime,
      row.type,
      row.applicationId,
      row.cardSerial,
      row.actorStaffId,
    ]);
  }
  csv += csvLine([]);
  csv += csvLine(['section', 'recorded_at', 'expected', 'counted', 'difference', 'staff_id']);
  for (const r of summary.reconciliations) {
    csv += csvLine([
      'reconciliation',
      r.recordedAt,
      r.expected,
      r.counted,
      r.difference,
      r.staffId,
    ]);
  }
  csv += csvLine([]);
  csv += csvLine([
    'section',
    'application_id',
    'card_serial',
    'name_kanji',
    'name_kana',
    'in_custody_since',
    'deadline',
    'reminder_sent_on',
    'to_return',
  ]);
  for (const u of summary.uncollected) {
    csv += csvLine([
      'uncollected',
      u.applicationId,
      u.cardSerial,
      u.nameKanji,
      u.nameKana,
      u.inCustodySince,
      u.deadline,
      u.reminderSentOn,
      u.toReturn ? 'yes' : 'no',
    ]);
  }
  return csv;
}

/** Writes a file the clerk asked for under the terminal's data directory; owner-only. */
export function saveOutput(
  dataDir: string,
  folder: 'exports' | 'reports',
  fileName: string,
  content: string | Uint8Array,
): SavedFile {
  const dir = join(dataDir, folder);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, fileName);
  writeFileSync(path, content, { mode: 0o600 });
  const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  return { fileName, path, bytes };
}
