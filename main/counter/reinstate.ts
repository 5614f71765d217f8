// Reinstating a suspended card (issue 5 workflow 5, "later reinstate"; W §3.5): a suspension
// is never lifted by phone. The holder brings the found card to the counter; the clerk checks
// identity again (one document from list A or two from list B); the chip must be this case's
// card (照合番号A and the My Number record, as at handover); the holder proves the card's
// user-authentication PIN on the reader (the PINs are set and known; a blocked one is reset
// first, main/counter/pin-reset.ts); and a supervisor approves on the same terminal
// (two-person rule, main/auth/second-person.ts).
//
// Then ONE transaction: the lifecycle's 'reinstate' step (suspended -> handed-over, with the
// handover's checks, domain/case-lifecycle.ts) through the CaseStore, the suspension row
// lifted, a second-person-approved event carrying both identities and the reason (the step's
// own event has a fixed shape) in the same sync batch, and the approval_log row. A revocation
// list past its freshness deadline is overridden by the same supervisor's approval, and the
// event says so.
//
// What the counter cannot do here: issue the new electronic certificates that lifting a
// suspension brings (W §3.5). That is J-LIS's, reached through central; the event is what
// central acts on.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import type {
  ApprovalInput,
  HandoverAttendee,
  IdentityDocumentType,
  ReinstatementDone,
} from '../../preload/contract';
import type { EventActor } from '../audit/append';
import { approvalPayload, recordApproval, type SecondPerson } from '../auth/second-person';
import type { CaseStore } from '../cases/case-store';
import { AppError } from '../core/errors';
import type { Logger } from '../log/logger';
import { asCardCall, type CardAccess } from './card-access';
import { appendCounterEvent } from './events';
import { documentsSuffice, proveCard } from './pin-reset';

export interface ReinstateOptions {
  db: Db;
  store: CaseStore;
  cards: CardAccess;
  secondPerson: SecondPerson;
  /** The revocation list's freshness (main/sync): 'stale' is overridden by the approval. */
  revocationLevel: () => 'fresh' | 'warn' | 'stale';
  log: Logger;
  now: () => Date;
}

export interface ReinstateInput {
  cardSerial: string;
  expectedVersion: number;
  attendee: HandoverAttendee;
  documents: IdentityDocumentType[];
  /** The holder's user-authentication PIN, typed by the holder; verified once, never kept. */
  pin: string;
  approval: ApprovalInput;
  readerName?: string | undefined;
}

export async function reinstateCard(
  options: ReinstateOptions,
  input: ReinstateInput,
  actor: EventActor & { staffId: string },
): Promise<ReinstatementDone> {
  const { db, store } = options;
  const card = store.getCard(input.cardSerial);
  if (!card) throw new AppError('CASE_NOT_FOUND', 'No card with this serial on this terminal.');
  if (card.state !== 'suspended') {
    throw new AppError('CARD_STEP_NOT_ALLOWED', 'Only a suspended card can be reinstated.');
  }
  if (card.version !== input.expectedVersion) {
    throw new AppError('CASE_VERSION_STALE', 'The card changed since the case was opened.');
  }
  if (!documentsSuffice(input.documents)) {
    throw new AppError(
      'CARD_STEP_REQUIREMENTS_MISSING',
      'Check identity again: one document from list A, or two from list B.',
      [{ path: 'documents', reason: 'identity-verified' }],
    );
  }
  const approval = await options.secondPerson.approve(
    input.approval,
    'reinstate',
    actor.staffId,
    card.applicationId,
  );
  const myNumber = prepared(
    db,
    `SELECT p.my_number FROM application AS a JOIN person AS p ON p.person_id = a.person_id
     WHERE a.application_id = ?`,
  )
    .pluck()
    .get(card.applicationId) as string;
  const pin = new TextEncoder().encode(input.pin);
  try {
    await asCardCall(() =>
      options.cards.withCard(input.readerName, async (mnc) => {
        await proveCard(mnc, myNumber);
        // The client zeroes the PIN it sends; a wrong one answers WRONG_PIN with tries left.
        await mnc.verify('jpkiAuth', pin);
      }),
    );
  } finally {
    pin.fill(0);
  }
  const level = options.revocationLevel();
  const at = options.now().toISOString();
  const result = db.transaction(() => {
    const step = store.recordCardTransition(
      input.cardSerial,
      'reinstate',
      actor,
      new Set([
        'identity-verified',
        'card-read-matches-case',
        'pins-set',
        // Fresh, or a supervisor's recorded override (the approval below says which).
        'revocation-list-fresh',
      ]),
      input.expectedVersion,
    );
    prepared(
      db,
      'UPDATE suspension SET lifted_at = ? WHERE card_serial = ? AND lifted_at IS NULL',
    ).run(at, input.cardSerial);
    appendCounterEvent(db, {
      type: 'second-person-approved',
      caseRef: card.applicationId,
      actor,
      payload: {
        step: 'reinstate',
        cardSerial: input.cardSerial,
        attendee: input.attendee,
        documents: [...new Set(input.documents)].sort(),
        revocationList: level === 'stale' ? 'stale-overridden' : level,
        ...approvalPayload(approval),
      },
      caseVersionSeen: step.version,
      terminalTime: at,
      sameTransactionAs: step.seq,
    });
    recordApproval(db, approval, card.applicationId);
    return step;
  })();
  options.log.info('suspended card reinstated', { seq: result.seq });
  return {
    cardSerial: input.cardSerial,
    state: result.state,
    version: result.version,
    seq: result.seq,
  };
}
