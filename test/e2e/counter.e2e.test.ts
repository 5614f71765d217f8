// The first vertical slice, walked as a clerk would (keyboard only): renderer in Debian's
// Chromium -> the contract -> the real services -> the encrypted store, with the reader
// indicator fed by the real pcscd and a virtual card in the vpcd reader.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ReaderManager } from '../../main/card/reader-manager';
import { createSmartcardPort } from '../../main/card/smartcard-port';
import { createMemoryLogger } from '../../main/log/logger';
import { insertPlaceholderCard } from '../harness/placeholder-card';
import { startPcscd, type PcscdHandle } from '../harness/pcscd';
import { launchBrowser, openCounter, type Counter } from './bridge';

const ADMIN = { staffId: 'admin01', displayName: '窓口 花子', password: 'counter-window-7' };

let browser: Browser;
let pcscd: PcscdHandle;
const open: Counter[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  [browser, pcscd] = await Promise.all([launchBrowser(), startPcscd()]);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((counter) => counter.close()));
});

afterAll(async () => {
  await browser?.close();
  await pcscd?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newTerminal(): string {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-'));
  dirs.push(dir);
  return dir;
}

async function start(
  dataDir: string,
  viewport?: { width: number; height: number },
): Promise<Counter> {
  const readers = new ReaderManager({ port: createSmartcardPort(), log: createMemoryLogger().log });
  const counter = await openCounter({
    browser,
    dataDir,
    readers,
    ...(viewport ? { viewport } : {}),
  });
  open.push(counter);
  return counter;
}

async function typeInto(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).focus();
  await page.keyboard.type(text);
}

async function enrolAdministrator(page: Page): Promise<void> {
  await page.getByTestId('screen-setup').waitFor();
  await typeInto(page, 'setup-staff-id', ADMIN.staffId);
  await page.keyboard.press('Tab');
  await page.keyboard.type(ADMIN.displayName);
  await page.keyboard.press('Tab');
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Tab');
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await page.getByTestId('screen-home').waitFor();
}

async function signIn(page: Page, password = ADMIN.password): Promise<void> {
  await typeInto(page, 'signin-staff-id', ADMIN.staffId);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

describe('first run and sign-in', () => {
  it('a new terminal asks for the first administrator, who is then signed in', async () => {
    const counter = await start(newTerminal());
    const { page } = counter;
    await page.getByTestId('screen-setup').waitFor();
    await page.getByRole('heading', { name: '最初の管理者アカウントを作成' }).waitFor();
    await counter.screenshot('setup-ja');
    await enrolAdministrator(page);
    await expect(page.getByTestId('staff-name').textContent()).resolves.toBe(ADMIN.displayName);
    await expect(page.getByTestId('staff-role').textContent()).resolves.toBe('管理者');
    expect(counter.services.auth.session()).toMatchObject({
      staffId: ADMIN.staffId,
      role: 'administrator',
    });
  });

  it('refuses a weak first password with the rule it broke, and creates no account', async () => {
    const counter = await start(newTerminal());
    const { page } = counter;
    await page.getByTestId('screen-setup').waitFor();
    await typeInto(page, 'setup-staff-id', ADMIN.staffId);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN.displayName);
    for (const field of ['setup-password', 'setup-password-confirmation'])
      await typeInto(page, field, 'short-pw');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('setup-password-error').textContent()).resolves.toContain(
      '12文字以上',
    );
    expect(counter.services.auth.needsFirstAdministrator()).toBe(true);
  });

  it('the sign-in screen speaks Japanese by default and English after the switch, which persists', async () => {
    const dataDir = newTerminal();
    const first = await start(dataDir);
    await enrolAdministrator(first.page);
    await first.page.getByTestId('sign-out').click();
    await first.page.getByTestId('screen-signin').waitFor();
    await first.page.getByRole('heading', { name: 'サインイン' }).waitFor();
    expect(await first.page.locator('html').getAttribute('lang')).toBe('ja');
    await first.screenshot('signin-ja');

    await first.page.getByTestId('language-en').focus();
    await first.page.keyboard.press('Enter');
    await first.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await first.page.locator('html').getAttribute('lang')).toBe('en');
    await first.screenshot('signin-en');
    await first.close();
    open.splice(open.indexOf(first), 1);

    // A restart of the app: a new process, the same terminal.
    const again = await start(dataDir);
    await again.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await again.page.evaluate(() => localStorage.length)).toBe(0);
  });

  it('a wrong password is refused and cleared; the fifth locks the account', async () => {
    const dataDir = newTerminal();
    const first = await start(dataDir);
    await enrolAdministrator(first.page);
    await first.page.getByTestId('sign-out').click();
    const { page } = first;
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await page.getByTestId('signin-staff-id').fill('');
      await signIn(page, `wrong-password-${attempt}`);
      // A scrypt verification per attempt: on a loaded 2-core machine that can take seconds.
      await expect
        .poll(() => page.getByTestId('signin-password').inputValue(), { timeout: 10_000 })
        .toBe('');
      await page
        .locator('[data-testid="form-error"][data-code="AUTH_INVALID_CREDENTIALS"]')
        .waitFor();
    }
    await page.getByTestId('signin-staff-id').fill('');
    await signIn(page, 'wrong-password-5');
    await page.locator('[data-testid="form-error"][data-code="AUTH_LOCKED_OUT"]').waitFor();
    await first.screenshot('signin-locked-ja');
    await page.getByTestId('signin-staff-id').fill('');
    await signIn(page);
    await page.locator('[data-testid="form-error"][data-code="AUTH_LOCKED_OUT"]').waitFor();
    expect(first.services.auth.session()).toBeNull();
  });

  it('the session lives in main: reloading the page keeps the clerk signed in', async () => {
    const counter = await start(newTerminal());
    await enrolAdministrator(counter.page);
    await counter.page.reload();
    await counter.page.getByTestId('screen-home').waitFor();
    await counter.page.getByTestId('sign-out').click();
    await counter.page.getByTestId('screen-signin').waitFor();
    expect(counter.services.auth.session()).toBeNull();
  });
});

