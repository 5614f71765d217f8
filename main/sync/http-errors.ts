// Central's non-2xx answers as SyncErrors (reference/sync-protocol.md §3.4 "Transport
// statuses"): 5xx and 429 are transient (nothing applied; honour Retry-After), 422 parks the
// queue, 403 and a fork halt it. The upload handles 409 gap and 413 itself before this.

import { ErrorBodySchema, type ErrorBody } from '../../sync/protocol';
import { SyncError } from './errors';
import { parseBody, retryAfterOf, type CentralResponse } from './transport';

export function errorBodyOf(response: CentralResponse): ErrorBody['error'] | null {
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(response.body.toString('utf8')));
    return parsed.success ? parsed.data.error : null;
  } catch {
    return null;
  }
}

/** The JSON body of a 200, or the SyncError the status means. */
export function expectOk(response: CentralResponse, now: Date): unknown {
  if (response.status === 200) return parseBody(response);
  throw errorOf(response, now);
}

export function errorOf(response: CentralResponse, now: Date): SyncError {
  const body = errorBodyOf(response);
  const detail = body ? `${body.code}: ${body.message}` : `HTTP ${response.status}`;
  const retryAfter =
    retryAfterOf(response, now.getTime()) ??
    (body?.retry_after_s !== undefined ? body.retry_after_s * 1000 : undefined);
  const status = response.status;
  if (status === 429 || status >= 500) {
    return new SyncError(
      'SYNC_CENTRAL_UNAVAILABLE',
      `Central cannot take requests now (${detail}); nothing was lost, sync retries.`,
      'transient',
      retryAfter,
    );
  }
  if (status === 403 && body?.code === 'terminal_revoked') {
    return new SyncError(
      'SYNC_TERMINAL_REVOKED',
      'Central has revoked or quarantined this terminal: it no longer syncs. Events stay on the terminal; contact central IT.',
      'halted',
    );
  }
  if (status === 401 || status === 403) {
    return new SyncError(
      'SYNC_TERMINAL_REVOKED',
      `Central refuses this terminal's certificate (${detail}). Contact central IT.`,
      'halted',
    );
  }
  if (status === 409 && body?.code === 'seq_conflict') {
    return new SyncError(
      'SYNC_SEQ_CONFLICT',
      `Central holds a different event at seq ${body.seq ?? '?'} (this terminal was restored from an old backup, or forked). Sync stopped; contact central IT to re-enroll.`,
      'halted',
    );
  }
  if (status === 409 && body?.code === 'epoch_mismatch') {
    return new SyncError(
      'SYNC_EPOCH_MISMATCH',
      'This terminal was enrolled again elsewhere; this copy no longer syncs. Contact central IT.',
      'halted',
    );
  }
  if (status === 422 || status === 400 || status === 413) {
    return new SyncError(
      'SYNC_BATCH_REFUSED',
      `Central refused the request (${detail}). The events stay queued; sync retries slowly. Report this to central IT.`,
      'parked',
    );
  }
  return new SyncError('SYNC_BAD_ANSWER', `Central answered ${detail}.`);
}
