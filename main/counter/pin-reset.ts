// A blocked (or forgotten) PIN reset at the counter (issue 5 workflow 6; W §3.4): the holder
// brings the card, the clerk checks identity (one document from list A or two from list B), a
// supervisor approves on the same terminal (two-person rule, main/auth/second-person.ts), the
// holder types the new value, and the card resets the secret with RESET RETRY COUNTER under
// our issuance profile (docs/card-issuance-profile.md), authorized by the card's reset secret.
//
// Before anything is sent to the card, the chip must be this case's card: 照合番号A (the My
// Number) opens the TEXT AP only on this person's card, and the record read back must match.
// After the reset the new value is verified once (a full try counter again), so the holder
// leaves with a PIN that works. The event (pin-reset) names the secret, the documents by type,
// the clerk and the approving supervisor with the reason; never the value.
//
// The reset secret: in training mode derived like the training cards' (no central involved);
// on a live terminal it is asked from central per reset (docs/card-issuance-profile.md) through
// a ResetSecretSource (main/sync/reset-secret.ts liveResetSecrets: wrapped to this terminal,
// recorded at central; offline it refuses with RESET_SECRET_OFFLINE rather than guessing).

import type { Db } from '../../db/open';
import type { ResetSecretReason } from '../../sync/protocol';
import { prepared } from '../../db/statements';
import { parseIsoDate } from '../../domain/japanese-era';
import { cardSecretProblems, type CardSecret } from '../../domain/pin-rules';
import type {
  ApprovalInput,
  CardPinStatusView,
  HandoverAttendee,
  IdentityDocumentType,
  PinResetDone,
} from '../../preload/contract';
import type { EventActor } from '../audit/append';
import { approvalPayload, recordApproval, type SecondPerson } from '../auth/second-person';
import { CardError } from '../card/errors';
import { FILES, PINS, type PinId } from '../card/mynumber/card-map';
import type { MyNumberCard } from '../card/mynumber/client';
import { parseMyNumberRecord } from '../card/mynumber/records';
import { trainingManagementSecrets } from '../card/virtual/training';
import type { CaseStore } from '../cases/case-store';
import { AppError } from '../core/errors';
import type { Logger } from '../log/logger';
import { asCardCall, type CardAccess } from './card-access';
import { TRAINING_CARD_SEED } from './card-secrets';
import { appendCounterEvent } from './events';

/**
 * The card's reset secret for one card (16 bytes), or null when this terminal cannot get it;
 * a live source may also throw an AppError saying why (offline, card refused by central).
 * The caller zeroes the secret after the one step.
 */
export type ResetSecretSource = (
  cardSerial: string,
  reason: ResetSecretReason,
) => Uint8Array | null | Promise<Uint8Array | null>;

/** The PINs the client can count (the resident-registry PIN lives in an AP it does not read). */
const PIN_OF: Readonly<Partial<Record<CardSecret, PinId>>> = {
  'signature-password': 'jpkiSign',
  'user-authentication-pin': 'jpkiAuth',
  'card-info-input-pin': 'textPin',
};

/** One document from list A, or two from list B (W §3.3 "Bring"). */
export function documentsSuffice(documents: readonly IdentityDocumentType[]): boolean {
  const distinct = new Set(documents);
  const a = [...distinct].filter((d) => d.startsWith('a-')).length;
  const b = [...distinct].filter((d) => d.startsWith('b-')).length;
  return a >= 1 || b >= 2;
}

export interface PinResetOptions {
  db: Db;
  store: CaseStore;
  cards: CardAccess;
  secondPerson: SecondPerson;
  resetSecret: ResetSecretSource;
  log: Logger;
  now: () => Date;
}

export interface PinResetInput {
  cardSerial: string;
  attendee: HandoverAttendee;
  documents: IdentityDocumentType[];
  secret: CardSecret;
  /** Typed by the holder; checked against the PIN rules, sent once, never stored or logged. */
  newValue: string;
  approval: ApprovalInput;
  readerName?: string | undefined;
}

export class PinResetService {
  readonly #o: PinResetOptions;

  constructor(options: PinResetOptions) {
    this.#o = options;
  }

