// The handover behind the contract, over training mode's in-process readers: the clerk's steps,
// the applicant's secrets taken only from the applicant window, the supervisor's override of a
// stale revocation list recorded with the handover, and a wrong card refused with nothing kept.

import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';
import { AuthService } from '../auth/auth-service';
import { MyNumberCard } from '../card/mynumber/client';
import { fixtureCard } from '../card/mynumber/testing';
import { virtualCardChannel } from '../card/virtual/channel';
import { TRAINING_READERS, TrainingReaderPort } from '../card/virtual/training-port';
import { CaseStore } from '../cases/case-store';
import { person } from '../cases/testing';
import type { Dispatch } from '../core/dispatch';
import { EventBus } from '../core/event-bus';
import { createMemoryLogger } from '../log/logger';
import { guardApplicantWindow } from './applicant-window';
import { createCardAccess, portConnector } from './card-access';
import { HandoverService, type RevocationLevel } from './handover-service';
import { caseWithCard } from './testing';
import type { ApplicantProgress } from '../../preload/contract';

const [CLERK_READER] = TRAINING_READERS as [string, string];
const PASSWORD = 'counter-window-7';
const SECRETS = {
  'signature-password': 'MADO2026GUCHI',
  'user-authentication-pin': '4826',
  'resident-registry-pin': '4826',
  'card-info-input-pin': '4826',
};

async function setup(options: { myNumber?: string; level?: RevocationLevel } = {}) {
  const db = tempStore();
  const { log, records } = createMemoryLogger();
  const now = () => new Date('2026-11-20T03:00:00.000Z');
  const bus = new EventBus();
  const auth = new AuthService({ db, bus, log, now });
  await auth.createFirstAdministrator({ staffId: 'admin', displayName: 'A', password: PASSWORD });
  await auth.createStaff({
    staffId: 'clerk1',
    displayName: 'C',
    role: 'clerk',
    password: PASSWORD,
  });
  await auth.createStaff({
    staffId: 'super1',
    displayName: 'S',
    role: 'supervisor',
    password: PASSWORD,
  });
  auth.signOut();
  await auth.signIn({ staffId: 'clerk1', password: PASSWORD });
  const store = new CaseStore({ db, log, now });
  const handoverCase = caseWithCard(store, 'in-custody', {
    person: person({ myNumber: options.myNumber ?? '100000000021', birthDate: '1992-11-03' }),
  });
  const port = new TrainingReaderPort();
  const card = await fixtureCard('new-card');
  port.insert(CLERK_READER, card);
  const progress: ApplicantProgress[] = [];
  bus.on('handover.applicant', (p) => progress.push(p));
  const service = new HandoverService({
    db,
    store,
    cardAccess: createCardAccess(portConnector(port)),
    bus,
    log,
    now,
    initializationSecret: () => Buffer.from('00112233445566778899aabbccddeeff', 'hex'),
    revocationLevel: () => options.level ?? 'fresh',
    actor: () => auth.actor(),
    printReceipt: () => Promise.reject(new Error('no printer here')),
  });
  const count = (sql: string) => db.prepare(sql).pluck().get();
  return { db, store, service, handoverCase, card, progress, records, count };
}

