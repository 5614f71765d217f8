// The sync capability as the app uses it: a scheduler driving the engine, and a status the
// UI shows at all times (last success, pending events, oldest pending age, revocation list
// age) with a subscription for changes. The status is computed from the store, so the CLI
// (`madoguchi sync status`) and the app report the same thing.
//
// Watchdog (reference/sync-protocol.md §3.6): alerts when the oldest unsent event is older
// than 24 h, when events are pending and nothing was acknowledged for 2 h, when the queue is
// parked or halted, and when the revocation list is stale.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import type { Logger } from '../log/logger';
import { SyncEngine } from './engine';
import { readIdentity } from './identity';
import { backlog, readSyncState } from './outbox';
import {
  DEFAULT_OFFLINE_POLICY,
  revocationFreshness,
  type OfflinePolicy,
  type RevocationFreshness,
} from './revocations';
import {
  SyncScheduler,
  systemClock,
  type Clock,
  type RunOutcome,
  type SchedulePolicy,
  type SchedulerState,
} from './scheduler';
import type { Timeouts } from './transport';
import type { SyncStatusView } from '../../preload/contract';

export type SyncAlert =
  | 'NOT_ENROLLED'
  | 'OLDEST_PENDING_OVER_24H'
  | 'NO_ACK_FOR_2H'
  | 'QUEUE_PARKED'
  | 'SYNC_HALTED'
  | 'REVOCATION_LIST_STALE';

/**
 * The whole status: what the renderer sees (preload/contract.ts SyncStatusView, one
 * definition for both sides) plus what only main and the CLI use.
 */
export interface SyncStatus extends Omit<SyncStatusView, 'revocation' | 'alerts'> {
  ackedThroughSeq: number;
  lastSeq: number;
  parkedAtSeq: number | null;
  clockOffsetMs: number | null;
  revocation: RevocationFreshness;
  alerts: SyncAlert[];
}

export interface WatchdogPolicy {
  oldestPendingAlertMs: number;
  noAckAlertMs: number;
}

export const DEFAULT_WATCHDOG: WatchdogPolicy = {
  oldestPendingAlertMs: 24 * 3_600_000,
  noAckAlertMs: 2 * 3_600_000,
};

/** The status from the store alone (the CLI's view; the service adds the live timer). */
export function syncStatus(
  db: Db,
  now: Date,
  options: {
    offline?: OfflinePolicy;
    watchdog?: WatchdogPolicy;
    scheduler?: SchedulerState;
  } = {},
): SyncStatus {
  const watchdog = options.watchdog ?? DEFAULT_WATCHDOG;
  const identity = readIdentity(db);
  const state = readSyncState(db);
  const queue = backlog(db);
  const revocation = revocationFreshness(
    db,
    now,
    options.offline ?? DEFAULT_OFFLINE_POLICY,
    state.clock_offset_ms,
  );
  const openReviewItems = prepared(db, "SELECT count(*) FROM sync_review_item WHERE state = 'open'")
    .pluck()
    .get() as number;
  const oldestPendingAgeMs =
    queue.oldestPendingAt === null ? null : now.getTime() - Date.parse(queue.oldestPendingAt);
  const live = options.scheduler;
  const phase: SyncStatus['state'] = !identity
    ? 'not-enrolled'
    : live
      ? live.phase
      : (state.state as SyncStatus['state']);
  const lastSuccessAt =
    live?.lastSuccessAt != null
      ? new Date(live.lastSuccessAt).toISOString()
      : state.last_success_at;
  const alerts: SyncAlert[] = [];
  if (!identity) alerts.push('NOT_ENROLLED');
  if (oldestPendingAgeMs !== null && oldestPendingAgeMs > watchdog.oldestPendingAlertMs) {
    alerts.push('OLDEST_PENDING_OVER_24H');
  }
  if (
    identity &&
    queue.pending > 0 &&
    now.getTime() - Date.parse(lastSuccessAt ?? identity.enrolledAt) > watchdog.noAckAlertMs
  ) {
    alerts.push('NO_ACK_FOR_2H');
  }
  if (phase === 'parked') alerts.push('QUEUE_PARKED');
  if (phase === 'halted' || (identity && identity.status !== 'active')) alerts.push('SYNC_HALTED');
  if (identity && revocation.level === 'stale') alerts.push('REVOCATION_LIST_STALE');
  return {
    enrolled: identity !== null,
    terminalId: identity?.terminalId ?? null,
    officeCode: identity?.officeCode ?? null,
    standing: identity?.status ?? null,
    state: phase,
    lastSuccessAt,
    lastAttemptAt:
      live?.lastAttemptAt != null
        ? new Date(live.lastAttemptAt).toISOString()
        : state.last_attempt_at,
    nextAttemptAt: live?.nextAttemptAt != null ? new Date(live.nextAttemptAt).toISOString() : null,
    consecutiveFailures: live?.consecutiveFailures ?? state.consecutive_failures,
    lastError:
      live?.lastError ??
      (state.last_error_code
        ? { code: state.last_error_code, message: state.last_error_message ?? '' }
        : null),
    pendingEvents: queue.pending,
    ackedThroughSeq: queue.ackedThroughSeq,
    lastSeq: queue.lastSeq,
    oldestPendingAgeMs,
    parkedAtSeq: state.parked_at_seq,
    clockOffsetMs: state.clock_offset_ms,
    revocation,
    openReviewItems,
    alerts,
  };
}

