import type { SyncMark } from '../../preload/contract';

/**
 * What the store knows of an event's way to central: an outbox_ack row once central answered
 * (reference/sync-protocol.md §3.4), none before. A suspension is effective centrally only
 * once acknowledged, so the screens show 'pending' honestly until then.
 */
export function syncMark(outcome: string | null): SyncMark {
  if (outcome === null) return 'pending';
  return outcome === 'rejected' ? 'rejected' : 'acknowledged';
}
