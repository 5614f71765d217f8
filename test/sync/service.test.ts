// The app's sync service against a real central: the scheduler's timers run on a clock the
// test moves by hand (no sleeps), the network and central are real.

import { describe, expect, it } from 'vitest';
import { createLogger } from '../../main/log/logger';
import { SyncService, type SyncStatus } from '../../main/sync/service';
import { manualClock } from '../../main/sync/testing';
import { counterApplications, createWorld } from './world';

const silent = createLogger({ sink: () => undefined, level: 'error' });

function waitFor(service: SyncService, test: (s: SyncStatus) => boolean): Promise<SyncStatus> {
  return new Promise((resolve) => {
    const now = service.status();
    if (test(now)) {
      resolve(now);
      return;
    }
    const stop = service.onStatus((status) => {
      if (test(status)) {
        stop();
        resolve(status);
      }
    });
  });
}

describe('the sync service', () => {
  it('backs off after central fails, retries on its own timer, then syncs a new event a second after it', async () => {
    const world = await createWorld({ terminals: 1, proxy: true });
    const [a] = world.terminals;
    if (!a) throw new Error('terminal');
    counterApplications(a, 5);
    world.proxy?.setDecide(({ method }) => (method === 'PUT' ? 'status-503' : 'none'));
    const clock = manualClock(Date.now());
    const service = new SyncService({ db: a.db, log: silent, clock, random: () => 0.25 });
    try {
      service.start();
      const failed = await waitFor(service, (s) => s.state === 'backoff');
      expect(failed).toMatchObject({
        pendingEvents: 5,
        consecutiveFailures: 1,
        lastError: { code: 'SYNC_CENTRAL_UNAVAILABLE' },
      });
      // Retry-After: 1 s beats the jittered 0.25 * 2 s.
      expect(Date.parse(failed.nextAttemptAt ?? '') - clock.now()).toBe(1_000);
      expect(failed.oldestPendingAgeMs).toBeGreaterThanOrEqual(0);
      world.proxy?.setDecide(() => 'none');
      const done = waitFor(service, (s) => s.state === 'idle' && s.pendingEvents === 0);
      await clock.advance(1_000);
      expect(await done).toMatchObject({ consecutiveFailures: 0, lastError: null });

      counterApplications(a, 1);
      service.notifyCommitted();
      expect(service.status().pendingEvents).toBe(1);
      const synced = waitFor(service, (s) => s.state === 'idle' && s.pendingEvents === 0);
      await clock.advance(1_000);
      const status = await synced;
      expect(status.lastSeq).toBe(6);
      expect(status.revocation.level).toBe('fresh');
      expect(status.alerts).toEqual([]);
    } finally {
      service.stop();
    }
  }, 60_000);
});
