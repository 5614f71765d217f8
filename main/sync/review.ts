// Review items: every conflict or rejection central acknowledged, and every supervisor
// override of a stale revocation list, kept until a supervisor resolves it with a note
// (reference/sync-protocol.md §3.1 rule 7: no conflict is ever silently dropped). Central
// keeps its own copy; resolving here records what the office did about it.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import { SyncError } from './errors';

export interface ReviewItem {
  reviewId: string;
  seq: number | null;
  eventId: string | null;
  kind: 'applied-with-conflict' | 'rejected' | 'handover-override';
  /** Reason codes (sync/protocol.ts REASON_CODES), comma-separated; never personal data. */
  reason: string;
  createdAt: string;
  state: 'open' | 'resolved';
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolution: string | null;
}

interface Row {
  review_id: string;
  seq: number | null;
  event_id: string | null;
  kind: ReviewItem['kind'];
  reason: string;
  created_at: string;
  state: ReviewItem['state'];
  resolved_by: string | null;
  resolved_at: string | null;
  resolution: string | null;
}

export function listReviewItems(db: Db, state: 'open' | 'resolved' = 'open'): ReviewItem[] {
  const rows = prepared(
    db,
    'SELECT * FROM sync_review_item WHERE state = ? ORDER BY created_at, review_id',
  ).all(state) as Row[];
  return rows.map((row) => ({
    reviewId: row.review_id,
    seq: row.seq,
    eventId: row.event_id,
    kind: row.kind,
    reason: row.reason,
    createdAt: row.created_at,
    state: row.state,
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at,
    resolution: row.resolution,
  }));
}

/** A supervisor closes an item with what was done (e.g. "card recalled, citizen called"). */
export function resolveReviewItem(
  db: Db,
  input: { reviewId: string; supervisorStaffId: string; resolution: string; at: Date },
): void {
  if (input.resolution.trim().length < 3) {
    throw new SyncError(
      'SYNC_REVIEW_INVALID',
      'Say what was done about this item (a few words) before closing it.',
      'usage',
    );
  }
  const changed = prepared(
    db,
    `UPDATE sync_review_item SET state = 'resolved', resolved_by = ?, resolved_at = ?,
       resolution = coalesce(resolution || ' / ', '') || ?
     WHERE review_id = ? AND state = 'open'`,
  ).run(
    input.supervisorStaffId,
    input.at.toISOString(),
    input.resolution.trim(),
    input.reviewId,
  ).changes;
  if (changed !== 1) {
    throw new SyncError('SYNC_REVIEW_INVALID', 'No open review item with this ID.', 'usage');
  }
}
