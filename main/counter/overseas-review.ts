// The consular review of overseas online applications (issue 5 workflow 7, second half).
//
// Central sends a mission the applications made online from abroad (channel
// 'overseas-online') by the applications stream (main/sync/streams.ts); each waits here with
// status 'received' until consular staff decide on it, once:
//
// - the eligibility rules are domain/overseas-eligibility.ts's, run on the facts the reviewer
//   established from the 戸籍の附票 (nationality, a 住民票 still in Japan, the last departure,
//   the 本籍地, express issuance asked for). The stream carries none of these facts, so the
//   reviewer records them; main decides, never the screen.
// - the photo: the stream carries no photo (sync/protocol.ts ApplicationItem), so the reviewer
//   checks it where central shows it and records which of domain/application-photo.ts's
//   requirements hold. An application is accepted only when all hold.
// - the decision is one transaction: the application's status and version, the review row
//   (migration 0100) and its case event, which sync forwards to central
//   (central/rules.ts reviewDecision). The reviewer's note may name people, so it stays in
//   overseas_review and never enters the event.

import type { Db } from '../../db/open';
import type { ReviewEventType } from '../../db/migrations/0100-overseas-review';
import type { CaseEventType } from '../../db/migrations/0020-cases';
import { prepared } from '../../db/statements';
import { unmetPhotoRequirements } from '../../domain/application-photo';
import type { ApplicationKind } from '../../domain/case-lifecycle';
import { parseIsoDate } from '../../domain/japanese-era';
import {
  overseasEligibility,
  type OverseasApplication,
  type OverseasIneligibility,
} from '../../domain/overseas-eligibility';
import type { CallParsed, OverseasReviewItem, ReviewDecided, Sex } from '../../preload/contract';
import { appendEvent, type EventActor } from '../audit/append';
import { AppError } from '../core/errors';
import type { Logger } from '../log/logger';

type ReviewInput = CallParsed<'applications.review'>;
type FactsInput = NonNullable<ReviewInput['facts']>;

/** The most applications the queue shows at once, oldest first. */
export const REVIEW_QUEUE_LIMIT = 200;

/** Overseas online applications no one has decided on yet, oldest first. */
export function reviewQueue(db: Db): OverseasReviewItem[] {
  const rows = prepared(
    db,
    `SELECT a.application_id, a.kind, a.received_at, a.version, p.name_kanji, p.name_kana,
            p.name_latin, p.birth_date, p.sex, p.address, substr(p.my_number, 9, 4) AS last4
     FROM application a
     JOIN person p ON p.person_id = a.person_id
     WHERE a.channel = 'overseas-online' AND a.status = 'received'
       AND NOT EXISTS (SELECT 1 FROM overseas_review r WHERE r.application_id = a.application_id)
     ORDER BY a.received_at, a.application_id
     LIMIT ${REVIEW_QUEUE_LIMIT}`,
  ).all() as {
    application_id: string;
    kind: ApplicationKind;
    received_at: string;
    version: number;
    name_kanji: string;
    name_kana: string;
    name_latin: string | null;
    birth_date: string;
    sex: Sex;
    address: string;
    last4: string;
  }[];
  return rows.map((row) => ({
    applicationId: row.application_id,
    kind: row.kind,
    receivedAt: row.received_at,
    version: row.version,
    nameKanji: row.name_kanji,
    nameKana: row.name_kana,
    nameLatin: row.name_latin,
    birthDate: row.birth_date,
    sex: row.sex,
    address: row.address,
    myNumberLast4: row.last4,
    photoAvailable: false,
  }));
}

/** The contract's facts as the domain's application. */
export function overseasApplication(facts: FactsInput): OverseasApplication {
  if (facts.nationality === 'foreign') {
    return { applicant: { nationality: 'foreign' }, expressIssuance: facts.expressIssuance };
  }
  const left = facts.leftJapanOn;
  const leftJapanOn =
    left === 'never-resident' || left === 'unknown' ? left : (parseIsoDate(left) ?? 'unknown');
  return {
    applicant: {
      nationality: 'japanese',
      residentRecordInJapan: facts.residentRecordInJapan,
      onKosekiFuhyo: facts.onKosekiFuhyo,
      leftJapanOn,
      honsekiKnown: facts.honsekiKnown,
    },
    expressIssuance: facts.expressIssuance,
  };
}

