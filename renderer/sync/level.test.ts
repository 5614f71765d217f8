import { describe, expect, it } from 'vitest';
import type { SyncStatusView } from '../../preload/contract';
import { syncLevel } from './useSyncStatus';

const fresh: SyncStatusView = {
  enrolled: true,
  terminalId: 'T-1',
  officeCode: '131016',
  standing: 'active',
  state: 'idle',
  lastSuccessAt: '2026-11-20T09:00:00Z',
  lastAttemptAt: '2026-11-20T09:00:00Z',
  nextAttemptAt: null,
  consecutiveFailures: 0,
  lastError: null,
  pendingEvents: 0,
  oldestPendingAgeMs: null,
  revocation: { level: 'fresh', listVersion: 3, receivedAt: '2026-11-20T09:00:00Z', ageMs: 0 },
  openReviewItems: 0,
  alerts: [],
};

describe('the sync line level', () => {
  it('follows the offline policy: warning at "warn", alarm once handovers need an override', () => {
    expect(syncLevel(fresh)).toBe('ok');
    expect(syncLevel({ ...fresh, revocation: { ...fresh.revocation, level: 'warn' } })).toBe(
      'warn',
    );
    expect(
      syncLevel({
        ...fresh,
        revocation: { ...fresh.revocation, level: 'stale' },
        alerts: ['REVOCATION_LIST_STALE'],
      }),
    ).toBe('alarm');
  });

  it('warns on a watchdog alert or an unenrolled terminal, alarms when sync is halted', () => {
    expect(syncLevel({ ...fresh, alerts: ['OLDEST_PENDING_OVER_24H'] })).toBe('warn');
    expect(syncLevel({ ...fresh, enrolled: false, state: 'not-enrolled' })).toBe('warn');
    expect(syncLevel({ ...fresh, state: 'halted', alerts: ['SYNC_HALTED'] })).toBe('alarm');
  });
});