describe('the handover service', () => {
  it('walks every step; the applicant sets the PINs; a stale list needs a supervisor, recorded with the handover', async () => {
    const { db, service, handoverCase, store, progress, records, count } = await setup({
      level: 'stale',
    });
    const { cardSerial } = handoverCase;
    expect(service.open(cardSerial)).toMatchObject({ overrideRequired: true, cardProved: false });
    service.recordIdentity(cardSerial, { attendee: 'holder', documents: ['a-passport'] });
    const { handover, face } = await service.proveCard(cardSerial, CLERK_READER);
    expect(handover.cardProved).toBe(true);
    // The fixture's photo is JPEG 2000 (no decoder in Chromium); the printed name is a PNG.
    expect(face).toMatchObject({ photo: null, photoFormat: 'jp2' });
    expect(face?.nameImage).toMatch(/^data:image\/png;base64,/);
    service.recordFace(cardSerial, true);

    await expect(service.applicantSetPins({ ...SECRETS })).rejects.toMatchObject({
      code: 'CARD_STEP_NOT_ALLOWED',
    });
    expect(service.requestPins(cardSerial, CLERK_READER).applicant).toBe('waiting');
    expect(service.applicantRequest()).toEqual({
      state: 'waiting',
      birthDate: '1992-11-03',
      signatureCertificate: true,
    });
    await expect(
      service.applicantSetPins({ ...SECRETS, 'card-info-input-pin': '1103' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'card-info-input-pin', reason: 'birth-date' }],
    });
    expect(await service.applicantSetPins({ ...SECRETS })).toMatchObject({ state: 'set' });
    expect(progress.map((p) => p.state)).toEqual([
      'waiting',
      'setting',
      'failed',
      'setting',
      'set',
    ]);
    await service.recheck(cardSerial, CLERK_READER);
    service.recordOldCard(cardSerial, true);

    await expect(service.commit(cardSerial, undefined)).rejects.toMatchObject({
      code: 'SECOND_PERSON_REQUIRED',
    });
    await expect(
      service.commit(cardSerial, { supervisorId: 'clerk1', password: PASSWORD, reason: 'x y z' }),
    ).rejects.toMatchObject({ code: 'SECOND_PERSON_SAME_STAFF' });
    expect(store.getCard(cardSerial)?.state).toBe('in-custody');
    const committed = await service.commit(cardSerial, {
      supervisorId: 'super1',
      password: PASSWORD,
      reason: 'central unreachable since this morning',
    });
    expect(committed).toMatchObject({ overriddenBy: 'super1', handedOverBy: 'clerk1' });
    expect(store.getCard(cardSerial)?.state).toBe('handed-over');
    expect(count("SELECT count(*) FROM approval_log WHERE outcome = 'approved'")).toBe(1);
    expect(count("SELECT count(*) FROM sync_review_item WHERE kind = 'handover-override'")).toBe(1);
    expect(count('SELECT count(*) FROM handover_draft')).toBe(0);
    // Both identities travel in the synced audit trail: the override is an event of the
    // hand-over's own transaction (one sync batch), not only a local approval_log row.
    const events = db
      .prepare(
        `SELECT seq, type, actor_staff_id, case_ref, tx_seq, payload FROM case_event
         WHERE type IN ('hand-over', 'second-person-approved') ORDER BY seq`,
      )
      .all() as {
      seq: number;
      type: string;
      actor_staff_id: string;
      case_ref: string;
      tx_seq: number | null;
      payload: string;
    }[];
    expect(events.map((e) => [e.type, e.actor_staff_id, e.case_ref])).toEqual([
      ['hand-over', 'clerk1', handoverCase.applicationId],
      ['second-person-approved', 'clerk1', handoverCase.applicationId],
    ]);
    const [handedOver, approved] = events;
    expect(approved?.tx_seq).toBe(handedOver?.seq);
    expect(JSON.parse(approved?.payload ?? '{}')).toMatchObject({
      step: 'hand-over',
      cardSerial,
      revocationList: 'stale-overridden',
      approval: {
        staffId: 'clerk1',
        supervisorId: 'super1',
        supervisorRole: 'supervisor',
        reason: 'central unreachable since this morning',
      },
    });
    // No secret in any log line.
    const logged = JSON.stringify(records);
    for (const value of Object.values(SECRETS)) expect(logged).not.toContain(value);
  });

  it("refuses another person's card and records nothing", async () => {
    const { service, handoverCase, count, store } = await setup({ myNumber: '123456789018' });
    const { cardSerial } = handoverCase;
    service.open(cardSerial);
    await expect(service.proveCard(cardSerial, CLERK_READER)).rejects.toMatchObject({
      code: 'WRONG_CARD',
    });
    expect(service.get(cardSerial)?.cardProved).toBe(false);
    expect(store.getCard(cardSerial)?.state).toBe('in-custody');
    expect(count('SELECT count(*) FROM handover')).toBe(0);
  });
});

describe('the recheck', () => {
  it('says PIN_BLOCKED when a secret got locked after it was set', async () => {
    const { service, handoverCase, card } = await setup();
    const { cardSerial } = handoverCase;
    service.open(cardSerial);
    service.recordIdentity(cardSerial, { attendee: 'holder', documents: ['a-passport'] });
    await service.proveCard(cardSerial, CLERK_READER);
    service.requestPins(cardSerial, CLERK_READER);
    await service.applicantSetPins({ ...SECRETS });
    const direct = new MyNumberCard(virtualCardChannel(card, CLERK_READER));
    for (let i = 0; i < 3; i += 1) {
      await direct.verify('jpkiAuth', new TextEncoder().encode('0000')).catch(() => undefined);
    }
    await expect(service.recheck(cardSerial, CLERK_READER)).rejects.toMatchObject({
      code: 'PIN_BLOCKED',
    });
    expect(service.get(cardSerial)?.rechecked).toBe(false);
  });
});

describe('the applicant window guard', () => {
  const inner: Dispatch = (name) => Promise.resolve({ ok: true, value: name });
  const guarded = guardApplicantWindow(inner);

  it('lets only the applicant window send the PINs, and the applicant window nothing else', async () => {
    const clerk = 'app://counter/';
    const applicant = 'app://counter/#applicant';
    expect(await guarded('applicant.setPins', {}, applicant)).toEqual({
      ok: true,
      value: 'applicant.setPins',
    });
    expect(await guarded('applicant.setPins', {}, clerk)).toMatchObject({
      ok: false,
      error: { code: 'PERMISSION_DENIED' },
    });
    expect(await guarded('cases.search', {}, applicant)).toMatchObject({
      ok: false,
      error: { code: 'PERMISSION_DENIED' },
    });
    expect(await guarded('cases.search', {}, clerk)).toMatchObject({ ok: true });
  });
});

describe('the contract lists of a handover', () => {
  it('are the store’s own lists of attendees and identity documents', async () => {
    const { ATTENDEES, IDENTITY_DOCUMENTS } = await import('../../db/migrations/0020-cases');
    const { HANDOVER_ATTENDEES, IDENTITY_DOCUMENT_TYPES } = await import('../../preload/values');
    expect(HANDOVER_ATTENDEES).toEqual(ATTENDEES);
    expect(IDENTITY_DOCUMENT_TYPES).toEqual(IDENTITY_DOCUMENTS);
  });
});
