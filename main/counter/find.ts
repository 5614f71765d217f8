// Finding a case at the counter: the one search box (main/cases/search.ts), the case screen's
// details, and showing a full My Number, which needs a reason and leaves an audit event.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import type { Actor, ApplicationKind, CardState } from '../../domain/case-lifecycle';
import {
  REVEAL_IN_CASE,
  type CaseDetail,
  type CasePage,
  type LossReason,
  type MyNumberReveal,
  type RevealReason,
  type Sex,
} from '../../preload/contract';
import type { EventActor } from '../audit/append';
import { approvalPayload, recordApproval, type Approval } from '../auth/second-person';
import { searchCases, SearchError } from '../cases/search';
import { AppError } from '../core/errors';
import type { Logger } from '../log/logger';
import { appendCounterEvent } from './events';
import { syncMark } from './sync-mark';

/** How long a revealed My Number stays on screen. */
export const REVEAL_SECONDS = 30;

export function searchForCounter(
  db: Db,
  input: { query: string; cursor?: string | null | undefined; limit?: number | undefined },
): CasePage {
  try {
    const page = searchCases(db, input.query, {
      cursor: input.cursor ?? null,
      ...(input.limit !== undefined ? { limit: input.limit } : {}),
    });
    return {
      kind: page.kind,
      nextCursor: page.nextCursor,
      hits: page.hits.map((hit) => ({
        applicationId: hit.applicationId,
        nameKanji: hit.nameKanji,
        nameKana: hit.nameKana,
        nameLatin: hit.nameLatin,
        birthDate: hit.birthDate,
        myNumberLast4: hit.myNumberLast4,
        card: hit.card,
      })),
    };
  } catch (error) {
    if (error instanceof SearchError) {
      throw new AppError(
        error.code === 'SEARCH_BAD_CURSOR' ? 'SEARCH_BAD_CURSOR' : 'SEARCH_QUERY_EMPTY',
        error.message,
      );
    }
    throw error;
  }
}

interface CaseRow {
  application_id: string;
  kind: ApplicationKind;
  channel: string;
  status: string;
  received_at: string;
  version: number;
  person_id: string;
  name_kanji: string;
  name_kana: string;
  alias: string | null;
  name_latin: string | null;
  birth_date: string;
  sex: Sex;
  address: string;
  overseas: number;
  my_number_last4: string;
}

const GET_CASE = `
  SELECT a.application_id, a.kind, a.channel, a.status, a.received_at, a.version,
         p.person_id, p.name_kanji, p.name_kana, p.alias, p.name_latin, p.birth_date, p.sex,
         p.address, p.overseas, substr(p.my_number, -4) AS my_number_last4
  FROM application AS a JOIN person AS p ON p.person_id = a.person_id
  WHERE a.application_id = ?`;

const CARDS = `
  SELECT card_serial, state, expiry_date, version FROM card
  WHERE application_id = ? ORDER BY card_serial`;

const EVENTS = `
  SELECT e.seq, e.type, e.actor_role, e.actor_staff_id, e.terminal_time, k.outcome
  FROM case_event AS e LEFT JOIN outbox_ack AS k ON k.seq = e.seq
  WHERE e.case_ref = ? ORDER BY e.seq`;

const SUSPENSIONS = `
  SELECT s.suspension_id, s.card_serial, s.reason, s.police_report_number, s.suspended_at,
         l.occurred_on, l.place,
         (SELECT k.outcome FROM case_event AS e LEFT JOIN outbox_ack AS k ON k.seq = e.seq
          WHERE e.case_ref = c.application_id AND e.type = 'loss-reported'
            AND json_extract(e.payload, '$.suspensionId') = s.suspension_id) AS outcome
  FROM suspension AS s
  JOIN card AS c ON c.card_serial = s.card_serial
  LEFT JOIN loss_report AS l ON l.suspension_id = s.suspension_id
  WHERE c.application_id = ? AND s.lifted_at IS NULL
  ORDER BY s.suspended_at DESC`;

