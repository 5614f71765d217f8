import { describe, expect, it } from 'vitest';
import { REQUIREMENTS } from '../../domain/case-lifecycle';
import { knownStore } from '../audit/testing';
import { createLogger } from '../log/logger';
import { CaseStore } from './case-store';
import { caseEventProblems } from './consistency';
import { seedCases } from './seed';
import { application, central, clerk } from './testing';

describe('cases and their events, as db check and the crash tests see them', () => {
  it('finds nothing wrong in cases recorded step by step or imported by the seeder', async () => {
    const { db } = knownStore();
    await seedCases(db, { cases: 40, seed: 2 });
    const store = new CaseStore({
      db,
      log: createLogger({ sink: () => undefined, level: 'error' }),
    });
    const { applicationId } = store.receiveApplication(application(), clerk);
    store.orderCard(applicationId, { cardSerial: 'C-1', expiryDate: null }, central, 1);
    store.recordCardTransition('C-1', 'start-production', central, new Set(REQUIREMENTS), 1);
    expect(caseEventProblems(db)).toEqual([]);
  });

  it('names a state changed without its event, and a case without any event', () => {
    const { db } = knownStore();
    const store = new CaseStore({
      db,
      log: createLogger({ sink: () => undefined, level: 'error' }),
    });
    const { applicationId, personId } = store.receiveApplication(application(), clerk);
    store.orderCard(applicationId, { cardSerial: 'C-1', expiryDate: null }, central, 1);
    db.prepare("UPDATE card SET state = 'in-production' WHERE card_serial = 'C-1'").run();
    db.prepare(
      `INSERT INTO application (application_id, person_id, kind, channel, received_at, office_code, status)
       VALUES ('A-SILENT', ?, 'new', 'counter', '2026-01-05T00:00:00Z', '131016', 'received')`,
    ).run(personId);
    expect(caseEventProblems(db)).toEqual([
      { kind: 'application-without-event', ref: 'A-SILENT' },
      { kind: 'card-state-not-its-event', ref: 'C-1' },
    ]);
  });
});
