import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../main/audit/chain';
import type { EventResult, UploadAck } from '../sync/protocol';
import type { TestTerminal } from '../sync/testing';
import { cancelApplication, seedOffice, suspendCards } from './admin';
import { IngestError } from './ingest';
import { localCentral } from './testing';

const OFFICE = '131016';
const APP = (i: number) => `APP-${OFFICE}-7-${String(i).padStart(6, '0')}`;
const CARD = (i: number) => `MC7${OFFICE}${String(i).padStart(6, '0')}`;

async function office() {
  const central = await localCentral();
  seedOffice(central.store, { officeId: OFFICE, applications: 6, cards: 6, seed: 7 });
  return central;
}

type Central = Awaited<ReturnType<typeof office>>;

/** Records a card step on the terminal and uploads it; returns central's result for it. */
function step(
  central: Central,
  terminal: TestTerminal,
  i: number,
  type: string,
  from: string,
  to: string,
  extra: JsonObject = {},
  role: 'clerk' | 'supervisor' = 'clerk',
): EventResult {
  terminal.append({
    type,
    caseRef: APP(i),
    role,
    payload: { cardSerial: CARD(i), from, to, established: [], ...extra },
  });
  const result = central.ingest(terminal.batch(terminal.lastSeq));
  if (result instanceof IngestError) throw new Error(JSON.stringify(result.body));
  return (result as UploadAck).results[0] as EventResult;
}

/** Receive and arrival check: the card is in the office's custody. */
function toCustody(central: Central, terminal: TestTerminal, i: number): void {
  expect(step(central, terminal, i, 'receive', 'dispatched', 'received').outcome).toBe('applied');
  expect(step(central, terminal, i, 'arrival-check-pass', 'received', 'in-custody').outcome).toBe(
    'applied',
  );
}

function handOver(
  central: Central,
  terminal: TestTerminal,
  i: number,
  extra: JsonObject = {},
): EventResult {
  return step(central, terminal, i, 'hand-over', 'in-custody', 'handed-over', extra);
}