export function getCase(db: Db, applicationId: string): CaseDetail {
  const row = prepared(db, GET_CASE).get(applicationId) as CaseRow | undefined;
  if (!row) throw new AppError('CASE_NOT_FOUND', 'No such case on this terminal.');
  const cards = prepared(db, CARDS).all(applicationId) as {
    card_serial: string;
    state: CardState;
    expiry_date: string | null;
    version: number;
  }[];
  const events = prepared(db, EVENTS).all(applicationId) as {
    seq: number;
    type: string;
    actor_role: Actor;
    actor_staff_id: string | null;
    terminal_time: string;
    outcome: string | null;
  }[];
  const suspensions = prepared(db, SUSPENSIONS).all(applicationId) as {
    suspension_id: string;
    card_serial: string;
    reason: LossReason;
    police_report_number: string | null;
    suspended_at: string;
    occurred_on: string | null;
    place: string | null;
    outcome: string | null;
  }[];
  return {
    applicationId: row.application_id,
    kind: row.kind,
    channel: row.channel,
    status: row.status,
    receivedAt: row.received_at,
    version: row.version,
    person: {
      personId: row.person_id,
      nameKanji: row.name_kanji,
      nameKana: row.name_kana,
      alias: row.alias,
      nameLatin: row.name_latin,
      birthDate: row.birth_date,
      sex: row.sex,
      address: row.address,
      overseas: row.overseas === 1,
      myNumberLast4: row.my_number_last4,
    },
    cards: cards.map((card) => ({
      cardSerial: card.card_serial,
      state: card.state,
      expiryDate: card.expiry_date,
      version: card.version,
    })),
    suspensions: suspensions.map((s) => ({
      suspensionId: s.suspension_id,
      cardSerial: s.card_serial,
      reason: s.reason,
      occurredOn: s.occurred_on,
      place: s.place,
      policeReportNumber: s.police_report_number,
      suspendedAt: s.suspended_at,
      sync: syncMark(s.outcome),
    })),
    events: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      actorRole: e.actor_role,
      actorStaffId: e.actor_staff_id,
      terminalTime: e.terminal_time,
      sync: syncMark(e.outcome),
    })),
  };
}

/**
 * Whether showing a My Number for this reason needs a supervisor's approval (two-person rule):
 * a reason about the case at the counter suffices (REVEAL_IN_CASE); any other is outside a case.
 */
export function revealNeedsApproval(reason: RevealReason): boolean {
  return !REVEAL_IN_CASE.includes(reason);
}

/**
 * The full My Number of a case's person, for REVEAL_SECONDS on screen. The reason and the
 * person (by ID, never the number) go into a signed case event in the same transaction that
 * reads the number, so no number leaves the store unrecorded. Outside a case the supervisor's
 * approval (main/auth/second-person.ts) is required and recorded in that event as well.
 */
export function revealMyNumber(
  db: Db,
  input: { applicationId: string; reason: RevealReason },
  actor: EventActor,
  now: () => Date,
  log: Logger,
  approval: Approval | null = null,
): MyNumberReveal {
  if (revealNeedsApproval(input.reason) && !approval) {
    throw new AppError(
      'SECOND_PERSON_REQUIRED',
      "Showing a My Number outside a case needs a supervisor's approval.",
    );
  }
  const at = now();
  const result = db.transaction(() => {
    const row = prepared(
      db,
      `SELECT a.version, p.person_id, p.my_number FROM application AS a
       JOIN person AS p ON p.person_id = a.person_id WHERE a.application_id = ?`,
    ).get(input.applicationId) as
      { version: number; person_id: string; my_number: string } | undefined;
    if (!row) throw new AppError('CASE_NOT_FOUND', 'No such case on this terminal.');
    const { seq } = appendCounterEvent(db, {
      type: 'my-number-revealed',
      caseRef: input.applicationId,
      actor,
      payload: {
        personId: row.person_id,
        reason: input.reason,
        seconds: REVEAL_SECONDS,
        ...(approval ? approvalPayload(approval) : {}),
      },
      caseVersionSeen: row.version,
      terminalTime: at.toISOString(),
    });
    if (approval) recordApproval(db, approval, input.applicationId);
    return { myNumber: row.my_number, seq };
  })();
  log.info('my number revealed', { reason: input.reason, seq: result.seq });
  return {
    myNumber: result.myNumber,
    visibleUntil: new Date(at.getTime() + REVEAL_SECONDS * 1000).toISOString(),
  };
}
