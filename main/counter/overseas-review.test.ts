import { describe, expect, it } from 'vitest';
import { PHOTO_REQUIREMENTS } from '../../domain/application-photo';
import type { CallParsed } from '../../preload/contract';
import type { ApplicationItem } from '../../sync/protocol';
import { tempStore } from '../../test/support/store';
import { uniqueMyNumber } from '../cases/testing';
import { AppError } from '../core/errors';
import { createMemoryLogger } from '../log/logger';
import { applyApplication } from '../sync/streams';
import { decideReview, reviewQueue } from './overseas-review';

const AT = new Date('2026-11-20T03:00:00.000Z');
const staff = { staffId: 'consul-01', role: 'clerk' as const };

/** An application as central's applications stream brings it (main/sync/streams.ts). */
function pulled(id: string, overrides: Partial<ApplicationItem> = {}): ApplicationItem {
  return {
    application_id: id,
    office_id: 'M-LON',
    kind: 'overseas',
    channel: 'overseas-online',
    received_at: '2026-11-01T10:00:00.000Z',
    status: 'received',
    version: 1,
    cancel_reason: null,
    person: {
      person_id: `P-${id}`,
      name_kanji: '在外太郎',
      name_kana: 'ザイガイタロウ',
      alias: null,
      name_latin: 'ZAIGAI TARO',
      birth_date: '1990-02-03',
      sex: 'male',
      address: '1 Piccadilly, London',
      overseas: true,
      my_number: uniqueMyNumber(),
    },
    ...overrides,
  };
}

const ELIGIBLE = {
  nationality: 'japanese',
  residentRecordInJapan: false,
  onKosekiFuhyo: true,
  leftJapanOn: '2019-04-01',
  honsekiKnown: true,
  expressIssuance: false,
} as const;

function setup() {
  const db = tempStore();
  const { log } = createMemoryLogger();
  applyApplication(db, pulled('OV-2', { received_at: '2026-11-02T10:00:00.000Z' }), AT);
  applyApplication(db, pulled('OV-1'), AT);
  applyApplication(db, pulled('ON-1', { kind: 'new', channel: 'online' }), AT);
  const decide = (input: Partial<CallParsed<'applications.review'>>) =>
    decideReview(
      db,
      {
        applicationId: 'OV-1',
        expectedVersion: 1,
        decision: 'accept',
        facts: ELIGIBLE,
        photoChecks: [...PHOTO_REQUIREMENTS],
        ...input,
      },
      staff,
      () => AT,
      log,
    );
  return { db, decide };
}

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the overseas review queue', () => {
  it('lists the pulled overseas online applications no one decided on, oldest first, My Number masked', () => {
    const { db } = setup();
    const queue = reviewQueue(db);
    expect(queue.map((item) => item.applicationId)).toEqual(['OV-1', 'OV-2']);
    expect(queue[0]).toMatchObject({ kind: 'overseas', version: 1, photoAvailable: false });
    expect(queue[0]?.myNumberLast4).toHaveLength(4);
    expect(JSON.stringify(queue)).not.toMatch(/\d{12}/);
  });
});

describe('deciding on an overseas application', () => {
  it('accepts an eligible one with the photo checked: version, review row and event in one go, pending sync', () => {
    const { db, decide } = setup();
    const decided = decide({ note: '附票で確認済み' });
    expect(decided).toMatchObject({ decision: 'accepted', status: 'received', version: 2 });
    expect(reviewQueue(db).map((item) => item.applicationId)).toEqual(['OV-2']);
    const event = db
      .prepare('SELECT type, case_ref, actor_staff_id, payload, case_version_seen FROM case_event')
      .get() as Record<string, unknown>;
    expect(event).toMatchObject({
      type: 'application-accepted',
      case_ref: 'OV-1',
      actor_staff_id: 'consul-01',
      case_version_seen: 1,
    });
    // Codes only: neither the note nor the departure date travels to central.
    expect(event['payload']).not.toContain('附票');
    expect(event['payload']).not.toContain('2019-04-01');
    expect(db.prepare('SELECT count(*) FROM outbox_ack').pluck().get()).toBe(0);
    expect(
      db.prepare('SELECT decision, reason, note, reviewed_by FROM overseas_review').get(),
    ).toEqual({
      decision: 'accepted',
      reason: null,
      note: '附票で確認済み',
      reviewed_by: 'consul-01',
    });
  });

  it('refuses to accept what the eligibility rules or the photo checklist refuse, and records nothing', () => {
    const { db, decide } = setup();
    const early = refusal(() =>
      decide({ facts: { ...ELIGIBLE, leftJapanOn: '2014-03-31', expressIssuance: true } }),
    );
    expect(early.code).toBe('REVIEW_NOT_ACCEPTABLE');
    expect(early.details).toEqual([
      { path: 'facts', reason: 'left-before-my-number' },
      { path: 'facts', reason: 'express-not-available-abroad' },
    ]);
    const foreign = refusal(() =>
      decide({ facts: { nationality: 'foreign', expressIssuance: false } }),
    );
    expect(foreign.details).toEqual([{ path: 'facts', reason: 'foreign-national' }]);
    const photo = refusal(() => decide({ photoChecks: ['facing-front'] }));
    expect(photo.code).toBe('REVIEW_NOT_ACCEPTABLE');
    expect(photo.details?.map((d) => d.reason)).toContain('no-headwear');
    expect(db.prepare('SELECT count(*) FROM case_event').pluck().get()).toBe(0);
    expect(reviewQueue(db)).toHaveLength(2);
  });

  it('rejects with a reason: the application is rejected, the reason travels, the note stays here', () => {
    const { db, decide } = setup();
    const decided = decide({
      decision: 'reject',
      facts: { ...ELIGIBLE, leftJapanOn: '2014-03-31' },
      photoChecks: [],
      reason: 'left-before-my-number',
      note: 'ロンドン在住 本人に連絡',
    });
    expect(decided).toMatchObject({
      decision: 'rejected',
      status: 'rejected',
      ineligible: ['left-before-my-number'],
    });
    expect(
      db.prepare("SELECT status, version FROM application WHERE application_id = 'OV-1'").get(),
    ).toEqual({ status: 'rejected', version: 2 });
    const payload = JSON.parse(
      db
        .prepare("SELECT payload FROM case_event WHERE type = 'application-rejected'")
        .pluck()
        .get() as string,
    ) as Record<string, unknown>;
    expect(payload).toEqual({
      from: 'received',
      to: 'rejected',
      reason: 'left-before-my-number',
      ineligible: ['left-before-my-number'],
      photoChecked: [],
    });
  });

  it('decides once: a second decision, a stale version or a non-overseas application is refused', () => {
    const { decide } = setup();
    expect(refusal(() => decide({ expectedVersion: 7 })).code).toBe('CASE_VERSION_STALE');
    decide({});
    expect(refusal(() => decide({ expectedVersion: 2 })).code).toBe('REVIEW_ALREADY_DECIDED');
    expect(refusal(() => decide({ applicationId: 'ON-1' })).code).toBe('CASE_NOT_FOUND');
  });
});
