// Reinstating a suspended card end to end, by keyboard: the holder found the card and brings
// it to the counter. The built renderer in Chromium on the real counter services and encrypted
// store, the found card a virtual My Number Card behind real pcscd + vpcd. Identity checked
// again, the card read and its user-authentication PIN typed by the holder (never shown), a
// supervisor approves on the same terminal. What the clerk sees, and what the store recorded
// (the card handed over again, the suspension lifted, the reinstate step and the approval with
// both identities in one outbox batch; approval_log).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ReaderManager } from '../../main/card/reader-manager';
import { createSmartcardPort } from '../../main/card/smartcard-port';
import { person } from '../../main/cases/testing';
import { reportLoss } from '../../main/counter/loss';
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
// test/fixtures/cards/issued.json: this person's card, all PINs set (4826).
const HOLDER = { myNumber: '100000000013', birthDate: '1980-02-17' };
const PIN = '4826';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let browser: Browser;
let pcscd: PcscdHandle;
let counter: Counter;
let dataDir: string;
let inserted: InsertedMyNumberCard | null = null;

beforeAll(async () => {
  [browser, pcscd] = await Promise.all([launchBrowser(), startPcscd()]);
  dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-reinstate-'));
  counter = await openCounter({
    browser,
    dataDir,
    readers: new ReaderManager({ port: createSmartcardPort(), log: createMemoryLogger().log }),
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

describe('reinstating a suspended card', () => {
  it('lifts the suspension of a found card with identity, its PIN and a supervisor', async () => {
    const { page, services } = counter;
    const holderCase = caseWithCard(services.cases, 'handed-over', { person: person(HOLDER) });
    // Reported lost two days ago (the loss screen is walked in workflows.e2e.test.ts).
    const clerk = { staffId: CLERK.staffId, role: 'clerk' as const };
    const { suspensionId } = reportLoss(
      services.db,
      services.cases,
      {
        cardSerial: holderCase.cardSerial,
        expectedVersion: holderCase.version,
        reason: 'loss',
        occurredOn: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10),
        place: '駅の改札',
      },
      clerk,
      () => new Date(),
      createMemoryLogger().log,
    );
    inserted = await insertVirtualCard(pcscd.readers[0]!, 'issued');
    await signInWith(page, CLERK.staffId, PASSWORD);
    await openCase(page, holderCase.applicationId);
    await page.locator('[data-testid="card-row"][data-state="suspended"]').waitFor();
    await press(page, 'reinstate');
    await page.getByTestId('screen-reinstate').waitFor();

    // Without identity, PIN or approval: refused on the screen, nothing sent.
    await press(page, 'reinstate-submit');
    await page.getByTestId('reinstate-pin-error').waitFor();

    await tick(page, 'reinstate-identity-attendee-holder');
    await tick(page, 'reinstate-identity-document-b-health-insurance-card');
    await tick(page, 'reinstate-identity-document-b-pension-book');
    await typeInto(page, 'reinstate-pin', PIN);
    await expect(page.getByTestId('reinstate-pin').getAttribute('type')).resolves.toBe('password');
    // The clerk tries to approve their own step: refused, a second person is needed.
    await typeInto(page, 'reinstate-approval-supervisor', CLERK.staffId);
    await typeInto(page, 'reinstate-approval-password', PASSWORD);
    await typeInto(page, 'reinstate-approval-reason', '拾得されたカードを本人が持参');
    await press(page, 'reinstate-submit');
    await page.locator('[role="alert"][data-code="SECOND_PERSON_SAME_STAFF"]').waitFor();
    expect(services.cases.getCard(holderCase.cardSerial)?.state).toBe('suspended');

    await page.getByTestId('reinstate-approval-supervisor').fill('');
    await typeInto(page, 'reinstate-approval-supervisor', SUPERVISOR.staffId);
    await typeInto(page, 'reinstate-approval-password', PASSWORD);
    await typeInto(page, 'reinstate-pin', PIN);
    await both(counter, 'reinstate', (p) => p.getByTestId('reinstate-approval').waitFor());
    await press(page, 'reinstate-submit');
    await page.getByTestId('reinstate-done').waitFor();
    await both(counter, 'reinstate-done', (p) => p.getByTestId('reinstate-done').waitFor());
    await press(page, 'reinstate-back');
    await page.locator('[data-testid="card-row"][data-state="handed-over"]').waitFor();

    // The store: handed over again, the suspension lifted, the reinstate step and the approval
    // (both identities, the reason) in one sync batch of the outbox; approval_log.
    expect(services.cases.getCard(holderCase.cardSerial)?.state).toBe('handed-over');
    expect(
      services.db
        .prepare('SELECT lifted_at FROM suspension WHERE suspension_id = ?')
        .pluck()
        .get(suspensionId),
    ).not.toBeNull();
    const rows = services.db
      .prepare(
        `SELECT e.seq, e.type, e.actor_staff_id, e.payload, e.tx_seq,
                (SELECT count(*) FROM outbox_ack AS k WHERE k.seq = e.seq) AS acked
         FROM case_event AS e WHERE e.type IN ('reinstate', 'second-person-approved')
         ORDER BY e.seq`,
      )
      .all() as {
      seq: number;
      type: string;
      actor_staff_id: string;
      payload: string;
      tx_seq: number | null;
      acked: number;
    }[];
    expect(rows.map((r) => [r.type, r.actor_staff_id, r.acked])).toEqual([
      ['reinstate', CLERK.staffId, 0],
      ['second-person-approved', CLERK.staffId, 0],
    ]);
    expect(rows[1]?.tx_seq).toBe(rows[0]?.seq);
    expect(JSON.parse(rows[1]?.payload ?? '{}')).toMatchObject({
      step: 'reinstate',
      documents: ['b-health-insurance-card', 'b-pension-book'],
      approval: {
        staffId: CLERK.staffId,
        supervisorId: SUPERVISOR.staffId,
        reason: '拾得されたカードを本人が持参',
      },
    });
    expect(
      services.db
        .prepare('SELECT action, staff_id, supervisor_id, outcome FROM approval_log ORDER BY rowid')
        .all(),
    ).toEqual([
      {
        action: 'reinstate',
        staff_id: CLERK.staffId,
        supervisor_id: CLERK.staffId,
        outcome: 'same-staff',
      },
      {
        action: 'reinstate',
        staff_id: CLERK.staffId,
        supervisor_id: SUPERVISOR.staffId,
        outcome: 'approved',
      },
    ]);
  });
});
