// The reader indicator against the real pcscd and vpcd driver, in the private namespace of
// test/harness/pcsc-namespace.sh. Every wait is on the manager's own events, with a deadline.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReaderSnapshot } from '../../preload/contract';
import {
  insertPlaceholderCard,
  PLACEHOLDER_ATR,
  type InsertedCard,
} from '../../test/harness/placeholder-card';
import { startPcscd, type PcscdHandle } from '../../test/harness/pcscd';
import { createMemoryLogger } from '../log/logger';
import { checkPcsc } from './pcsc-check';
import { ReaderManager } from './reader-manager';
import { createSmartcardPort } from './smartcard-port';

const FIRST = 'Virtual PCD 00 00';
const SECOND = 'Virtual PCD 00 01';
const ATR = PLACEHOLDER_ATR.toString('hex').toUpperCase();

/**
 * Resolves with the first snapshot (the current one included) that satisfies `wanted`.
 * On time-out the error carries what pcscd printed, for diagnosis.
 */
function snapshotWhere(
  manager: ReaderManager,
  wanted: (snapshot: ReaderSnapshot) => boolean,
  withinMs = 5000,
  pcscdOutput: () => string = () => '',
): Promise<ReaderSnapshot> {
  return new Promise((resolve, reject) => {
    if (wanted(manager.snapshot())) return resolve(manager.snapshot());
    const timer = setTimeout(() => {
      unsubscribe();
      const last = JSON.stringify(manager.snapshot());
      reject(
        new Error(
          `not seen within ${withinMs} ms; last snapshot ${last}; pcscd said:\n${pcscdOutput()}`,
        ),
      );
    }, withinMs);
    const unsubscribe = manager.onChange((snapshot) => {
      if (!wanted(snapshot)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(snapshot);
    });
  });
}

const bothReaders = (snapshot: ReaderSnapshot): boolean =>
  snapshot.service === 'running' && snapshot.readers.length === 2;
const idle = (snapshot: ReaderSnapshot): boolean =>
  bothReaders(snapshot) && snapshot.readers.every((reader) => reader.card === 'empty');
const cardIn = (name: string, state: string) => (snapshot: ReaderSnapshot) =>
  snapshot.readers.some((reader) => reader.name === name && reader.card === state);

describe('the reader indicator, with the real pcscd', () => {
  let pcscd: PcscdHandle;
  let manager: ReaderManager;
  const cards: InsertedCard[] = [];

  beforeAll(async () => {
    pcscd = await startPcscd();
    manager = new ReaderManager({ port: createSmartcardPort(), log: createMemoryLogger().log });
    manager.start();
  });

  // Each test starts at an idle counter: both readers there, no card in either.
  afterEach(async () => {
    await Promise.all(cards.splice(0).map((card) => card.remove()));
    await until(idle);
  });

  afterAll(async () => {
    await manager?.stop();
    await pcscd?.stop();
  });

  const until = (wanted: (snapshot: ReaderSnapshot) => boolean, withinMs?: number) =>
    snapshotWhere(manager, wanted, withinMs, () => pcscd.output());

  async function insert(port: number): Promise<InsertedCard> {
    const card = await insertPlaceholderCard(port);
    cards.push(card);
    return card;
  }

  it('lists both readers of the counter, empty', async () => {
    const snapshot = await until(bothReaders);
    expect(snapshot).toEqual({
      service: 'running',
      readers: [
        { name: FIRST, card: 'empty' },
        { name: SECOND, card: 'empty' },
      ],
    });
  });

  it('shows a card as present, with its ATR, once it is inserted', async () => {
    await insert(pcscd.ports[1] as number);
    const snapshot = await until(cardIn(SECOND, 'present'));
    expect(snapshot.readers).toEqual([
      { name: FIRST, card: 'empty' },
      { name: SECOND, card: 'present', atr: ATR },
    ]);
  });

  it('shows the reader empty again when the card is taken out, announcing each change once', async () => {
    const seen: ReaderSnapshot[] = [];
    const unsubscribe = manager.onChange((snapshot) => seen.push(snapshot));
    const card = await insert(pcscd.ports[0] as number);
    await until(cardIn(FIRST, 'present'));
    await card.remove();
    await until(cardIn(FIRST, 'empty'));
    unsubscribe();

    expect(seen.map((snapshot) => snapshot.readers[0])).toEqual([
      { name: FIRST, card: 'present', atr: ATR },
      { name: FIRST, card: 'empty' },
    ]);
  });

  it('says the smart-card service is unavailable when pcscd stops, and shows the readers again within 2 s of its start, without a new manager', async () => {
    await pcscd.stop();
    expect(await until((s) => s.service === 'unavailable')).toEqual({
      service: 'unavailable',
      readers: [],
    });

    await pcscd.start();
    expect(await until(bothReaders, 2000)).toMatchObject({ service: 'running' });
  });

  it('comes back by itself after pcscd crashes and is restarted, and sees cards inserted afterwards', async () => {
    const services: string[] = [];
    const unsubscribe = manager.onChange((snapshot) => services.push(snapshot.service));
    await pcscd.restart('SIGKILL');
    await until((s) => services.includes('unavailable') && bothReaders(s), 2000);
    unsubscribe();
    expect(services).toEqual(['unavailable', 'running']);

    await insert(pcscd.ports[0] as number);
    await until(cardIn(FIRST, 'present'));
  });
});

describe('madoguchi doctor’s smart-card check, with the real pcscd', () => {
  let pcscd: PcscdHandle | undefined;

  afterAll(async () => {
    await pcscd?.stop();
  });

  it('says the service is unavailable when pcscd is not running, without throwing', async () => {
    const result = await checkPcsc(2000);
    expect(result).toMatchObject({ ok: false, service: 'unavailable', readers: [] });
    expect(result.detail).toContain('SCARD_E_NO_SERVICE');
  });

  it('lists the readers and says in which one a card is', async () => {
    pcscd = await startPcscd();
    const manager = new ReaderManager({
      port: createSmartcardPort(),
      log: createMemoryLogger().log,
    });
    manager.start();
    const card = await insertPlaceholderCard(pcscd.ports[1] as number);
    try {
      await snapshotWhere(manager, cardIn(SECOND, 'present'));
      expect(await checkPcsc(2000)).toEqual({
        ok: true,
        service: 'running',
        readers: [
          { name: FIRST, cardPresent: false },
          { name: SECOND, cardPresent: true },
        ],
        detail: 'pcscd is running; 2 readers.',
      });
    } finally {
      await card.remove();
      await manager.stop();
    }
  });
});
