// The upload side of the case_event outbox: which events are still to send, cut into batches,
// and what central answered, applied in one transaction (reference/sync-protocol.md §3.3-3.4).
//
// Memory never grows with the backlog: a batch is read with one bounded query (LIMIT), so a
// terminal that was offline for weeks holds one batch at a time, never the backlog
// (aws-amplify/amplify-android PR #1479: an outbox loaded whole ran out of memory).
//
// Local transactions: every CaseStore step appends exactly one event in its transaction, so
// a batch boundary between two events never splits a local transaction. (A caller that nests
// several steps in one transaction, as db seed does, produces events that may land in two
// batches; central applies them one by one all the same.)

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import type { CaseEventRow } from '../audit/chain';

export const MAX_BATCH_EVENTS = 200;
export const MAX_BATCH_BYTES = 1024 * 1024;

export type AckOutcome = 'applied' | 'duplicate' | 'applied-with-conflict' | 'rejected';

export interface EventResult {
  seq: number;
  eventId: string;
  outcome: AckOutcome;
  serverSeq: number | null;
  reviewId: string | null;
  /** A reason code (no personal data), e.g. HANDOVER_OF_SUSPENDED_CARD. */
  reason: string | null;
}

/** Central's acknowledgement of a batch, after its signature was checked. */
export interface VerifiedAck {
  ackedThroughSeq: number;
  expectedSeq: number;
  results: readonly EventResult[];
  serverTime: string;
  /** The signed receipt as received, kept as the audit record of what central confirmed. */
  receipt: string;
}

export interface SyncStateRow {
  acked_through_seq: number;
  state: string;
  batch_limit: number;
  consecutive_failures: number;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
  parked_at_seq: number | null;
  clock_offset_ms: number | null;
  last_server_time: string | null;
}

export function readSyncState(db: Db): SyncStateRow {
  return prepared(db, 'SELECT * FROM sync_state WHERE id = 1').get() as SyncStateRow;
}

export function lastSeq(db: Db): number {
  return (
    (prepared(db, 'SELECT coalesce(max(seq), 0) FROM case_event').pluck().get() as number) ?? 0
  );
}

export interface Backlog {
  pending: number;
  /** terminal_time of the oldest event central has not confirmed, or null. */
  oldestPendingAt: string | null;
  ackedThroughSeq: number;
  lastSeq: number;
}

export function backlog(db: Db): Backlog {
  const acked = readSyncState(db).acked_through_seq;
  const last = lastSeq(db);
  const oldest = prepared(db, 'SELECT terminal_time FROM case_event WHERE seq = ?')
    .pluck()
    .get(acked + 1) as string | undefined;
  return {
    pending: Math.max(0, last - acked),
    oldestPendingAt: oldest ?? null,
    ackedThroughSeq: acked,
    lastSeq: last,
  };
}

/** A case_event row as stored, with the local transaction it belongs to (migration 0080). */
export type OutboxRow = CaseEventRow & { tx_seq: number | null };

/** The local transaction of an event: the seq of its first event. */
export function transactionOf(row: OutboxRow): number {
  return row.tx_seq ?? row.seq;
}

/**
 * The next batch starting at `fromSeq`: at most `maxEvents` events and `maxBytes` bytes as
 * `size` measures them (the first event always goes, so an oversized event still moves),
 * and never ending inside a local transaction (sync-protocol §3.1 rule 3): a batch that
 * would stops before that transaction, or, when the transaction is all the batch holds,
 * takes the whole of it whatever the limits (central's hard cap still applies).
 * Returns the rows and the hash of the event before `fromSeq` (the chain anchor).
 */
