// Uploading the outbox (reference/sync-protocol.md §3.3-3.4): contiguous batches from the
// first unacknowledged seq, each at a deterministic address (terminal, from, to), so a retry
// is the same resource and a lost ack comes back as "duplicate". Central's signed receipt is
// checked against the pinned key before anything is applied; the ack is applied in one
// transaction. Transport failures acknowledge nothing and leave the queue exactly as it was.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import { toWireEvent } from '../../sync/events';
import {
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  PROTOCOL_VERSION,
  TerminalStateSchema,
  UploadAckSchema,
  paths,
  type UploadAck,
  type UploadBatch,
} from '../../sync/protocol';
import { verifyReceipt } from '../../sync/signing';
import type { CaseEventRow } from '../audit/chain';
import { APP_VERSION } from '../core/version';
import { SyncError } from './errors';
import { errorBodyOf, errorOf } from './http-errors';
import type { SyncIdentity } from './identity';
import {
  applyAck,
  lastSeq,
  readBatch,
  readSyncState,
  rewindTo,
  transactionOf,
  type OutboxRow,
} from './outbox';
import { heldListVersion } from './revocations';
import { parseBody, type CentralClient } from './transport';

/** Bytes an event adds to a batch body (its JSON and a comma). */
function wireSize(row: OutboxRow): number {
  return Buffer.byteLength(JSON.stringify(toWireEvent(row, transactionOf(row))), 'utf8') + 1;
}

/** The next batch from `fromSeq`, within the limits (halved after a 413), or null. */
export function buildBatch(db: Db, identity: SyncIdentity, fromSeq: number): UploadBatch | null {
  const limit = readSyncState(db).batch_limit;
  const batch = readBatch(db, fromSeq, {
    maxEvents: Math.min(limit, MAX_BATCH_EVENTS),
    maxBytes: Math.max(1024, Math.floor((MAX_BATCH_BYTES * limit) / MAX_BATCH_EVENTS) - 2048),
    size: wireSize,
  });
  if (!batch) return null;
  const first = batch.rows[0] as CaseEventRow;
  const last = batch.rows[batch.rows.length - 1] as CaseEventRow;
  return {
    protocol: PROTOCOL_VERSION,
    terminal_id: identity.terminalId,
    epoch: identity.epoch,
    app_version: APP_VERSION,
    from_seq: first.seq,
    to_seq: last.seq,
    prev_hash: batch.prevHash.toString('base64'),
    events: batch.rows.map((row) => toWireEvent(row, transactionOf(row))),
    revocation_list_version: heldListVersion(db),
  };
}

export interface UploadResult {
  batches: number;
  eventsAcked: number;
  newReviewItems: number;
}

/**
 * Sends batches until central holds every event, or a failure stops it (thrown as a
 * SyncError). `afterBatch` lets the caller observe progress (tests, the UI).
 */
export async function uploadPending(
  db: Db,
  client: CentralClient,
  identity: SyncIdentity,
  now: () => Date,
  afterBatch: (ack: UploadAck) => void = () => undefined,
): Promise<UploadResult> {
  const result: UploadResult = { batches: 0, eventsAcked: 0, newReviewItems: 0 };
  await reconcilePosition(db, client, identity, now);
  let rewinds = 0;
  for (;;) {
    const before = readSyncState(db).acked_through_seq;
    const batch = buildBatch(db, identity, before + 1);
    if (!batch) return result;
    const response = await client.json(
      'PUT',
      paths.batch(identity.terminalId, batch.from_seq, batch.to_seq),
      batch,
    );
    if (response.status === 200) {
      const ack = parseAck(parseBody(response), identity, batch);
      if (ack.acked_through_seq > lastSeq(db)) {
        throw new SyncError(
          'SYNC_SEQ_CONFLICT',
          `Central holds events up to seq ${ack.acked_through_seq}, beyond the newest on this terminal (${lastSeq(db)}): this store is an old copy. Sync stopped; contact central IT.`,
          'halted',
        );
      }
      // Central may hold more than this batch (an earlier ack was lost); outcomes are
      // recorded batch by batch, so the position moves no further than this batch.
      const through = Math.min(ack.acked_through_seq, batch.to_seq);
      const applied = applyAck(
        db,
        {
          ackedThroughSeq: through,
          expectedSeq: ack.expected_seq,
          results: ack.results.map((r) => ({
            seq: r.seq,
            eventId: r.event_id,
            outcome: r.outcome,
            serverSeq: r.server_seq,
            reviewId: r.review_id,
            reason: r.reasons.length > 0 ? r.reasons.join(',') : null,
          })),
          serverTime: ack.server_time,
          receipt: JSON.stringify(ack),
        },
        now(),
      );
      result.batches += 1;
      result.eventsAcked += Math.max(0, through - before);
      result.newReviewItems += applied.newReviewItems;
      growBatchLimit(db);
      afterBatch(ack);
      if (through <= before) {
        // Central went back in time (a restore) and answered with where it stands.
        rewinds += 1;
        if (rewinds > 3) throw stuck();
      } else rewinds = 0;
      continue;
    }
    const body = errorBodyOf(response);
    if (response.status === 409 && body?.code === 'gap' && body.expected_seq !== undefined) {
      // Central is behind what we believe it holds (restored from a backup), or a batch
      // before this one never arrived: resend from where it stands.
      if (body.expected_seq > lastSeq(db) + 1) {
        throw new SyncError(
          'SYNC_SEQ_CONFLICT',
          `Central expects seq ${body.expected_seq}, beyond the newest on this terminal: this store is an old copy. Sync stopped; contact central IT.`,
          'halted',
        );
      }
      rewindTo(db, body.expected_seq);
      rewinds += 1;
      if (rewinds > 3) throw stuck();
      continue;
    }
    if (response.status === 413) {
      const limit = readSyncState(db).batch_limit;
      if (limit > 1) {
        prepared(db, 'UPDATE sync_state SET batch_limit = ? WHERE id = 1').run(
          Math.max(1, Math.floor(limit / 2)),
        );
        continue;
      }
    }
    const error = errorOf(response, now());
    if (error.kind === 'parked') {
      prepared(db, 'UPDATE sync_state SET parked_at_seq = ? WHERE id = 1').run(batch.from_seq);
    }
    throw error;
  }
}