export interface SyncServiceOptions {
  db: Db;
  log: Logger;
  clock?: Clock;
  random?: () => number;
  schedule?: Partial<SchedulePolicy>;
  offline?: OfflinePolicy;
  watchdog?: WatchdogPolicy;
  timeouts?: Partial<Timeouts>;
}

export type SyncStatusListener = (status: SyncStatus) => void;

/**
 * The app's sync: start() after the store opens, notifyCommitted() after each committed case
 * event, syncNow() for the "sync now" button, status()/onStatus() for the status bar.
 * (The UI wiring in preload/contract.ts belongs to the UI; it subscribes with onStatus.)
 */
export class SyncService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #engine: SyncEngine;
  readonly #scheduler: SyncScheduler;
  readonly #options: SyncServiceOptions;
  readonly #listeners = new Set<SyncStatusListener>();
  #watchdog: unknown = null;

  constructor(options: SyncServiceOptions) {
    this.#options = options;
    this.#db = options.db;
    this.#clock = options.clock ?? systemClock;
    const now = (): Date => new Date(this.#clock.now());
    this.#engine = new SyncEngine({
      db: options.db,
      log: options.log.child('sync'),
      now,
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    });
    this.#scheduler = new SyncScheduler({
      clock: this.#clock,
      ...(options.random ? { random: options.random } : {}),
      ...(options.schedule ? { policy: options.schedule } : {}),
      run: async (trigger): Promise<RunOutcome> => (await this.#engine.run(trigger)).outcome,
      onChange: () => this.#emit(),
    });
  }

  start(): void {
    this.#scheduler.start();
    this.#tick();
  }

  stop(): void {
    this.#scheduler.stop();
    if (this.#watchdog !== null) this.#clock.clearTimeout(this.#watchdog);
    this.#watchdog = null;
    this.#engine.close();
  }

  notifyCommitted(): void {
    this.#scheduler.notifyCommitted();
    this.#emit();
  }

  syncNow(): Promise<RunOutcome> {
    return this.#scheduler.syncNow();
  }

  status(): SyncStatus {
    return syncStatus(this.#db, new Date(this.#clock.now()), {
      ...(this.#options.offline ? { offline: this.#options.offline } : {}),
      ...(this.#options.watchdog ? { watchdog: this.#options.watchdog } : {}),
      scheduler: this.#scheduler.state(),
    });
  }

  /** The handover gate: how fresh the revocation list is now (section "Offline policy"). */
  revocationFreshness(now: Date = new Date(this.#clock.now())): RevocationFreshness {
    return revocationFreshness(
      this.#db,
      now,
      this.#options.offline ?? DEFAULT_OFFLINE_POLICY,
      readSyncState(this.#db).clock_offset_ms,
    );
  }

  onStatus(listener: SyncStatusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The watchdog re-evaluates ages every minute even when nothing else happens. */
  #tick(): void {
    this.#watchdog = this.#clock.setTimeout(() => {
      this.#emit();
      this.#tick();
    }, 60_000);
  }

  #emit(): void {
    if (this.#listeners.size === 0 || !this.#db.open) return;
    const status = this.status();
    for (const listener of this.#listeners) listener(status);
  }
}
