// The counter workflows, walked as a clerk would (keyboard only) in Debian's Chromium against
// the real services and the real encrypted store: what the clerk sees, and what the store
// recorded (state, audit event in case_event, the sync outbox). Every screen is checked with
// axe and photographed in Japanese and English (test-results/screenshots/).

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ReaderManager } from '../../main/card/reader-manager';
import { createSmartcardPort } from '../../main/card/smartcard-port';
import { CaseStore } from '../../main/cases/case-store';
import { seedCases, syntheticMyNumber } from '../../main/cases/seed';
import { caseWithCard } from '../../main/counter/testing';
import { createMemoryLogger } from '../../main/log/logger';
import { startPcscd, type PcscdHandle } from '../harness/pcscd';
import { expectAccessible } from './axe';
import { launchBrowser, openCounter, type Counter } from './bridge';
import { both, press, signInWith, typeInto } from './keyboard';

const PASSWORD = 'counter-window-7';
const CLERK = { staffId: 'clerk01', displayName: '窓口 太郎', role: 'clerk' as const };
const ADMIN = { staffId: 'admin01', displayName: '管理 花子' };

// Each workflow photographs and axe-checks every screen in two languages: minutes, not seconds.
vi.setConfig({ testTimeout: 120_000 });

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

async function start(
  options: { idleLockSeconds?: number; training?: boolean } = {},
): Promise<Counter> {
  const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-'));
  dirs.push(dataDir);
  const readers = new ReaderManager({ port: createSmartcardPort(), log: createMemoryLogger().log });
  const counter = await openCounter({ browser, dataDir, readers, ...options });
  open.push(counter);
  // Enrolment of the terminal's staff is not what these tests walk: done through the service.
  const { auth } = counter.services;
  await auth.createFirstAdministrator({ ...ADMIN, password: PASSWORD });
  await auth.createStaff({ ...CLERK, password: PASSWORD });
  auth.signOut();
  await counter.page.getByTestId('screen-signin').waitFor();
  return counter;
}

/** Focus an element by test ID (as Tab would reach it) and press a key. */
function signIn(page: Page, staffId = CLERK.staffId): Promise<void> {
  return signInWith(page, staffId, PASSWORD);
}

