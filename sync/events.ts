// A case_event row on the wire and back, and the check central runs on every uploaded event:
// the hash recomputed with main/audit/chain.ts's encoding, the Ed25519 signature checked
// against the terminal key pinned at enrollment, and the chain link to the previous event.

import { verify, type KeyObject } from 'node:crypto';
import type { CaseEventType } from '../db/migrations/0020-cases';
import type { Actor } from '../domain/case-lifecycle';
import { eventHash, type CaseEventRow } from '../main/audit/chain';
import type { UploadBatch, WireEvent } from './protocol';
import { ed25519PublicKey } from './signing';

/** A stored case_event row as it travels. `tx` groups the events of one local transaction. */
export function toWireEvent(row: CaseEventRow, tx: number): WireEvent {
  return {
    seq: row.seq,
    event_id: row.event_id,
    terminal_id: row.terminal_id,
    actor_staff_id: row.actor_staff_id,
    actor_role: row.actor_role,
    case_ref: row.case_ref,
    type: row.type,
    payload: row.payload,
    case_version_seen: row.case_version_seen,
    terminal_time: row.terminal_time,
    prev_hash: row.prev_hash.toString('base64'),
    hash: row.hash.toString('base64'),
    signature: row.signature.toString('base64'),
    tx,
  };
}

/** The row back, with binary fields decoded. Types are taken as sent: they are hashed. */
export function fromWireEvent(event: WireEvent): CaseEventRow {
  return {
    seq: event.seq,
    event_id: event.event_id,
    terminal_id: event.terminal_id,
    actor_staff_id: event.actor_staff_id,
    actor_role: event.actor_role as Actor,
    case_ref: event.case_ref,
    type: event.type as CaseEventType,
    payload: event.payload,
    case_version_seen: event.case_version_seen,
    terminal_time: event.terminal_time,
    prev_hash: Buffer.from(event.prev_hash, 'base64'),
    hash: Buffer.from(event.hash, 'base64'),
    signature: Buffer.from(event.signature, 'base64'),
  };
}

export type EventCheckFailure =
  'chain-anchor' | 'prev-hash-mismatch' | 'hash-mismatch' | 'bad-signature';

export interface EventCheckProblem {
  seq: number;
  reason: EventCheckFailure;
}

/**
 * Checks every event of a batch: its prev_hash links to the one before (the first to the
 * batch's anchor), its hash is the hash of its fields, its signature is the terminal's.
 * Returns the first problem, or null when every event holds. Pure: no store access.
 */
export function checkBatchEvents(
  batch: UploadBatch,
  terminalKey: KeyObject | Buffer,
): EventCheckProblem | null {
  const key = Buffer.isBuffer(terminalKey) ? ed25519PublicKey(terminalKey) : terminalKey;
  let prev = batch.prev_hash;
  for (const event of batch.events) {
    if (event.prev_hash !== prev) {
      return {
        seq: event.seq,
        reason: event.seq === batch.from_seq ? 'chain-anchor' : 'prev-hash-mismatch',
      };
    }
    const row = fromWireEvent(event);
    if (!eventHash(row).equals(row.hash)) return { seq: event.seq, reason: 'hash-mismatch' };
    let signed = false;
    try {
      signed = verify(null, row.hash, key, row.signature);
    } catch {
      signed = false;
    }
    if (!signed) return { seq: event.seq, reason: 'bad-signature' };
    prev = event.hash;
  }
  return null;
}

/** The encoded size of a batch body, as the limits count it. */
export function batchBytes(batch: UploadBatch): number {
  return Buffer.byteLength(JSON.stringify(batch), 'utf8');
}