/**
 * Where central stands for this terminal, asked once per run before anything is sent: a
 * central restored from a backup holds fewer events than it once acknowledged, and a
 * terminal with nothing new to send would otherwise never find out (the "servers don't go
 * back in time" wedge, rocicorp/todo-nextjs#13). We still hold every event: resend them.
 */
async function reconcilePosition(
  db: Db,
  client: CentralClient,
  identity: SyncIdentity,
  now: () => Date,
): Promise<void> {
  const response = await client.json('GET', paths.terminalState(identity.terminalId));
  if (response.status !== 200) throw errorOf(response, now());
  const parsed = TerminalStateSchema.safeParse(parseBody(response));
  if (!parsed.success || parsed.data.terminal_id !== identity.terminalId) {
    throw new SyncError(
      'SYNC_BAD_ANSWER',
      'Central sent a terminal state this terminal cannot read.',
    );
  }
  const state = parsed.data;
  if (state.status !== 'active') {
    throw new SyncError(
      'SYNC_TERMINAL_REVOKED',
      `Central lists this terminal as ${state.status}: it no longer syncs. Events stay on the terminal; contact central IT.`,
      'halted',
    );
  }
  if (state.expected_seq > lastSeq(db) + 1) {
    throw new SyncError(
      'SYNC_SEQ_CONFLICT',
      `Central holds events up to seq ${state.expected_seq - 1}, beyond the newest on this terminal (${lastSeq(db)}): this store is an old copy. Sync stopped; contact central IT.`,
      'halted',
    );
  }
  if (state.expected_seq <= readSyncState(db).acked_through_seq) rewindTo(db, state.expected_seq);
}

/** After a halving, each good batch doubles the limit back towards 200. */
function growBatchLimit(db: Db): void {
  prepared(
    db,
    'UPDATE sync_state SET batch_limit = min(?, batch_limit * 2) WHERE id = 1 AND batch_limit < ?',
  ).run(MAX_BATCH_EVENTS, MAX_BATCH_EVENTS);
}

function stuck(): SyncError {
  return new SyncError(
    'SYNC_BAD_ANSWER',
    'Central keeps sending this terminal back without accepting its events; sync retries later.',
  );
}

function parseAck(value: unknown, identity: SyncIdentity, batch: UploadBatch): UploadAck {
  const parsed = UploadAckSchema.safeParse(value);
  if (!parsed.success) {
    throw new SyncError('SYNC_BAD_ANSWER', 'Central sent a receipt this terminal cannot read.');
  }
  const ack = parsed.data;
  if (!verifyReceipt(ack, identity.centralSigningKey)) {
    throw new SyncError(
      'SYNC_BAD_ANSWER',
      'The receipt is not signed by the pinned central key: nothing was marked as sent.',
    );
  }
  if (
    ack.terminal_id !== identity.terminalId ||
    ack.from_seq !== batch.from_seq ||
    ack.to_seq !== batch.to_seq ||
    ack.expected_seq !== ack.acked_through_seq + 1 ||
    ack.results.some((r) => r.seq < batch.from_seq || r.seq > batch.to_seq)
  ) {
    throw new SyncError(
      'SYNC_BAD_ANSWER',
      'The receipt does not answer the batch that was sent: nothing was marked as sent.',
    );
  }
  const ids = new Map(batch.events.map((e) => [e.seq, e.event_id]));
  if (ack.results.some((r) => ids.get(r.seq) !== r.event_id)) {
    throw new SyncError('SYNC_BAD_ANSWER', 'The receipt names events that were not sent.');
  }
  return ack;
}
