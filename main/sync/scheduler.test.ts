import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from './backoff';
import { SyncScheduler, type RunOutcome, type SyncTrigger } from './scheduler';
import { flush, manualClock } from './testing';

function scripted(outcomes: RunOutcome[]): {
  run: (t: SyncTrigger) => Promise<RunOutcome>;
  triggers: SyncTrigger[];
} {
  const triggers: SyncTrigger[] = [];
  return {
    triggers,
    run: async (trigger) => {
      triggers.push(trigger);
      const next = outcomes.shift() ?? { ok: true };
      if ('throw' in next) throw new Error('boom');
      return next;
    },
  };
}

const offline: RunOutcome = {
  ok: false,
  kind: 'transient',
  code: 'SYNC_OFFLINE',
  message: 'no route',
};

describe('backoff', () => {
  it('grows exponentially under full jitter, caps at 10 minutes and honours Retry-After', () => {
    const top = () => 0.999999;
    expect(backoffDelay(1, top)).toBe(1_999);
    expect(backoffDelay(2, top)).toBe(3_999);
    expect(backoffDelay(5, top)).toBe(31_999);
    expect(backoffDelay(40, top)).toBe(599_999);
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(1, () => 0, undefined, 120_000)).toBe(120_000);
    expect(parseRetryAfter('7', 0)).toBe(7_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:01:00 GMT', 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

describe('the sync scheduler', () => {
  it('syncs on start, then on the timer when all is well', async () => {
    const clock = manualClock();
    const script = scripted([]);
    const s = new SyncScheduler({ run: script.run, clock, policy: { intervalMs: 60_000 } });
    s.start();
    await flush();
    expect(script.triggers).toEqual(['start']);
    expect(clock.pending()).toEqual([60_000]);
    await clock.advance(60_000);
    expect(script.triggers).toEqual(['start', 'timer']);
    expect(s.state().phase).toBe('idle');
    s.stop();
    expect(clock.pending()).toEqual([]);
  });

  it('re-arms the timer after every kind of failure, even a run that throws', async () => {
    const clock = manualClock();
    const script = scripted([
      offline,
      { throw: true } as unknown as RunOutcome,
      { ok: false, kind: 'transient', code: 'HTTP_503', message: 'busy', retryAfterMs: 90_000 },
      { ok: false, kind: 'parked', code: 'SYNC_PARKED', message: '422' },
      { ok: false, kind: 'halted', code: 'SYNC_REVOKED', message: '403' },
    ]);
    const s = new SyncScheduler({
      run: script.run,
      clock,
      random: () => 0.5,
      policy: { parkedRetryMs: 1_800_000 },
    });
    s.start();
    await flush();
    // 1st failure: random 0.5 * min(cap, 2 s) = 1 s.
    expect(s.state()).toMatchObject({ phase: 'backoff', consecutiveFailures: 1 });
    expect(clock.pending()).toEqual([1_000]);
    await clock.advance(1_000);
    // The run threw: still a failure, still a timer (2nd: 0.5 * 4 s).
    expect(s.state()).toMatchObject({
      consecutiveFailures: 2,
      lastError: { code: 'SYNC_INTERNAL' },
    });
    expect(clock.pending()).toEqual([2_000]);
    await clock.advance(2_000);
    // Retry-After beats the jittered 4 s.
    expect(clock.pending()).toEqual([90_000]);
    await clock.advance(90_000);
    expect(s.state().phase).toBe('parked');
    expect(clock.pending()).toEqual([1_800_000]);
    await clock.advance(1_800_000);
    expect(s.state().phase).toBe('halted');
    expect(clock.pending()).toEqual([1_800_000]);
    await clock.advance(1_800_000);
    expect(script.triggers).toEqual(['start', 'retry', 'retry', 'retry', 'retry', 'retry']);
    // Success resets the failure count.
    expect(s.state()).toMatchObject({ phase: 'idle', consecutiveFailures: 0, lastError: null });
    s.stop();
  });

  it('debounces committed events into one sync a second after the last', async () => {
    const clock = manualClock();
    const script = scripted([]);
    const s = new SyncScheduler({ run: script.run, clock });
    s.start();
    await flush();
    for (let i = 0; i < 5; i += 1) {
      s.notifyCommitted();
      await clock.advance(500);
    }
    expect(script.triggers).toEqual(['start']);
    await clock.advance(500);
    expect(script.triggers).toEqual(['start', 'commit']);
    s.stop();
  });

  it('runs once more when an event is committed during a run, and joins a demand to it', async () => {
    const clock = manualClock();
    let release: () => void = () => undefined;
    const triggers: SyncTrigger[] = [];
    const s = new SyncScheduler({
      clock,
      run: (trigger) => {
        triggers.push(trigger);
        return new Promise((resolve) => {
          release = () => resolve({ ok: true });
        });
      },
    });
    s.start();
    await flush();
    const joined = s.syncNow();
    release();
    await flush();
    expect(triggers).toEqual(['start', 'demand']);
    release();
    await expect(joined).resolves.toEqual({ ok: true });
    expect(s.state().phase).toBe('idle');
    s.stop();
  });

  it('a stalled network does not wedge the queue: a failure after a long wait still re-arms', async () => {
    const clock = manualClock();
    let calls = 0;
    const s = new SyncScheduler({
      clock,
      random: () => 0,
      run: async () => {
        calls += 1;
        return calls < 4 ? offline : { ok: true };
      },
    });
    s.start();
    for (let i = 0; i < 4; i += 1) await clock.advance(1);
    expect(calls).toBe(4);
    expect(s.state().phase).toBe('idle');
    s.stop();
  });

  it('a trigger arriving while a failed run is being armed is run, not lost', async () => {
    const clock = manualClock();
    let calls = 0;
    let asked = false;
    const s: SyncScheduler = new SyncScheduler({
      clock,
      random: () => 0.5,
      run: async () => {
        calls += 1;
        return calls === 1 ? offline : { ok: true };
      },
      onChange: (state) => {
        // The UI's "sync now" lands in the instant the backoff timer is set.
        if (state.phase === 'backoff' && !asked) {
          asked = true;
          void s.syncNow();
        }
      },
    });
    s.start();
    await flush();
    expect(calls).toBe(2);
    expect(s.state()).toMatchObject({ phase: 'idle', consecutiveFailures: 0 });
    expect(clock.pending()).toEqual([300_000]);
    s.stop();
  });
});
