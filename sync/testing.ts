// A terminal in memory for protocol and central tests: an Ed25519 key, an X25519 key and a
// hash chain built with main/audit/chain.ts exactly as appendEvent builds it, without a
// store, so a test can write forks, gaps, bad signatures and replays on purpose.

import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import {
  canonicalJson,
  eventHash,
  GENESIS_HASH,
  type CaseEventRow,
  type JsonObject,
} from '../main/audit/chain';
import type { CaseEventType } from '../db/migrations/0020-cases';
import type { Actor } from '../domain/case-lifecycle';
import { toWireEvent } from './events';
import { PROTOCOL_VERSION, type UploadBatch, type WireEvent } from './protocol';
import { rawPublicKey } from './signing';

export interface TestEventInput {
  type: string;
  caseRef: string;
  payload: JsonObject;
  role?: Actor;
  staffId?: string | null;
  caseVersionSeen?: number | null;
  terminalTime?: string;
  /** Events with the same tx were written in one local transaction (default: own tx). */
  tx?: number;
}

export class TestTerminal {
  readonly terminalId: string;
  readonly signingKey: KeyObject;
  readonly signingPublicKey: Buffer;
  readonly encryptionKey: KeyObject;
  readonly encryptionPublicKey: Buffer;
  readonly events: WireEvent[] = [];
  epoch = 1;

  constructor(terminalId: string = randomUUID(), keysOf?: TestTerminal) {
    this.terminalId = terminalId;
    if (keysOf) {
      this.signingKey = keysOf.signingKey;
      this.signingPublicKey = keysOf.signingPublicKey;
      this.encryptionKey = keysOf.encryptionKey;
      this.encryptionPublicKey = keysOf.encryptionPublicKey;
      return;
    }
    const signing = generateKeyPairSync('ed25519');
    this.signingKey = signing.privateKey;
    this.signingPublicKey = rawPublicKey(signing.publicKey);
    const encryption = generateKeyPairSync('x25519');
    this.encryptionKey = encryption.privateKey;
    this.encryptionPublicKey = rawPublicKey(encryption.publicKey);
  }

  /**
   * The same terminal restored from a backup taken after event `keep`: same ID and keys, the
   * first `keep` events, and from there on whatever it records next (a fork).
   */
  restoredFromBackup(keep: number): TestTerminal {
    const copy = new TestTerminal(this.terminalId, this);
    copy.events.push(...this.events.slice(0, keep));
    copy.epoch = this.epoch;
    return copy;
  }

  get lastSeq(): number {
    return this.events.length;
  }

  /** Appends one signed event to the chain. */
  append(input: TestEventInput): WireEvent {
    const last = this.events.at(-1);
    const role = input.role ?? 'clerk';
    const unsigned: Omit<CaseEventRow, 'hash' | 'signature'> = {
      seq: this.events.length + 1,
      event_id: randomUUID(),
      terminal_id: this.terminalId,
      actor_staff_id:
        input.staffId !== undefined
          ? input.staffId
          : role === 'clerk' || role === 'supervisor' || role === 'administrator'
            ? 'clerk-01'
            : null,
      actor_role: role,
      case_ref: input.caseRef,
      type: input.type as CaseEventType,
      payload: canonicalJson(input.payload),
      case_version_seen: input.caseVersionSeen ?? null,
      terminal_time: input.terminalTime ?? new Date().toISOString(),
      prev_hash: last ? Buffer.from(last.hash, 'base64') : GENESIS_HASH,
    };
    const hash = eventHash(unsigned);
    const row: CaseEventRow = { ...unsigned, hash, signature: sign(null, hash, this.signingKey) };
    const event = toWireEvent(row, input.tx ?? unsigned.seq);
    this.events.push(event);
    return event;
  }

  /** The batch of events from..to (inclusive), as the terminal would upload it. */
  batch(fromSeq: number, toSeq: number = this.lastSeq): UploadBatch {
    const events = this.events.slice(fromSeq - 1, toSeq);
    const prev =
      fromSeq === 1
        ? GENESIS_HASH.toString('base64')
        : (this.events[fromSeq - 2] as WireEvent).hash;
    return {
      protocol: PROTOCOL_VERSION,
      terminal_id: this.terminalId,
      epoch: this.epoch,
      from_seq: fromSeq,
      to_seq: toSeq,
      prev_hash: prev,
      events,
    };
  }
}
