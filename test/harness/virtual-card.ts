// Inserts a virtual My Number Card into a vpcd reader of the test pcscd: the real card
// stack (pcscd, vpcd, any PC/SC client) talking to main/card/virtual/card.ts. Profiles are
// the examples in test/fixtures/cards/ by name, or a profile object.

import { readFile } from 'node:fs/promises';
import { ReaderManager } from '../../main/card/reader-manager';
import { createSmartcardPort } from '../../main/card/smartcard-port';
import { createMemoryLogger } from '../../main/log/logger';
import type { VirtualMyNumberCard } from '../../main/card/virtual/card';
import { createVirtualCard, type VirtualCardOptions } from '../../main/card/virtual/create';
import { fixtureJpki, fixtureKeys } from './card-keys';
import { parseCardProfile, type CardProfile } from '../../main/card/virtual/profile';
import { insertIntoVpcd, type InsertedVirtualCard } from '../../main/card/virtual/vpcd-connector';
import type { VirtualReader } from './pcscd';

export const CARD_FIXTURES = 'test/fixtures/cards';

/** An example profile from test/fixtures/cards/, with changes on top. */
export async function exampleProfile(
  name: string,
  changes: Partial<CardProfile> = {},
): Promise<CardProfile> {
  const data: unknown = JSON.parse(await readFile(`${CARD_FIXTURES}/${name}.json`, 'utf8'));
  return { ...parseCardProfile(data, name), ...changes };
}

export interface InsertedMyNumberCard extends InsertedVirtualCard {
  readonly card: VirtualMyNumberCard;
}

/** Inserts a virtual card into `reader` (one of startPcscd()'s readers), once pcscd sees it. */
export async function insertVirtualCard(
  reader: VirtualReader,
  profile: CardProfile | string,
  options?: VirtualCardOptions,
): Promise<InsertedMyNumberCard> {
  const card = await createVirtualCard(
    typeof profile === 'string' ? await exampleProfile(profile) : profile,
    options ?? { keys: fixtureKeys, jpki: await fixtureJpki() },
  );
  let inserted: InsertedVirtualCard | undefined;
  await untilReaderShows(reader, 'present', async () => {
    inserted = await insertIntoVpcd(card, { port: reader.port });
  });
  return { ...(inserted as InsertedVirtualCard), card };
}

/**
 * Runs `action` and resolves once pcscd reports `reader` with a card present or empty, so
 * the next PC/SC client (OpenSC, our own) never races vpcd's polling.
 */
export async function untilReaderShows(
  reader: VirtualReader,
  card: 'present' | 'empty',
  action: () => Promise<void> = async () => undefined,
): Promise<void> {
  const manager = new ReaderManager({
    port: createSmartcardPort(),
    log: createMemoryLogger().log,
  });
  try {
    const seen = new Promise<void>((resolve) =>
      manager.onChange((snapshot) => {
        if (snapshot.readers.some((r) => r.name === reader.name && r.card === card)) resolve();
      }),
    );
    manager.start();
    await action();
    await seen;
  } finally {
    await manager.stop();
  }
}
