// A blocked PIN reset at the counter end to end, by keyboard: the built renderer in Chromium on
// the real counter services and encrypted store, the holder's card a virtual My Number Card
// (its user-authentication PIN blocked) behind real pcscd + vpcd. Identity check, the card's
// PIN counters read, the holder types the new PIN (never shown), a supervisor approves on the
// same terminal; then the card verifies the new PIN. What the clerk sees, and what the store
// recorded (the pin-reset event with both identities, in the outbox; approval_log).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ReaderManager } from '../../main/card/reader-manager';
import { createSmartcardPort } from '../../main/card/smartcard-port';
import { person } from '../../main/cases/testing';
import { caseWithCard } from '../../main/counter/testing';
import { createMemoryLogger } from '../../main/log/logger';
import { startPcscd, type PcscdHandle } from '../harness/pcscd';
import { insertVirtualCard, type InsertedMyNumberCard } from '../harness/virtual-card';
import { launchBrowser, openCounter, type Counter } from './bridge';
import { both, press, signInWith, typeInto } from './keyboard';

const PASSWORD = 'counter-window-7';
const CLERK = { staffId: 'clerk01', displayName: '窓口 太郎', role: 'clerk' as const };
const SUPERVISOR = { staffId: 'super01', displayName: '監督 次郎', role: 'supervisor' as const };
const ADMIN = { staffId: 'admin01', displayName: '管理 花子' };
// test/fixtures/cards/blocked-pins.json: this person's card, the auth PIN blocked.
const HOLDER = { myNumber: '100000000030', birthDate: '1975-07-30' };
const RESET_SECRET = 'ffeeddccbbaa99887766554433221100';
const NEW_PIN = '3917';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let browser: Browser;
let pcscd: PcscdHandle;
let counter: Counter;
let dataDir: string;
let inserted: InsertedMyNumberCard | null = null;

beforeAll(async () => {
  [browser, pcscd] = await Promise.all([launchBrowser(), startPcscd()]);
  dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-pin-reset-'));
  counter = await openCounter({
    browser,
    dataDir,
    readers: new ReaderManager({ port: createSmartcardPort(), log: createMemoryLogger().log }),
    // Central would serve the card's reset secret for this one reset; the test knows it.
    resetSecrets: () => Buffer.from(RESET_SECRET, 'hex'),
  });
  const { auth } = counter.services;
  await auth.createFirstAdministrator({ ...ADMIN, password: PASSWORD });
  await auth.createStaff({ ...CLERK, password: PASSWORD });
  await auth.createStaff({ ...SUPERVISOR, password: PASSWORD });
  auth.signOut();
  await counter.page.getByTestId('screen-signin').waitFor();
});

afterAll(async () => {
  await inserted?.remove();
  await counter?.close();
  await browser?.close();
  await pcscd?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function openCase(page: Page, applicationId: string): Promise<void> {
  await press(page, 'nav-find');
  await typeInto(page, 'find-input', applicationId);
  await page.keyboard.press('Enter');
  await page
    .locator(`[data-testid="screen-case"][data-application-id="${applicationId}"]`)
    .waitFor();
}

/** Ticks a checkbox or chooses a radio option from the keyboard. */
async function tick(page: Page, testId: string): Promise<void> {
  const target = page.getByTestId(testId);
  const input =
    (await target.evaluate((el) => el.tagName)) === 'INPUT' ? target : target.locator('input');
  await input.focus();
  await page.keyboard.press('Space');
}

describe('a PIN reset at the counter', () => {
  it('resets the blocked PIN with a supervisor, and the card then verifies the new PIN', async () => {
    const { page, services } = counter;
    const holderCase = caseWithCard(services.cases, 'handed-over', { person: person(HOLDER) });
    inserted = await insertVirtualCard(pcscd.readers[0]!, 'blocked-pins');
    await signInWith(page, CLERK.staffId, PASSWORD);
    await openCase(page, holderCase.applicationId);
    await press(page, 'reset-pin');
    await page.getByTestId('screen-pin-reset').waitFor();

    await tick(page, 'pin-reset-identity-attendee-holder');
    await tick(page, 'pin-reset-identity-document-a-driving-licence');
    await press(page, 'pin-reset-read');
    const authStatus = page.locator(
      '[data-testid="pin-reset-status"] [data-secret="user-authentication-pin"]',
    );
    await expect(authStatus.getAttribute('data-blocked')).resolves.toBe('true');
    // The blocked PIN is chosen for the reset.
    await expect(
      page.getByTestId('pin-reset-secret-user-authentication-pin').locator('input').isChecked(),
    ).resolves.toBe(true);

    // The holder types the new PIN: never shown on the clerk's screen.
    await typeInto(page, 'pin-reset-new', NEW_PIN);
    await typeInto(page, 'pin-reset-new-again', NEW_PIN);
    await expect(page.getByTestId('pin-reset-new').getAttribute('type')).resolves.toBe('password');
    await expect(page.locator('body').textContent()).resolves.not.toContain(NEW_PIN);
    await typeInto(page, 'pin-reset-approval-supervisor', SUPERVISOR.staffId);
    await typeInto(page, 'pin-reset-approval-password', PASSWORD);
    await typeInto(page, 'pin-reset-approval-reason', '暗証番号ロック、本人確認済み');
    await both(counter, 'pin-reset', (p) => p.getByTestId('pin-reset-status').waitFor());
    await press(page, 'pin-reset-submit');
    await page.getByTestId('pin-reset-done').waitFor();
    await both(counter, 'pin-reset-done', (p) => p.getByTestId('pin-reset-done').waitFor());

    // The card: the new PIN verifies (a fresh session through pcscd), the try counter full.
    const tries = await services.cardAccess.withCard(undefined, async (card) => {
      await card.verify('jpkiAuth', new TextEncoder().encode(NEW_PIN));
      return card.triesLeft('jpkiAuth');
    });
    expect(tries).toBe(3);

    // The store: one pin-reset event by the clerk naming the approving supervisor, in the
    // outbox, without the PIN; the approval in approval_log.
    const rows = services.db
      .prepare(
        `SELECT e.actor_staff_id, e.case_ref, e.payload,
                (SELECT count(*) FROM outbox_ack AS k WHERE k.seq = e.seq) AS acked
         FROM case_event AS e WHERE e.type = 'pin-reset'`,
      )
      .all() as { actor_staff_id: string; case_ref: string; payload: string; acked: number }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_staff_id: CLERK.staffId,
      case_ref: holderCase.applicationId,
      acked: 0,
    });
    expect(JSON.parse(rows[0]?.payload ?? '{}')).toMatchObject({
      secret: 'user-authentication-pin',
      documents: ['a-driving-licence'],
      approval: {
        staffId: CLERK.staffId,
        supervisorId: SUPERVISOR.staffId,
        reason: '暗証番号ロック、本人確認済み',
      },
    });
    expect(rows[0]?.payload).not.toContain(NEW_PIN);
    expect(
      services.db
        .prepare('SELECT action, staff_id, supervisor_id, outcome FROM approval_log')
        .all(),
    ).toEqual([
      {
        action: 'pin-reset',
        staff_id: CLERK.staffId,
        supervisor_id: SUPERVISOR.staffId,
        outcome: 'approved',
      },
    ]);
  });
});
