import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';
import { CaseStore } from '../cases/case-store';
import { clerk, person } from '../cases/testing';
import { createMemoryLogger } from '../log/logger';
import { daySummary, dayCsv, reconcile } from './day-end';
import { getCase, revealMyNumber } from './find';
import { reportLoss } from './loss';
import { caseWithCard } from './testing';

function setup(at = '2026-11-20T03:00:00.000Z') {
  const db = tempStore();
  const { log, records } = createMemoryLogger();
  const now = () => new Date(at);
  const store = new CaseStore({ db, log, now });
  return { db, log, records, now, store };
}

const staff = { staffId: 'clerk-01', role: 'clerk' as const };

describe('reporting a lost card', () => {
  it('suspends it with the report and both events in one transaction, pending sync', () => {
    const { db, log, now, store } = setup();
    const { applicationId, cardSerial, version } = caseWithCard(store, 'handed-over');
    const result = reportLoss(
      db,
      store,
      {
        cardSerial,
        expectedVersion: version,
        reason: 'theft',
        occurredOn: '2026-11-19',
        place: '新宿駅',
        policeReportNumber: 'R-123',
      },
      staff,
      now,
      log,
    );
    expect(result.state).toBe('suspended');
    const detail = getCase(db, applicationId);
    expect(detail.cards[0]?.state).toBe('suspended');
    expect(detail.suspensions).toEqual([
      expect.objectContaining({
        cardSerial,
        reason: 'theft',
        place: '新宿駅',
        policeReportNumber: 'R-123',
        sync: 'pending',
      }),
    ]);
    expect(detail.events.slice(-2).map((e) => e.type)).toEqual(['suspend', 'loss-reported']);
    const payload = db
      .prepare("SELECT payload FROM case_event WHERE type = 'loss-reported'")
      .pluck()
      .get() as string;
    expect(payload).not.toContain('新宿駅');
    // The suspension and the report are one local transaction: sync keeps them in one batch.
    const [suspend, report] = db
      .prepare('SELECT seq, tx_seq FROM case_event ORDER BY seq DESC LIMIT 2')
      .all()
      .reverse() as { seq: number; tx_seq: number | null }[];
    expect(suspend?.tx_seq).toBeNull();
    expect(report?.tx_seq).toBe(suspend?.seq);
  });

  it('refuses a card that is not with its holder, and writes nothing', () => {
    const { db, log, now, store } = setup();
    const { cardSerial, version } = caseWithCard(store, 'in-custody');
    const events = () => db.prepare('SELECT count(*) FROM case_event').pluck().get();
    const before = events();
    expect(() =>
      reportLoss(
        db,
        store,
        {
          cardSerial,
          expectedVersion: version,
          reason: 'loss',
          occurredOn: '2026-11-19',
          place: '自宅',
        },
        staff,
        now,
        log,
      ),
    ).toThrow(expect.objectContaining({ code: 'CARD_STEP_NOT_ALLOWED' }));
    expect(events()).toBe(before);
    expect(db.prepare('SELECT count(*) FROM suspension').pluck().get()).toBe(0);
  });
});

describe('revealing a My Number', () => {
  it('returns it for a limited time and records who, why and whose, never the number', () => {
    const { db, log, now, store } = setup();
    const p = person();
    const { applicationId } = store.receiveApplication(
      {
        kind: 'new',
        channel: 'counter',
        receivedAt: now().toISOString(),
        officeCode: 'X',
        person: p,
      },
      clerk,
    );
    const reveal = revealMyNumber(db, { applicationId, reason: 'identity-check' }, staff, now, log);
    expect(reveal).toEqual({ myNumber: p.myNumber, visibleUntil: '2026-11-20T03:00:30.000Z' });
    const event = db
      .prepare("SELECT actor_staff_id, payload FROM case_event WHERE type = 'my-number-revealed'")
      .get() as { actor_staff_id: string; payload: string };
    expect(event.actor_staff_id).toBe('clerk-01');
    expect(JSON.parse(event.payload)).toMatchObject({ reason: 'identity-check' });
    expect(event.payload).not.toContain(p.myNumber);
  });
});

describe('the day end', () => {
  it('counts the day, flags a custody difference and lists overdue cards, without My Numbers', () => {
    const { db, now, store } = setup('2025-01-10T03:00:00.000Z');
    const old = caseWithCard(store, 'in-custody');
    const later = setup('2026-11-20T03:00:00.000Z');
    // Same store, a later day: reuse its db with the later clock.
    const store2 = new CaseStore({ db, log: later.log, now: later.now });
    caseWithCard(store2, 'in-custody');
    const recorded = reconcile(db, 1, 'clerk-01', later.now);
    expect(recorded).toMatchObject({ expected: 2, counted: 1, difference: -1 });
    const summary = daySummary(db, undefined, later.now);
    expect(summary.applications).toHaveLength(1);
    expect(summary.inCustody).toBe(2);
    expect(summary.reconciliations).toHaveLength(1);
    expect(summary.uncollected.map((u) => u.cardSerial)).toEqual([old.cardSerial]);
    const csv = dayCsv(summary);
    expect(csv).toContain(old.cardSerial);
    expect(csv).not.toMatch(/[0-9]{12}/);
    void now;
  });
});
