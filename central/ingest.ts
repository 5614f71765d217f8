// Ingest of one upload batch (docs/sync-protocol.md §3; reference/sync-protocol.md §3.4): one
// store transaction per batch, permanent de-duplication by (terminal, seq) + hash and by
// event_id, gaps refused, forks quarantined, business outcomes acknowledged. The same path
// serves HTTPS uploads and air-gapped imports.

import type { KeyObject } from 'node:crypto';
import { checkBatchEvents, fromWireEvent } from '../sync/events';
import {
  MAX_BATCH_BYTES,
  MAX_BATCH_BYTES_HARD,
  MAX_BATCH_EVENTS,
  PROTOCOL_VERSION,
  UploadBatchSchema,
  type ErrorBody,
  type ErrorCode,
  type EventResult,
  type UploadAck,
  type UploadBatch,
} from '../sync/protocol';
import { signReceipt } from '../sync/signing';
import { applyEvent } from './rules';
import type { CentralStore } from './store/central-store';

/** A batch central does not process; status and body are what the client gets. */
export class IngestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.error.message);
    this.name = 'IngestError';
  }
}

export function syncError(
  status: number,
  code: ErrorCode,
  message: string,
  extra: Omit<ErrorBody['error'], 'code' | 'message'> = {},
): IngestError {
  return new IngestError(status, { error: { code, message, ...extra } });
}

export interface IngestContext {
  store: CentralStore;
  signingKey: KeyObject;
  now: () => Date;
}

export interface BatchAddress {
  terminalId: string;
  fromSeq: number;
  toSeq: number;
}

