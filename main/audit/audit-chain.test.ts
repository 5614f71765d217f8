import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/open';
import { tempStore } from '../../test/support/store';
import { appendEvent, type NewCaseEvent } from './append';
import { eventHash, canonicalJson, type CaseEventRow } from './chain';
import { exportTerminalPublicKey } from './terminal-key';
import { knownStore } from './testing';
import { verifyAuditChain } from './verify';

const clerk = { staffId: 'clerk-01', role: 'clerk' } as const;
const central = { staffId: null, role: 'central' } as const;

function event(overrides: Partial<NewCaseEvent> = {}): NewCaseEvent {
  return {
    type: 'receive',
    caseRef: 'A-1',
    actor: clerk,
    payload: { cardSerial: 'C-1', from: 'dispatched', to: 'received' },
    caseVersionSeen: 3,
    terminalTime: '2026-01-05T09:00:00.000Z',
    ...overrides,
  };
}

function append(db: Db, e: NewCaseEvent = event()) {
  return db.transaction(() => appendEvent(db, e))();
}

function rows(db: Db): CaseEventRow[] {
  return db.prepare('SELECT * FROM case_event ORDER BY seq').all() as CaseEventRow[];
}

describe('the audit log', () => {
  it('refuses an event written outside the transaction that changes the case', () => {
    const db = tempStore();
    expect(() => appendEvent(db, event())).toThrow(/inside the transaction/);
    expect(verifyAuditChain(db)).toEqual({ ok: true, events: 0, lastSeq: 0 });
  });

  it('numbers events 1, 2, 3, chains each to the one before and signs each with the terminal key', () => {
    const db = tempStore();
    append(db);
    append(db, event({ actor: central, caseVersionSeen: null, type: 'dispatch' }));
    append(db, event({ payload: { z: 1, a: ['ア', null, true] } }));
    const [first, second, third] = rows(db);
    expect([first?.seq, second?.seq, third?.seq]).toEqual([1, 2, 3]);
    expect(first?.prev_hash).toEqual(Buffer.alloc(32));
    expect(second?.prev_hash).toEqual(first?.hash);
    expect(third?.prev_hash).toEqual(second?.hash);
    expect(third?.payload).toBe('{"a":["ア",null,true],"z":1}');
    expect(verifyAuditChain(db)).toEqual({ ok: true, events: 3, lastSeq: 3 });
  });

  it('keeps the sequence gapless when a transaction that appended an event rolls back', () => {
    const db = tempStore();
    append(db);
    expect(() =>
      db.transaction(() => {
        appendEvent(db, event());
        appendEvent(db, event());
        throw new Error('printer jammed');
      })(),
    ).toThrow('printer jammed');
    expect(append(db).seq).toBe(2);
    expect(rows(db).map((r) => r.seq)).toEqual([1, 2]);
    expect(verifyAuditChain(db)).toEqual({ ok: true, events: 2, lastSeq: 2 });
  });

  it('hashes exactly the documented encoding, so central can check it independently', () => {
    const db = tempStore();
    append(db, event({ actor: central, caseVersionSeen: null }));
    const [row] = rows(db);
    if (!row) throw new Error('no event');
    const text = (s: string) => {
      const bytes = Buffer.from(s, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      return Buffer.concat([Buffer.from([2]), length, bytes]);
    };
    const int = (n: number) => {
      const out = Buffer.alloc(9);
      out.writeUInt8(1, 0);
      out.writeBigInt64BE(BigInt(n), 1);
      return out;
    };
    const NULL = Buffer.from([0]);
    const expected = createHash('sha256')
      .update(
        Buffer.concat([
          Buffer.alloc(32),
          text('madoguchi/case-event/v1'),
          int(1),
          text(row.event_id),
          text(row.terminal_id),
          NULL,
          text('central'),
          text('A-1'),
          text('receive'),
          text('{"cardSerial":"C-1","from":"dispatched","to":"received"}'),
          NULL,
          text('2026-01-05T09:00:00.000Z'),
        ]),
      )
      .digest();
    expect(row.hash).toEqual(expected);
    expect(eventHash(row)).toEqual(expected);

    const exported = exportTerminalPublicKey(db);
    expect(verify(null, expected, createPublicKey(exported.publicKeyPem), row.signature)).toBe(
      true,
    );
    expect(row.terminal_id).toBe(exported.terminalId);
  });

  it('creates the terminal key pair once and exports the same public key every time', () => {
    const db = tempStore();
    const before = exportTerminalPublicKey(db);
    append(db);
    append(db);
    expect(exportTerminalPublicKey(db)).toEqual(before);
    expect(Buffer.from(before.publicKeyBase64, 'base64')).toHaveLength(32);
    expect(db.prepare('SELECT count(*) AS n FROM terminal_signing_key').get()).toEqual({ n: 1 });
  });

  it('verifies from a read-only connection while the app keeps its own open', () => {
    const store = knownStore();
    append(store.db);
    append(store.db);
    expect(verifyAuditChain(store.openReadOnly())).toEqual({ ok: true, events: 2, lastSeq: 2 });
  });

  it('serializes payloads canonically (RFC 8785 key order, no whitespace)', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null }, '\u00e9': false, Z: 1.5 })).toBe(
      '{"Z":1.5,"a":{"c":null,"d":[1,"x"]},"b":1,"é":false}',
    );
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(RangeError);
  });
});

