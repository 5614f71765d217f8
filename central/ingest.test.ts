import { describe, expect, it } from 'vitest';
import { UploadAckSchema, type UploadAck } from '../sync/protocol';
import { verifyReceipt } from '../sync/signing';
import { TestTerminal } from '../sync/testing';
import { IngestError } from './ingest';
import { enrollTestTerminal, localCentral, testCentral } from './testing';

function applications(terminal: TestTerminal, n: number, tx?: (i: number) => number): void {
  for (let i = 0; i < n; i += 1) {
    terminal.append({
      type: 'application-received',
      caseRef: `APP-T-${terminal.lastSeq + 1}`,
      payload: {
        kind: 'new',
        channel: 'counter',
        officeCode: '131016',
        receivedAt: '2026-11-20T09:00:00.000Z',
        personId: 'p',
        personCreated: true,
      },
      tx: tx?.(terminal.lastSeq + 1),
    });
  }
}

function ack(result: UploadAck | IngestError): UploadAck {
  if (result instanceof IngestError)
    throw new Error(`expected an ack, got ${JSON.stringify(result.body)}`);
  return UploadAckSchema.parse(result);
}

function refusal(result: UploadAck | IngestError): IngestError {
  if (!(result instanceof IngestError)) throw new Error('expected a refusal, got an ack');
  return result;
}

describe('upload over HTTPS', () => {
  it('applies a batch and answers a receipt signed by the central key', async () => {
    const central = await testCentral();
    const enrolled = await enrollTestTerminal(central);
    applications(enrolled.terminal, 3);
    const response = await enrolled.upload(enrolled.terminal.batch(1));
    expect(response.status).toBe(200);
    const receipt = UploadAckSchema.parse(response.body);
    expect(receipt).toMatchObject({ acked_through_seq: 3, expected_seq: 4 });
    expect(receipt.results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied']);
    expect(verifyReceipt(receipt, central.signingPublicKey)).toBe(true);
  });

  it('answers a gap with 409 and the seq to send from', async () => {
    const central = await testCentral();
    const enrolled = await enrollTestTerminal(central);
    applications(enrolled.terminal, 5);
    await enrolled.upload(enrolled.terminal.batch(1, 2));
    const response = await enrolled.upload(enrolled.terminal.batch(4, 5));
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ error: { code: 'gap', expected_seq: 3 } });
  });
});

describe('ingest', () => {
  it('answers a replayed batch (lost ack) with duplicates and applies nothing twice', async () => {
    const central = await localCentral();
    const terminal = central.enroll();
    applications(terminal, 4);
    const first = ack(central.ingest(terminal.batch(1)));
    const replay = ack(central.ingest(terminal.batch(1)));
    expect(replay.results.map((r) => r.outcome)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(replay.results.map((r) => r.server_seq)).toEqual(first.results.map((r) => r.server_seq));
    expect(replay.acked_through_seq).toBe(4);
    const stats = central.store.stats();
    expect(stats.events).toBe(4);
    expect(stats.duplicatesRefused).toBe(4);
    expect(stats.duplicatesApplied).toBe(0);
  });

  it('processes a batch that starts with events it has, and says how far it got', async () => {
    const central = await localCentral();
    const terminal = central.enroll();
    applications(terminal, 5);
    ack(central.ingest(terminal.batch(1, 3)));
    const partial = ack(central.ingest(terminal.batch(2, 5)));
    expect(partial.results.map((r) => [r.seq, r.outcome])).toEqual([
      [2, 'duplicate'],
      [3, 'duplicate'],
      [4, 'applied'],
      [5, 'applied'],
    ]);
    expect(partial).toMatchObject({ acked_through_seq: 5, expected_seq: 6 });
  });

  it('refuses a gap without applying anything', async () => {
    const central = await localCentral();
    const terminal = central.enroll();
    applications(terminal, 6);
    ack(central.ingest(terminal.batch(1, 2)));
    const gap = refusal(central.ingest(terminal.batch(5, 6)));
    expect(gap.status).toBe(409);
    expect(gap.body.error).toMatchObject({ code: 'gap', expected_seq: 3 });
    expect(central.store.stats().events).toBe(2);
  });

  it('quarantines a terminal restored from an old backup (same seq, different event)', async () => {
    const central = await localCentral();
    const terminal = central.enroll();
    applications(terminal, 4);
    ack(central.ingest(terminal.batch(1, 4)));
    const restored = terminal.restoredFromBackup(2);
    applications(restored, 2);
    const fork = refusal(central.ingest(restored.batch(3, 4)));
    expect(fork.status).toBe(409);
    expect(fork.body.error).toMatchObject({ code: 'seq_conflict', seq: 3, expected_seq: 5 });
    expect(central.store.getTerminal(terminal.terminalId)?.status).toBe('quarantined');
    // Quarantined: even the genuine next batch is refused until IT acts.
    applications(terminal, 1);
    expect(refusal(central.ingest(terminal.batch(5, 5))).body.error.code).toBe('terminal_revoked');
    expect(central.store.stats().events).toBe(4);
  });

  it('refuses a batch with an altered event or a foreign signature, naming the event, and keeps the raw body', async () => {
    const central = await localCentral();
    const terminal = central.enroll();
    applications(terminal, 3);
    const altered = structuredClone(terminal.batch(1));
    altered.events[1]!.payload = altered.events[1]!.payload.replace('counter', 'online');
    const bad = refusal(central.ingest(altered));
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'bad_event', seq: 2, reason: 'hash-mismatch' });
    expect(bad.message).toMatch(/Event 2 fails its hash-mismatch check/);

    const impostor = new TestTerminal(terminal.terminalId);
    applications(impostor, 1);
    expect(refusal(central.ingest(impostor.batch(1))).body.error).toMatchObject({
      reason: 'bad-signature',
    });
    const stats = central.store.stats();
    expect(stats.events).toBe(0);
    expect(stats.rawBatches).toBe(2);
    // The genuine batch still goes through afterwards.
    expect(ack(central.ingest(terminal.batch(1))).acked_through_seq).toBe(3);
  });

  it('refuses a batch that continues a local transaction the previous batch began', async () => {
    const central = await localCentral();
    const terminal = central.enroll();
    applications(terminal, 3, () => 1);
    ack(central.ingest(terminal.batch(1, 1)));
    const split = refusal(central.ingest(terminal.batch(2, 3)));
    expect(split.status).toBe(422);
    expect(split.body.error).toMatchObject({
      code: 'protocol',
      reason: 'split-transaction',
      seq: 2,
    });
  });
});
