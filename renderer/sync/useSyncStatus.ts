import { useEffect, useState } from 'react';
import type { TFunction } from 'i18next';
import type { CallError, SyncStatusView } from '../../preload/contract';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';

export type SyncStatusState =
  | { phase: 'loading' }
  | { phase: 'failed'; error: CallError }
  | { phase: 'ready'; status: SyncStatusView };

/** sync.status once, then every sync.changed event (main pushes one at least every minute). */
export function useSyncStatus(): [SyncStatusState, (status: SyncStatusView) => void] {
  const api = useApi();
  const [state, setState] = useState<SyncStatusState>({ phase: 'loading' });
  useEffect(() => {
    let active = true;
    let eventSeen = false;
    const unsubscribe = api.on('sync.changed', (status) => {
      eventSeen = true;
      setState({ phase: 'ready', status });
    });
    void settle(api.sync.status({})).then((result) => {
      if (!active || eventSeen) return;
      setState(
        result.ok
          ? { phase: 'ready', status: result.value }
          : { phase: 'failed', error: result.error },
      );
    });
    return () => {
      active = false;
      unsubscribe();
    };
  }, [api]);
  return [state, (status) => setState({ phase: 'ready', status })];
}

/** An age as the status bar says it: minutes, hours or days. */
export function formatAge(t: TFunction, ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return t('sync.ageJustNow');
  if (minutes < 60) return t('sync.ageMinutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('sync.ageHours', { count: hours });
  return t('sync.ageDays', { count: Math.floor(hours / 24) });
}

/** 'alarm' when handovers need an override or sync is halted, 'warn' per the offline policy. */
export function syncLevel(status: SyncStatusView): 'ok' | 'warn' | 'alarm' {
  if (!status.enrolled) return 'warn';
  if (status.revocation.level === 'stale' || status.state === 'halted') return 'alarm';
  if (status.revocation.level === 'warn' || status.alerts.length > 0) return 'warn';
  return 'ok';
}
