// The arrival check of dispatched cards (交付前設定) end to end, by keyboard as a clerk would:
// the built renderer in Chromium on the real counter services and encrypted store, the card a
// virtual My Number Card behind real pcscd + vpcd. A shipment of three on its delivery list:
// one card that matches its case (read on the reader, into custody), one that never comes out
// of the box (missing once the shipment is closed), one the office does not expect (extra).
// What the clerk sees, and what the store recorded (card state, signed events in the outbox).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ReaderManager } from '../../main/card/reader-manager';
import { createSmartcardPort } from '../../main/card/smartcard-port';
import type { CaseStore } from '../../main/cases/case-store';
import { central, person } from '../../main/cases/testing';
import { caseWithCard } from '../../main/counter/testing';
import { createMemoryLogger } from '../../main/log/logger';
import { startPcscd, type PcscdHandle } from '../harness/pcscd';
import { insertVirtualCard, type InsertedMyNumberCard } from '../harness/virtual-card';
import { launchBrowser, openCounter, type Counter } from './bridge';
import { both, press, signInWith, typeInto } from './keyboard';

const PASSWORD = 'counter-window-7';
const CLERK = { staffId: 'clerk01', displayName: '窓口 太郎', role: 'clerk' as const };
const ADMIN = { staffId: 'admin01', displayName: '管理 花子' };
// test/fixtures/cards/new-card.json: a card fresh from production for this person.
const NEW_CARD_MY_NUMBER = '100000000021';
const EXTRA = 'ZZ-NOT-OURS-01';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let browser: Browser;
let pcscd: PcscdHandle;
let counter: Counter;
let dataDir: string;
let inserted: InsertedMyNumberCard | null = null;

beforeAll(async () => {
  [browser, pcscd] = await Promise.all([launchBrowser(), startPcscd()]);
  dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-arrival-'));
  counter = await openCounter({
    browser,
    dataDir,
    readers: new ReaderManager({ port: createSmartcardPort(), log: createMemoryLogger().log }),
  });
  const { auth } = counter.services;
  await auth.createFirstAdministrator({ ...ADMIN, password: PASSWORD });
  await auth.createStaff({ ...CLERK, password: PASSWORD });
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

/** A case whose card central has dispatched to this office (as sync would record it). */
function dispatchedCase(store: CaseStore, myNumber: string) {
  const made = caseWithCard(store, 'ordered', { person: person({ myNumber }) });
  let version = made.version;
  for (const event of ['start-production', 'dispatch'] as const) {
    version = store.recordCardTransition(
      made.cardSerial,
      event,
      central,
      new Set(),
      version,
    ).version;
  }
  return made;
}

function events(type: string) {
  return counter.services.db
    .prepare(
      `SELECT e.seq, e.actor_staff_id, e.actor_role, e.case_ref, e.payload,
              (SELECT count(*) FROM outbox_ack AS k WHERE k.seq = e.seq) AS acked
       FROM case_event AS e WHERE e.type = ? ORDER BY e.seq`,
    )
    .all(type) as {
    seq: number;
    actor_staff_id: string;
    actor_role: string;
    case_ref: string;
    payload: string;
    acked: number;
  }[];
}

describe('the arrival check of a shipment', () => {
  it('takes the matching card into custody and flags the missing and the extra one', async () => {
    const { page, services } = counter;
    const matching = dispatchedCase(services.cases, NEW_CARD_MY_NUMBER);
    const missing = dispatchedCase(services.cases, '100000000030');
    await signInWith(page, CLERK.staffId, PASSWORD);
    await press(page, 'nav-arrival');
    await page.getByTestId('screen-arrival').waitFor();

    // The delivery list, from a keyboard-wedge scanner: a burst of keys and Enter, per card.
    for (const serial of [matching.cardSerial, missing.cardSerial, EXTRA]) {
      await typeInto(page, 'arrival-scan', serial);
      await page.keyboard.press('Enter');
    }
    await expect(page.getByTestId('arrival-list').getAttribute('data-count')).resolves.toBe('3');
    await both(counter, 'arrival-list', (p) => p.getByTestId('arrival-list').waitFor());
    await press(page, 'arrival-start');
    await page.locator('[data-testid="screen-arrival"][data-state="checking"]').waitFor();
    const item = (serial: string) =>
      page.locator(`[data-testid="arrival-item"][data-card-serial="${serial}"]`);
    await expect(item(EXTRA).getAttribute('data-outcome')).resolves.toBe('extra');

    // The matching card on the reader, its face serial scanned and its face looked at.
    inserted = await insertVirtualCard(pcscd.readers[0]!, 'new-card');
    await typeInto(page, 'arrival-card-serial', matching.cardSerial);
    // Without ticking the face check, Enter is refused with a message.
    await page.keyboard.press('Enter');
    await page.getByTestId('arrival-card-serial-error').waitFor();
    await page.getByTestId('arrival-face-intact').locator('input').focus();
    await page.keyboard.press('Space');
    await press(page, 'arrival-check');
    await page.locator('[data-testid="arrival-last"] [data-outcome="matched"]').waitFor();
    await expect(item(matching.cardSerial).getAttribute('data-outcome')).resolves.toBe('matched');
    expect(services.cases.getCard(matching.cardSerial)?.state).toBe('in-custody');
    await both(counter, 'arrival-checking', (p) =>
      p.locator('[data-testid="arrival-last"] [data-outcome="matched"]').waitFor(),
    );

    await press(page, 'arrival-close');
    await page.getByTestId('arrival-closed').waitFor();
    await expect(item(missing.cardSerial).getAttribute('data-outcome')).resolves.toBe('missing');
    for (const [outcome, count] of [
      ['matched', '1'],
      ['missing', '1'],
      ['extra', '1'],
    ] as const) {
      await expect(
        page.getByTestId(`arrival-count-${outcome}`).getAttribute('data-count'),
      ).resolves.toBe(count);
    }
    await both(counter, 'arrival-closed', (p) => p.getByTestId('arrival-closed').waitFor());

    // The store: the matching card's two steps by the clerk, in the sync outbox (not acked yet);
    // the missing card flagged on its case and still dispatched; nothing for the extra one.
    expect(services.cases.getCard(missing.cardSerial)?.state).toBe('dispatched');
    for (const type of ['receive', 'arrival-check-pass']) {
      const [event] = events(type);
      expect(event).toMatchObject({
        case_ref: matching.applicationId,
        actor_staff_id: CLERK.staffId,
        actor_role: 'clerk',
        acked: 0,
      });
    }
    const [flagged] = events('arrival-flagged');
    expect(flagged).toMatchObject({ case_ref: missing.applicationId, acked: 0 });
    expect(JSON.parse(flagged?.payload ?? '{}')).toMatchObject({
      cardSerial: missing.cardSerial,
      flag: 'missing',
    });
    expect(
      services.db
        .prepare('SELECT count(*) FROM case_event WHERE payload LIKE ?')
        .pluck()
        .get(`%${EXTRA}%`),
    ).toBe(0);
    // No My Number reached an event payload.
    expect(
      services.db
        .prepare('SELECT count(*) FROM case_event WHERE payload LIKE ?')
        .pluck()
        .get(`%${NEW_CARD_MY_NUMBER}%`),
    ).toBe(0);
  });
});
