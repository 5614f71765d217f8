// The checker the crash loop and the soak rely on: it passes a sound store and names each
// kind of half-written work (what a crash between two separate writes would leave).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempStore } from '../support/store';
import { tempDir } from '../support/temp-dir';
import { CaseStore } from '../../main/cases/case-store';
import { verifyAuditChain } from '../../main/audit/verify';
import { HandoverSteps } from '../../main/counter/handover';
import { SyncEngine } from '../../main/sync/engine';
import {
  CardMaker,
  ChainTail,
  caseInCustody,
  counterClerk,
  handOverOne,
  myNumberFor,
  reportLost,
  resumeDrafts,
  silent,
  storeProblems,
  type Terminal,
} from './counter-work';

async function terminal(): Promise<Terminal> {
  const db = tempStore();
  const store = new CaseStore({ db, log: silent });
  const now = () => new Date();
  return {
    db,
    store,
    handover: new HandoverSteps({ db, store, now, log: silent }),
    engine: new SyncEngine({ db, log: silent }),
    cards: await CardMaker.create(join(tempDir(), 'keys')),
    close: () => undefined,
  };
}

describe('the reliability checker', () => {
  it('passes handovers, resumed handovers and loss reports done through the services', async () => {
    const t = await terminal();
    const { cardSerial } = await handOverOne(t, myNumberFor(1, 1));
    reportLost(t, cardSerial);
    // A handover left after its first step, as a crash leaves it, is finished on resume.
    const halfDone = caseInCustody(t.store, myNumberFor(1, 2));
    t.handover.start(halfDone, counterClerk);
    expect(await resumeDrafts(t)).toBe(1);
    expect(t.store.getCard(halfDone)?.state).toBe('handed-over');
    expect(storeProblems(t.db)).toEqual([]);
    // The tail check agrees with the whole chain's, in steps.
    const tail = new ChainTail();
    expect(storeProblems(t.db, tail)).toEqual([]);
    await handOverOne(t, myNumberFor(1, 4));
    expect(tail.check(t.db)).toEqual(verifyAuditChain(t.db));
    expect(t.db.prepare('SELECT count(*) FROM handover').pluck().get()).toBe(3);
  });

  it('names a handover without its event, and a loss event without its suspension', async () => {
    const t = await terminal();
    const { cardSerial } = await handOverOne(t, myNumberFor(2, 1));
    reportLost(t, cardSerial);
    t.db.pragma('foreign_keys = OFF');
    t.db.prepare('DELETE FROM handover').run();
    t.db.prepare('DELETE FROM loss_report').run();
    t.db.prepare('DELETE FROM suspension').run();
    expect(storeProblems(t.db)).toEqual([
      `hand-over event without its handover: ${cardSerial}`,
      expect.stringMatching(/^loss event without its suspension: /),
    ]);
  });
});
