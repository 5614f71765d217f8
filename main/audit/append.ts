// Appending to the audit log / sync outbox. Always inside the transaction that changes the
// case (docs/architecture.md "How a request flows"): the change and its event commit
// together or not at all, and seq = max + 1 inside that transaction keeps the sequence
// gapless, because a rolled-back transaction takes its seq with it.

import { sign } from 'node:crypto';
import type { Db } from '../../db/open';
import type { CaseEventType } from '../../db/migrations/0020-cases';
import type { Actor } from '../../domain/case-lifecycle';
import {
  canonicalJson,
  eventHash,
  GENESIS_HASH,
  type CaseEventRow,
  type JsonObject,
} from './chain';
import { uuidv7 } from './event-id';
import { terminalSigningKey } from './terminal-key';
import { prepared } from '../../db/statements';

/** Who recorded an event: a member of staff by ID and role, or central / the app itself. */
export interface EventActor {
  /** null for 'central' and 'system'. */
  staffId: string | null;
  role: Actor;
}

export interface NewCaseEvent {
  type: CaseEventType;
  /** The application the event belongs to. */
  caseRef: string;
  actor: EventActor;
  /** Never personal data in clear: persons by person_id, never a My Number or a name. */
  payload: JsonObject;
  /** The version of the case (or card) the actor saw; null when creating it. */
  caseVersionSeen: number | null;
  /** The terminal's clock, ISO 8601 UTC: a claim, not an order (sync-protocol §3.1 rule 6). */
  terminalTime: string;
  /**
   * The seq of an earlier event written in this same transaction, when a step writes more
   * than one event: sync then keeps them in one batch (migration 0080). Absent: the event is
   * its transaction's first.
   */
  sameTransactionAs?: number;
}

export interface AppendedEvent {
  seq: number;
  eventId: string;
  hash: Buffer;
}

/** The INSERT of one signed event (also used by the bulk seeder, main/cases/seed.ts). */
export const INSERT_EVENT = `
  INSERT INTO case_event (seq, event_id, terminal_id, actor_staff_id, actor_role, case_ref,
                          type, payload, case_version_seen, terminal_time, prev_hash, hash,
                          signature, tx_seq)
  VALUES (@seq, @event_id, @terminal_id, @actor_staff_id, @actor_role, @case_ref, @type,
          @payload, @case_version_seen, @terminal_time, @prev_hash, @hash, @signature,
          @tx_seq)`;

/** INSERT_EVENT with positional parameters, in the same column order (the bulk seeder). */
export const INSERT_EVENT_POSITIONAL = `
  INSERT INTO case_event (seq, event_id, terminal_id, actor_staff_id, actor_role, case_ref,
                          type, payload, case_version_seen, terminal_time, prev_hash, hash,
                          signature, tx_seq)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Appends one signed event. Throws unless called inside the caller's transaction. */
export function appendEvent(db: Db, event: NewCaseEvent): AppendedEvent {
  if (!db.inTransaction) {
    throw new Error('appendEvent must run inside the transaction that changes the case');
  }
  const key = terminalSigningKey(db, () => new Date(event.terminalTime));
  const last = prepared(db, 'SELECT seq, hash FROM case_event ORDER BY seq DESC LIMIT 1').get() as
    { seq: number; hash: Buffer } | undefined;
  const unsigned: Omit<CaseEventRow, 'hash' | 'signature'> = {
    seq: (last?.seq ?? 0) + 1,
    event_id: uuidv7(),
    terminal_id: key.terminalId,
    actor_staff_id: event.actor.staffId,
    actor_role: event.actor.role,
    case_ref: event.caseRef,
    type: event.type,
    payload: canonicalJson(event.payload),
    case_version_seen: event.caseVersionSeen,
    terminal_time: event.terminalTime,
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  const txSeq = event.sameTransactionAs;
  if (txSeq !== undefined && !(Number.isInteger(txSeq) && txSeq >= 1 && txSeq < unsigned.seq)) {
    throw new RangeError(`sameTransactionAs ${txSeq} does not name an earlier event`);
  }
  const hash = eventHash(unsigned);
  const signature = sign(null, hash, key.privateKey);
  prepared(db, INSERT_EVENT).run({ ...unsigned, hash, signature, tx_seq: txSeq ?? null });
  return { seq: unsigned.seq, eventId: unsigned.event_id, hash };
}
