import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';
import { AuthService } from '../auth/auth-service';
import { SecondPerson } from '../auth/second-person';
import { fixtureCard } from '../card/mynumber/testing';
import { virtualCardChannel } from '../card/virtual/channel';
import type { VirtualMyNumberCard } from '../card/virtual/card';
import { CaseStore } from '../cases/case-store';
import { person } from '../cases/testing';
import { EventBus } from '../core/event-bus';
import { createMemoryLogger } from '../log/logger';
import { createCardAccess } from './card-access';
import { reportLoss } from './loss';
import { PinResetService } from './pin-reset';
import { reinstateCard } from './reinstate';
import { caseWithCard } from './testing';

// test/fixtures/cards/blocked-pins.json: the auth PIN blocked, the others 4826.
const HOLDER = { myNumber: '100000000030', birthDate: '1975-07-30' };
const RESET_SECRET = 'ffeeddccbbaa99887766554433221100';
const GOOD = 'counter-window-7';
const clerk = { staffId: 'clerk01', role: 'clerk' as const };
const approval = { supervisorId: 'super01', password: GOOD, reason: '本人確認済み、暗証番号失念' };
const identity = { attendee: 'holder' as const, documents: ['a-driving-licence' as const] };

async function setup() {
  const db = tempStore();
  const { log, records } = createMemoryLogger();
  const now = () => new Date('2026-11-22T02:00:00.000Z');
  const auth = new AuthService({ db, bus: new EventBus(), log, now });
  await auth.createFirstAdministrator({ staffId: 'admin01', displayName: 'A', password: GOOD });
  await auth.createStaff({ staffId: 'clerk01', displayName: 'C', role: 'clerk', password: GOOD });
  await auth.createStaff({
    staffId: 'super01',
    displayName: 'S',
    role: 'supervisor',
    password: GOOD,
  });
  const store = new CaseStore({ db, log, now });
  const holderCase = caseWithCard(store, 'handed-over', { person: person(HOLDER) });
  const onReader: { card: VirtualMyNumberCard } = { card: await fixtureCard('blocked-pins') };
  const cards = createCardAccess({ connect: async () => virtualCardChannel(onReader.card) });
  const secondPerson = new SecondPerson({ db, log, now });
  const pinReset = new PinResetService({
    db,
    store,
    cards,
    secondPerson,
    resetSecret: () => Buffer.from(RESET_SECRET, 'hex'),
    log,
    now,
  });
  const events = (type: string) =>
    db
      .prepare('SELECT actor_staff_id, payload FROM case_event WHERE type = ? ORDER BY seq')
      .all(type) as { actor_staff_id: string; payload: string }[];
  return {
    db,
    log,
    records,
    now,
    store,
    holderCase,
    onReader,
    cards,
    secondPerson,
    pinReset,
    events,
  };
}