/** Accepts or rejects one overseas application: status, review row and event in one transaction. */
export function decideReview(
  db: Db,
  input: ReviewInput,
  actor: EventActor & { staffId: string },
  now: () => Date,
  log: Logger,
): ReviewDecided {
  const ineligible: OverseasIneligibility[] = [];
  if (input.facts) {
    const result = overseasEligibility(overseasApplication(input.facts));
    if (!result.eligible) ineligible.push(...result.reasons);
  }
  const unmetPhoto = unmetPhotoRequirements(input.photoChecks);
  if (input.decision === 'accept' && (ineligible.length > 0 || unmetPhoto.length > 0)) {
    throw new AppError(
      'REVIEW_NOT_ACCEPTABLE',
      'The application cannot be accepted: the eligibility rules or the photo checklist are not met. Reject it with a reason.',
      [
        ...ineligible.map((reason) => ({ path: 'facts', reason })),
        ...unmetPhoto.map((requirement) => ({ path: 'photoChecks', reason: requirement })),
      ],
    );
  }

  const decided = db.transaction(() => {
    const application = prepared(
      db,
      `SELECT a.channel, a.status, a.version,
              EXISTS (SELECT 1 FROM overseas_review r WHERE r.application_id = a.application_id)
                AS reviewed
       FROM application a WHERE a.application_id = ?`,
    ).get(input.applicationId) as
      { channel: string; status: string; version: number; reviewed: number } | undefined;
    if (!application || application.channel !== 'overseas-online') {
      throw new AppError('CASE_NOT_FOUND', 'No overseas online application with this ID is here.');
    }
    if (application.reviewed === 1 || application.status !== 'received') {
      throw new AppError(
        'REVIEW_ALREADY_DECIDED',
        'This application was already decided on (here or by central); refresh the queue.',
      );
    }
    if (application.version !== input.expectedVersion) {
      throw new AppError(
        'CASE_VERSION_STALE',
        'The application changed since it was opened; open it again.',
      );
    }
    const at = now().toISOString();
    const rejected = input.decision === 'reject';
    const status = rejected ? 'rejected' : 'received';
    const version = application.version + 1;
    prepared(db, 'UPDATE application SET status = ?, version = ? WHERE application_id = ?').run(
      status,
      version,
      input.applicationId,
    );
    const type: ReviewEventType = rejected ? 'application-rejected' : 'application-accepted';
    const event = appendEvent(db, {
      type: type as CaseEventType,
      caseRef: input.applicationId,
      actor,
      // Codes only: the facts' date of departure and the note stay in overseas_review.
      payload: {
        from: 'received',
        to: status,
        reason: rejected ? (input.reason ?? null) : null,
        ineligible,
        photoChecked: [...input.photoChecks],
      },
      caseVersionSeen: application.version,
      terminalTime: at,
    });
    prepared(
      db,
      `INSERT INTO overseas_review (application_id, decision, reason, note, facts, photo_checks,
                                    reviewed_by, reviewed_at, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      input.applicationId,
      rejected ? 'rejected' : 'accepted',
      rejected ? (input.reason ?? null) : null,
      input.note ?? null,
      JSON.stringify(input.facts ?? null),
      JSON.stringify(input.photoChecks),
      actor.staffId,
      at,
      event.seq,
    );
    return { status, version, seq: event.seq } as const;
  })();
  log.info('overseas application reviewed', {
    decision: input.decision,
    reason: input.reason ?? null,
    seq: decided.seq,
  });
  return {
    applicationId: input.applicationId,
    decision: input.decision === 'reject' ? 'rejected' : 'accepted',
    status: decided.status,
    version: decided.version,
    seq: decided.seq,
    ineligible,
  };
}
