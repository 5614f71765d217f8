// Sync inside the app (createCounterServices): the SyncService when the terminal is enrolled,
// an honest "not enrolled" status when it is not, the sync screen's history and review items,
// and the one hook that tells the scheduler a case event was committed.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import type { SyncReviewItemView, SyncRunView, SyncStatusView } from '../../preload/contract';
import { AppError } from '../core/errors';
import type { Logger } from '../log/logger';
import { SyncError } from './errors';
import { readIdentity } from './identity';
import { lastSeq } from './outbox';
import { listReviewItems, resolveReviewItem, type ReviewItem } from './review';
import { SyncService, syncStatus, type SyncServiceOptions, type SyncStatus } from './service';

export interface AppSync {
  status(): SyncStatusView;
  runNow(): Promise<SyncStatusView>;
  history(limit: number): SyncRunView[];
  reviewItems(state: 'open' | 'resolved'): SyncReviewItemView[];
  resolve(input: { reviewId: string; note: string; supervisorStaffId: string }): SyncReviewItemView;
  /** After any call: if the outbox grew, the scheduler syncs soon (debounced). */
  afterCall(): void;
  onStatus(listener: (status: SyncStatusView) => void): () => void;
  stop(): void;
}

interface RunRow {
  run_id: number;
  trigger: string;
  started_at: string;
  finished_at: string | null;
  result: SyncRunView['result'];
  uploaded: number;
  downloaded: number;
  error_code: string | null;
}

/**
 * Starts the scheduler (a sync at once, then its timer) when the terminal has an identity;
 * a terminal that is not enrolled (or a training store) keeps working and says so.
 */
export function createAppSync(options: {
  db: Db;
  log: Logger;
  now: () => Date;
  /** False for a training store: practice never reaches central. */
  enabled: boolean;
  service?: Partial<Omit<SyncServiceOptions, 'db' | 'log'>>;
}): AppSync {
  const { db, now } = options;
  const service =
    options.enabled && readIdentity(db) !== null
      ? new SyncService({ db, log: options.log, ...options.service })
      : null;
  service?.start();
  let seenSeq = lastSeq(db);
  const status = (): SyncStatusView => view(service ? service.status() : syncStatus(db, now()));
  const listeners = new Set<(status: SyncStatusView) => void>();
  const stopForwarding = service?.onStatus((s) => {
    const v = view(s);
    for (const listener of listeners) listener(v);
  });

  return {
    status,
    async runNow() {
      if (!service) {
        throw new AppError(
          'SYNC_NOT_ENROLLED',
          'This terminal is not enrolled with a central service (madoguchi terminal enroll).',
        );
      }
      await service.syncNow();
      return status();
    },
    history(limit) {
      const rows = prepared(db, 'SELECT * FROM sync_run ORDER BY run_id DESC LIMIT ?').all(
        limit,
      ) as RunRow[];
      return rows.map((row) => ({
        runId: row.run_id,
        trigger: row.trigger,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        result: row.result,
        uploaded: row.uploaded,
        downloaded: row.downloaded,
        errorCode: row.error_code,
      }));
    },
    reviewItems: (state) => listReviewItems(db, state).map(reviewView),
    resolve(input) {
      try {
        resolveReviewItem(db, {
          reviewId: input.reviewId,
          supervisorStaffId: input.supervisorStaffId,
          resolution: input.note,
          at: now(),
        });
      } catch (error) {
        if (error instanceof SyncError && error.code === 'SYNC_REVIEW_INVALID') {
          throw new AppError('SYNC_REVIEW_INVALID', error.message);
        }
        throw error;
      }
      const item = listReviewItems(db, 'resolved').find((i) => i.reviewId === input.reviewId);
      if (!item) throw new AppError('SYNC_REVIEW_INVALID', 'No review item with this ID.');
      service?.notifyCommitted();
      return reviewView(item);
    },
    afterCall() {
      if (!db.open) return;
      const seq = lastSeq(db);
      if (seq === seenSeq) return;
      seenSeq = seq;
      service?.notifyCommitted();
    },
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopForwarding?.();
      service?.stop();
    },
  };
}

function view(s: SyncStatus): SyncStatusView {
  return {
    enrolled: s.enrolled,
    terminalId: s.terminalId,
    officeCode: s.officeCode,
    standing: s.standing,
    state: s.state,
    lastSuccessAt: s.lastSuccessAt,
    lastAttemptAt: s.lastAttemptAt,
    nextAttemptAt: s.nextAttemptAt,
    consecutiveFailures: s.consecutiveFailures,
    lastError: s.lastError,
    pendingEvents: s.pendingEvents,
    oldestPendingAgeMs: s.oldestPendingAgeMs,
    revocation: {
      level: s.revocation.level,
      listVersion: s.revocation.listVersion,
      receivedAt: s.revocation.receivedAt,
      ageMs: s.revocation.ageMs,
    },
    openReviewItems: s.openReviewItems,
    alerts: [...s.alerts],
  };
}

function reviewView(item: ReviewItem): SyncReviewItemView {
  return {
    reviewId: item.reviewId,
    seq: item.seq,
    kind: item.kind,
    reason: item.reason,
    createdAt: item.createdAt,
    state: item.state,
    resolvedBy: item.resolvedBy,
    resolvedAt: item.resolvedAt,
    resolution: item.resolution,
  };
}
