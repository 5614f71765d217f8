import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ACK_OUTCOMES } from '../db/migrations/0020-cases';
import { CaseStore } from '../main/cases/case-store';
import { application, clerk } from '../main/cases/testing';
import { knownStore } from '../main/audit/testing';
import { createMemoryLogger } from '../main/log/logger';
import type { CaseEventRow } from '../main/audit/chain';
import { exportTerminalPublicKey } from '../main/audit/terminal-key';
import { unwrapSecret, UnwrapError, WRAP_LABELS, wrapSecret } from './card-secret';
import { checkBatchEvents, toWireEvent } from './events';
import {
  OUTCOMES,
  parseEnrollmentCode,
  paths,
  PROTOCOL_VERSION,
  UploadBatchSchema,
  type RevocationEntry,
  type UnsignedUploadAck,
} from './protocol';
import { canonicalJson, type JsonObject } from '../main/audit/chain';
import {
  checkSnapshotComplete,
  entryLine,
  RevocationDigest,
  RevocationListError,
  rawPublicKey,
  signReceipt,
  signRevocationDelta,
  signRevocationHead,
  signSnapshotHeader,
  revocationEntriesDigest,
  verifyReceipt,
  verifyRevocationDelta,
  verifyRevocationHead,
  verifySnapshotHeader,
} from './signing';
import { TestTerminal } from './testing';

const central = generateKeyPairSync('ed25519');
const centralPublic = rawPublicKey(central.publicKey);
const impostor = generateKeyPairSync('ed25519');

function ack(): UnsignedUploadAck {
  return {
    protocol: PROTOCOL_VERSION,
    terminal_id: 'T-1',
    epoch: 1,
    from_seq: 1,
    to_seq: 2,
    acked_through_seq: 2,
    expected_seq: 3,
    results: [
      { seq: 1, event_id: 'e1', outcome: 'applied', server_seq: 10, reasons: [], review_id: null },
      {
        seq: 2,
        event_id: 'e2',
        outcome: 'applied-with-conflict',
        server_seq: 11,
        reasons: ['DUPLICATE_HANDOVER'],
        review_id: 'R-1',
      },
    ],
    stopped: null,
    server_time: '2026-11-22T01:00:00.000Z',
  };
}

function thrownCode(f: () => void): string | undefined {
  try {
    f();
  } catch (error) {
    if (error instanceof RevocationListError) return error.code;
    throw error;
  }
  return undefined;
}

describe('the wire protocol', () => {
  it('spells outcomes exactly as the terminal stores them in outbox_ack', () => {
    expect([...OUTCOMES]).toEqual([...ACK_OUTCOMES]);
  });

  it('builds deterministic batch paths and parses enrollment codes', () => {
    expect(paths.batch('T-1', 1, 200)).toBe('/sync/v1/terminals/T-1/batches/1-200');
    expect(paths.stream('applications', '42', 100)).toBe(
      '/sync/v1/streams/applications?after=42&limit=100',
    );
    expect(parseEnrollmentCode('K7QM-2XPD-9HVA-WJ4T.3f1c0d9e8b7a65544332211000ffeedd')).toEqual({
      secret: 'K7QM-2XPD-9HVA-WJ4T',
      caPin: '3f1c0d9e8b7a65544332211000ffeedd',
    });
    expect(parseEnrollmentCode('K7QM-2XPD')).toBeNull();
  });

  it('refuses a batch whose events do not cover its range', () => {
    const terminal = new TestTerminal();
    terminal.append({ type: 'receive', caseRef: 'A-1', payload: {} });
    terminal.append({ type: 'receive', caseRef: 'A-1', payload: {} });
    const batch = terminal.batch(1, 2);
    expect(UploadBatchSchema.safeParse(batch).success).toBe(true);
    expect(UploadBatchSchema.safeParse({ ...batch, to_seq: 3 }).success).toBe(false);
    expect(
      UploadBatchSchema.safeParse({ ...batch, events: [...batch.events].reverse() }).success,
    ).toBe(false);
  });
});

describe('event checks', () => {
  it('accepts events written by a real terminal store, byte for byte', () => {
    const { db } = knownStore();
    const store = new CaseStore({ db, log: createMemoryLogger().log });
    store.receiveApplication(application(), clerk);
    store.receiveApplication(application(), clerk);
    const rows = db.prepare('SELECT * FROM case_event ORDER BY seq').all() as CaseEventRow[];
    const key = Buffer.from(exportTerminalPublicKey(db).publicKeyBase64, 'base64');
    const events = rows.map((row) => toWireEvent(row, row.seq));
    const batch = {
      protocol: PROTOCOL_VERSION,
      terminal_id: rows[0]!.terminal_id,
      epoch: 1,
      from_seq: 1,
      to_seq: rows.length,
      prev_hash: Buffer.alloc(32).toString('base64'),
      events,
    } as const;
    expect(UploadBatchSchema.parse(batch).events).toHaveLength(2);
    expect(checkBatchEvents(batch, key)).toBeNull();
  });

  it('names the first event whose hash, signature or link is wrong', () => {
    const terminal = new TestTerminal();
    for (let i = 0; i < 3; i += 1)
      terminal.append({ type: 'receive', caseRef: 'A-1', payload: { i } });
    const good = terminal.batch(1, 3);
    expect(checkBatchEvents(good, terminal.signingPublicKey)).toBeNull();

    const edited = structuredClone(good);
    edited.events[1]!.payload = '{"i":99}';
    expect(checkBatchEvents(edited, terminal.signingPublicKey)).toEqual({
      seq: 2,
      reason: 'hash-mismatch',
    });
    const other = new TestTerminal();
    expect(checkBatchEvents(good, other.signingPublicKey)).toEqual({
      seq: 1,
      reason: 'bad-signature',
    });
    const unanchored = { ...terminal.batch(2, 3), prev_hash: Buffer.alloc(32).toString('base64') };
    expect(checkBatchEvents(unanchored, terminal.signingPublicKey)).toEqual({
      seq: 2,
      reason: 'chain-anchor',
    });
  });
});

