import { describe, expect, it } from 'vitest';
import { REQUIREMENTS } from '../../domain/case-lifecycle';
import { tempStore } from '../../test/support/store';
import { CaseStore } from '../cases/case-store';
import { application, central, clerk } from '../cases/testing';
import { appendEvent } from '../audit/append';
import { createLogger } from '../log/logger';
import { applyAck, backlog, readBatch, readSyncState, rewindTo } from './outbox';
import { listReviewItems, resolveReviewItem } from './review';
import { freshnessOf, DEFAULT_OFFLINE_POLICY } from './revocations';

const silent = createLogger({ sink: () => undefined, level: 'error' });
const ALL = new Set(REQUIREMENTS);

function storeWithEvents(count: number) {
  const db = tempStore();
  const cases = new CaseStore({ db, log: silent, now: () => new Date('2026-03-01T09:00:00Z') });
  for (let i = 0; i < count; i += 1) cases.receiveApplication(application(), clerk);
  return { db, cases };
}

describe('the outbox', () => {
  it('cuts batches by count and by size, always moving at least one event', () => {
    const { db } = storeWithEvents(7);
    const byCount = readBatch(db, 1, { maxEvents: 3, maxBytes: 1e9, size: () => 10 });
    expect(byCount?.rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(byCount?.prevHash.equals(Buffer.alloc(32))).toBe(true);
    const bySize = readBatch(db, 4, { maxEvents: 200, maxBytes: 25, size: () => 10 });
    expect(bySize?.rows.map((r) => r.seq)).toEqual([4, 5]);
    const oversized = readBatch(db, 6, { maxEvents: 200, maxBytes: 5, size: () => 10 });
    expect(oversized?.rows.map((r) => r.seq)).toEqual([6]);
    expect(readBatch(db, 8, { maxEvents: 200, maxBytes: 5, size: () => 10 })).toBeNull();
  });

  it('never ends a batch inside a local transaction: it stops before it, or takes all of it', () => {
    const db = tempStore();
    const event = (sameTransactionAs?: number) =>
      appendEvent(db, {
        type: 'application-received',
        caseRef: 'A-1',
        actor: clerk,
        payload: {},
        caseVersionSeen: null,
        terminalTime: '2026-03-01T09:00:00.000Z',
        ...(sameTransactionAs === undefined ? {} : { sameTransactionAs }),
      });
    db.transaction(() => event())();
    db.transaction(() => {
      const first = event();
      event(first.seq);
      event(first.seq);
    })();
    db.transaction(() => event())();
    const seqs = (from: number, maxEvents: number) =>
      readBatch(db, from, { maxEvents, maxBytes: 1e9, size: () => 10 })?.rows.map((r) => r.seq);

    expect(seqs(1, 2)).toEqual([1]);
    expect(seqs(1, 3)).toEqual([1]);
    expect(seqs(1, 4)).toEqual([1, 2, 3, 4]);
    expect(seqs(2, 1)).toEqual([2, 3, 4]);
    expect(seqs(2, 3)).toEqual([2, 3, 4]);
    expect(seqs(5, 1)).toEqual([5]);
    expect(() => db.transaction(() => event(9))()).toThrow(/does not name an earlier event/);
  });

  it('records a rejection as an acknowledged outcome and a review item, never as pending', () => {
    const { db } = storeWithEvents(3);
    const ids = db
      .prepare('SELECT event_id FROM case_event ORDER BY seq')
      .pluck()
      .all() as string[];
    const result = applyAck(
      db,
      {
        ackedThroughSeq: 3,
        expectedSeq: 4,
        results: [
          {
            seq: 1,
            eventId: ids[0] as string,
            outcome: 'applied',
            serverSeq: 10,
            reviewId: null,
            reason: null,
          },
          {
            seq: 2,
            eventId: ids[1] as string,
            outcome: 'rejected',
            serverSeq: 11,
            reviewId: 'R-1',
            reason: 'UNKNOWN_CASE',
          },
          {
            seq: 3,
            eventId: ids[2] as string,
            outcome: 'applied-with-conflict',
            serverSeq: 12,
            reviewId: 'R-2',
            reason: 'DUPLICATE_HANDOVER',
          },
        ],
        serverTime: '2026-03-01T09:00:05.000Z',
        receipt: '{}',
      },
      new Date('2026-03-01T09:00:00Z'),
    );
    expect(result.newReviewItems).toBe(2);
    expect(backlog(db)).toMatchObject({ pending: 0, ackedThroughSeq: 3 });
    expect(readSyncState(db).clock_offset_ms).toBe(5_000);
    expect(
      db
        .prepare("SELECT review_id, reason FROM sync_review_item WHERE state = 'open' ORDER BY 1")
        .all(),
    ).toEqual([
      { review_id: 'R-1', reason: 'UNKNOWN_CASE' },
      { review_id: 'R-2', reason: 'DUPLICATE_HANDOVER' },
    ]);

    // The same receipt again (a lost ack resent as duplicates) keeps the first answers.
    applyAck(
      db,
      {
        ackedThroughSeq: 3,
        expectedSeq: 4,
        results: [
          {
            seq: 2,
            eventId: ids[1] as string,
            outcome: 'duplicate',
            serverSeq: 11,
            reviewId: null,
            reason: null,
          },
        ],
        serverTime: '2026-03-01T09:00:06.000Z',
        receipt: '{}',
      },
      new Date('2026-03-01T09:00:01Z'),
    );
    expect(db.prepare('SELECT outcome FROM outbox_ack WHERE seq = 2').pluck().get()).toBe(
      'rejected',
    );
    expect(db.prepare('SELECT count(*) FROM sync_review_item').pluck().get()).toBe(2);
  });

  it('resends from where a central restored from a backup stands', () => {
    const { db } = storeWithEvents(5);
    applyAck(
      db,
      {
        ackedThroughSeq: 5,
        expectedSeq: 6,
        results: [],
        serverTime: '2026-03-01T09:00:00.000Z',
        receipt: '{}',
      },
      new Date('2026-03-01T09:00:00Z'),
    );
    rewindTo(db, 3);
    expect(backlog(db)).toMatchObject({ pending: 3, ackedThroughSeq: 2 });
  });

  it('a card step recorded offline stays pending with its age', () => {
    const { db, cases } = storeWithEvents(1);
    const { applicationId } = cases.receiveApplication(application(), clerk);
    cases.orderCard(applicationId, { cardSerial: 'AB000001', expiryDate: null }, central, 1);
    cases.recordCardTransition('AB000001', 'start-production', central, ALL, 1);
    expect(backlog(db)).toMatchObject({
      pending: 4,
      oldestPendingAt: '2026-03-01T09:00:00.000Z',
    });
  });
});

describe('revocation list freshness', () => {
  const policy = { ...DEFAULT_OFFLINE_POLICY, warnAfterDays: 3, blockAfterDays: 14 };
  const meta = {
    listVersion: 7,
    receivedAt: '2026-03-01T00:00:00.000Z',
    nextUpdate: '2026-03-20T00:00:00.000Z',
    maxAgeMs: 0,
  };
  const at = (iso: string) => freshnessOf(meta, new Date(iso), policy, 0);

  it('is fresh, then warns, then needs a supervisor override as days pass offline', () => {
    expect(at('2026-03-02T00:00:00Z')).toMatchObject({ level: 'fresh', handover: 'allowed' });
    expect(at('2026-03-05T00:00:00Z')).toMatchObject({
      level: 'warn',
      handover: 'allowed-with-warning',
      reasons: ['OLDER_THAN_WARN_DAYS'],
    });
    expect(at('2026-03-16T00:00:00Z')).toMatchObject({
      level: 'stale',
      handover: 'supervisor-override-required',
      reasons: ['OLDER_THAN_BLOCK_DAYS'],
    });
  });

  it('is stale past central’s next update, and when the clock was set back', () => {
    expect(
      freshnessOf(
        { ...meta, nextUpdate: '2026-03-01T06:00:00.000Z' },
        new Date('2026-03-02T07:00:00Z'),
        policy,
        0,
      ).reasons,
    ).toEqual(['PAST_NEXT_UPDATE']);
    expect(at('2026-02-20T00:00:00Z').reasons).toContain('CLOCK_WENT_BACKWARDS');
  });

  it('is unaffected by a terminal clock that is hours off but steady', () => {
    // Received and read on the same skewed clock: the age is right; next_update is compared
    // in central's time through the measured offset.
    const skewed = freshnessOf(
      { ...meta, receivedAt: '2026-03-01T05:00:00.000Z' },
      new Date('2026-03-02T05:00:00Z'),
      policy,
      -5 * 3_600_000,
    );
    expect(skewed).toMatchObject({ level: 'fresh', ageMs: 86_400_000 });
  });
});

describe('review items', () => {
  it('a supervisor closes a conflict with what was done; it cannot be closed twice or blank', () => {
    const { db } = storeWithEvents(1);
    const id = db.prepare('SELECT event_id FROM case_event').pluck().get() as string;
    applyAck(
      db,
      {
        ackedThroughSeq: 1,
        expectedSeq: 2,
        results: [
          {
            seq: 1,
            eventId: id,
            outcome: 'applied-with-conflict',
            serverSeq: 1,
            reviewId: 'R-9',
            reason: 'HANDOVER_OF_SUSPENDED_CARD',
          },
        ],
        serverTime: '2026-03-01T09:00:00.000Z',
        receipt: '{}',
      },
      new Date('2026-03-01T09:00:00Z'),
    );
    expect(listReviewItems(db)).toMatchObject([
      { reviewId: 'R-9', kind: 'applied-with-conflict', reason: 'HANDOVER_OF_SUSPENDED_CARD' },
    ]);
    const at = new Date('2026-03-02T09:00:00Z');
    expect(() =>
      resolveReviewItem(db, {
        reviewId: 'R-9',
        supervisorStaffId: 'super-01',
        resolution: ' ',
        at,
      }),
    ).toThrow(/Say what was done/);
    resolveReviewItem(db, {
      reviewId: 'R-9',
      supervisorStaffId: 'super-01',
      resolution: 'card recalled, holder called',
      at,
    });
    expect(listReviewItems(db)).toEqual([]);
    expect(listReviewItems(db, 'resolved')).toMatchObject([
      { resolvedBy: 'super-01', resolution: 'card recalled, holder called' },
    ]);
    expect(() =>
      resolveReviewItem(db, {
        reviewId: 'R-9',
        supervisorStaffId: 'super-01',
        resolution: 'again',
        at,
      }),
    ).toThrow(/No open review item/);
  });
});
