// Workflow 7, second half: a consular clerk reviews the overseas online applications central
// sent the mission. A real central (HTTPS + mTLS on loopback) seeds two overseas applications;
// the terminal, enrolled as a mission, pulls them on start. In the English UI and from the
// keyboard only, the clerk answers the eligibility questions from the 戸籍の附票, records the
// photo checklist, accepts one application and rejects the other with a reason. The test
// checks the screen, the store (status, review row, audit event waiting in the outbox) and,
// after "sync now", central's record of both decisions. Screens axe-checked and photographed
// in Japanese and English.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedOffice } from '../../central/admin';
import { createEnrollmentCode } from '../../central/enroll';
import { startCentral, type RunningCentral } from '../../central/server';
import { PHOTO_REQUIREMENTS } from '../../domain/application-photo';
import { ReaderManager } from '../../main/card/reader-manager';
import { createSmartcardPort } from '../../main/card/smartcard-port';
import { cli } from '../../main/cli/testing';
import { createMemoryLogger } from '../../main/log/logger';
import { startPcscd, type PcscdHandle } from '../harness/pcscd';
import { launchBrowser, openCounter, type Counter } from './bridge';
import { both, press, signInWith, typeInto } from './keyboard';

const PASSWORD = 'counter-window-7';
const MISSION = 'M-LONDON';
const CONSUL = { staffId: 'consul01', displayName: '領事 次郎', role: 'clerk' as const };
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

