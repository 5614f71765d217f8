// When sync runs (reference/sync-protocol.md §3.6): on start, on a timer, one second after
// the last committed event (debounced), and on demand; after a failure, full-jitter backoff.
//
// The rule every sync engine in §4 broke at least once: EVERY way a run can end re-arms the
// timer (powersync-native#15, powersync-swift#179: "a failed upload is never retried, the
// backlog stalls until the next local write"). A run that throws, times out, is parked or
// halted still ends in arm(); nothing waits for a local write to wake the queue up.
//
// Time and randomness are injected, so the tests drive the timer by hand instead of sleeping.

import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';

export type SyncTrigger = 'start' | 'timer' | 'commit' | 'demand' | 'retry';

/** How a run ended, from the scheduler's point of view. */
export type RunOutcome =
  | { ok: true }
  | {
      ok: false;
      /** Transient (network, 5xx, 429, timeout): back off and retry. */
      kind: 'transient' | 'parked' | 'halted';
      code: string;
      message: string;
      retryAfterMs?: number;
    };

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SchedulePolicy extends BackoffPolicy {
  /** The periodic sync when all is well. */
  intervalMs: number;
  /** Debounce after a committed event. */
  debounceMs: number;
  /** A parked queue (a 422 from central) is retried this slowly. */
  parkedRetryMs: number;
}

export const DEFAULT_SCHEDULE: SchedulePolicy = {
  ...DEFAULT_BACKOFF,
  intervalMs: 5 * 60_000,
  debounceMs: 1_000,
  parkedRetryMs: 30 * 60_000,
};

export interface SchedulerState {
  phase: 'stopped' | 'idle' | 'running' | 'backoff' | 'parked' | 'halted';
  consecutiveFailures: number;
  /** When the timer fires next (ms since epoch), or null when stopped. */
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  lastSuccessAt: number | null;
  lastError: { code: string; message: string } | null;
}

export interface SchedulerOptions {
  run: (trigger: SyncTrigger) => Promise<RunOutcome>;
  clock?: Clock;
  random?: () => number;
  policy?: Partial<SchedulePolicy>;
  onChange?: (state: SchedulerState) => void;
}

export class SyncScheduler {
  readonly #run: SchedulerOptions['run'];
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #policy: SchedulePolicy;
  readonly #onChange: (state: SchedulerState) => void;
  #timer: unknown = null;
  #debounce: unknown = null;
  #inFlight: Promise<RunOutcome> | null = null;
  #again: SyncTrigger | null = null;
  #state: SchedulerState = {
    phase: 'stopped',
    consecutiveFailures: 0,
    nextAttemptAt: null,
    lastAttemptAt: null,
    lastSuccessAt: null,
    lastError: null,
  };

  constructor(options: SchedulerOptions) {
    this.#run = options.run;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#policy = { ...DEFAULT_SCHEDULE, ...options.policy };
    this.#onChange = options.onChange ?? (() => undefined);
  }

  state(): SchedulerState {
    return { ...this.#state };
  }

  /** Starts the schedule with a sync now. */
  start(): void {
    if (this.#state.phase !== 'stopped') return;
    this.#set({ phase: 'idle' });
    void this.#trigger('start');
  }

  stop(): void {
    this.#clear();
    this.#set({ phase: 'stopped', nextAttemptAt: null });
  }

  /** A case event was committed: sync one debounce interval after the last one. */
  notifyCommitted(): void {
    if (this.#state.phase === 'stopped') return;
    if (this.#debounce !== null) this.#clock.clearTimeout(this.#debounce);
    this.#debounce = this.#clock.setTimeout(() => {
      this.#debounce = null;
      void this.#trigger('commit');
    }, this.#policy.debounceMs);
  }

  /** "Sync now" from the UI or the CLI: runs (or joins the run in flight) and reports. */
  syncNow(): Promise<RunOutcome> {
    return this.#trigger('demand');
  }

  async #trigger(trigger: SyncTrigger): Promise<RunOutcome> {
    if (this.#inFlight) {
      // One run at a time; a trigger during a run asks for one more run right after it,
      // because the running one may have read the outbox before the new event.
      this.#again = trigger;
      return this.#inFlight;
    }
    const run = this.#loop(trigger);
    this.#inFlight = run;
    try {
      return await run;
    } finally {
      this.#inFlight = null;
      // A trigger that arrived after the last run was armed (the new timer firing at once,
      // a commit) is not lost: it starts the next run now.
      const again = this.#again;
      this.#again = null;
      if (again !== null && this.#state.phase !== 'stopped') void this.#trigger(again);
    }
  }

  async #loop(first: SyncTrigger): Promise<RunOutcome> {
    let trigger: SyncTrigger | null = first;
    let outcome: RunOutcome = { ok: true };
    while (trigger !== null) {
      this.#again = null;
      outcome = await this.#once(trigger);
      // After a failure the backoff timer decides when to try again, not a commit.
      trigger = outcome.ok ? this.#again : null;
    }
    this.#again = null;
    this.#arm(outcome);
    return outcome;
  }

  async #once(trigger: SyncTrigger): Promise<RunOutcome> {
    if (this.#timer !== null) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#set({ phase: 'running', lastAttemptAt: this.#clock.now(), nextAttemptAt: null });
    try {
      return await this.#run(trigger);
    } catch (error) {
      // A bug in a run is still a failed run: it backs off and retries like any other.
      return {
        ok: false,
        kind: 'transient',
        code: 'SYNC_INTERNAL',
        message: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** Every outcome ends here, and every branch sets a timer (unless stopped). */
  #arm(outcome: RunOutcome): void {
    if (this.#state.phase === 'stopped') return;
    const now = this.#clock.now();
    let delay: number;
    let patch: Partial<SchedulerState>;
    if (outcome.ok) {
      delay = this.#policy.intervalMs;
      patch = { phase: 'idle', consecutiveFailures: 0, lastSuccessAt: now, lastError: null };
    } else {
      const failures = this.#state.consecutiveFailures + 1;
      delay =
        outcome.kind === 'transient'
          ? backoffDelay(failures, this.#random, this.#policy, outcome.retryAfterMs)
          : // Parked and halted queues are retried slowly, never abandoned: the fix may be
            // on central's side (a deployed handler, a lifted suspension of the terminal).
            Math.max(this.#policy.parkedRetryMs, outcome.retryAfterMs ?? 0);
      patch = {
        phase: outcome.kind === 'transient' ? 'backoff' : outcome.kind,
        consecutiveFailures: failures,
        lastError: { code: outcome.code, message: outcome.message },
      };
    }
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      void this.#trigger(outcome.ok ? 'timer' : 'retry');
    }, delay);
    this.#set({ ...patch, nextAttemptAt: now + delay });
  }

  #clear(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    if (this.#debounce !== null) this.#clock.clearTimeout(this.#debounce);
    this.#timer = null;
    this.#debounce = null;
  }

  #set(patch: Partial<SchedulerState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#onChange(this.state());
  }
}
