// Sync in the app, end to end: a real central (HTTPS + mTLS on loopback, its own store), the
// terminal enrolled with it through `madoguchi terminal enroll` as the fault suite does, and
// the built renderer in Chromium on the real counter services. A clerk's loss report waits in
// the status bar until "sync now"; a handover of a card central suspended meanwhile comes back
// as a review item a supervisor closes with a note. Screens axe-checked and photographed in
// Japanese and English (test-results/screenshots/).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedOffice, suspendCards } from '../../central/admin';
import { createEnrollmentCode } from '../../central/enroll';
import { startCentral, type RunningCentral } from '../../central/server';
import { ReaderManager } from '../../main/card/reader-manager';
import { createSmartcardPort } from '../../main/card/smartcard-port';
import { REQUIREMENTS, type CaseEvent } from '../../domain/case-lifecycle';
import { cli } from '../../main/cli/testing';
import { createMemoryLogger } from '../../main/log/logger';
import { startPcscd, type PcscdHandle } from '../harness/pcscd';
import { expectAccessible } from './axe';
import { launchBrowser, openCounter, type Counter } from './bridge';
import { both, press, signInWith, typeInto } from './keyboard';

const PASSWORD = 'counter-window-7';
const OFFICE = '131016';
const CLERK = { staffId: 'clerk01', displayName: '窓口 太郎', role: 'clerk' as const };
const SUPERVISOR = { staffId: 'super01', displayName: '責任 一郎', role: 'supervisor' as const };
const ADMIN = { staffId: 'admin01', displayName: '管理 花子' };
const HOUR = 3_600_000;

vi.setConfig({ testTimeout: 180_000 });

let browser: Browser;
let pcscd: PcscdHandle;
const centrals: RunningCentral[] = [];
const open: Counter[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  [browser, pcscd] = await Promise.all([launchBrowser(), startPcscd()]);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((counter) => counter.close()));
  await Promise.all(centrals.splice(0).map((central) => central.close()));
});

