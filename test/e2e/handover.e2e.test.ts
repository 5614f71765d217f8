// Handover (交付) end to end, walked by keyboard as a clerk would: a real central (HTTPS + mTLS
// on loopback) dispatched the cards with their setup secrets wrapped to this terminal, the
// terminal enrolled with `madoguchi terminal enroll`, the built renderer in Chromium on the real
// counter services, and each case's card a virtual My Number Card behind real pcscd + vpcd,
// made for that case's person with the secret central holds for that card.
//
// The applicant-facing window is a second page of the same browser context on the #applicant
// route: the applicant types the four PINs there; the clerk's page only ever sees "set".
// Every step is axe-checked and photographed in Japanese and English (test-results/screenshots/).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedOffice } from '../../central/admin';
import { createEnrollmentCode } from '../../central/enroll';
import { startCentral, type RunningCentral } from '../../central/server';
import { REQUIREMENTS } from '../../domain/case-lifecycle';
import { ReaderManager } from '../../main/card/reader-manager';
import { createSmartcardPort } from '../../main/card/smartcard-port';
import { cli } from '../../main/cli/testing';
import { createMemoryLogger } from '../../main/log/logger';
import { backlog } from '../../main/sync/outbox';
import { revocationFreshness } from '../../main/sync/revocations';
import { startPcscd, type PcscdHandle } from '../harness/pcscd';
import {
  exampleProfile,
  insertVirtualCard,
  type InsertedMyNumberCard,
} from '../harness/virtual-card';
import { expectAccessible } from './axe';
import { launchBrowser, openCounter, SCREENSHOT_DIR, type Counter } from './bridge';
import { both, press, signInWith, typeInto } from './keyboard';

const PASSWORD = 'counter-window-7';
const OFFICE = '131016';
const CLERK = { staffId: 'clerk01', displayName: '窓口 太郎', role: 'clerk' as const };
const SUPERVISOR = { staffId: 'super01', displayName: '責任 一郎', role: 'supervisor' as const };
const ADMIN = { staffId: 'admin01', displayName: '管理 花子' };
const HOUR = 3_600_000;
const SIGNATURE_PASSWORD = 'MADO2026GUCHI';
const PIN = '4826';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

let browser: Browser;
let pcscd: PcscdHandle;
let central: RunningCentral;
let counter: Counter;
let root: string;
let inserted: InsertedMyNumberCard | null = null;
/** The office's dispatched cards, each walked to in-custody (the arrival check is B's screen). */
let cards: { serial: string; applicationId: string }[] = [];

beforeAll(async () => {
  [browser, pcscd] = await Promise.all([launchBrowser(), startPcscd()]);
  root = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-handover-'));
  const dataDir = join(root, 'terminal');
  central = await startCentral({ dataDir: join(root, 'central'), port: 0, name: 'Test' });
  seedOffice(central.store, { officeId: OFFICE, applications: 3, cards: 3, seed: 11 });
  expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
  const { code } = createEnrollmentCode(central.store, central.files, {
    officeId: OFFICE,
    mission: false,
  });
  const enrolled = await cli(
    '--data-dir',
    dataDir,
    'terminal',
    'enroll',
    '--central',
    central.url,
    '--code',
    code,
  );
  expect(enrolled.code).toBe(0);

  counter = await openCounter({
    browser,
    dataDir,
    readers: new ReaderManager({ port: createSmartcardPort(), log: createMemoryLogger().log }),
    syncSchedule: { intervalMs: HOUR, debounceMs: HOUR },
  });
  const { auth, db, cases } = counter.services;
  await auth.createFirstAdministrator({ ...ADMIN, password: PASSWORD });
  await auth.createStaff({ ...CLERK, password: PASSWORD });
  await auth.createStaff({ ...SUPERVISOR, password: PASSWORD });
  auth.signOut();

  // The start-up sync brings the office's cards (with their wrapped setup secrets) and a fresh
  // revocation list.
  await vi.waitFor(
    () =>
      expect(db.prepare("SELECT count(*) FROM card WHERE state = 'dispatched'").pluck().get()).toBe(
        3,
      ),
    { timeout: 60_000, interval: 200 },
  );
  await vi.waitFor(() => expect(revocationFreshness(db, new Date()).level).toBe('fresh'), {
    timeout: 30_000,
    interval: 200,
  });
  const rows = db
    .prepare(
      'SELECT card_serial AS serial, application_id AS applicationId, version FROM card ORDER BY 1',
    )
    .all() as { serial: string; applicationId: string; version: number }[];
  const clerk = { staffId: CLERK.staffId, role: 'clerk' as const };
  const all = new Set(REQUIREMENTS);
  for (const row of rows) {
    let version = row.version;
    for (const step of ['receive', 'arrival-check-pass'] as const) {
      version = cases.recordCardTransition(row.serial, step, clerk, all, version).version;
    }
  }
  cards = rows.map(({ serial, applicationId }) => ({ serial, applicationId }));
});