function events(counter: Counter, type: string) {
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

function isoDaysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('sign-in and session', () => {
  it('an idle session counts down and locks in main; only the same clerk unlocks it', async () => {
    const counter = await start({ idleLockSeconds: 8 });
    const { page, services } = counter;
    await signIn(page);
    await page.getByTestId('screen-find').waitFor();
    await page.getByTestId('idle-warning').waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('idle-warning').textContent()).resolves.toMatch(/あと\d+秒/);
    await counter.screenshot('idle-warning-ja');

    await page.getByTestId('screen-locked').waitFor({ timeout: 15_000 });
    expect(services.auth.session()).toMatchObject({ staffId: CLERK.staffId, locked: true });
    await expect(page.getByTestId('screen-home').isHidden()).resolves.toBe(true);
    // Main refuses the work while locked, whatever the page asks.
    const refused = await page.evaluate(() =>
      (
        window as unknown as {
          madoguchi: {
            cases: { search(i: unknown): Promise<{ ok: boolean; error?: { code: string } }> };
          };
        }
      ).madoguchi.cases.search({ query: 'ヤマダ' }),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
    await both(counter, 'locked', (p) => p.getByTestId('screen-locked').waitFor());

    await typeInto(page, 'unlock-password', 'not-the-password');
    await page.keyboard.press('Enter');
    await page
      .locator('[data-testid="form-error"][data-code="AUTH_INVALID_CREDENTIALS"]')
      .waitFor();
    await typeInto(page, 'unlock-password', PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-find').waitFor();
    expect(services.auth.session()?.locked).toBe(false);
    const log = services.db
      .prepare('SELECT staff_id, kind FROM session_log ORDER BY seq')
      .all() as { staff_id: string; kind: string }[];
    expect(log.slice(-4)).toEqual([
      { staff_id: CLERK.staffId, kind: 'signed-in' },
      { staff_id: CLERK.staffId, kind: 'idle-locked' },
      { staff_id: CLERK.staffId, kind: 'unlock-refused' },
      { staff_id: CLERK.staffId, kind: 'unlocked' },
    ]);
  });

  it('an administrator sees no case work, and main refuses it', async () => {
    const counter = await start();
    const { page } = counter;
    await signIn(page, ADMIN.staffId);
    await page.getByTestId('home-empty').waitFor();
    await expect(page.getByTestId('nav-find').count()).resolves.toBe(0);
    const refused = await page.evaluate(() =>
      (
        window as unknown as {
          madoguchi: {
            cases: { search(i: unknown): Promise<{ ok: boolean; error?: { code: string } }> };
          };
        }
      ).madoguchi.cases.search({ query: 'ヤマダ' }),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    await both(counter, 'home-administrator', (p) => p.getByTestId('home-empty').waitFor());
  });
});

describe('find a case', () => {
  it('searches 100,000 cases, keeps only a window of rows in the page, reads a scanned barcode, and audits a revealed My Number', async () => {
    const counter = await start();
    const { page, services } = counter;
    const seedStarted = Date.now();
    const seeded = await seedCases(services.db, { cases: 100_000, seed: 7 });
    process.stdout.write(`seeded 100,000 cases in ${Date.now() - seedStarted} ms\n`);
    expect(seeded.cases).toBe(100_000);
    await signIn(page);

    // A broad kana prefix: thousands of matches, loaded a page at a time while scrolling.
    await typeInto(page, 'find-input', 'サ', 60);
    await page.keyboard.press('Enter');
    const status = page.locator('[data-testid="find-status"] [data-count]');
    await status.waitFor();
    await page.keyboard.press('ArrowDown');
    for (let i = 0; i < 8; i += 1) {
      await page.keyboard.press('End');
      await page.waitForTimeout(150);
    }
    await expect
      .poll(async () => Number(await status.getAttribute('data-count')), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(1000);
    const rowsInDom = await page.getByTestId('find-row').count();
    expect(rowsInDom).toBeGreaterThan(3);
    expect(rowsInDom).toBeLessThan(40);
    const activeRow = page.locator('[data-testid="find-row"][aria-selected="true"]');
    await expect(activeRow.isVisible()).resolves.toBe(true);
    await both(counter, 'find-results', (p) => p.getByTestId('find-row').first().waitFor());

    // The notice's barcode, from a keyboard-wedge scanner: a burst of keys and Enter.
    const target = services.db
      .prepare(
        `SELECT a.application_id, substr(a.application_id, 1) AS id, p.person_id
         FROM application AS a JOIN person AS p ON p.person_id = a.person_id
         ORDER BY a.application_id LIMIT 1 OFFSET 4321`,
      )
      .get() as { application_id: string; person_id: string };
    const caseNumber = services.db
      .prepare('SELECT my_number FROM person WHERE person_id = ?')
      .pluck()
      .get(target.person_id) as string;
    await page.getByTestId('find-input').fill('');
    await typeInto(page, 'find-input', target.application_id, 0);
    await page.keyboard.press('Enter');
    await page
      .locator(`[data-testid="screen-case"][data-application-id="${target.application_id}"]`)
      .waitFor();
    await expect(page.getByTestId('my-number-masked').textContent()).resolves.toBe(
      `•••• •••• ${caseNumber.slice(-4)}`,
    );
    await expect(page.locator('body').textContent()).resolves.not.toContain(caseNumber);
    await both(counter, 'case', (p) => p.getByTestId('case-application-id').waitFor());

    // Revealing the number needs a reason, shows it for a limited time, and is audited.
    await press(page, 'reveal-my-number');
    await page.keyboard.press('Tab'); // the confirm button, with no reason chosen
    await page.keyboard.press('Shift+Tab');
    await press(page, 'reveal-confirm');
    await page.getByRole('alert').getByText('表示する理由を選んでください。').waitFor();
    expect(events(counter, 'my-number-revealed')).toHaveLength(0);
    await page.getByTestId('reveal-reason-identity-check').locator('input').focus();
    await page.keyboard.press('Space');
    await press(page, 'reveal-confirm');
    await page.getByTestId('my-number-revealed').waitFor();
    const shown = (await page.getByTestId('my-number-revealed').textContent()) ?? '';
    expect(shown.replace(/\s/g, '')).toContain(caseNumber);
    expect(shown).toMatch(/あと\d+秒で隠れます/);
    await expectAccessible(page, 'case with My Number revealed');
    await counter.screenshot('case-revealed-ja');
    const [revealed] = events(counter, 'my-number-revealed');
    expect(revealed).toMatchObject({
      actor_staff_id: CLERK.staffId,
      case_ref: target.application_id,
    });
    expect(JSON.parse(revealed?.payload ?? '{}')).toMatchObject({
      reason: 'identity-check',
      personId: target.person_id,
    });
    expect(revealed?.payload).not.toContain(caseNumber);
    await press(page, 'hide-my-number');
    await page.getByTestId('my-number-masked').waitFor();

    // A clerk typing at human speed gets the results list, not a jump to the case.
    await press(page, 'case-back');
    await page.getByTestId('find-input').fill('');
    await typeInto(page, 'find-input', syntheticMyNumber(7, 10), 90);
    await page.keyboard.press('Enter');
    await page.getByTestId('find-row').first().waitFor();
    await expect(status.textContent()).resolves.toContain('個人番号で検索');
  }, 300_000);
});

describe('applications at the counter', () => {
  it('names each field to fix, then records a new application with its audit event', async () => {
    const counter = await start();
    const { page, services } = counter;
    await signIn(page);
    await press(page, 'nav-apply');
    await page.getByTestId('screen-apply').waitFor();
    await both(counter, 'apply', (p) => p.getByTestId('screen-apply').waitFor());

    await press(page, 'apply-submit');
    await page.locator('[data-testid="form-error"][data-code="VALIDATION_FAILED"]').waitFor();
    for (const id of [
      'apply-kind',
      'apply-name-kanji',
      'apply-name-kana',
      'apply-birth-date',
      'apply-sex',
      'apply-address',
      'apply-my-number',
    ]) {
      await page.getByTestId(`${id}-error`).waitFor();
    }
    await both(counter, 'apply-errors', (p) => p.getByTestId('apply-name-kana-error').waitFor());

    // Keyboard only, in tab order: the kind, the application ID (left empty), then the person.
    await page.getByTestId('apply-kind-new').locator('input').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('窓口 一郎');
    await page.keyboard.press('Tab');
    await page.keyboard.type('madoguchi'); // not katakana
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('MADOGUCHI ICHIRO');
    await page.keyboard.press('Tab');
    await page.keyboard.type('S55.2.17');
    await page.getByTestId('apply-birth-date-preview').waitFor();
    await expect(page.getByTestId('apply-birth-date-preview').textContent()).resolves.toContain(
      '昭和55年2月17日',
    );
    await page.getByTestId('apply-sex-male').locator('input').focus();
    await page.keyboard.press('Space');
    await typeInto(page, 'apply-address', '東京都千代田区霞が関二丁目一番二号');
    await typeInto(page, 'apply-my-number', '1234 5678 9019'); // wrong check digit
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('apply-name-kana-error').textContent())
      .toBe('フリガナは全角カタカナで入力してください。');
    await expect
      .poll(() => page.getByTestId('apply-my-number-error').textContent())
      .toBe('個人番号のチェックデジットが合いません。12桁をもう一度確認してください。');
    expect(services.db.prepare('SELECT count(*) FROM application').pluck().get()).toBe(0);

    await page.getByTestId('apply-name-kana').fill('');
    await typeInto(page, 'apply-name-kana', 'マドグチ イチロウ');
    await page.getByTestId('apply-my-number').fill('');
    await typeInto(page, 'apply-my-number', '1234 5678 9018');
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-apply-done').waitFor();
    const applicationId = (await page.getByTestId('apply-recorded-id').textContent()) ?? '';
    await both(counter, 'apply-done', (p) => p.getByTestId('screen-apply-done').waitFor());

    const recorded = services.cases.getApplication(applicationId);
    expect(recorded).toMatchObject({ kind: 'new', channel: 'counter', status: 'received' });
    const person = services.cases.findByMyNumber('123456789018');
    expect(person).toMatchObject({
      nameKanji: '窓口 一郎',
      nameKana: 'マドグチ イチロウ',
      nameLatin: 'MADOGUCHI ICHIRO',
      birthDate: '1980-02-17',
      sex: 'male',
    });
    const [event] = events(counter, 'application-received');
    expect(event).toMatchObject({
      actor_staff_id: CLERK.staffId,
      actor_role: 'clerk',
      case_ref: applicationId,
      acked: 0,
    });

    await press(page, 'apply-open-case');
    await page
      .locator(`[data-testid="screen-case"][data-application-id="${applicationId}"]`)
      .waitFor();
  });
});

describe('loss or theft', () => {
  it('suspends the card at once, shows it is not yet effective centrally, and starts a reissue', async () => {
    const counter = await start();
    const { page, services } = counter;
    const { applicationId, cardSerial } = caseWithCard(services.cases, 'handed-over');
    await signIn(page);
    await typeInto(page, 'find-input', applicationId, 80);
    await page.keyboard.press('Enter');
    await page.getByTestId('find-row').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-case').waitFor();
    await press(page, 'report-loss');
    await page.getByTestId('screen-loss').waitFor();
    await both(counter, 'loss', (p) => p.getByTestId('screen-loss').waitFor());

    await press(page, 'loss-submit');
    await page.getByTestId('loss-reason-error').waitFor();
    await expectAccessible(page, 'loss with errors');
    await counter.screenshot('loss-errors-ja');
    expect(services.cases.getCard(cardSerial)?.state).toBe('handed-over');

    await page.getByTestId('loss-reason-theft').locator('input').focus();
    await page.keyboard.press('Space');
    const yesterday = isoDaysAgo(1);
    await typeInto(page, 'loss-occurred-on', yesterday);
    await typeInto(page, 'loss-place', '新宿駅西口');
    await typeInto(page, 'loss-police', '第1234号');
    await page.keyboard.press('Enter');

    const banner = page.getByTestId('suspension-banner');
    await banner.and(page.locator('[data-sync="pending"]')).waitFor();
    await expect(banner.textContent()).resolves.toContain('中央システムへの送信待ち');
    await both(counter, 'case-suspended', (p) => p.getByTestId('suspension-banner').waitFor());

    expect(services.cases.getCard(cardSerial)?.state).toBe('suspended');
    const suspension = services.db
      .prepare(
        `SELECT s.reason, s.police_report_number, l.occurred_on, l.place, l.reported_by
         FROM suspension AS s JOIN loss_report AS l USING (suspension_id) WHERE s.card_serial = ?`,
      )
      .get(cardSerial);
    expect(suspension).toEqual({
      reason: 'theft',
      police_report_number: '第1234号',
      occurred_on: yesterday,
      place: '新宿駅西口',
      reported_by: CLERK.staffId,
    });
    const [suspend] = events(counter, 'suspend');
    expect(suspend).toMatchObject({
      actor_staff_id: CLERK.staffId,
      case_ref: applicationId,
      acked: 0,
    });
    expect(events(counter, 'loss-reported')).toHaveLength(1);

    await press(page, 'start-reissue');
    await page.getByTestId('screen-apply').waitFor();
    await press(page, 'apply-submit');
    await page.getByTestId('screen-apply-done').waitFor();
    const reissueId = (await page.getByTestId('apply-recorded-id').textContent()) ?? '';
    const original = services.cases.getApplication(applicationId);
    expect(services.cases.getApplication(reissueId)).toMatchObject({
      kind: 'reissue-loss',
      personId: original?.personId,
    });
  });
});

describe("the day's end", () => {
  it('counts the day, flags a difference in the safe, and prints and exports without My Numbers', async () => {
    const counter = await start();
    const { page, services } = counter;
    const { log } = createMemoryLogger();
    const longAgo = new CaseStore({
      db: services.db,
      log,
      now: () => new Date('2025-04-01T01:00:00Z'),
    });
    const overdue = caseWithCard(longAgo, 'in-custody');
    caseWithCard(services.cases, 'in-custody');
    caseWithCard(services.cases, 'ordered');
    await signIn(page);
    await press(page, 'nav-dayEnd');
    await page.getByTestId('screen-day-end').waitFor();
    await expect(page.getByTestId('count-applications').getAttribute('data-count')).resolves.toBe(
      '2',
    );
    await expect(page.getByTestId('list-uncollected').getAttribute('data-count')).resolves.toBe(
      '1',
    );
    await expect(
      page
        .locator(`[data-testid="list-uncollected"] [data-card-serial="${overdue.cardSerial}"]`)
        .count(),
    ).resolves.toBe(1);

    await typeInto(page, 'reconcile-count', '1');
    await page.keyboard.press('Enter');
    await page
      .getByTestId('reconcile-result')
      .and(page.locator('[data-difference="-1"]'))
      .waitFor();
    const count = services.db
      .prepare('SELECT expected, counted, staff_id FROM custody_reconciliation')
      .all();
    expect(count).toEqual([{ expected: 2, counted: 1, staff_id: CLERK.staffId }]);
    await both(counter, 'day-end', (p) => p.getByTestId('reconcile-history').waitFor());

    await press(page, 'print-day-report');
    await page.locator('[data-testid="day-end-saved"] [data-what="day-report"]').waitFor();
    await press(page, 'print-reminders');
    await page.locator('[data-testid="day-end-saved"] [data-what="reminder-letters"]').waitFor();
    // A bulk export needs a supervisor on the same terminal (two-person rule).
    await services.auth.createStaff({
      staffId: 'super01',
      displayName: '監督 次郎',
      role: 'supervisor',
      password: PASSWORD,
    });
    await press(page, 'export-csv');
    await typeInto(page, 'export-approval-supervisor', 'super01');
    await typeInto(page, 'export-approval-password', PASSWORD);
    await typeInto(page, 'export-approval-reason', '日次報告');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="day-end-saved"] [data-what="csv"]').waitFor();
    expect(
      services.db
        .prepare('SELECT action, staff_id, supervisor_id, outcome FROM approval_log')
        .all(),
    ).toEqual([
      {
        action: 'bulk-export',
        staff_id: CLERK.staffId,
        supervisor_id: 'super01',
        outcome: 'approved',
      },
    ]);
    await counter.screenshot('day-end-saved-ja');

    const dataDir = dirs.at(-1) ?? '';
    const today = isoDaysAgo(0);
    for (const file of [
      `reports/day-report-${today}.pdf`,
      `reports/reminder-letters-${today}.pdf`,
    ]) {
      const pdf = readFileSync(join(dataDir, file));
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    }
    expect(services.db.prepare('SELECT card_serial FROM reminder_letter').pluck().all()).toEqual([
      overdue.cardSerial,
    ]);
    const csvPath = join(dataDir, `exports/day-end-${today}.csv`);
    expect(existsSync(csvPath)).toBe(true);
    const csv = readFileSync(csvPath, 'utf8');
    expect(csv).toContain(overdue.cardSerial);
    expect(csv).toContain('reconciliation');
    expect(csv).not.toMatch(/\d{12}/);
  });
});

describe('training mode', () => {
  it('runs the same screens on a separate practice store, watermarked on every screen and printout', async () => {
    const counter = await start({ training: true });
    const { page, services } = counter;
    const dataDir = dirs.at(-1) ?? '';
    // The live store is never created; the practice store starts with synthetic cases.
    expect(readdirSync(dataDir).sort()).toEqual(['store.key', 'training']);
    expect(existsSync(join(dataDir, 'training', 'store.db'))).toBe(true);
    expect(services.db.prepare('SELECT count(*) FROM application').pluck().get()).toBe(2000);

    await page.getByTestId('training-watermark').waitFor({ state: 'attached' });
    await expect(page.getByTestId('training-banner').textContent()).resolves.toContain(
      '研修モード',
    );
    await counter.screenshot('training-signin-ja');
    await signIn(page);
    await typeInto(page, 'find-input', 'ヤ', 60);
    await page.keyboard.press('Enter');
    await page.getByTestId('find-row').first().waitFor();
    await both(counter, 'training-find', (p) =>
      p.getByTestId('training-watermark').waitFor({ state: 'attached' }),
    );

    await press(page, 'nav-dayEnd');
    await page.getByTestId('screen-day-end').waitFor();
    await press(page, 'print-day-report');
    await page.getByTestId('training-watermark-print').waitFor({ state: 'attached' });
    await page.locator('[data-testid="day-end-saved"] [data-what="day-report"]').waitFor();
    expect(
      existsSync(join(dataDir, 'training', 'reports', `day-report-${isoDaysAgo(0)}.pdf`)),
    ).toBe(true);
  });
});