describe('a PIN reset at the counter', () => {
  it('resets a blocked PIN with the card, verifies the new one, and records both identities', async () => {
    const { pinReset, holderCase, events, records, onReader } = await setup();
    const before = await pinReset.status({ cardSerial: holderCase.cardSerial }, clerk);
    expect(before.pins.find((p) => p.secret === 'user-authentication-pin')).toMatchObject({
      blocked: true,
      triesLeft: 0,
    });
    const done = await pinReset.reset(
      {
        cardSerial: holderCase.cardSerial,
        ...identity,
        secret: 'user-authentication-pin',
        newValue: '3917',
        approval,
      },
      clerk,
    );
    expect(done.triesLeft).toBe(3);
    expect(onReader.card.secretStatus().userAuthenticationPin).toMatchObject({ triesLeft: 3 });
    const [event] = events('pin-reset');
    expect(event?.actor_staff_id).toBe('clerk01');
    const payload = JSON.parse(event?.payload ?? '{}') as Record<string, unknown>;
    expect(payload).toMatchObject({
      cardSerial: holderCase.cardSerial,
      secret: 'user-authentication-pin',
      documents: ['a-driving-licence'],
      approval: { staffId: 'clerk01', supervisorId: 'super01', supervisorRole: 'supervisor' },
    });
    expect(JSON.stringify(payload)).not.toContain('3917');
    expect(JSON.stringify(records)).not.toContain('3917');
  });

  it('refuses before touching the card: weak PIN, too few documents, no valid approval', async () => {
    const { pinReset, holderCase, events } = await setup();
    const base = {
      cardSerial: holderCase.cardSerial,
      ...identity,
      secret: 'user-authentication-pin' as const,
      newValue: '3917',
      approval,
    };
    await expect(pinReset.reset({ ...base, newValue: '1234' }, clerk)).rejects.toMatchObject({
      code: 'PIN_FORMAT_INVALID',
    });
    await expect(
      pinReset.reset({ ...base, documents: ['b-pension-book'] }, clerk),
    ).rejects.toMatchObject({ code: 'CARD_STEP_REQUIREMENTS_MISSING' });
    await expect(
      pinReset.reset({ ...base, approval: { ...approval, supervisorId: 'clerk01' } }, clerk),
    ).rejects.toMatchObject({ code: 'SECOND_PERSON_SAME_STAFF' });
    expect(events('pin-reset')).toEqual([]);
  });

  it("refuses another person's card as WRONG_CARD, and nothing is reset", async () => {
    const { pinReset, holderCase, onReader, events } = await setup();
    onReader.card = await fixtureCard('issued');
    await expect(
      pinReset.reset(
        {
          cardSerial: holderCase.cardSerial,
          ...identity,
          secret: 'user-authentication-pin',
          newValue: '3917',
          approval,
        },
        clerk,
      ),
    ).rejects.toMatchObject({ code: 'WRONG_CARD' });
    expect(events('pin-reset')).toEqual([]);
  });
});

describe('reinstating a suspended card', () => {
  it('lifts the suspension with identity, card, PIN and a supervisor, in one transaction', async () => {
    const { db, log, now, store, holderCase, cards, secondPerson, events, onReader } =
      await setup();
    onReader.card = await fixtureCard('blocked-pins');
    const suspended = reportLoss(
      db,
      store,
      {
        cardSerial: holderCase.cardSerial,
        expectedVersion: holderCase.version,
        reason: 'loss',
        occurredOn: '2026-11-20',
        place: '駅',
      },
      clerk,
      now,
      log,
    );
    const version = store.getCard(holderCase.cardSerial)?.version ?? 0;
    const options = {
      db,
      store,
      cards,
      secondPerson,
      revocationLevel: () => 'stale' as const,
      log,
      now,
    };
    const input = {
      cardSerial: holderCase.cardSerial,
      expectedVersion: version,
      ...identity,
      // The holder's user-authentication PIN.
      pin: '4826',
      approval,
    };
    // The auth PIN is blocked on this card: reset it first.
    await expect(reinstateCard(options, input, clerk)).rejects.toMatchObject({
      code: 'PIN_BLOCKED',
    });
    expect(store.getCard(holderCase.cardSerial)?.state).toBe('suspended');
    // The holder had it reset (the previous test's flow): the same card, auth PIN unblocked.
    onReader.card = await fixtureCard('blocked-pins', (profile) => ({
      ...profile,
      secrets: {
        ...profile.secrets,
        userAuthenticationPin: { ...profile.secrets.userAuthenticationPin, triesLeft: 3 },
      },
    }));
    const done = await reinstateCard(options, input, clerk);
    expect(done.state).toBe('handed-over');
    expect(
      db
        .prepare('SELECT lifted_at FROM suspension WHERE suspension_id = ?')
        .pluck()
        .get(suspended.suspensionId),
    ).not.toBeNull();
    const [approved] = events('second-person-approved');
    expect(JSON.parse(approved?.payload ?? '{}')).toMatchObject({
      step: 'reinstate',
      revocationList: 'stale-overridden',
      approval: { staffId: 'clerk01', supervisorId: 'super01' },
    });
    expect(events('reinstate')).toHaveLength(1);
  });
});