export function readBatch(
  db: Db,
  fromSeq: number,
  options: { maxEvents: number; maxBytes: number; size: (row: OutboxRow) => number },
): { rows: OutboxRow[]; prevHash: Buffer } | null {
  // One row more than fits, to see whether the batch would end inside a transaction.
  const rows = prepared(db, 'SELECT * FROM case_event WHERE seq >= ? ORDER BY seq LIMIT ?').all(
    fromSeq,
    options.maxEvents + 1,
  ) as OutboxRow[];
  if (rows.length === 0) return null;
  let bytes = 0;
  let take = 0;
  for (const row of rows.slice(0, options.maxEvents)) {
    bytes += options.size(row);
    if (take > 0 && bytes > options.maxBytes) break;
    take += 1;
  }
  const next = rows[take];
  const lastTaken = rows[take - 1] as OutboxRow;
  if (next && transactionOf(next) === transactionOf(lastTaken)) {
    const group = transactionOf(next);
    let cut = take;
    while (cut > 0 && transactionOf(rows[cut - 1] as OutboxRow) === group) cut -= 1;
    if (cut > 0) take = cut;
    else {
      // One transaction larger than a batch: all of it goes (its events are consecutive).
      const rest = prepared(
        db,
        'SELECT * FROM case_event WHERE seq > ? AND tx_seq = ? ORDER BY seq',
      ).all(lastTaken.seq, group) as OutboxRow[];
      const first = rows[0] as OutboxRow;
      return { rows: [...rows.slice(0, take), ...rest], prevHash: first.prev_hash };
    }
  }
  const first = rows[0] as OutboxRow;
  return { rows: rows.slice(0, take), prevHash: first.prev_hash };
}

/**
 * Applies central's acknowledgement in one transaction: the outcome of every event, a review
 * item for each conflict or rejection, the new acknowledged position, the clock offset and
 * the receipt. A rejected event is acknowledged like any other: it is a review item, never a
 * reason to resend (thunderbird/thunderbolt PR #944: a 200 "completed" with rejections lost).
 */
export function applyAck(db: Db, ack: VerifiedAck, now: Date): { newReviewItems: number } {
  return db.transaction(() => {
    const at = now.toISOString();
    let newReviewItems = 0;
    for (const result of ack.results) {
      if (result.seq > ack.ackedThroughSeq) continue;
      // A duplicate of an event whose first answer we already hold keeps that answer.
      prepared(
        db,
        `INSERT INTO outbox_ack (seq, server_seq, outcome, outcome_detail, acked_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (seq) DO UPDATE SET
           server_seq = coalesce(excluded.server_seq, server_seq),
           outcome = CASE WHEN excluded.outcome = 'duplicate' THEN outcome ELSE excluded.outcome END,
           outcome_detail = coalesce(excluded.outcome_detail, outcome_detail),
           acked_at = excluded.acked_at`,
      ).run(result.seq, result.serverSeq, result.outcome, result.reason, at);
      if (result.outcome === 'applied-with-conflict' || result.outcome === 'rejected') {
        const reviewId = result.reviewId ?? `${result.eventId}/${result.outcome}`;
        newReviewItems += prepared(
          db,
          `INSERT INTO sync_review_item (review_id, seq, event_id, kind, reason, created_at)
           VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (review_id) DO NOTHING`,
        ).run(
          reviewId,
          result.seq,
          result.eventId,
          result.outcome,
          result.reason ?? 'UNSPECIFIED',
          at,
        ).changes;
      }
    }
    const offset = Date.parse(ack.serverTime) - now.getTime();
    prepared(
      db,
      `UPDATE sync_state SET acked_through_seq = ?, clock_offset_ms = ?, last_server_time = ?,
         last_receipt = ?, parked_at_seq = NULL WHERE id = 1`,
    ).run(
      ack.ackedThroughSeq,
      Number.isFinite(offset) ? offset : null,
      ack.serverTime,
      ack.receipt,
    );
    return { newReviewItems };
  })();
}

/**
 * Central says it expects `expectedSeq` next. Below our acknowledged position it went back in
 * time (restored from a backup): we still hold every event, so we resend from there
 * (reference/sync-protocol.md §3.4 "Server restored from backup"; rocicorp/todo-nextjs#13).
 */
export function rewindTo(db: Db, expectedSeq: number): void {
  prepared(db, 'UPDATE sync_state SET acked_through_seq = ? WHERE id = 1').run(
    Math.max(0, expectedSeq - 1),
  );
}
