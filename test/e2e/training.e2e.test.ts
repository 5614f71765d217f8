// Training mode's card flow end to end, as a new clerk practises it: the counter opened with
// training: true (its own practice store, TRAINING on every screen), its readers the in-process
// training readers (main/card/virtual/training-port.ts) with a virtual My Number Card put in by
// the trainer: no pcscd, no real reader, no real card. The reader indicator follows the card
// in and out exactly as with PC/SC. Keyboard only; axe and screenshots in Japanese and English.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyCard } from '../../main/card/mynumber/identify';
import { fixtureCard, testAnchors } from '../../main/card/mynumber/testing';
import { ReaderManager } from '../../main/card/reader-manager';
import { TRAINING_READERS, TrainingReaderPort } from '../../main/card/virtual/training-port';
import { createMemoryLogger } from '../../main/log/logger';
import { launchBrowser, openCounter, type Counter } from './bridge';
import { both, signInWith } from './keyboard';

const ADMIN = { staffId: 'trainer01', displayName: '研修 花子', password: 'counter-window-7' };
const READER = TRAINING_READERS[0] as string;

let browser: Browser;
let counter: Counter | undefined;
let root: string;

beforeAll(async () => {
  browser = await launchBrowser();
  root = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-training-'));
});

afterAll(async () => {
  await counter?.close();
  await browser?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('training mode with a virtual card', () => {
  it('shows the training reader and the card put in it, watermarked TRAINING, with no PC/SC at all', async () => {
    const port = new TrainingReaderPort();
    const readers = new ReaderManager({ port, log: createMemoryLogger().log });
    const dataDir = join(root, 'terminal');
    counter = await openCounter({ browser, dataDir, readers, training: true });
    const { page, services } = counter;
    // Only the practice store exists.
    expect(readdirSync(dataDir).sort()).toEqual(['store.key', 'training']);
    await services.auth.createFirstAdministrator(ADMIN);
    services.auth.signOut();
    await page.getByTestId('screen-signin').waitFor();
    await page.getByTestId('training-watermark').waitFor({ state: 'attached' });
    await signInWith(page, ADMIN.staffId, ADMIN.password);

    const reader = page.locator(`[data-testid="reader-row"][data-reader="${READER}"]`);
    await reader.and(page.locator('[data-state="empty"]')).waitFor();

    // The trainer puts a virtual card into training reader 1.
    const card = await fixtureCard('issued');
    port.insert(READER, card);
    await reader.and(page.locator('[data-state="present"]')).waitFor();
    await expect(reader.textContent()).resolves.toContain('カードあり');
    await expect(page.getByTestId('training-banner').textContent()).resolves.toContain(
      '研修モード',
    );
    await both(counter, 'training-card-present', async (p) => {
      await p.getByTestId('training-watermark').waitFor({ state: 'attached' });
      await reader.and(p.locator('[data-state="present"]')).waitFor();
    });

    // The workflows read that virtual card through the same seam as a PC/SC card: its
    // certificate chains to the test JPKI, accepted because this is training mode.
    const atr = Buffer.from(card.atr).toString('hex').toUpperCase();
    expect(readers.snapshot().readers).toContainEqual(
      expect.objectContaining({ name: READER, card: 'present', atr }),
    );
    const anchors = await testAnchors();
    const identity = await services.cardAccess.withCard(READER, (client) =>
      identifyCard(client, { anchors, at: new Date(), mode: 'training' }),
    );
    expect(identity).toMatchObject({
      readerName: READER,
      atr,
      authCertificate: { chain: { valid: true } },
    });

    port.remove(READER);
    await reader.and(page.locator('[data-state="empty"]')).waitFor();
  });
});
