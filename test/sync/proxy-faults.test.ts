// Each fault of the proxy, then all of them mixed, between two terminals and one central.
// After each: every event exactly once at central, no gap, chains valid, states agree.

import { describe, expect, it } from 'vitest';
import { seededRandom, type Fault } from '../harness/fault-proxy';
import {
  checkInvariants,
  counterApplications,
  createWorld,
  handOverAll,
  syncUntilDone,
  type World,
} from './world';

/** Two terminals with work pending: a few handovers and enough events for several batches. */
async function busyWorld(requestMs = 4_000): Promise<World> {
  const world = await createWorld({
    terminals: 2,
    proxy: true,
    requestMs,
    seed: { applications: 8, cards: 6 },
  });
  for (const t of world.terminals) {
    expect((await t.sync()).outcome).toEqual({ ok: true });
  }
  const [a, b] = world.terminals;
  if (!a || !b) throw new Error('two terminals');
  handOverAll(a, 3);
  handOverAll(b, 3);
  counterApplications(a, 300);
  counterApplications(b, 150);
  return world;
}

const SINGLE: Fault[] = [
  'drop-request',
  'drop-response',
  'duplicate',
  'replay-old',
  'truncate-request',
  'truncate-response',
  'stall',
  'status-500',
  'status-503',
  'status-429',
];

describe('sync through a faulty network', () => {
  it.each(SINGLE)(
    'survives %s on the first and half of the other batch uploads',
    async (fault) => {
      const world = await busyWorld(fault === 'stall' ? 1_000 : 4_000);
      const proxy = world.proxy;
      if (!proxy) throw new Error('proxy');
      const random = seededRandom(SINGLE.indexOf(fault) + 1);
      let puts = 0;
      // The first upload always meets the fault; after that, half of them at random.
      proxy.setDecide(({ method }) =>
        method === 'PUT' && (puts++ === 0 || random() < 0.5) ? fault : 'none',
      );
      const [a, b] = world.terminals;
      if (!a || !b) throw new Error('two terminals');
      await Promise.all([syncUntilDone(a), syncUntilDone(b)]);
      expect(proxy.counts[fault]).toBeGreaterThan(0);
      proxy.setDecide(() => 'none');
      await syncUntilDone(a);
      await checkInvariants(world);
    },
    90_000,
  );

  it('honours Retry-After and acknowledges nothing on 503', async () => {
    const world = await busyWorld();
    world.proxy?.setDecide(({ method }) => (method === 'PUT' ? 'status-503' : 'none'));
    const [a] = world.terminals;
    if (!a) throw new Error('terminal');
    const report = await a.sync();
    expect(report.outcome).toMatchObject({
      ok: false,
      kind: 'transient',
      code: 'SYNC_CENTRAL_UNAVAILABLE',
      retryAfterMs: 1_000,
    });
    expect(a.db.prepare('SELECT count(*) FROM outbox_ack').pluck().get()).toBe(0);
  }, 60_000);

  it('converges under a seeded mix of every fault on every request, both terminals at once', async () => {
    const world = await busyWorld(1_000);
    const proxy = world.proxy;
    if (!proxy) throw new Error('proxy');
    const random = seededRandom(20261122);
    proxy.setDecide(() => {
      if (random() < 0.6) return 'none';
      return SINGLE[Math.floor(random() * SINGLE.length)] as Fault;
    });
    const [a, b] = world.terminals;
    if (!a || !b) throw new Error('two terminals');
    await Promise.all([syncUntilDone(a, 80), syncUntilDone(b, 80)]);
    proxy.setDecide(() => 'none');
    await syncUntilDone(a);
    await syncUntilDone(b);
    await checkInvariants(world);
  }, 180_000);
});