afterAll(async () => {
  await browser?.close();
  await pcscd?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A central with two applications and their dispatched cards for the office. */
async function central(root: string): Promise<RunningCentral> {
  const running = await startCentral({ dataDir: join(root, 'central'), port: 0, name: 'Test' });
  centrals.push(running);
  seedOffice(running.store, { officeId: OFFICE, applications: 2, cards: 2, seed: 7 });
  return running;
}

/** `madoguchi db init` and `madoguchi terminal enroll` with a one-time code, as IT would. */
async function enroll(at: RunningCentral, dataDir: string): Promise<void> {
  expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
  const { code } = createEnrollmentCode(at.store, at.files, { officeId: OFFICE, mission: false });
  const enrolled = await cli(
    '--data-dir',
    dataDir,
    'terminal',
    'enroll',
    '--central',
    at.url,
    '--code',
    code,
  );
  expect(enrolled.stderr).toBe('');
  expect(enrolled.code).toBe(0);
}

function signIn(page: Page, staffId: string): Promise<void> {
  return signInWith(page, staffId, PASSWORD);
}

function pending(page: Page, count: number): Promise<void> {
  return page.locator(`[data-testid="sync-status"][data-pending="${count}"]`).waitFor();
}

function isoDaysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('sync with central', () => {
  it('a loss report waits until "sync now"; a handover of a card central suspended becomes a review item a supervisor closes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-sync-'));
    dirs.push(root);
    const dataDir = join(root, 'terminal');
    const centralRun = await central(root);
    await enroll(centralRun, dataDir);

    const readers = new ReaderManager({
      port: createSmartcardPort(),
      log: createMemoryLogger().log,
    });
    // Only the start-up sync and the button run: no timer or debounce races the assertions.
    const counter = await openCounter({
      browser,
      dataDir,
      readers,
      syncSchedule: { intervalMs: HOUR, debounceMs: HOUR },
    });
    open.push(counter);
    const { page, services } = counter;
    const { auth, db, cases } = services;
    await auth.createFirstAdministrator({ ...ADMIN, password: PASSWORD });
    await auth.createStaff({ ...CLERK, password: PASSWORD });
    await auth.createStaff({ ...SUPERVISOR, password: PASSWORD });
    auth.signOut();
    await page.getByTestId('screen-signin').waitFor();

    // The sync on start brought the office's two dispatched cards.
    await vi.waitFor(
      () =>
        expect(
          db.prepare("SELECT count(*) FROM card WHERE state = 'dispatched'").pluck().get(),
        ).toBe(2),
      { timeout: 30_000, interval: 200 },
    );
    const [lost, suspended] = db
      .prepare('SELECT card_serial AS serial, application_id AS app, version FROM card ORDER BY 1')
      .all() as { serial: string; app: string; version: number }[];
    if (!lost || !suspended) throw new Error('two cards');
    // Earlier counter work (the handover screen is another issue's): card 1 handed over,
    // card 2 through its arrival check.
    const clerk = { staffId: CLERK.staffId, role: 'clerk' as const };
    const all = new Set(REQUIREMENTS);
    const walk = (card: { serial: string; version: number }, steps: CaseEvent[]): number => {
      let version = card.version;
      for (const step of steps) {
        version = cases.recordCardTransition(card.serial, step, clerk, all, version).version;
      }
      return version;
    };
    walk(lost, ['receive', 'arrival-check-pass', 'hand-over']);
    const suspendedVersion = walk(suspended, ['receive', 'arrival-check-pass']);

    await signIn(page, CLERK.staffId);
    await pending(page, 5);
    await press(page, 'nav-sync');
    await page.getByTestId('screen-sync').waitFor();
    await press(page, 'sync-now');
    await pending(page, 0);

    // A loss report: suspended here at once, waiting in the outbox.
    await press(page, 'nav-find');
    await typeInto(page, 'find-input', lost.app, 80);
    await page.keyboard.press('Enter');
    await page.getByTestId('find-row').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-case').waitFor();
    await press(page, 'report-loss');
    await page.getByTestId('screen-loss').waitFor();
    await page.getByTestId('loss-reason-loss').locator('input').focus();
    await page.keyboard.press('Space');
    await typeInto(page, 'loss-occurred-on', isoDaysAgo(1));
    await typeInto(page, 'loss-place', '新宿駅西口');
    await page.keyboard.press('Enter');
    const banner = page.getByTestId('suspension-banner');
    await banner.and(page.locator('[data-sync="pending"]')).waitFor();
    // The suspension and its loss report: two events, shown as pending on every screen.
    await pending(page, 2);
    await expect(page.getByTestId('sync-pending').textContent()).resolves.toContain('2');

    await press(page, 'sync-open');
    await page.getByTestId('screen-sync').waitFor();
    await press(page, 'sync-now');
    await pending(page, 0);
    await page.locator('[data-testid="sync-history"] tr[data-result="ok"]').first().waitFor();

    // Back on the case: the suspension is acknowledged by central, no longer "once synced".
    await press(page, 'nav-find');
    await typeInto(page, 'find-input', lost.app, 80);
    await page.keyboard.press('Enter');
    await page.getByTestId('find-row').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await banner.and(page.locator('[data-sync="acknowledged"]')).waitFor();
    await expect(page.getByTestId('suspension-sync').textContent()).resolves.not.toContain(
      '送信待ち',
    );

    // Central suspends card 2 while the counter hands it over offline: a conflict (§3.7 A).
    suspendCards(centralRun.store, [suspended.serial], { status: 'suspended' });
    cases.recordCardTransition(suspended.serial, 'hand-over', clerk, all, suspendedVersion);
    await press(page, 'nav-sync');
    await page.getByTestId('screen-sync').waitFor();
    await press(page, 'sync-now');
    await pending(page, 0);
    const item = page.getByTestId('review-item');
    await item.waitFor();
    await expect(item.getAttribute('data-reason')).resolves.toContain('HANDOVER_OF_SUSPENDED_CARD');
    // A clerk sees the item but cannot close it.
    await expect(page.getByTestId('review-note').count()).resolves.toBe(0);
    await both(counter, 'sync-review', (p) => p.getByTestId('review-item').waitFor());

    // The supervisor closes it with a note.
    await press(page, 'sign-out');
    await page.getByTestId('screen-signin').waitFor();
    await signIn(page, SUPERVISOR.staffId);
    await press(page, 'sync-open');
    await page.getByTestId('screen-sync').waitFor();
    await press(page, 'review-resolve');
    await page.getByTestId('review-note-error').waitFor();
    await expectAccessible(page, 'sync review with error');
    await typeInto(page, 'review-note', 'カードを回収、申請者に連絡済み');
    await page.keyboard.press('Enter');
    await page.getByTestId('review-empty').waitFor();
    await both(counter, 'sync', (p) => p.getByTestId('review-empty').waitFor());
    expect(db.prepare('SELECT state, resolved_by, resolution FROM sync_review_item').all()).toEqual(
      [
        {
          state: 'resolved',
          resolved_by: SUPERVISOR.staffId,
          resolution: 'カードを回収、申請者に連絡済み',
        },
      ],
    );
  });
});