/** `madoguchi db init` and `madoguchi terminal enroll`, the terminal enrolled as a mission. */
async function enrollMission(at: RunningCentral, dataDir: string): Promise<void> {
  expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
  const { code } = createEnrollmentCode(at.store, at.files, { officeId: MISSION, mission: true });
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

/** Selects a radio option from the keyboard: focus it and press Space. */
async function pick(page: Page, group: string, option: string): Promise<void> {
  await page.getByTestId(`${group}-${option}`).locator('input').focus();
  await page.keyboard.press('Space');
}

/** The eligibility questions, as the 戸籍の附票 answers them for a Japanese national abroad. */
async function answerEligibility(page: Page, leftJapanOn: string): Promise<void> {
  await pick(page, 'review-nationality', 'japanese');
  await pick(page, 'review-residentRecordInJapan', 'no');
  await pick(page, 'review-onKosekiFuhyo', 'yes');
  await pick(page, 'review-departure', 'on-date');
  await typeInto(page, 'review-left-japan-on', leftJapanOn);
  await pick(page, 'review-honsekiKnown', 'yes');
  await pick(page, 'review-expressIssuance', 'no');
}

async function tickPhotoChecklist(page: Page): Promise<void> {
  for (const requirement of PHOTO_REQUIREMENTS) {
    await page.getByTestId(`review-photo-${requirement}`).locator('input').focus();
    await page.keyboard.press('Space');
  }
}

/** Opens the oldest application of the queue from the keyboard. */
async function openFirst(page: Page): Promise<void> {
  await page.getByTestId('review-open').first().focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('screen-review-form').waitFor();
}

function pending(page: Page, count: number): Promise<void> {
  return page.locator(`[data-testid="sync-status"][data-pending="${count}"]`).waitFor();
}

describe('overseas application review', () => {
  it('a consular clerk accepts one pulled application and rejects the other with a reason; central receives both decisions', async () => {
    const root = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-review-'));
    dirs.push(root);
    const dataDir = join(root, 'terminal');
    const central = await startCentral({
      dataDir: join(root, 'central'),
      port: 0,
      name: 'Test',
    });
    centrals.push(central);
    seedOffice(central.store, {
      officeId: MISSION,
      applications: 2,
      cards: 0,
      seed: 5,
      overseas: true,
    });
    await enrollMission(central, dataDir);

    const readers = new ReaderManager({
      port: createSmartcardPort(),
      log: createMemoryLogger().log,
    });
    const counter = await openCounter({
      browser,
      dataDir,
      readers,
      syncSchedule: { intervalMs: HOUR, debounceMs: HOUR },
    });
    open.push(counter);
    const { page, services } = counter;
    const { auth, db } = services;
    await auth.createFirstAdministrator({ ...ADMIN, password: PASSWORD });
    await auth.createStaff({ ...CONSUL, password: PASSWORD });
    auth.signOut();
    await page.getByTestId('screen-signin').waitFor();

    // The sync on start pulled the mission's two overseas online applications.
    await vi.waitFor(
      () =>
        expect(
          db
            .prepare(
              "SELECT count(*) FROM application WHERE channel = 'overseas-online' AND status = 'received'",
            )
            .pluck()
            .get(),
        ).toBe(2),
      { timeout: 30_000, interval: 200 },
    );
    const [first, second] = db
      .prepare(
        "SELECT application_id FROM application WHERE channel = 'overseas-online' ORDER BY received_at",
      )
      .pluck()
      .all() as string[];
    if (!first || !second) throw new Error('two applications');

    await signInWith(page, CONSUL.staffId, PASSWORD);
    await press(page, 'nav-review');
    await page.getByTestId('screen-review').waitFor();
    await both(counter, 'review', (p) => p.getByTestId('review-queue').waitFor());
    await openFirst(page);
    await page.getByTestId('screen-review-form').waitFor();
    await both(counter, 'review-form', (p) => p.getByTestId('review-photo').waitFor());

    // The clerk works in English from here on.
    await press(page, 'language-en');
    await page.locator('html[lang="en"]').waitFor();
    await expect(page.getByTestId('review-application-id').textContent()).resolves.toBe(first);
    await expect(page.getByTestId('review-photo').textContent()).resolves.toContain(
      'not sent to this terminal',
    );

    // 1: left Japan in 2019, on the 附票, photo fine: eligible, accepted.
    await answerEligibility(page, '2019-04-01');
    await page.locator('[data-testid="review-eligibility"][data-eligible="true"]').waitFor();
    await tickPhotoChecklist(page);
    await pick(page, 'review-decision', 'accept');
    await press(page, 'review-submit');
    const done = page.getByTestId('review-done');
    await done
      .and(page.locator(`[data-decision="accepted"][data-application-id="${first}"]`))
      .waitFor();
    await expect(done.textContent()).resolves.toContain(`Application ${first} accepted`);
    await both(counter, 'review-done', (p) => p.getByTestId('review-done').waitFor());
    await press(page, 'language-en');
    await page.locator('html[lang="en"]').waitFor();

    // 2: left Japan before My Numbers existed. Accepting is refused with a clear message;
    // rejecting offers that rule as the reason.
    await openFirst(page);
    await expect(page.getByTestId('review-application-id').textContent()).resolves.toBe(second);
    await answerEligibility(page, '2014-03-31');
    const eligibility = page.locator('[data-testid="review-eligibility"][data-eligible="false"]');
    await eligibility.waitFor();
    await expect(eligibility.textContent()).resolves.toContain('before 5 October 2015');
    await tickPhotoChecklist(page);
    await pick(page, 'review-decision', 'accept');
    await press(page, 'review-submit');
    const refused = page.locator('[data-testid="form-error"][data-code="REVIEW_NOT_ACCEPTABLE"]');
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toContain('cannot be accepted');
    await pick(page, 'review-decision', 'reject');
    await expect(
      page.getByTestId('review-reason-left-before-my-number').locator('input').isChecked(),
    ).resolves.toBe(true);
    await typeInto(page, 'review-note', 'Told the applicant by phone');
    await press(page, 'review-submit');
    await done
      .and(page.locator(`[data-decision="rejected"][data-application-id="${second}"]`))
      .waitFor();
    await expect(done.textContent()).resolves.toContain(`Application ${second} rejected`);
    await page.getByTestId('review-queue-empty').waitFor();

    // The store: statuses, review rows, and both events in the outbox, not yet at central.
    expect(
      db
        .prepare('SELECT application_id, status, version FROM application ORDER BY received_at')
        .all(),
    ).toEqual([
      { application_id: first, status: 'received', version: 2 },
      { application_id: second, status: 'rejected', version: 2 },
    ]);
    expect(
      db
        .prepare(
          'SELECT application_id, decision, reason, note, reviewed_by FROM overseas_review ORDER BY seq',
        )
        .all(),
    ).toEqual([
      {
        application_id: first,
        decision: 'accepted',
        reason: null,
        note: null,
        reviewed_by: 'consul01',
      },
      {
        application_id: second,
        decision: 'rejected',
        reason: 'left-before-my-number',
        note: 'Told the applicant by phone',
        reviewed_by: 'consul01',
      },
    ]);
    const events = db
      .prepare(
        `SELECT e.seq, e.type, e.case_ref, e.actor_staff_id, e.payload, a.outcome
         FROM case_event e LEFT JOIN outbox_ack a ON a.seq = e.seq
         WHERE e.type IN ('application-accepted', 'application-rejected') ORDER BY e.seq`,
      )
      .all() as {
      seq: number;
      type: string;
      case_ref: string;
      actor_staff_id: string;
      payload: string;
      outcome: string | null;
    }[];
    expect(events.map((e) => [e.type, e.case_ref, e.actor_staff_id, e.outcome])).toEqual([
      ['application-accepted', first, 'consul01', null],
      ['application-rejected', second, 'consul01', null],
    ]);
    // The note and the date of departure stay on the terminal.
    expect(events[1]?.payload).not.toContain('phone');
    expect(events[1]?.payload).not.toContain('2014');
    await pending(page, 2);

    // Sync: central applies both decisions and cancels the rejected application.
    await press(page, 'nav-sync');
    await page.getByTestId('screen-sync').waitFor();
    await press(page, 'sync-now');
    await pending(page, 0);
    expect(
      db
        .prepare(
          `SELECT a.outcome FROM outbox_ack a JOIN case_event e ON e.seq = a.seq
           WHERE e.type IN ('application-accepted', 'application-rejected') ORDER BY a.seq`,
        )
        .pluck()
        .all(),
    ).toEqual(['applied', 'applied']);
    const terminalId = db.prepare('SELECT terminal_id FROM sync_identity').pluck().get() as string;
    for (const event of events) {
      expect(central.store.getEventBySeq(terminalId, event.seq)).toMatchObject({
        outcome: 'applied',
        reasons: [],
      });
    }
    expect(central.store.getApplication(first)?.status).toBe('received');
    expect(central.store.getApplication(second)).toMatchObject({
      status: 'rejected',
      cancelReason: 'review:left-before-my-number',
    });
    expect(central.store.listReviewItems('open')).toEqual([]);
  });
});