describe('signed receipts', () => {
  it('verify with the central key and fail when anything changes', () => {
    const signed = signReceipt(ack(), central.privateKey);
    expect(verifyReceipt(signed, centralPublic)).toBe(true);
    expect(verifyReceipt({ ...signed, acked_through_seq: 3 }, centralPublic)).toBe(false);
    expect(verifyReceipt(signed, rawPublicKey(impostor.publicKey))).toBe(false);
  });
});

describe('revocation list', () => {
  const time = '2026-11-22T01:00:00.000Z';
  const head = (version: number) =>
    signRevocationHead(
      {
        list_version: version,
        issued_at: time,
        server_time: time,
        next_update: '2026-11-22T02:00:00.000Z',
        max_age_ms: 86_400_000,
      },
      central.privateKey,
    );
  const entry = (serial: string, version: number): RevocationEntry => ({
    card_serial: serial,
    status: 'suspended',
    effective_at: time,
    list_version: version,
  });

  it('refuses a head that goes back in version (rollback) or is not signed by central', () => {
    expect(thrownCode(() => verifyRevocationHead(head(5), centralPublic, 5))).toBeUndefined();
    expect(thrownCode(() => verifyRevocationHead(head(4), centralPublic, 5))).toBe(
      'REVOCATION_ROLLBACK',
    );
    const forged = { ...head(6), list_version: 7 };
    expect(thrownCode(() => verifyRevocationHead(forged, centralPublic, 5))).toBe(
      'REVOCATION_BAD_SIGNATURE',
    );
  });

  it('applies deltas only in order, each signed', () => {
    const delta = signRevocationDelta(
      { from_version: 5, to_version: 6, issued_at: time, entries: [entry('C1', 6)] },
      central.privateKey,
    );
    expect(thrownCode(() => verifyRevocationDelta(delta, centralPublic, 5))).toBeUndefined();
    expect(thrownCode(() => verifyRevocationDelta(delta, centralPublic, 6))).toBe(
      'REVOCATION_ROLLBACK',
    );
    expect(thrownCode(() => verifyRevocationDelta(delta, centralPublic, 4))).toBe(
      'REVOCATION_DELTA_NOT_NEXT',
    );
    const tampered = { ...delta, entries: [] };
    expect(thrownCode(() => verifyRevocationDelta(tampered, centralPublic, 5))).toBe(
      'REVOCATION_BAD_SIGNATURE',
    );
  });

  it('encodes digest lines exactly as canonical JSON', () => {
    const odd: RevocationEntry = {
      card_serial: 'A"\\\u00e9\u2028',
      status: 'revoked',
      effective_at: time,
      list_version: 123456789,
    };
    for (const e of [entry('C1', 1), odd]) {
      expect(entryLine(e)).toBe(`${canonicalJson(e as unknown as JsonObject)}\n`);
    }
  });

  it('checks a paged snapshot against its signed digest', () => {
    const entries = ['A1', 'B2', 'C3', 'D4'].map((s) => entry(s, 3));
    const header = signSnapshotHeader(
      {
        list_version: 3,
        issued_at: time,
        entry_count: 4,
        entries_digest: revocationEntriesDigest(entries),
      },
      central.privateKey,
    );
    verifySnapshotHeader(header, centralPublic, 0);
    const complete = new RevocationDigest();
    complete.update(entries.slice(0, 2));
    complete.update(entries.slice(2));
    expect(() => checkSnapshotComplete(header, complete)).not.toThrow();

    const missing = new RevocationDigest();
    missing.update(entries.slice(0, 3));
    expect(thrownCode(() => checkSnapshotComplete(header, missing))).toBe(
      'REVOCATION_SNAPSHOT_MISMATCH',
    );
    expect(thrownCode(() => new RevocationDigest().update([entries[1]!, entries[0]!]))).toBe(
      'REVOCATION_SNAPSHOT_ORDER',
    );
  });
});

describe('wrapped secrets', () => {
  it('open only with the recipient key and the same card serial', () => {
    const terminal = new TestTerminal();
    const secret = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const wrapped = wrapSecret(secret, terminal.encryptionPublicKey, WRAP_LABELS.cardSecret, 'C1');
    expect(unwrapSecret(wrapped, terminal.encryptionKey, WRAP_LABELS.cardSecret, 'C1')).toEqual(
      secret,
    );
    expect(() =>
      unwrapSecret(wrapped, terminal.encryptionKey, WRAP_LABELS.cardSecret, 'C2'),
    ).toThrow(UnwrapError);
    expect(() =>
      unwrapSecret(wrapped, new TestTerminal().encryptionKey, WRAP_LABELS.cardSecret, 'C1'),
    ).toThrow(UnwrapError);
  });
});