describe('conflict rules (reference/sync-protocol.md §3.7)', () => {
  it('a handover under a stale-list override comes with its supervisor approval in one transaction; both are applied', async () => {
    const central = await office();
    const terminal = central.enroll();
    toCustody(central, terminal, 2);
    const handover = terminal.append({
      type: 'hand-over',
      caseRef: APP(2),
      payload: { cardSerial: CARD(2), from: 'in-custody', to: 'handed-over', established: [] },
    });
    terminal.append({
      type: 'second-person-approved',
      caseRef: APP(2),
      tx: handover.seq,
      payload: {
        step: 'hand-over',
        cardSerial: CARD(2),
        revocationList: 'stale-overridden',
        approval: { staffId: 'clerk1', supervisorId: 'super1', reason: 'central unreachable' },
      },
    });
    const ack = central.ingest(terminal.batch(handover.seq)) as UploadAck;
    expect(ack.results.map((r) => r.outcome)).toEqual(['applied', 'applied']);
    expect(central.store.getCard(CARD(2))?.state).toBe('handed-over');
  });

  it('A: a handover of a card central suspended before is recorded with a conflict; the card stays suspended', async () => {
    const central = await office();
    const terminal = central.enroll();
    toCustody(central, terminal, 1);
    suspendCards(central.store, [CARD(1)], { reason: 'fraud' });
    const result = handOver(central, terminal, 1);
    expect(result.outcome).toBe('applied-with-conflict');
    expect(result.reasons).toEqual(['HANDOVER_OF_SUSPENDED_CARD']);
    expect(result.review_id).not.toBeNull();
    expect(central.store.getRevocationEntry(CARD(1))?.status).toBe('suspended');
    expect(central.store.getCard(CARD(1))?.handedOverServerSeq).toBe(result.server_seq);
    expect(central.store.getCard(CARD(1))?.state).not.toBe('handed-over');
    expect(central.store.listReviewItems('open')).toEqual([
      expect.objectContaining({
        reviewId: result.review_id,
        reason: 'HANDOVER_OF_SUSPENDED_CARD',
        cardSerial: CARD(1),
      }),
    ]);
  });

  it('B: a revocation after the handover leaves the handover applied and suspends the card', async () => {
    const central = await office();
    const terminal = central.enroll();
    toCustody(central, terminal, 2);
    expect(handOver(central, terminal, 2)).toMatchObject({ outcome: 'applied', reasons: [] });
    suspendCards(central.store, [CARD(2)]);
    expect(central.store.getCard(CARD(2))?.state).toBe('suspended');
    expect(central.store.listReviewItems()).toEqual([]);
  });

  it('C: a handover under a stale-list override by a supervisor is flagged for audit', async () => {
    const central = await office();
    const terminal = central.enroll();
    toCustody(central, terminal, 3);
    const result = handOver(central, terminal, 3, {
      revocationListVersion: 0,
      staleRevocationOverride: { reason: 'network-outage', supervisorStaffId: 'super-01' },
    });
    expect(result).toMatchObject({
      outcome: 'applied-with-conflict',
      reasons: ['STALE_REVOCATION_OVERRIDE'],
    });
    expect(central.store.getCard(CARD(3))?.state).toBe('handed-over');
  });

  it('D: the second terminal handing over the same card gets DUPLICATE_HANDOVER; both events kept', async () => {
    const central = await office();
    const first = central.enroll();
    const second = central.enroll();
    toCustody(central, first, 4);
    // The second terminal's clerk sees the card in custody too (a duplicate record).
    expect(handOver(central, first, 4).outcome).toBe('applied');
    const result = handOver(central, second, 4);
    expect(result).toMatchObject({
      outcome: 'applied-with-conflict',
      reasons: ['DUPLICATE_HANDOVER'],
    });
    expect(central.store.stats().events).toBe(4);
  });

  it('E: a step on an application central cancelled is recorded without changing the card', async () => {
    const central = await office();
    const terminal = central.enroll();
    cancelApplication(central.store, APP(5), { reason: 'deceased' });
    const result = step(central, terminal, 5, 'receive', 'dispatched', 'received');
    expect(result).toMatchObject({
      outcome: 'applied-with-conflict',
      reasons: ['APPLIED_TO_CANCELLED_CASE'],
    });
    expect(central.store.getCard(CARD(5))?.state).toBe('dispatched');
  });

  it('F: a transition central state does not allow is recorded with a conflict, never dropped', async () => {
    const central = await office();
    const terminal = central.enroll();
    // The terminal never uploaded the receive: central still has the card on its way.
    const result = handOver(central, terminal, 6);
    expect(result).toMatchObject({
      outcome: 'applied-with-conflict',
      reasons: ['ILLEGAL_TRANSITION'],
    });
    expect(central.store.getCard(CARD(6))?.state).toBe('dispatched');
    expect(central.store.getCard(CARD(6))?.handedOverServerSeq).toBe(result.server_seq);
  });

  it('G: a step taken on a state central had since changed is applied and sent for review', async () => {
    const central = await office();
    const terminal = central.enroll();
    toCustody(central, terminal, 1);
    handOver(central, terminal, 1);
    suspendCards(central.store, [CARD(1)]);
    // Offline, a supervisor revoked the card they still saw as handed over.
    const result = step(central, terminal, 1, 'revoke', 'handed-over', 'revoked', {}, 'supervisor');
    expect(result).toMatchObject({
      outcome: 'applied-with-conflict',
      reasons: ['CASE_VERSION_CONFLICT'],
    });
    expect(central.store.getCard(CARD(1))?.state).toBe('revoked');
  });

  it('rejects what central cannot place, as an acknowledged outcome that does not block the queue', async () => {
    const central = await office();
    const terminal = central.enroll();
    terminal.append({
      type: 'receive',
      caseRef: 'APP-X',
      payload: { cardSerial: 'NOPE', from: 'dispatched', to: 'received' },
    });
    terminal.append({ type: 'teleport', caseRef: APP(1), payload: {} });
    // The counter's own records (a loss report, a My Number reveal) are known: applied.
    terminal.append({ type: 'loss-reported', caseRef: APP(1), payload: { reason: 'loss' } });
    terminal.append({
      type: 'receive',
      caseRef: APP(1),
      payload: { cardSerial: CARD(1), from: 'dispatched', to: 'received' },
    });
    const result = central.ingest(terminal.batch(1)) as UploadAck;
    expect(result.results.map((r) => [r.outcome, r.reasons])).toEqual([
      ['rejected', ['UNKNOWN_CASE']],
      ['rejected', ['UNKNOWN_EVENT_TYPE']],
      ['applied', []],
      ['applied', []],
    ]);
    expect(result.acked_through_seq).toBe(4);
    expect(central.store.stats().reviewItems.open).toBe(2);
  });

  it('flags a claimed terminal time far ahead of the server clock, without a conflict', async () => {
    const central = await office();
    const terminal = central.enroll();
    terminal.append({
      type: 'receive',
      caseRef: APP(2),
      payload: { cardSerial: CARD(2), from: 'dispatched', to: 'received' },
      terminalTime: '2027-01-01T00:00:00.000Z',
    });
    const result = (central.ingest(terminal.batch(1)) as UploadAck).results[0];
    expect(result).toMatchObject({ outcome: 'applied', reasons: ['CLOCK_SKEW'], review_id: null });
  });
});