  /** The card on the reader, proved to be this case's card, with each PIN's tries left. */
  async status(
    input: { cardSerial: string; readerName?: string | undefined },
    _actor: EventActor,
  ): Promise<CardPinStatusView> {
    const { applicationId, myNumber } = this.#holderCard(input.cardSerial);
    return asCardCall(() =>
      this.#o.cards.withCard(input.readerName, async (card) => {
        await proveCard(card, myNumber);
        const pins: CardPinStatusView['pins'] = [];
        for (const [secret, pin] of Object.entries(PIN_OF) as [CardSecret, PinId][]) {
          const status = await card.triesLeft(pin);
          pins.push({
            secret,
            triesLeft: typeof status === 'number' ? status : null,
            blocked: status === 0,
          });
        }
        return { cardSerial: input.cardSerial, applicationId, pins };
      }),
    );
  }

  async reset(
    input: PinResetInput,
    actor: EventActor & { staffId: string },
  ): Promise<PinResetDone> {
    const { applicationId, myNumber, birthDate } = this.#holderCard(input.cardSerial);
    if (!documentsSuffice(input.documents)) {
      throw new AppError(
        'CARD_STEP_REQUIREMENTS_MISSING',
        'Check identity first: one document from list A, or two from list B.',
        [{ path: 'documents', reason: 'identity-verified' }],
      );
    }
    const problems = cardSecretProblems(input.secret, input.newValue, { birthDate });
    if (problems.length > 0) {
      throw new AppError(
        'PIN_FORMAT_INVALID',
        'The new PIN does not meet the rules.',
        problems.map((reason) => ({ path: 'newValue', reason })),
      );
    }
    const approval = await this.#o.secondPerson.approve(
      input.approval,
      'pin-reset',
      actor.staffId,
      applicationId,
    );
    const encoder = new TextEncoder();
    const value = encoder.encode(input.newValue);
    const check = encoder.encode(input.newValue);
    let resetSecret: Uint8Array | null = null;
    let triesLeft: number | null = null;
    try {
      await asCardCall(() =>
        this.#o.cards.withCard(input.readerName, async (card) => {
          await proveCard(card, myNumber);
          // Asked only now, for this proved card: on a live terminal central records every
          // request (main/sync/reset-secret.ts), so a wrong card never costs one.
          const pin = PIN_OF[input.secret];
          const before = pin ? await card.triesLeft(pin) : null;
          resetSecret = await this.#o.resetSecret(
            input.cardSerial,
            before === 0 ? 'pin-blocked' : 'pin-forgotten',
          );
          if (!resetSecret) {
            throw new AppError(
              'RESET_SECRET_UNAVAILABLE',
              "This terminal cannot get the card's reset secret from the central system now. Try again once it is online.",
            );
          }
          // The client zeroes the reset secret and the value once sent.
          await card.resetSecret(input.secret, resetSecret, value);
          if (pin) {
            await card.verify(pin, check);
            const status = await card.triesLeft(pin);
            triesLeft = typeof status === 'number' ? status : null;
          }
        }),
      );
    } finally {
      (resetSecret as Uint8Array | null)?.fill(0);
      value.fill(0);
      check.fill(0);
    }
    const at = this.#o.now().toISOString();
    const card = this.#o.store.getCard(input.cardSerial);
    const { seq } = this.#o.db.transaction(() => {
      const appended = appendCounterEvent(this.#o.db, {
        type: 'pin-reset',
        caseRef: applicationId,
        actor,
        payload: {
          cardSerial: input.cardSerial,
          secret: input.secret,
          attendee: input.attendee,
          documents: [...new Set(input.documents)].sort(),
          ...approvalPayload(approval),
        },
        caseVersionSeen: card?.version ?? null,
        terminalTime: at,
      });
      recordApproval(this.#o.db, approval, applicationId);
      return appended;
    })();
    this.#o.log.info('pin reset at the counter', { secret: input.secret, seq });
    return { cardSerial: input.cardSerial, secret: input.secret, seq, triesLeft };
  }

  /** The holder's card of a case: handed over (a card in custody has no PIN to reset). */
  #holderCard(cardSerial: string): {
    applicationId: string;
    myNumber: string;
    birthDate: NonNullable<ReturnType<typeof parseIsoDate>>;
  } {
    const card = this.#o.store.getCard(cardSerial);
    if (!card) throw new AppError('CASE_NOT_FOUND', 'No card with this serial on this terminal.');
    if (card.state !== 'handed-over') {
      throw new AppError(
        'CARD_STEP_NOT_ALLOWED',
        'Only a card handed over to its holder can have a PIN reset.',
      );
    }
    const row = prepared(
      this.#o.db,
      `SELECT p.my_number, p.birth_date FROM application AS a
       JOIN person AS p ON p.person_id = a.person_id WHERE a.application_id = ?`,
    ).get(card.applicationId) as { my_number: string; birth_date: string };
    const birthDate = parseIsoDate(row.birth_date);
    if (!birthDate) throw new AppError('INTERNAL', 'The birth date on record is not a date.');
    return { applicationId: card.applicationId, myNumber: row.my_number, birthDate };
  }
}

/** The chip is this person's card: 照合番号A opens the TEXT AP, and the record matches. */
export async function proveCard(card: MyNumberCard, myNumber: string): Promise<void> {
  try {
    // The client zeroes the secret it sends.
    await card.verify(PINS.textCollationA.id, new TextEncoder().encode(myNumber));
  } catch (error) {
    // Another person's card refuses this person's number: say so, not "wrong PIN".
    if (
      error instanceof CardError &&
      (error.code === 'WRONG_PIN' || error.code === 'PIN_BLOCKED')
    ) {
      throw new AppError('WRONG_CARD', "This card is not this case's card.");
    }
    throw error;
  }
  const onChip = parseMyNumberRecord(await card.readFile(FILES.myNumber));
  if (onChip !== myNumber) {
    throw new AppError('WRONG_CARD', "This card is not this case's card.");
  }
}

/** Training mode: the reset secret derived as the training cards derive it (no central). */
export function trainingResetSecrets(seed: string = TRAINING_CARD_SEED): ResetSecretSource {
  return (cardSerial) =>
    Buffer.from(trainingManagementSecrets(seed, cardSerial).resetSecret, 'hex');
}
