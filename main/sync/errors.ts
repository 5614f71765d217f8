// Sync failures as data: a stable code an IT admin can look up (docs/sync-protocol.md
// "Terminal side") and a message that never carries personal data. `kind` tells the scheduler
// what to do next: back off and retry, park the queue (retry slowly, alert), or halt.

export type SyncErrorKind = 'transient' | 'parked' | 'halted' | 'usage';

export const SYNC_ERROR_CODES = [
  /** Not enrolled: run `madoguchi terminal enroll`. */
  'SYNC_NOT_ENROLLED',
  /** Already enrolled (enrolling twice would fork the terminal's identity). */
  'SYNC_ALREADY_ENROLLED',
  /** The enrollment code is malformed, unknown, used or expired. */
  'SYNC_ENROLLMENT_CODE_INVALID',
  /** The server's CA does not match the pin: not our central, or a TLS interceptor. */
  'SYNC_CA_PIN_MISMATCH',
  /** No connection, DNS failure, reset, TLS failure. */
  'SYNC_OFFLINE',
  /** The request took longer than its deadline. */
  'SYNC_TIMEOUT',
  /** 5xx / 429 from central: nothing was applied. */
  'SYNC_CENTRAL_UNAVAILABLE',
  /** 422: central refuses a batch as malformed or with a broken chain: parked, alert. */
  'SYNC_BATCH_REFUSED',
  /** 409 seq_conflict: central holds a different event at one of our seqs (fork). */
  'SYNC_SEQ_CONFLICT',
  /** 409 epoch_mismatch: this terminal was enrolled again elsewhere. */
  'SYNC_EPOCH_MISMATCH',
  /** 403: central revoked or quarantined this terminal. */
  'SYNC_TERMINAL_REVOKED',
  /** An answer central did not sign with the pinned key, or that does not parse. */
  'SYNC_BAD_ANSWER',
  /** The revocation list offered is older, unsigned or incomplete; the held list is kept. */
  'SYNC_REVOCATION_REFUSED',
  /** A handover needs a supervisor override: the revocation list is stale. */
  'SYNC_REVOCATION_STALE',
  /** A review item cannot be closed: unknown, already closed, or no note given. */
  'SYNC_REVIEW_INVALID',
] as const;
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

export class SyncError extends Error {
  override readonly name = 'SyncError';
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly kind: SyncErrorKind = 'transient',
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
