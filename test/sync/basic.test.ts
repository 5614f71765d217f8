import { describe, expect, it } from 'vitest';
import {
  checkInvariants,
  counterApplications,
  createWorld,
  handOverAll,
  syncUntilDone,
} from './world';

describe('sync between two terminals and central, no faults', () => {
  it('pulls the office’s applications and cards, uploads the counter’s work, and agrees', async () => {
    const world = await createWorld({ terminals: 2, seed: { applications: 6, cards: 4 } });
    const [a, b] = world.terminals;
    if (!a || !b) throw new Error('two terminals');
    const first = await a.sync();
    expect(first.outcome).toEqual({ ok: true });
    expect(a.db.prepare("SELECT count(*) FROM card WHERE state = 'dispatched'").pluck().get()).toBe(
      4,
    );
    counterApplications(a, 5);
    expect(handOverAll(a, 2)).toBe(2);
    counterApplications(b, 3);
    await syncUntilDone(a);
    await syncUntilDone(b);
    await syncUntilDone(a);
    await checkInvariants(world);
  }, 60_000);
});