describe("a mission's review of overseas online applications", () => {
  const MISSION = 'M-LON';
  const OV = (i: number) => `APP-${MISSION}-3-${String(i).padStart(6, '0')}`;

  async function mission() {
    const central = await localCentral();
    seedOffice(central.store, {
      officeId: MISSION,
      applications: 4,
      cards: 0,
      seed: 3,
      overseas: true,
    });
    return central;
  }

  function decide(
    central: Central,
    terminal: TestTerminal,
    type: string,
    caseRef: string,
    payload: JsonObject,
  ): EventResult {
    terminal.append({ type, caseRef, payload });
    const result = central.ingest(terminal.batch(terminal.lastSeq));
    if (result instanceof IngestError) throw new Error(JSON.stringify(result.body));
    return (result as UploadAck).results[0] as EventResult;
  }

  it('applies an acceptance and a rejection; the rejection cancels the application and goes back down', async () => {
    const central = await mission();
    const terminal = central.enroll();
    const accepted = decide(central, terminal, 'application-accepted', OV(1), {
      from: 'received',
      to: 'received',
      reason: null,
    });
    expect(accepted).toMatchObject({ outcome: 'applied', reasons: [], review_id: null });
    expect(central.store.getApplication(OV(1))?.status).toBe('received');
    const rejected = decide(central, terminal, 'application-rejected', OV(2), {
      from: 'received',
      to: 'rejected',
      reason: 'photo-unsuitable',
    });
    expect(rejected).toMatchObject({ outcome: 'applied', reasons: [] });
    expect(central.store.getApplication(OV(2))).toMatchObject({
      status: 'rejected',
      version: 2,
      cancelReason: 'review:photo-unsuitable',
    });
    expect(central.store.stats().reviewItems.open).toBe(0);
  });

  it('keeps a decision on a cancelled or unknown application, or one without a reason, for review', async () => {
    const central = await mission();
    const terminal = central.enroll();
    cancelApplication(central.store, OV(3), { reason: 'duplicate' });
    expect(
      decide(central, terminal, 'application-accepted', OV(3), { reason: null }),
    ).toMatchObject({ outcome: 'applied-with-conflict', reasons: ['APPLIED_TO_CANCELLED_CASE'] });
    expect(central.store.getApplication(OV(3))?.status).toBe('withdrawn');
    expect(
      decide(central, terminal, 'application-rejected', 'APP-NOPE', { reason: 'other' }),
    ).toMatchObject({ outcome: 'rejected', reasons: ['UNKNOWN_CASE'] });
    expect(
      decide(central, terminal, 'application-rejected', OV(4), { reason: null }),
    ).toMatchObject({ outcome: 'rejected', reasons: ['INVALID_PAYLOAD'] });
    expect(central.store.getApplication(OV(4))?.status).toBe('received');
    expect(central.store.stats().reviewItems.open).toBe(3);
  });
});