/** Parses and checks the body against its address. */
export function parseBatch(address: BatchAddress, body: Buffer): UploadBatch {
  if (body.length > MAX_BATCH_BYTES_HARD) {
    throw syncError(413, 'too_large', `A batch may have at most ${MAX_BATCH_BYTES_HARD} bytes.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw syncError(400, 'protocol', 'The batch is not JSON.');
  }
  if (
    json !== null &&
    typeof json === 'object' &&
    (json as { protocol?: unknown }).protocol !== PROTOCOL_VERSION
  ) {
    throw syncError(422, 'protocol', `This central speaks sync protocol ${PROTOCOL_VERSION}.`);
  }
  const parsed = UploadBatchSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw syncError(
      422,
      'protocol',
      `The batch is malformed at ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? ''}`,
    );
  }
  const batch = parsed.data;
  if (
    batch.terminal_id !== address.terminalId ||
    batch.from_seq !== address.fromSeq ||
    batch.to_seq !== address.toSeq
  ) {
    throw syncError(
      422,
      'protocol',
      'The batch body does not match its URL (terminal, from_seq, to_seq).',
    );
  }
  const groups = new Set(batch.events.map((e) => e.tx)).size;
  if (groups > 1 && (batch.events.length > MAX_BATCH_EVENTS || body.length > MAX_BATCH_BYTES)) {
    throw syncError(
      413,
      'too_large',
      `A batch of several transactions may have at most ${MAX_BATCH_EVENTS} events and ${MAX_BATCH_BYTES} bytes.`,
    );
  }
  return batch;
}

/**
 * Ingests one batch and returns the signed receipt. Throws IngestError for answers other
 * than 200 (after committing what must persist: a quarantine, the raw body of a bad batch).
 */
export function ingestBatch(
  ctx: IngestContext,
  address: BatchAddress,
  body: Buffer,
  source: 'upload' | 'import' = 'upload',
): UploadAck {
  const batch = parseBatch(address, body);
  const { store } = ctx;
  const receivedAt = ctx.now().toISOString();

  const terminal = store.getTerminal(batch.terminal_id);
  if (!terminal)
    throw syncError(404, 'not_found', 'This terminal is not enrolled with this central.');
  if (terminal.status !== 'active') {
    throw syncError(
      403,
      'terminal_revoked',
      `This terminal is ${terminal.status} at central; ask IT to re-enroll it.`,
    );
  }
  if (batch.epoch !== terminal.epoch) {
    throw syncError(
      409,
      'epoch_mismatch',
      `This terminal was enrolled again (epoch ${terminal.epoch}); this batch carries epoch ${batch.epoch}.`,
    );
  }

  const problem = checkBatchEvents(batch, terminal.signingPublicKey);
  if (problem) {
    // Kept as evidence: a batch that fails its signatures is a bug or tampering.
    store.transaction(() => {
      store.insertRawBatch({
        terminalId: batch.terminal_id,
        fromSeq: batch.from_seq,
        toSeq: batch.to_seq,
        receivedAt,
        source,
        body,
      });
      store.bumpCounter('bad_batches');
    });
    throw syncError(
      422,
      'bad_event',
      `Event ${problem.seq} fails its ${problem.reason} check; nothing of this batch was applied.`,
      {
        seq: problem.seq,
        reason: problem.reason,
      },
    );
  }

  const outcome = store.transaction(() => {
    const current = store.getTerminal(batch.terminal_id);
    if (!current || current.status !== 'active') {
      throw syncError(403, 'terminal_revoked', 'This terminal is no longer active at central.');
    }
    let lastSeq = current.lastSeq;
    let lastHash = current.lastHash;
    if (batch.from_seq > lastSeq + 1) {
      throw syncError(
        409,
        'gap',
        `Central has events up to ${lastSeq}; send from ${lastSeq + 1}.`,
        {
          expected_seq: lastSeq + 1,
        },
      );
    }
    // The anchor must be the hash central holds for from_seq - 1.
    const anchor =
      batch.from_seq === 1
        ? Buffer.alloc(32)
        : batch.from_seq - 1 === lastSeq
          ? lastHash
          : (store.getEventBySeq(batch.terminal_id, batch.from_seq - 1)?.hash ?? null);
    if (anchor === null || !anchor.equals(Buffer.from(batch.prev_hash, 'base64'))) {
      return quarantine(
        store,
        batch.terminal_id,
        batch.from_seq,
        lastSeq,
        'chain anchor differs from central',
      );
    }
    if (batch.from_seq > 1 && batch.from_seq - 1 <= lastSeq) {
      const before = store.getEventBySeq(batch.terminal_id, batch.from_seq - 1);
      const first = batch.events[0];
      if (before && first && before.tx === first.tx && batch.from_seq === lastSeq + 1) {
        throw syncError(
          422,
          'protocol',
          `Event ${batch.from_seq} continues the local transaction of the event before it: a transaction was split across batches.`,
          {
            seq: batch.from_seq,
            reason: 'split-transaction',
          },
        );
      }
    }
    const batchId = store.insertRawBatch({
      terminalId: batch.terminal_id,
      fromSeq: batch.from_seq,
      toSeq: batch.to_seq,
      receivedAt,
      source,
      body,
    });
    const results: EventResult[] = [];
    for (const event of batch.events) {
      if (event.seq <= lastSeq) {
        const stored = store.getEventBySeq(batch.terminal_id, event.seq);
        const hash = Buffer.from(event.hash, 'base64');
        if (!stored || stored.eventId !== event.event_id || !stored.hash.equals(hash)) {
          return quarantine(
            store,
            batch.terminal_id,
            event.seq,
            lastSeq,
            'same seq, different event',
          );
        }
        store.bumpCounter('duplicates_refused');
        results.push({
          seq: event.seq,
          event_id: event.event_id,
          outcome: 'duplicate',
          server_seq: stored.serverSeq,
          reasons: stored.reasons,
          review_id: stored.reviewId,
        });
        continue;
      }
      // Contiguous by the schema, and from_seq <= lastSeq + 1: this is lastSeq + 1.
      if (store.eventIdTaken(event.event_id)) {
        throw syncError(
          422,
          'bad_event',
          `Event ${event.seq} reuses an event_id central already holds.`,
          {
            seq: event.seq,
            reason: 'event-id-reused',
          },
        );
      }
      const row = fromWireEvent(event);
      const serverSeq = store.insertEvent({
        terminalId: row.terminal_id,
        seq: row.seq,
        eventId: row.event_id,
        tx: event.tx,
        actorStaffId: row.actor_staff_id,
        actorRole: row.actor_role,
        caseRef: row.case_ref,
        type: row.type,
        payload: row.payload,
        caseVersionSeen: row.case_version_seen,
        terminalTime: row.terminal_time,
        prevHash: row.prev_hash,
        hash: row.hash,
        signature: row.signature,
        receivedAt,
        batchId,
      });
      const decision = applyEvent(store, {
        serverSeq,
        terminal: current,
        actorRole: row.actor_role,
        actorStaffId: row.actor_staff_id,
        caseRef: row.case_ref,
        type: row.type,
        payload: row.payload,
        terminalTime: row.terminal_time,
        receivedAt,
      });
      const reviewId = decision.outcome === 'applied' ? null : `R-${serverSeq}`;
      store.insertOutcome(serverSeq, decision.outcome, decision.reasons, reviewId);
      if (reviewId !== null) {
        store.insertReviewItem({
          reviewId,
          serverSeq,
          terminalId: row.terminal_id,
          reason: decision.reasons[0] ?? 'INVALID_PAYLOAD',
          outcome: decision.outcome,
          caseRef: row.case_ref,
          cardSerial: decision.cardSerial,
          detail: decision.detail,
          state: 'open',
          createdAt: receivedAt,
        });
      }
      lastSeq = event.seq;
      lastHash = row.hash;
      results.push({
        seq: event.seq,
        event_id: event.event_id,
        outcome: decision.outcome,
        server_seq: serverSeq,
        reasons: decision.reasons,
        review_id: reviewId,
      });
    }
    store.advanceTerminal(batch.terminal_id, lastSeq, lastHash);
    return { results, lastSeq };
  });

  if ('conflict' in outcome) throw outcome.conflict;
  return signReceipt(
    {
      protocol: PROTOCOL_VERSION,
      terminal_id: batch.terminal_id,
      epoch: terminal.epoch,
      from_seq: batch.from_seq,
      to_seq: batch.to_seq,
      acked_through_seq: outcome.lastSeq,
      expected_seq: outcome.lastSeq + 1,
      results: outcome.results,
      stopped: null,
      server_time: ctx.now().toISOString(),
    },
    ctx.signingKey,
  );
}

/**
 * A fork: the terminal sends a seq central holds with another event (restored from an old
 * backup, or a cloned store). Nothing of the batch is applied; the terminal is quarantined
 * in the same transaction so later batches are refused until IT re-enrolls it.
 */
function quarantine(
  store: CentralStore,
  terminalId: string,
  seq: number,
  lastSeq: number,
  why: string,
): { conflict: IngestError } {
  store.setTerminalStatus(terminalId, 'quarantined', `seq_conflict at ${seq}: ${why}`);
  store.bumpCounter('seq_conflicts');
  return {
    conflict: syncError(
      409,
      'seq_conflict',
      `Central holds a different event ${seq} for this terminal (${why}). The terminal is quarantined; its store may have been restored from an old backup.`,
      { seq, expected_seq: lastSeq + 1 },
    ),
  };
}
