// Training mode's card flow end to end, as a new clerk practises it: the counter opened with
// training: true (its own practice store, TRAINING on every screen), its readers the in-process
// training readers (main/card/virtual/training-port.ts) with a virtual My Number Card put in by
// the trainer: no pcscd, no real reader, no real card. The reader indicator follows the card
// in and out exactly as with PC/SC, and the arrival check reads it into custody on the practice
// store. Keyboard only; axe and screenshots in Japanese and English.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { identifyCard } from '../../main/card/mynumber/identify';
import { fixtureCard, testAnchors } from '../../main/card/mynumber/testing';
import { ReaderManager } from '../../main/card/reader-manager';
import { TRAINING_READERS, TrainingReaderPort } from '../../main/card/virtual/training-port';
import { central, person } from '../../main/cases/testing';
import { caseWithCard } from '../../main/counter/testing';
import { createMemoryLogger } from '../../main/log/logger';
import { launchBrowser, openCounter, type Counter } from './bridge';
import { both, press, signInWith, typeInto } from './keyboard';

const ADMIN = { staffId: 'trainer01', displayName: '研修 花子', password: 'counter-window-7' };
const CLERK = { staffId: 'clerk01', displayName: '窓口 太郎', role: 'clerk' as const };
const READER = TRAINING_READERS[0] as string;

// test/fixtures/cards/new-card.json: a card fresh from production for this person.
const NEW_CARD_MY_NUMBER = '100000000021';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let browser: Browser;
const counters: Counter[] = [];
let root: string;

/** A training counter with its own practice store, its readers the training readers. */
async function trainingCounter(name: string) {
  const port = new TrainingReaderPort();
  const readers = new ReaderManager({ port, log: createMemoryLogger().log });
  const dataDir = join(root, name);
  const counter = await openCounter({ browser, dataDir, readers, training: true });
  counters.push(counter);
  return { counter, port, readers, dataDir };
}

beforeAll(async () => {
  browser = await launchBrowser();
  root = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-training-'));
});

afterAll(async () => {
  for (const counter of counters) await counter.close();
  await browser?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('training mode with a virtual card', () => {
  it('shows the training reader and the card put in it, watermarked TRAINING, with no PC/SC at all', async () => {
    const { counter, port, readers, dataDir } = await trainingCounter('indicator');
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

  it('walks the arrival check of a card read from the training reader into custody, on the practice store only', async () => {
    const { counter, port } = await trainingCounter('arrival');
    const { page, services } = counter;
    await services.auth.createFirstAdministrator(ADMIN);
    await services.auth.createStaff({ ...CLERK, password: ADMIN.password });
    services.auth.signOut();
    await page.getByTestId('screen-signin').waitFor();
    // A case of the practice store whose card central "dispatched" (as sync would record it).
    const made = caseWithCard(services.cases, 'ordered', {
      person: person({ myNumber: NEW_CARD_MY_NUMBER }),
    });
    let version = made.version;
    for (const event of ['start-production', 'dispatch'] as const) {
      version = services.cases.recordCardTransition(
        made.cardSerial,
        event,
        central,
        new Set(),
        version,
      ).version;
    }

    await signInWith(page, CLERK.staffId, ADMIN.password);
    await press(page, 'nav-arrival');
    await page.getByTestId('screen-arrival').waitFor();
    await typeInto(page, 'arrival-scan', made.cardSerial);
    await page.keyboard.press('Enter');
    await press(page, 'arrival-start');
    await page.locator('[data-testid="screen-arrival"][data-state="checking"]').waitFor();

    // The trainer puts that person's new card into training reader 1.
    port.insert(READER, await fixtureCard('new-card'));
    await page
      .locator(`[data-testid="reader-row"][data-reader="${READER}"][data-state="present"]`)
      .waitFor();
    await typeInto(page, 'arrival-card-serial', made.cardSerial);
    await page.getByTestId('arrival-face-intact').locator('input').focus();
    await page.keyboard.press('Space');
    await press(page, 'arrival-check');
    await page.locator('[data-testid="arrival-last"] [data-outcome="matched"]').waitFor();
    expect(services.cases.getCard(made.cardSerial)?.state).toBe('in-custody');
    await both(counter, 'training-arrival-checking', async (p) => {
      await p.getByTestId('training-watermark').waitFor({ state: 'attached' });
      await p.locator('[data-testid="arrival-last"] [data-outcome="matched"]').waitFor();
    });
    // The practice store recorded the step.
    expect(
      services.db
        .prepare("SELECT count(*) FROM case_event WHERE type = 'arrival-check-pass'")
        .pluck()
        .get(),
    ).toBe(1);
  });
});