describe('tampering with the audit log, as someone holding the store key would', () => {
  type Tamper = { column: string; reason: string; to: (row: CaseEventRow) => unknown };
  const flip = (b: Buffer) => {
    const out = Buffer.from(b);
    out.writeUInt8(out.readUInt8(0) ^ 0xff, 0);
    return out;
  };
  const TAMPERS: Tamper[] = [
    { column: 'event_id', reason: 'hash-mismatch', to: (r) => `${r.event_id}0` },
    { column: 'terminal_id', reason: 'hash-mismatch', to: (r) => `${r.terminal_id}0` },
    {
      column: 'actor_staff_id',
      reason: 'hash-mismatch',
      to: (r) => (r.actor_staff_id === null ? 'mallory' : null),
    },
    {
      column: 'actor_role',
      reason: 'hash-mismatch',
      to: (r) => (r.actor_role === 'supervisor' ? 'clerk' : 'supervisor'),
    },
    { column: 'case_ref', reason: 'hash-mismatch', to: (r) => `${r.case_ref}0` },
    {
      column: 'type',
      reason: 'hash-mismatch',
      to: (r) => (r.type === 'destroy' ? 'receive' : 'destroy'),
    },
    { column: 'payload', reason: 'hash-mismatch', to: () => '{"forged":true}' },
    {
      column: 'case_version_seen',
      reason: 'hash-mismatch',
      to: (r) => (r.case_version_seen === null ? 7 : null),
    },
    { column: 'terminal_time', reason: 'hash-mismatch', to: () => '2020-01-01T00:00:00.000Z' },
    { column: 'prev_hash', reason: 'prev-hash-mismatch', to: (r) => flip(r.prev_hash) },
    { column: 'hash', reason: 'hash-mismatch', to: (r) => flip(r.hash) },
    { column: 'signature', reason: 'bad-signature', to: (r) => flip(r.signature) },
    { column: 'seq', reason: 'gap', to: () => 1000 },
  ];

  function chainOfFour() {
    const store = knownStore();
    const { db } = store;
    append(db, event({ actor: central, caseVersionSeen: null, type: 'dispatch' }));
    append(db);
    append(
      db,
      event({ type: 'arrival-check-pass', actor: { staffId: 's-2', role: 'supervisor' } }),
    );
    append(
      db,
      event({ type: 'hand-over', payload: { cardSerial: 'C-1', established: ['pins-set'] } }),
    );
    const attacker = store.openWithKey();
    attacker.exec('DROP TRIGGER case_event_no_update; DROP TRIGGER case_event_no_delete;');
    return { db, attacker };
  }

  it('finds a change to any column of any event, naming the event and what is wrong', () => {
    const { db, attacker } = chainOfFour();
    for (const seq of [1, 2, 3, 4]) {
      for (const tamper of TAMPERS) {
        const original = rows(db)[seq - 1];
        if (!original) throw new Error('missing event');
        const column = tamper.column as keyof CaseEventRow;
        attacker
          .prepare(`UPDATE case_event SET ${tamper.column} = ? WHERE seq = ?`)
          .run(tamper.to(original), seq);
        expect({ seq, column, result: verifyAuditChain(db) }).toEqual({
          seq,
          column,
          result: { ok: false, seq, reason: tamper.reason },
        });
        const where = tamper.column === 'seq' ? 1000 : seq;
        attacker
          .prepare(`UPDATE case_event SET ${tamper.column} = ? WHERE seq = ?`)
          .run(original[column], where);
        expect(verifyAuditChain(db)).toEqual({ ok: true, events: 4, lastSeq: 4 });
      }
    }
  });

  it('finds a forged event even when the forger recomputes its hash, with or without a key of their own', () => {
    const { db, attacker } = chainOfFour();
    const row = rows(db)[1];
    if (!row) throw new Error('missing event');
    const forged = { ...row, payload: '{"cardSerial":"C-2"}' };
    const hash = eventHash(forged);
    attacker
      .prepare('UPDATE case_event SET payload = ?, hash = ? WHERE seq = 2')
      .run(forged.payload, hash);
    expect(verifyAuditChain(db)).toEqual({ ok: false, seq: 2, reason: 'bad-signature' });

    const ownKey = generateKeyPairSync('ed25519').privateKey;
    attacker
      .prepare('UPDATE case_event SET signature = ? WHERE seq = 2')
      .run(sign(null, hash, ownKey));
    expect(verifyAuditChain(db)).toEqual({ ok: false, seq: 2, reason: 'bad-signature' });
  });

  it('finds an event deleted from the middle of the log as a gap', () => {
    const { db, attacker } = chainOfFour();
    attacker.prepare('DELETE FROM case_event WHERE seq = 2').run();
    expect(verifyAuditChain(db)).toEqual({ ok: false, seq: 2, reason: 'gap' });
  });

  it('cannot see the newest events deleted: a truncated tail is a valid shorter chain', () => {
    // Nothing after the deleted events refers to them, so the chain alone cannot tell.
    // Sync acknowledgement does: central knows the highest seq it has acknowledged and
    // refuses a terminal whose log ends before it (reference/sync-protocol.md §3.4).
    const { db, attacker } = chainOfFour();
    attacker.prepare('DELETE FROM case_event WHERE seq >= 3').run();
    expect(verifyAuditChain(db)).toEqual({ ok: true, events: 2, lastSeq: 2 });
  });

  it('treats every event as unsigned when the terminal key has been removed', () => {
    const { db, attacker } = chainOfFour();
    attacker.exec('DROP TRIGGER terminal_signing_key_no_delete; DELETE FROM terminal_signing_key;');
    expect(verifyAuditChain(db)).toEqual({ ok: false, seq: 1, reason: 'bad-signature' });
  });
});
