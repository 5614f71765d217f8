import { describe, expect, it } from 'vitest';
import { ARRIVAL_OUTCOMES as STORED_OUTCOMES } from '../../db/migrations/0090-second-person-and-arrival';
import { ARRIVAL_OUTCOMES } from '../../preload/values';
import { tempStore } from '../../test/support/store';
import { fixtureCard } from '../card/mynumber/testing';
import { virtualCardChannel } from '../card/virtual/channel';
import { CardError } from '../card/errors';
import type { VirtualMyNumberCard } from '../card/virtual/card';
import { CaseStore } from '../cases/case-store';
import { central, person } from '../cases/testing';
import { createMemoryLogger } from '../log/logger';
import { ArrivalService } from './arrival';
import { createCardAccess } from './card-access';
import { caseWithCard } from './testing';

// test/fixtures/cards/new-card.json and issued.json: two people's cards.
const NEW_CARD_MY_NUMBER = '100000000021';
const clerk = { staffId: 'clerk-01', role: 'clerk' as const };

/** A case whose card central has dispatched to this office. */
function dispatchedCase(store: CaseStore, myNumber: string) {
  const made = caseWithCard(store, 'ordered', { person: person({ myNumber }) });
  let version = made.version;
  for (const event of ['start-production', 'dispatch'] as const) {
    version = store.recordCardTransition(
      made.cardSerial,
      event,
      central,
      new Set(),
      version,
    ).version;
  }
  return made;
}

async function setup() {
  const db = tempStore();
  const { log } = createMemoryLogger();
  const now = () => new Date('2026-11-22T01:00:00.000Z');
  const store = new CaseStore({ db, log, now });
  // The card on the reader: whichever the test puts there; none at first.
  let onReader: VirtualMyNumberCard | null = null;
  const cards = createCardAccess({
    connect: async () => {
      if (!onReader) throw new CardError('NO_CARD', 'no card');
      return virtualCardChannel(onReader);
    },
  });
  const arrival = new ArrivalService({ db, store, cards, log, now });
  const events = (type: string) =>
    db
      .prepare('SELECT case_ref, payload, tx_seq FROM case_event WHERE type = ? ORDER BY seq')
      .all(type) as { case_ref: string; payload: string; tx_seq: number | null }[];
  return {
    db,
    store,
    arrival,
    events,
    put(card: VirtualMyNumberCard | null) {
      onReader = card;
    },
  };
}

describe('the arrival check of a shipment (交付前設定)', () => {
  it('takes a matching card into custody, flags the extra and the missing ones', async () => {
    const { store, arrival, events, put } = await setup();
    const matching = dispatchedCase(store, NEW_CARD_MY_NUMBER);
    const neverArrives = dispatchedCase(store, '100000000030');
    const shipment = arrival.start(
      [matching.cardSerial, neverArrives.cardSerial, 'NOT-OURS-0001', matching.cardSerial],
      clerk,
    );
    expect(shipment.items.map((i) => [i.cardSerial, i.outcome])).toEqual([
      [matching.cardSerial, 'listed'],
      [neverArrives.cardSerial, 'listed'],
      ['NOT-OURS-0001', 'extra'],
    ]);

    // No card on the reader: the clerk is told, nothing recorded.
    await expect(
      arrival.check(
        { shipmentId: shipment.shipmentId, cardSerial: matching.cardSerial, faceIntact: true },
        clerk,
      ),
    ).rejects.toMatchObject({ code: 'NO_CARD' });
    expect(store.getCard(matching.cardSerial)?.state).toBe('dispatched');

    put(await fixtureCard('new-card'));
    const checked = await arrival.check(
      { shipmentId: shipment.shipmentId, cardSerial: matching.cardSerial, faceIntact: true },
      clerk,
    );
    expect(checked.outcome).toBe('matched');
    expect(store.getCard(matching.cardSerial)?.state).toBe('in-custody');
    expect(events('arrival-check-pass').map((e) => e.case_ref)).toEqual([matching.applicationId]);

    const closed = arrival.close(shipment.shipmentId, clerk);
    expect(closed.closedAt).not.toBeNull();
    expect(closed.items.map((i) => i.outcome)).toEqual(['matched', 'missing', 'extra']);
    expect(store.getCard(neverArrives.cardSerial)?.state).toBe('dispatched');
    const [flagged] = events('arrival-flagged');
    expect(flagged?.case_ref).toBe(neverArrives.applicationId);
    expect(JSON.parse(flagged?.payload ?? '{}')).toMatchObject({
      cardSerial: neverArrives.cardSerial,
      flag: 'missing',
    });
    await expect(
      arrival.check(
        { shipmentId: shipment.shipmentId, cardSerial: neverArrives.cardSerial, faceIntact: true },
        clerk,
      ),
    ).rejects.toMatchObject({ code: 'CARD_STEP_NOT_ALLOWED' });
  });

  it("flags another person's chip under this serial as wrong-card, and lets the clerk check again", async () => {
    const { store, arrival, put } = await setup();
    const target = dispatchedCase(store, NEW_CARD_MY_NUMBER);
    const { shipmentId } = arrival.start([target.cardSerial], clerk);
    put(await fixtureCard('issued'));
    const wrong = await arrival.check(
      { shipmentId, cardSerial: target.cardSerial, faceIntact: true },
      clerk,
    );
    expect(wrong.outcome).toBe('wrong-card');
    expect(store.getCard(target.cardSerial)?.state).toBe('dispatched');
    put(await fixtureCard('new-card'));
    const right = await arrival.check(
      { shipmentId, cardSerial: target.cardSerial, faceIntact: true },
      clerk,
    );
    expect(right.outcome).toBe('matched');
  });

  it('records a damaged face as a failed arrival check with its reason, in one sync batch', async () => {
    const { store, arrival, events, put } = await setup();
    const target = dispatchedCase(store, NEW_CARD_MY_NUMBER);
    const { shipmentId } = arrival.start([target.cardSerial], clerk);
    put(await fixtureCard('new-card'));
    const result = await arrival.check(
      { shipmentId, cardSerial: target.cardSerial, faceIntact: false },
      clerk,
    );
    expect(result.outcome).toBe('failed');
    expect(store.getCard(target.cardSerial)?.state).toBe('arrival-check-failed');
    const [flag] = events('arrival-flagged');
    expect(JSON.parse(flag?.payload ?? '{}')).toMatchObject({ flag: 'face-damaged' });
    expect(flag?.tx_seq).not.toBeNull();
  });

  it('flags a chip that does not answer as unreadable and records no step', async () => {
    const { store, arrival, put } = await setup();
    const target = dispatchedCase(store, NEW_CARD_MY_NUMBER);
    const { shipmentId } = arrival.start([target.cardSerial], clerk);
    const dead = await fixtureCard('new-card');
    put(dead);
    // A chip whose applications are gone: every SELECT answers "file not found".
    dead.process = () => Uint8Array.from([0x6a, 0x82]);
    const result = await arrival.check(
      { shipmentId, cardSerial: target.cardSerial, faceIntact: true },
      clerk,
    );
    expect(result.outcome).toBe('unreadable');
    expect(store.getCard(target.cardSerial)?.state).toBe('dispatched');
  });
});

describe('the arrival outcomes', () => {
  it('the screen lists exactly what migration 0090 lets the store hold', () => {
    // The migration keeps its own frozen copy (a migration never changes); the contract's list
    // is what the screen counts by. They must agree, or an outcome would show nowhere.
    expect([...ARRIVAL_OUTCOMES]).toEqual([...STORED_OUTCOMES]);
  });
});