describe('the reader indicator', () => {
  it('turns to "card present" when a card is inserted and back when it is removed', async () => {
    const counter = await start(newTerminal());
    const { page } = counter;
    await enrolAdministrator(page);
    const reader = page.locator('[data-testid="reader-row"][data-reader="Virtual PCD 00 00"]');
    await reader.and(page.locator('[data-state="empty"]')).waitFor();

    const card = await insertPlaceholderCard(pcscd.ports[0] ?? 0);
    await reader.and(page.locator('[data-state="present"]')).waitFor();
    await expect(reader.textContent()).resolves.toContain('カードあり');
    await counter.screenshot('home-card-present-ja');

    await card.remove();
    await reader.and(page.locator('[data-state="empty"]')).waitFor();

    await page.getByTestId('language-en').click();
    await page.getByRole('heading', { name: 'No case open' }).waitFor();
    await counter.screenshot('home-en');
  });

  it('shows that the smart-card service stopped, and the readers again when it is back', async () => {
    const counter = await start(newTerminal());
    const { page } = counter;
    await enrolAdministrator(page);
    const status = page.getByTestId('reader-status');
    await status.and(page.locator('[data-service="running"]')).waitFor();
    await pcscd.stop();
    await status.and(page.locator('[data-service="unavailable"]')).waitFor();
    await expect(status.textContent()).resolves.toContain('ICカードサービスが動いていません');
    await counter.screenshot('home-service-down-ja');
    await pcscd.start();
    await status
      .and(page.locator('[data-service="running"][data-readers="2"]'))
      .waitFor({ timeout: 10_000 });
  });
});

describe('the bridge boundary', () => {
  it('refuses malformed input from the page before any service sees it', async () => {
    const counter = await start(newTerminal());
    await counter.page.getByTestId('screen-setup').waitFor();
    const result = await counter.page.evaluate(() =>
      (
        window as unknown as {
          madoguchi: { setup: { createFirstAdministrator(i: unknown): Promise<unknown> } };
        }
      ).madoguchi.setup.createFirstAdministrator({
        staffId: 'x'.repeat(5000),
        displayName: 42,
        password: 'counter-window-7',
        role: 'administrator',
      }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(counter.services.auth.needsFirstAdministrator()).toBe(true);
  });

  it('refuses calls from a frame that is not the app', async () => {
    const counter = await start(newTerminal());
    const stranger = await counter.context.newPage();
    const result = await stranger.evaluate(() =>
      (
        window as unknown as { madoguchi: { auth: { session(): Promise<unknown> } } }
      ).madoguchi.auth.session(),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
  });

  it('the renderer cannot reach the network', async () => {
    const counter = await start(newTerminal());
    await counter.page.getByTestId('screen-setup').waitFor();
    const outcome = await counter.page.evaluate(() =>
      fetch('https://central.example/v1/outbox', { method: 'POST', body: 'x' }).then(
        () => 'sent',
        () => 'blocked',
      ),
    );
    expect(outcome).toBe('blocked');
  });

  it('writes no password to the store file or the logs', async () => {
    const dataDir = newTerminal();
    const counter = await start(dataDir);
    await enrolAdministrator(counter.page);
    await counter.close();
    open.splice(open.indexOf(counter), 1);
    const raw = readFileSync(join(dataDir, 'store.db'));
    expect(raw.includes(ADMIN.password)).toBe(false);
    expect(raw.includes(ADMIN.displayName)).toBe(false);
    expect(JSON.stringify(counter.logs)).not.toContain(ADMIN.password);
  });
});
