import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';
import { MyNumberCard } from '../card/mynumber/client';
import { fixtureCard } from '../card/mynumber/testing';
import { virtualCardChannel } from '../card/virtual/channel';
import { CaseStore } from '../cases/case-store';
import { person } from '../cases/testing';
import { createMemoryLogger } from '../log/logger';
import { HandoverSteps } from './handover';
import { caseWithCard } from './testing';

// test/fixtures/cards/new-card.json: a card fresh from production, no secret set yet.
const CARD_MY_NUMBER = '100000000021';
const CARD_BIRTH_DATE = '1992-11-03';
const INITIALIZATION_SECRET = '00112233445566778899aabbccddeeff';
const clerk = { staffId: 'clerk-01', role: 'clerk' as const };
const SECRETS = {
  'signature-password': 'MADO2026GUCHI',
  'user-authentication-pin': '4826',
  'resident-registry-pin': '4826',
  'card-info-input-pin': '4826',
};

async function setup(myNumber = CARD_MY_NUMBER) {
  const db = tempStore();
  const { log } = createMemoryLogger();
  const now = () => new Date('2026-11-20T03:00:00.000Z');
  const store = new CaseStore({ db, log, now });
  const handoverCase = caseWithCard(store, 'in-custody', {
    person: person({ myNumber, birthDate: CARD_BIRTH_DATE }),
  });
  const card = new MyNumberCard(virtualCardChannel(await fixtureCard('new-card')));
  const steps = () => new HandoverSteps({ db, store, now, log });
  return { db, store, handoverCase, card, steps };
}

const secret = () => Buffer.from(INITIALIZATION_SECRET, 'hex');
const count = (db: ReturnType<typeof tempStore>, sql: string) => db.prepare(sql).pluck().get();

describe('handing over a card, step by step', () => {
  it('records the handover, its documents and its event in one commit, and forgets the draft', async () => {
    const { db, store, handoverCase, card, steps } = await setup();
    const { cardSerial } = handoverCase;
    const handover = steps();
    handover.start(cardSerial, clerk);
    handover.recordIdentity(cardSerial, {
      attendee: 'holder',
      documents: ['a-driving-licence'],
      faceCompared: true,
    });
    await handover.proveCard(cardSerial, card);
    await handover.setPins(cardSerial, card, secret(), SECRETS);
    const ready = await handover.recheck(cardSerial, card);
    expect(ready.missing).toEqual([]);
    const { seq } = handover.commit(cardSerial, clerk, true);

    expect(store.getCard(cardSerial)?.state).toBe('handed-over');
    expect(
      db.prepare('SELECT type, actor_staff_id FROM case_event WHERE seq = ?').get(seq),
    ).toEqual({ type: 'hand-over', actor_staff_id: 'clerk-01' });
    expect(db.prepare('SELECT attendee, handed_over_by FROM handover').all()).toEqual([
      { attendee: 'holder', handed_over_by: 'clerk-01' },
    ]);
    expect(db.prepare('SELECT document, face_compared FROM identity_check').all()).toEqual([
      { document: 'a-driving-licence', face_compared: 1 },
    ]);
    expect(count(db, 'SELECT count(*) FROM handover_draft')).toBe(0);
    expect(await card.triesLeft('jpkiAuth')).toBe(3);
  });

  it('resumes after an interruption and never records a half handover', async () => {
    const { db, store, handoverCase, card, steps } = await setup();
    const { cardSerial } = handoverCase;
    const before = steps();
    before.start(cardSerial, clerk);
    before.recordIdentity(cardSerial, {
      attendee: 'holder',
      documents: ['b-health-insurance-card', 'b-pension-book'],
      faceCompared: true,
    });
    await before.proveCard(cardSerial, card);

    // The app restarts: a new service over the same store finds the handover where it was.
    const after = steps();
    const resumed = after.start(cardSerial, clerk);
    expect(resumed).toMatchObject({ cardProved: true, missing: ['pins-set'] });
    const events = count(db, 'SELECT count(*) FROM case_event');
    expect(() => after.commit(cardSerial, clerk, true)).toThrow(
      expect.objectContaining({ code: 'CARD_STEP_REQUIREMENTS_MISSING' }),
    );
    expect(store.getCard(cardSerial)?.state).toBe('in-custody');
    expect(count(db, 'SELECT count(*) FROM case_event')).toBe(events);
    expect(count(db, 'SELECT count(*) FROM handover')).toBe(0);
    expect(count(db, 'SELECT count(*) FROM identity_check')).toBe(0);
    expect(after.get(cardSerial)).not.toBeNull();
  });

  it("refuses a card that is not this case's card", async () => {
    const { handoverCase, card, steps } = await setup('123456789018');
    const handover = steps();
    handover.start(handoverCase.cardSerial, clerk);
    await expect(handover.proveCard(handoverCase.cardSerial, card)).rejects.toThrow();
    expect(handover.get(handoverCase.cardSerial)?.cardProved).toBe(false);
  });

  it('refuses secrets that break the rules before anything reaches the card', async () => {
    const { handoverCase, card, steps } = await setup();
    const { cardSerial } = handoverCase;
    const handover = steps();
    handover.start(cardSerial, clerk);
    await handover.proveCard(cardSerial, card);
    await expect(
      handover.setPins(cardSerial, card, secret(), {
        ...SECRETS,
        'user-authentication-pin': '1234',
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ path: 'user-authentication-pin' })],
    });
    expect(await card.triesLeft('jpkiAuth')).toBe('not-set');
    expect(handover.get(cardSerial)?.pinsSet).toBe(false);
  });
});