afterAll(async () => {
  await inserted?.remove();
  await counter?.close();
  await central?.close();
  await browser?.close();
  await pcscd?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The virtual card of `serial`, made for the person of `personOf`'s case (another's: a wrong card). */
async function putCardOnReader(serial: string, personOf = serial): Promise<void> {
  await inserted?.remove();
  inserted = null;
  const person = counter.services.db
    .prepare(
      `SELECT p.my_number AS myNumber, p.name_kanji AS name, p.birth_date AS birthDate,
              p.sex, p.address
       FROM card AS c JOIN application AS a ON a.application_id = c.application_id
       JOIN person AS p ON p.person_id = a.person_id WHERE c.card_serial = ?`,
    )
    .get(personOf) as {
    myNumber: string;
    name: string;
    birthDate: string;
    sex: 'male' | 'female';
    address: string;
  };
  const { secret, resetSecret } = central.store.getCard(serial) ?? {};
  if (!secret || !resetSecret) throw new Error('central holds no secrets for this card');
  const hex = Buffer.from(secret).toString('hex');
  const profile = await exampleProfile('new-card', {
    myNumber: person.myNumber,
    name: person.name.replace(' ', '\u3000'),
    birthDate: person.birthDate,
    sex: person.sex,
    address: person.address,
    cardSerial: serial,
    expiryDate: '2036-12-31',
    issuance: {
      initializationSecret: hex,
      // The card's own reset secret, as central serves it per reset (central/reset-secret.ts).
      resetSecret: Buffer.from(resetSecret).toString('hex'),
      initializationTriesLeft: 10,
      resetTriesLeft: 10,
    },
  } as never);
  inserted = await insertVirtualCard(pcscd.readers[0]!, profile);
}

async function openHandover(page: Page, applicationId: string): Promise<void> {
  await press(page, 'nav-find');
  await typeInto(page, 'find-input', applicationId, 60);
  await page.keyboard.press('Enter');
  await page.getByTestId('find-row').first().waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByTestId('screen-case').waitFor();
  await press(page, 'start-handover');
  await page.getByTestId('screen-handover').waitFor();
}

const atStep = (step: string) => (page: Page) =>
  page.locator(`[data-testid="screen-handover"][data-step="${step}"]`).waitFor();

async function recordIdentity(page: Page): Promise<void> {
  await page.getByTestId('handover-attendee-holder').locator('input').focus();
  await page.keyboard.press('Space');
  await page.getByTestId('handover-document-a-driving-licence').focus();
  await page.keyboard.press('Space');
  await press(page, 'handover-identity-submit');
  await atStep('card')(page);
}

async function applicantShot(applicant: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await applicant.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The four secrets, each twice; lower case is taken as capitals, as the card stores them. */
async function setPinsOn(applicant: Page): Promise<void> {
  await typeInto(applicant, 'applicant-signature-password', SIGNATURE_PASSWORD.toLowerCase());
  await typeInto(applicant, 'applicant-signature-password-confirm', SIGNATURE_PASSWORD);
  for (const secret of [
    'user-authentication-pin',
    'resident-registry-pin',
    'card-info-input-pin',
  ]) {
    await typeInto(applicant, `applicant-${secret}`, PIN);
    await typeInto(applicant, `applicant-${secret}-confirm`, PIN);
  }
  await press(applicant, 'applicant-submit');
  await applicant.getByTestId('applicant-done').waitFor({ timeout: 60_000 });
}

const count = (sql: string, ...args: unknown[]) =>
  counter.services.db
    .prepare(sql)
    .pluck()
    .get(...args) as number;

describe('handover', () => {
  it('the clerk walks every step by keyboard, the applicant sets the PINs on their own screen, and the card is handed over', async () => {
    const { page, context, origin, services } = counter;
    const [card] = cards;
    if (!card) throw new Error('a card');
    await putCardOnReader(card.serial);
    await signInWith(page, CLERK.staffId, PASSWORD);
    await openHandover(page, card.applicationId);
    await both(counter, 'handover-1-identity', atStep('identity'));
    // Not enough documents: the screen says what is missing before anything is recorded.
    await press(page, 'handover-identity-submit');
    await page
      .getByText(/A書類を1点|one document from list A/)
      .first()
      .waitFor();
    await recordIdentity(page);

    await both(counter, 'handover-2-card', atStep('card'));
    await press(page, 'handover-read-card');
    await atStep('face')(page);
    await both(counter, 'handover-3-face', atStep('face'));
    // The chip's photo is JPEG 2000: the screen says so; the printed name image is shown.
    await page.getByTestId('face-card-note').waitFor();
    await expect(page.getByTestId('face-card').locator('img').count()).resolves.toBe(1);
    await press(page, 'handover-face-match');
    await atStep('pins')(page);
    await both(counter, 'handover-4-pins', atStep('pins'));
    await press(page, 'handover-request-pins');
    await page.locator('[data-testid="handover-applicant-state"][data-state="waiting"]').waitFor();

    // The applicant's window: its own page on the applicant route, its own language switch.
    const applicant = await context.newPage();
    await applicant.goto(`${origin}/#applicant`);
    await applicant.locator('[data-testid="screen-applicant"][data-state="waiting"]').waitFor();
    await applicant.getByTestId('applicant-signature-password').waitFor();
    await expectAccessible(applicant, 'applicant (ja)');
    await applicantShot(applicant, 'handover-applicant-ja');
    // A sequence is explained as it is typed.
    await typeInto(applicant, 'applicant-user-authentication-pin', '1234');
    await applicant
      .getByTestId('applicant-user-authentication-pin-rules')
      .locator('[data-rule="sequence"].rules__item--bad')
      .waitFor();
    await applicant.getByTestId('applicant-language-en').focus();
    await applicant.keyboard.press('Enter');
    await applicant.locator('html[lang="en"]').waitFor();
    await expect(
      applicant.getByTestId('applicant-user-authentication-pin-rules').textContent(),
    ).resolves.toContain('Digits in a row');
    await expectAccessible(applicant, 'applicant (en)');
    await applicantShot(applicant, 'handover-applicant-en');
    await applicant.getByTestId('applicant-user-authentication-pin').fill('');

    await setPinsOn(applicant);
    await applicantShot(applicant, 'handover-applicant-done-en');

    // The clerk's screen learned "set", never a digit.
    await atStep('recheck')(page);
    await page.getByTestId('handover-pins-set').waitFor();
    const clerkHtml = await page.content();
    expect(clerkHtml).not.toContain(SIGNATURE_PASSWORD);
    expect(await page.locator('input[type="password"]').count()).toBe(0);
    await both(counter, 'handover-5-recheck', atStep('recheck'));
    await press(page, 'handover-recheck');
    await atStep('oldCard')(page);
    await both(counter, 'handover-6-old-card', atStep('oldCard'));
    await page.getByTestId('handover-old-card-collected').locator('input').focus();
    await page.keyboard.press('Space');
    await press(page, 'handover-old-card-submit');
    await atStep('commit')(page);
    await both(counter, 'handover-7-commit', atStep('commit'));
    const pendingBefore = backlog(services.db).pending;
    await press(page, 'handover-commit');
    await atStep('done')(page);
    await both(counter, 'handover-8-done', atStep('done'));
    await press(page, 'handover-print');
    await page.getByTestId('handover-receipt-saved').waitFor({ timeout: 60_000 });
    const receipt = join(root, 'terminal', 'reports', `handover-receipt-${card.serial}.pdf`);
    expect(readFileSync(receipt).subarray(0, 5).toString()).toBe('%PDF-');

    // The store: the card handed over, its handover row, its event in the audit chain and
    // waiting in the sync outbox, the draft gone.
    expect(services.cases.getCard(card.serial)?.state).toBe('handed-over');
    expect(
      services.db
        .prepare(
          'SELECT attendee, old_card_collected, handed_over_by FROM handover WHERE card_serial = ?',
        )
        .get(card.serial),
    ).toEqual({ attendee: 'holder', old_card_collected: 1, handed_over_by: CLERK.staffId });
    expect(
      services.db
        .prepare(
          "SELECT type, actor_staff_id AS actor FROM case_event WHERE case_ref = ? AND type = 'hand-over'",
        )
        .all(card.applicationId),
    ).toEqual([{ type: 'hand-over', actor: CLERK.staffId }]);
    expect(backlog(services.db).pending).toBeGreaterThan(pendingBefore);
    expect(count('SELECT count(*) FROM handover_draft WHERE card_serial = ?', card.serial)).toBe(0);
    expect(
      count(
        "SELECT count(*) FROM identity_check WHERE application_id = ? AND document = 'a-driving-licence'",
        card.applicationId,
      ),
    ).toBe(1);

    // The card now answers to the applicant's PINs.
    await services.cardAccess.withCard(undefined, async (onReader) => {
      await onReader.verify('jpkiAuth', new TextEncoder().encode(PIN));
      await onReader.verify('textPin', new TextEncoder().encode(PIN));
      await onReader.verify('jpkiSign', new TextEncoder().encode(SIGNATURE_PASSWORD));
    });
    // No secret in any log line.
    const logged = JSON.stringify(counter.logs);
    expect(logged).not.toContain(SIGNATURE_PASSWORD);
    await applicant.close();
  });

  it("refuses another person's card and records nothing", async () => {
    const { page, services } = counter;
    const [, card, other] = cards;
    if (!card || !other) throw new Error('cards');
    await putCardOnReader(card.serial, other.serial);
    await openHandover(page, card.applicationId);
    await recordIdentity(page);
    const events = count('SELECT count(*) FROM case_event');
    await press(page, 'handover-read-card');
    await page.locator('[data-testid="handover-error"][data-code="WRONG_CARD"]').waitFor();
    await both(counter, 'handover-wrong-card', async (p) => {
      await p.locator('[data-testid="handover-error"][data-code="WRONG_CARD"]').waitFor();
    });
    await atStep('card')(page);
    expect(services.cases.getCard(card.serial)?.state).toBe('in-custody');
    expect(count('SELECT count(*) FROM handover WHERE card_serial = ?', card.serial)).toBe(0);
    expect(count('SELECT count(*) FROM case_event')).toBe(events);
    expect(
      services.db
        .prepare('SELECT card_proved_at FROM handover_draft WHERE card_serial = ?')
        .pluck()
        .get(card.serial),
    ).toBeNull();
  });

  it('an interrupted handover resumes after a page reload; on a stale revocation list it commits only with a supervisor', async () => {
    const { page, context, origin, services } = counter;
    const [, , card] = cards;
    if (!card) throw new Error('a card');
    await putCardOnReader(card.serial);
    await openHandover(page, card.applicationId);
    await recordIdentity(page);
    await press(page, 'handover-read-card');
    await atStep('face')(page);

    await page.reload();
    await page.getByTestId('screen-home').waitFor();
    await openHandover(page, card.applicationId);
    // Back at the face comparison: the identity check and the card proof were kept; the face
    // images were not (nothing keeps them), so the card's face record is read again.
    await atStep('face')(page);
    await expect(
      page.getByTestId('handover-stepper-identity').getAttribute('class'),
    ).resolves.toContain('done');
    await page.getByTestId('handover-read-face').waitFor();
    await press(page, 'handover-read-face');
    await page.getByTestId('face-card').locator('img').waitFor();
    await press(page, 'handover-face-match');
    await atStep('pins')(page);

    await press(page, 'handover-request-pins');
    const applicant = await context.newPage();
    await applicant.goto(`${origin}/#applicant`);
    await applicant.getByTestId('applicant-signature-password').waitFor();
    await setPinsOn(applicant);
    await applicant.close();
    await atStep('recheck')(page);
    await press(page, 'handover-recheck');
    await atStep('oldCard')(page);

    // The terminal has been offline: its revocation list was received 60 days ago.
    services.db
      .prepare('UPDATE revocation_meta SET received_at = ?')
      .run(new Date(Date.now() - 60 * 86_400_000).toISOString());
    await page.getByTestId('handover-old-card-none').locator('input').focus();
    await page.keyboard.press('Space');
    await press(page, 'handover-old-card-submit');
    await atStep('commit')(page);
    await page.locator('[data-testid="handover-revocation"][data-level="stale"]').waitFor();
    await page.getByTestId('handover-override').waitFor();
    await both(counter, 'handover-7-commit-override', atStep('commit'));
    // Without the supervisor nothing is sent; the clerk cannot approve their own handover.
    await press(page, 'handover-commit');
    await page.getByTestId('handover-override-supervisor-error').waitFor();
    await typeInto(page, 'handover-override-supervisor', CLERK.staffId);
    await typeInto(page, 'handover-override-password', PASSWORD);
    await typeInto(page, 'handover-override-reason', '中央システムに接続できないため');
    await press(page, 'handover-commit');
    await page
      .locator('[data-testid="handover-error"][data-code="SECOND_PERSON_SAME_STAFF"]')
      .waitFor();
    expect(services.cases.getCard(card.serial)?.state).toBe('in-custody');
    await page.getByTestId('handover-override-supervisor').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await typeInto(page, 'handover-override-supervisor', SUPERVISOR.staffId);
    await typeInto(page, 'handover-override-password', PASSWORD);
    await press(page, 'handover-commit');
    await atStep('done')(page);
    await page.getByTestId('handover-overridden').waitFor();
    expect(services.cases.getCard(card.serial)?.state).toBe('handed-over');
    expect(
      services.db
        .prepare(
          "SELECT staff_id, supervisor_id, reason FROM approval_log WHERE action = 'revocation-override' AND outcome = 'approved'",
        )
        .all(),
    ).toEqual([
      {
        staff_id: CLERK.staffId,
        supervisor_id: SUPERVISOR.staffId,
        reason: '中央システムに接続できないため',
      },
    ]);
    expect(
      count(
        "SELECT count(*) FROM sync_review_item WHERE kind = 'handover-override' AND state = 'open'",
      ),
    ).toBe(1);
  });
});
