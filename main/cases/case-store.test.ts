import { readFileSync, existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedEvents,
  APPLICATION_KINDS,
  nextState,
  REQUIREMENTS,
  type Actor,
  type CardState,
  type Requirement,
} from '../../domain/case-lifecycle';
import type { Db } from '../../db/open';
import { tempStore } from '../../test/support/store';
import { verifyAuditChain } from '../audit/verify';
import { knownStore } from '../audit/testing';
import { createMemoryLogger } from '../log/logger';
import { CaseStore } from './case-store';
import { CaseError } from './errors';
import {
  administrator,
  application,
  central,
  clerk,
  person,
  supervisor,
  system,
  uniqueMyNumber,
} from './testing';

const EVERYTHING_CHECKED: ReadonlySet<Requirement> = new Set(REQUIREMENTS);
const NOTHING_CHECKED: ReadonlySet<Requirement> = new Set();

function caseStore(db: Db = tempStore()) {
  const { log, records } = createMemoryLogger();
  const store = new CaseStore({ db, log, now: () => new Date('2026-01-05T09:30:00.000Z') });
  return { db, store, records };
}

function count(db: Db, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** A new application whose card central has ordered, and taken to 'dispatched' if asked. */
function cardAt(store: CaseStore, state: 'ordered' | 'dispatched', serial: string) {
  const { applicationId } = store.receiveApplication(application(), clerk);
  store.orderCard(applicationId, { cardSerial: serial, expiryDate: '2036-04-01' }, central, 1);
  if (state === 'dispatched') {
    store.recordCardTransition(serial, 'start-production', central, NOTHING_CHECKED, 1);
    store.recordCardTransition(serial, 'dispatch', central, NOTHING_CHECKED, 2);
  }
  return { applicationId, version: state === 'ordered' ? 1 : 3 };
}

function refusal(action: () => unknown): { code: string; message: string; details?: unknown } {
  try {
    action();
  } catch (error) {
    if (error instanceof CaseError) {
      return error.details
        ? { code: error.code, message: error.message, details: error.details }
        : { code: error.code, message: error.message };
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

/** Makes every event append fail, as a full disk or a bug in the event code would. */
function breakTheAuditLog(db: Db): void {
  db.exec(
    "CREATE TEMP TRIGGER audit_log_broken BEFORE INSERT ON main.case_event BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END;",
  );
}

describe('receiving an application', () => {
  it('records the person, the application and one signed event together', () => {
    const { db, store } = caseStore();
    const input = application({ applicationId: '12345678901234567890123' });
    const received = store.receiveApplication(input, clerk);

    expect(received).toMatchObject({ seq: 1, applicationId: '12345678901234567890123' });
    expect(store.getApplication(received.applicationId)).toMatchObject({
      personId: received.personId,
      kind: 'new',
      channel: 'counter',
      status: 'received',
      version: 1,
    });
    const event = db.prepare('SELECT * FROM case_event').get() as Record<string, unknown>;
    expect(event).toMatchObject({
      type: 'application-received',
      case_ref: received.applicationId,
      actor_staff_id: 'clerk-01',
      actor_role: 'clerk',
    });
    expect(JSON.parse(event['payload'] as string)).toEqual({
      personId: received.personId,
      personCreated: true,
      kind: 'new',
      channel: 'counter',
      officeCode: '131016',
      receivedAt: '2026-01-05T09:00:00.000Z',
    });
    expect(verifyAuditChain(db)).toEqual({ ok: true, events: 1, lastSeq: 1 });
  });

  it('saves nothing at all when the event cannot be written', () => {
    const { db, store } = caseStore();
    breakTheAuditLog(db);
    expect(() => store.receiveApplication(application(), clerk)).toThrow(/audit log unavailable/);
    expect([count(db, 'person'), count(db, 'application'), count(db, 'case_event')]).toEqual([
      0, 0, 0,
    ]);
  });

  it('files a second application of a known person under the same person', () => {
    const { db, store } = caseStore();
    const someone = person();
    const first = store.receiveApplication(application({ person: someone }), clerk);
    const second = store.receiveApplication(
      application({ kind: 'reissue-loss', person: { ...someone, address: '大阪府' } }),
      clerk,
    );
    expect(second.personId).toBe(first.personId);
    expect(count(db, 'person')).toBe(1);
    expect(store.findByMyNumber(someone.myNumber)?.address).toBe(someone.address);
  });

  it('refuses a mistyped My Number without repeating it, and saves nothing', () => {
    const { db, store } = caseStore();
    const typo = `${uniqueMyNumber().slice(0, 11)}${'x'}`;
    const valid = uniqueMyNumber();
    const wrongDigit = `${valid.slice(0, 11)}${(Number(valid[11]) + 1) % 10}`;
    for (const myNumber of [typo, wrongDigit, valid.slice(1)]) {
      const refused = refusal(() =>
        store.receiveApplication(application({ person: person({ myNumber }) }), clerk),
      );
      expect(refused.code).toBe('MY_NUMBER_INVALID');
      expect(refused.message).not.toContain(myNumber);
    }
    expect(count(db, 'person')).toBe(0);
  });

  it('is not something an administrator can record', () => {
    const { db, store } = caseStore();
    expect(refusal(() => store.receiveApplication(application(), administrator)).code).toBe(
      'PERMISSION_DENIED',
    );
    expect(count(db, 'case_event')).toBe(0);
  });

  it('refuses a second application with the same application ID', () => {
    const { store } = caseStore();
    store.receiveApplication(application({ applicationId: 'A-1' }), clerk);
    expect(
      refusal(() => store.receiveApplication(application({ applicationId: 'A-1' }), clerk)).code,
    ).toBe('APPLICATION_ID_TAKEN');
  });
});

describe('a step of the card lifecycle', () => {
  it('moves the card and appends its event in one transaction', () => {
    const { db, store } = caseStore();
    const { applicationId, version } = cardAt(store, 'dispatched', 'C-1');
    const step = store.recordCardTransition(
      'C-1',
      'receive',
      clerk,
      new Set(['card-in-hand']),
      version,
    );

    expect(step).toEqual({ seq: 5, state: 'received', version: version + 1 });
    expect(store.getCard('C-1')).toMatchObject({ state: 'received', version: version + 1 });
    const event = db.prepare('SELECT * FROM case_event WHERE seq = 5').get() as Record<
      string,
      unknown
    >;
    expect(event).toMatchObject({
      type: 'receive',
      case_ref: applicationId,
      actor_role: 'clerk',
      case_version_seen: version,
    });
    expect(JSON.parse(event['payload'] as string)).toEqual({
      cardSerial: 'C-1',
      from: 'dispatched',
      to: 'received',
      established: ['card-in-hand'],
    });
  });

  it('leaves the card where it was when its event cannot be written', () => {
    const { db, store } = caseStore();
    const { version } = cardAt(store, 'dispatched', 'C-1');
    breakTheAuditLog(db);
    expect(() =>
      store.recordCardTransition('C-1', 'receive', clerk, EVERYTHING_CHECKED, version),
    ).toThrow(/audit log unavailable/);
    expect(store.getCard('C-1')).toMatchObject({ state: 'dispatched', version });
    expect(count(db, 'case_event')).toBe(4);
  });

  it('refuses, and writes nothing, when the step is wrong, the role is wrong, checks are missing or the screen is out of date', () => {
    const { db, store } = caseStore();
    const { version } = cardAt(store, 'dispatched', 'C-1');
    const refusals = [
      refusal(() =>
        store.recordCardTransition('C-1', 'hand-over', clerk, EVERYTHING_CHECKED, version),
      ),
      refusal(() =>
        store.recordCardTransition('C-1', 'receive', administrator, EVERYTHING_CHECKED, version),
      ),
      refusal(() => store.recordCardTransition('C-1', 'receive', clerk, NOTHING_CHECKED, version)),
      refusal(() =>
        store.recordCardTransition('C-1', 'receive', clerk, EVERYTHING_CHECKED, version - 1),
      ),
      refusal(() => store.recordCardTransition('C-9', 'receive', clerk, EVERYTHING_CHECKED, 1)),
    ];
    expect(refusals.map((r) => r.code)).toEqual([
      'CARD_STEP_NOT_ALLOWED',
      'PERMISSION_DENIED',
      'CARD_STEP_REQUIREMENTS_MISSING',
      'CASE_VERSION_STALE',
      'CASE_NOT_FOUND',
    ]);
    expect(refusals[2]?.details).toEqual([{ path: 'requirements', reason: 'card-in-hand' }]);
    expect(store.getCard('C-1')).toMatchObject({ state: 'dispatched', version });
    expect(count(db, 'case_event')).toBe(4);
  });

  it('keeps the audit sequence gapless across refused and failed steps', () => {
    const { db, store } = caseStore();
    const { version } = cardAt(store, 'dispatched', 'C-1');
    expect(() =>
      store.recordCardTransition('C-1', 'receive', clerk, NOTHING_CHECKED, version),
    ).toThrow(CaseError);
    breakTheAuditLog(db);
    expect(() =>
      store.recordCardTransition('C-1', 'receive', clerk, EVERYTHING_CHECKED, version),
    ).toThrow();
    db.exec('DROP TRIGGER temp.audit_log_broken');
    expect(
      store.recordCardTransition('C-1', 'receive', clerk, EVERYTHING_CHECKED, version).seq,
    ).toBe(5);
    expect(db.prepare('SELECT seq FROM case_event ORDER BY seq').pluck().all()).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(verifyAuditChain(db)).toEqual({ ok: true, events: 5, lastSeq: 5 });
  });

  it('logs the step without the card serial, the person or the My Number', () => {
    const { store, records } = caseStore();
    const someone = person();
    const { applicationId } = store.receiveApplication(application({ person: someone }), clerk);
    store.orderCard(applicationId, { cardSerial: 'C-1', expiryDate: null }, central, 1);
    store.recordCardTransition('C-1', 'start-production', central, NOTHING_CHECKED, 1);
    const logged = JSON.stringify(records);
    for (const secret of [
      someone.myNumber,
      someone.nameKanji,
      someone.nameKana,
      someone.address,
      'C-1',
    ]) {
      expect(logged).not.toContain(secret);
    }
    expect(records.map((r) => r.msg)).toEqual(['application received', 'card step recorded']);
  });
});

describe('finding a person by My Number', () => {
  it('finds exactly the person with that number, and nobody for an unknown one', () => {
    const { store } = caseStore();
    const people = [person(), person({ nameKanji: '窓口次郎', sex: 'male' }), person()];
    const ids = people.map(
      (p) => store.receiveApplication(application({ person: p }), clerk).personId,
    );
    expect(store.findByMyNumber(people[1]?.myNumber ?? '')).toMatchObject({
      personId: ids[1],
      nameKanji: '窓口次郎',
      sex: 'male',
    });
    expect(store.findByMyNumber(uniqueMyNumber())).toBeNull();
    expect(refusal(() => store.findByMyNumber('1234')).code).toBe('MY_NUMBER_INVALID');
  });

  it('finds nobody, and creates no secret, on a store with no persons yet', () => {
    const { db, store } = caseStore();
    expect(store.findByMyNumber(uniqueMyNumber())).toBeNull();
    expect(count(db, 'my_number_hmac_key')).toBe(0);
  });

  it('finds persons by kana prefix and by birth date', () => {
    const { store } = caseStore();
    store.receiveApplication(application({ person: person({ nameKana: 'ヤマダタロウ' }) }), clerk);
    store.receiveApplication(
      application({ person: person({ nameKana: 'ヤマモトハナ', birthDate: '1990-12-31' }) }),
      clerk,
    );
    store.receiveApplication(application({ person: person({ nameKana: 'ヤミ' }) }), clerk);
    expect(store.findByKanaPrefix('ヤマ').map((p) => p.nameKana)).toEqual([
      'ヤマダタロウ',
      'ヤマモトハナ',
    ]);
    expect(store.findByKanaPrefix('')).toEqual([]);
    expect(store.findByBirthDate('1990-12-31').map((p) => p.nameKana)).toEqual(['ヤマモトハナ']);
  });
});

describe('the store file on disk', () => {
  it('holds no My Number, name or address in clear, in the database or its WAL', () => {
    const { db, path } = knownStore();
    const { store } = caseStore(db);
    const someone = person({
      nameKanji: '秘密太郎',
      nameKana: 'ヒミツタロウ',
      nameLatin: 'HIMITSU TARO',
    });
    store.receiveApplication(application({ person: someone }), clerk);
    const secrets = [
      someone.myNumber,
      someone.nameKanji,
      someone.nameKana,
      someone.nameLatin ?? '',
      someone.address,
    ];
    const scan = () => {
      for (const file of [path, `${path}-wal`]) {
        if (!existsSync(file)) continue;
        const bytes = readFileSync(file);
        for (const secret of secrets) {
          expect({ file, secret, found: bytes.includes(Buffer.from(secret, 'utf8')) }).toEqual({
            file,
            secret,
            found: false,
          });
        }
      }
    };
    expect(existsSync(`${path}-wal`)).toBe(true);
    scan();
    db.pragma('wal_checkpoint(TRUNCATE)');
    scan();
  });
});

describe('any run of valid steps', () => {
  const ROLES: readonly Actor[] = ['clerk', 'supervisor', 'central', 'system'];
  const ACTOR = { clerk, supervisor, central, system, administrator } as const;

  it('keeps the card where the transition table says and the audit chain valid', () => {
    const { db, store } = caseStore();
    let cards = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...APPLICATION_KINDS),
        fc.array(fc.nat(), { maxLength: 12 }),
        (kind, choices) => {
          cards += 1;
          const serial = `P-${cards}`;
          const { applicationId } = store.receiveApplication(application({ kind }), clerk);
          store.orderCard(applicationId, { cardSerial: serial, expiryDate: null }, central, 1);
          let state: CardState = 'ordered';
          let version = 1;
          for (const choice of choices) {
            const options = ROLES.flatMap((role) =>
              allowedEvents(kind, state, role).map((event) => ({ role, event })),
            );
            const pick = options[choice % Math.max(options.length, 1)];
            if (!pick) break;
            const expected = nextState(kind, state, pick.event);
            if (!expected.ok) throw new Error('allowedEvents offered a step that does not exist');
            const step = store.recordCardTransition(
              serial,
              pick.event,
              ACTOR[pick.role],
              EVERYTHING_CHECKED,
              version,
            );
            expect(step.state).toBe(expected.to);
            state = step.state;
            version = step.version;
          }
          expect(store.getCard(serial)).toMatchObject({ state, version });
          expect(verifyAuditChain(db)).toMatchObject({ ok: true });
        },
      ),
      { numRuns: 60 },
    );
    const result = verifyAuditChain(db);
    expect(result).toEqual({
      ok: true,
      events: count(db, 'case_event'),
      lastSeq: count(db, 'case_event'),
    });
  });
});
