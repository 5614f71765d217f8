// Air-gapped transfer (reference/sync-protocol.md §3.6 "Sneakernet"): the pending batches,
// exactly as they would be uploaded, encrypted to central's X25519 key and signed with the
// terminal's event key (sync/protocol.ts ExportFile). Central imports them through the same
// idempotent ingest, so carrying a file twice, or uploading after exporting, changes nothing.
// The acknowledgements come back as an AckFile and are applied like online receipts.

import type { Db } from '../../db/open';
import { AckFileSchema, type ExportFile, type UploadBatch } from '../../sync/protocol';
import { sealExportFile } from '../../sync/export-file';
import { verifyReceipt } from '../../sync/signing';
import { terminalSigningKey } from '../audit/terminal-key';
import { SyncError } from './errors';
import { requireIdentity } from './identity';
import { applyAck, lastSeq, readSyncState } from './outbox';
import { buildBatch } from './upload';

export interface ExportResult {
  file: ExportFile;
  fromSeq: number;
  toSeq: number;
  events: number;
  batches: number;
}

/** The pending events as an export file, or null when nothing is pending. */
export function exportPending(db: Db, now: Date, maxEvents = 1_000_000): ExportResult | null {
  const identity = requireIdentity(db);
  // One read transaction: a consistent snapshot of the outbox while the app keeps writing.
  return db.transaction((): ExportResult | null => {
    const from = readSyncState(db).acked_through_seq + 1;
    const batches: UploadBatch[] = [];
    let next = from;
    let events = 0;
    while (events < maxEvents && next <= lastSeq(db)) {
      const batch = buildBatch(db, identity, next);
      if (!batch) break;
      batches.push(batch);
      events += batch.events.length;
      next = batch.to_seq + 1;
    }
    if (batches.length === 0) return null;
    const toSeq = next - 1;
    const file = sealExportFile({
      terminalId: identity.terminalId,
      epoch: identity.epoch,
      batches,
      terminalSigningKey: terminalSigningKey(db).privateKey,
      centralEncryptionPublicKey: identity.centralEncryptionKey,
      now,
    });
    return { file, fromSeq: from, toSeq, events, batches: batches.length };
  })();
}

/** Applies the receipts of an AckFile central wrote on import. Returns the new position. */
export function importAckFile(db: Db, content: unknown, now: Date): { ackedThroughSeq: number } {
  const identity = requireIdentity(db);
  const parsed = AckFileSchema.safeParse(content);
  if (!parsed.success || parsed.data.terminal_id !== identity.terminalId) {
    throw new SyncError(
      'SYNC_BAD_ANSWER',
      'This is not an acknowledgement file for this terminal.',
      'usage',
    );
  }
  for (const ack of parsed.data.acks) {
    if (!verifyReceipt(ack, identity.centralSigningKey)) {
      throw new SyncError(
        'SYNC_BAD_ANSWER',
        'A receipt in the file is not signed by the pinned central key: nothing was applied.',
        'usage',
      );
    }
  }
  const eventIdAt = db.prepare('SELECT event_id FROM case_event WHERE seq = ?').pluck();
  for (const ack of parsed.data.acks) {
    if (ack.results.some((r) => eventIdAt.get(r.seq) !== r.event_id)) {
      throw new SyncError(
        'SYNC_BAD_ANSWER',
        'The acknowledgement file names events this terminal did not record: nothing was applied.',
        'usage',
      );
    }
  }
  const sorted = [...parsed.data.acks].sort((a, b) => a.from_seq - b.from_seq);
  for (const ack of sorted) {
    const held = readSyncState(db).acked_through_seq;
    // Only a receipt that continues from where we stand moves the position forward.
    if (ack.from_seq > held + 1 || ack.acked_through_seq <= held) continue;
    applyAck(
      db,
      {
        ackedThroughSeq: Math.min(ack.acked_through_seq, lastSeq(db)),
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
      now,
    );
  }
  return { ackedThroughSeq: readSyncState(db).acked_through_seq };
}
