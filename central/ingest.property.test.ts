// Ingest against an in-memory model (reference/sync-protocol.md §3.9): whatever order,
// repetition or loss the network inflicts on a terminal's batches, central applies each event
// exactly once, in seq order, refuses gaps with the seq to resend from, and answers a
// replay with the original server_seq.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UploadAck } from '../sync/protocol';
import { TestTerminal } from '../sync/testing';
import { IngestError } from './ingest';
import { localCentral } from './testing';

describe('ingest under duplicated, reordered and lost delivery', () => {
  it('matches the model: exactly once, gapless, replays answered with the original server_seq', async () => {
    const central = await localCentral();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(
              fc
                .tuple(fc.integer({ min: 1, max: n }), fc.integer({ min: 0, max: 8 }))
                .map(([from, len]) => [from, Math.min(n, from + len)] as const),
              { maxLength: 25 },
            ),
          ),
        ),
        async ([n, deliveries]) => {
          const terminal = central.enroll(new TestTerminal());
          for (let i = 1; i <= n; i += 1) {
            terminal.append({
              type: 'application-received',
              caseRef: `APP-${terminal.terminalId.slice(0, 8)}-${i}`,
              payload: {
                kind: 'new',
                channel: 'counter',
                officeCode: '131016',
                receivedAt: '2026-11-01T00:00:00.000Z',
              },
            });
          }
          let applied = 0;
          const serverSeqOf = new Map<number, number>();
          // The last delivery is what finally gets through: the client resends from expected_seq.
          const all = [...deliveries, [1, n] as const];
          for (const [from, to] of all) {
            const result = central.ingest(terminal.batch(from, to));
            if (from > applied + 1) {
              expect(result).toBeInstanceOf(IngestError);
              expect((result as IngestError).body.error).toMatchObject({
                code: 'gap',
                expected_seq: applied + 1,
              });
              continue;
            }
            const ack = result as UploadAck;
            for (const r of ack.results) {
              if (r.seq <= applied) {
                expect(r.outcome).toBe('duplicate');
                expect(r.server_seq).toBe(serverSeqOf.get(r.seq));
              } else {
                expect(r.outcome).toBe('applied');
                serverSeqOf.set(r.seq, r.server_seq);
              }
            }
            applied = Math.max(applied, to);
            expect(ack).toMatchObject({ acked_through_seq: applied, expected_seq: applied + 1 });
          }
          expect(applied).toBe(n);
          const state = central.store.getTerminal(terminal.terminalId);
          expect(state?.lastSeq).toBe(n);
          expect(state?.lastHash.toString('base64')).toBe(terminal.events.at(-1)?.hash);
          for (let seq = 1; seq <= n; seq += 1) {
            expect(central.store.getEventBySeq(terminal.terminalId, seq)?.eventId).toBe(
              terminal.events[seq - 1]?.event_id,
            );
          }
          // Server order follows each terminal's seq order.
          const order = [...serverSeqOf.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
          expect(order).toEqual([...order].sort((a, b) => a - b));
        },
      ),
      { numRuns: 40 },
    );
    expect(central.store.stats().duplicatesApplied).toBe(0);
  });
});
