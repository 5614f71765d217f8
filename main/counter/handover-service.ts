// The handover (交付) behind the contract: the step machine (handover.ts) driven by the clerk's
// screen, the card reached through the card seam (card-access.ts), the applicant's four
// secrets taken from the applicant-facing window only, the revocation list's freshness from
// main/sync with a supervisor's override when stale, and the receipt through the print pipeline.
//
// The applicant's secrets: the clerk asks for them (requestPins); the applicant window, and only
// it (applicant-window.ts guards the sender), fetches what it needs to explain the rules and
// sends the four secrets once (applicantSetPins). They go straight to the step machine, which
// sends them to the card as byte buffers it zeroes; nothing keeps them, and the clerk's screen
// only ever learns the progress ('waiting', 'setting', 'set', 'failed' with a code) through the
// handover.applicant event.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import type { CardSecret } from '../../domain/pin-rules';
import type {
  ApplicantProgress,
  ApplicantRequest,
  ApprovalInput,
  CardFaceView,
  ErrorCode,
  HandoverCommitted,
  HandoverView,
  SavedFile,
} from '../../preload/contract';
import type { EventActor } from '../audit/append';
import { approvalPayload, recordApproval, SecondPerson } from '../auth/second-person';
import { CardError } from '../card/errors';
import { FILES } from '../card/mynumber/card-map';
import type { MyNumberCard } from '../card/mynumber/client';
import { parseCardFace } from '../card/mynumber/records';
import type { CaseStore } from '../cases/case-store';
import type { Handlers } from '../core/dispatch';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/event-bus';
import type { Logger } from '../log/logger';
import { recordStaleListOverride } from '../sync/revocations';
import { asCardCall, type CardAccess } from './card-access';
import { appendCounterEvent } from './events';
import {
  HandoverSteps,
  type Attendee,
  type HandoverDraft,
  type IdentityDocument,
} from './handover';

/** The card's per-card initialization secret (our issuance profile), or null when not here. */
export type InitializationSecretSource = (cardSerial: string) => Uint8Array | null;

/** How fresh the revocation list is, as main/sync judges it (SyncStatusView.revocation.level). */
export type RevocationLevel = 'fresh' | 'warn' | 'stale';

export interface HandoverServiceOptions {
  db: Db;
  store: CaseStore;
  cardAccess: CardAccess;
  bus: EventBus;
  log: Logger;
  now: () => Date;
  initializationSecret: InitializationSecretSource;
  revocationLevel: () => RevocationLevel;
  /** The signed-in member of staff (auth.actor()). */
  actor: () => EventActor & { staffId: string };
  /** Prints the clerk's window (its print stylesheet) to a PDF in the data directory. */
  printReceipt: (cardSerial: string) => Promise<SavedFile>;
}

interface PendingPins {
  cardSerial: string;
  readerName: string | undefined;
  state: ApplicantProgress['state'];
  code: ErrorCode | null;
}

const SIGNATURE_CERTIFICATE_MIN_AGE = 15;

export class HandoverService {
  readonly #o: HandoverServiceOptions;
  readonly #steps: HandoverSteps;
  readonly #secondPerson: SecondPerson;
  #pending: PendingPins | null = null;

  constructor(options: HandoverServiceOptions) {
    this.#o = options;
    this.#steps = new HandoverSteps({
      db: options.db,
      store: options.store,
      now: options.now,
      log: options.log,
    });
    this.#secondPerson = new SecondPerson({ db: options.db, log: options.log, now: options.now });
  }

  open(cardSerial: string): HandoverView {
    return this.#view(this.#steps.start(cardSerial, this.#o.actor()));
  }

  get(cardSerial: string): HandoverView | null {
    const draft = this.#steps.get(cardSerial);
    return draft ? this.#view(draft) : null;
  }

  recordIdentity(
    cardSerial: string,
    input: { attendee: Attendee; documents: IdentityDocument[] },
  ): HandoverView {
    const draft = this.#require(cardSerial);
    return this.#view(
      this.#steps.recordIdentity(cardSerial, { ...input, faceCompared: draft.faceCompared }),
    );
  }

  /** The clerk compared the applicant's face with the photos: the same person, or not. */
  recordFace(cardSerial: string, matches: boolean): HandoverView {
    const draft = this.#require(cardSerial);
    if (!draft.attendee) {
      throw new AppError('CARD_STEP_NOT_ALLOWED', 'Record who came and the documents first.');
    }
    return this.#view(
      this.#steps.recordIdentity(cardSerial, {
        attendee: draft.attendee,
        documents: draft.documents,
        faceCompared: matches,
      }),
    );
  }

  /** Reads the card and proves it is this case's; then its face record for the comparison. */
  proveCard(
    cardSerial: string,
    readerName: string | undefined,
  ): Promise<{ handover: HandoverView; face: CardFaceView | null }> {
    this.#require(cardSerial);
    return asCardCall(() =>
      this.#o.cardAccess.withCard(readerName, async (card) => {
        const draft = await this.#proveThisCard(cardSerial, card);
        const face = await this.#readFace(card, draft.applicationId);
        return { handover: this.#view(draft), face };
      }),
    );
  }

  /** The card face again (after a reload, the images are not kept anywhere). */
  readCardFace(cardSerial: string, readerName: string | undefined): Promise<CardFaceView | null> {
    const draft = this.#require(cardSerial);
    if (!draft.cardProved) {
      throw new AppError(
        'CARD_STEP_NOT_ALLOWED',
        "Read the card and prove it is this case's first.",
      );
    }
    return asCardCall(() =>
      this.#o.cardAccess.withCard(readerName, async (card) => {
        await this.#proveThisCard(cardSerial, card);
        return this.#readFace(card, draft.applicationId);
      }),
    );
  }

  /** The clerk hands the applicant window the PIN step for this card. */
  requestPins(cardSerial: string, readerName: string | undefined): HandoverView {
    const draft = this.#require(cardSerial);
    if (!draft.cardProved) {
      throw new AppError(
        'CARD_STEP_NOT_ALLOWED',
        "Read the card and prove it is this case's first.",
      );
    }
    if (draft.pinsSet) {
      throw new AppError('PIN_ALREADY_SET', 'The secrets are set on this card already.');
    }
    this.#pending = { cardSerial, readerName, state: 'waiting', code: null };
    this.#emit();
    return this.#view(draft);
  }

  cancelPins(cardSerial: string): HandoverView {
    if (this.#pending?.cardSerial === cardSerial && this.#pending.state !== 'setting') {
      this.#pending = null;
      this.#emit();
    }
    return this.#view(this.#require(cardSerial));
  }

  /** What the applicant window shows: whether to ask, and what the rules need (no name, no number). */
  applicantRequest(): ApplicantRequest {
    const pending = this.#pending;
    if (!pending || (pending.state !== 'waiting' && pending.state !== 'failed')) {
      return { state: pending?.state ?? 'idle', birthDate: null, signatureCertificate: false };
    }
    const birthDate = this.#birthDateOf(pending.cardSerial);
    return {
      state: pending.state,
      birthDate,
      signatureCertificate: ageOn(birthDate, this.#o.now()) >= SIGNATURE_CERTIFICATE_MIN_AGE,
    };
  }

  /**
   * The four secrets from the applicant window, straight to the card. Refusals by the rules
   * come back as VALIDATION_FAILED with the secret and the rule, never the value.
   */
  async applicantSetPins(secrets: Record<CardSecret, string>): Promise<ApplicantProgress> {
    const pending = this.#pending;
    if (!pending || (pending.state !== 'waiting' && pending.state !== 'failed')) {
      throw new AppError('CARD_STEP_NOT_ALLOWED', 'The counter has not asked for the PINs.');
    }
    const initialization = this.#o.initializationSecret(pending.cardSerial);
    if (!initialization) {
      throw new AppError(
        'CARD_SECRET_MISSING',
        "The card's setup secret has not arrived from the central system. Sync, then try again.",
      );
    }
    pending.state = 'setting';
    pending.code = null;
    this.#emit();
    try {
      await asCardCall(() =>
        this.#o.cardAccess.withCard(pending.readerName, (card) =>
          this.#steps.setPins(pending.cardSerial, card, initialization, secrets),
        ),
      );
      pending.state = 'set';
      this.#o.log.info('handover secrets set by the applicant');
      return this.#progress();
    } catch (error) {
      pending.state = 'failed';
      pending.code = error instanceof AppError ? error.code : 'INTERNAL';
      throw error;
    } finally {
      initialization.fill(0);
      for (const key of Object.keys(secrets) as CardSecret[]) secrets[key] = '';
      this.#emit();
    }
  }

  progress(): ApplicantProgress {
    return this.#progress();
  }

  recheck(cardSerial: string, readerName: string | undefined): Promise<HandoverView> {
    this.#require(cardSerial);
    return asCardCall(() =>
      this.#o.cardAccess.withCard(readerName, async (card) => {
        const draft = await this.#recheckSaying(cardSerial, card);
        if (this.#pending?.cardSerial === cardSerial) {
          this.#pending = null;
          this.#emit();
        }
        return this.#view(draft);
      }),
    );
  }

  recordOldCard(cardSerial: string, collected: boolean): HandoverView {
    return this.#view(this.#steps.recordOldCard(cardSerial, collected));
  }

  /**
   * Commits the handover. On a stale revocation list a supervisor's approval (another person,
   * role supervisor, with a reason) is required; it is recorded in the same transaction: the
   * approval_log row, the review item, and a second-person-approved event in the hand-over's
   * sync batch, so both identities travel in the synced audit trail (as reinstate.ts does).
   */
  async commit(
    cardSerial: string,
    override: ApprovalInput | undefined,
  ): Promise<HandoverCommitted> {
    const actor = this.#o.actor();
    const draft = this.#require(cardSerial);
    const level = this.#o.revocationLevel();
    const approval =
      level === 'stale'
        ? await this.#secondPerson.approve(
            override,
            'revocation-override',
            actor.staffId,
            cardSerial,
          )
        : null;
    const { seq } = this.#o.db.transaction(() => {
      const committed = this.#steps.commit(cardSerial, actor, true);
      if (approval) {
        appendCounterEvent(this.#o.db, {
          type: 'second-person-approved',
          caseRef: draft.applicationId,
          actor,
          payload: {
            step: 'hand-over',
            cardSerial,
            revocationList: 'stale-overridden',
            ...approvalPayload(approval),
          },
          caseVersionSeen: this.#o.store.getCard(cardSerial)?.version ?? null,
          terminalTime: this.#o.now().toISOString(),
          sameTransactionAs: committed.seq,
        });
        recordApproval(this.#o.db, approval, cardSerial);
        recordStaleListOverride(this.#o.db, {
          supervisorStaffId: approval.supervisorId,
          reason: approval.reason,
          cardSerial,
          at: this.#o.now(),
        });
      }
      return committed;
    })();
    if (this.#pending?.cardSerial === cardSerial) {
      this.#pending = null;
      this.#emit();
    }
    return {
      seq,
      cardSerial,
      applicationId: draft.applicationId,
      attendee: draft.attendee ?? 'holder',
      documents: draft.documents,
      oldCardCollected: draft.oldCardCollected === true,
      handedOverAt: this.#o.now().toISOString(),
      handedOverBy: actor.staffId,
      overriddenBy: approval?.supervisorId ?? null,
    };
  }

  printReceipt(cardSerial: string): Promise<SavedFile> {
    const state = this.#o.store.getCard(cardSerial)?.state;
    if (state !== 'handed-over') {
      throw new AppError(
        'CARD_STEP_NOT_ALLOWED',
        'A receipt is printed once the card is handed over.',
      );
    }
    return this.#o.printReceipt(cardSerial);
  }

  /** The step machine's recheck; a secret locked meanwhile is said as such (PIN_BLOCKED). */
  async #recheckSaying(cardSerial: string, card: MyNumberCard): Promise<HandoverDraft> {
    try {
      return await this.#steps.recheck(cardSerial, card);
    } catch (error) {
      if (error instanceof AppError && error.code === 'CARD_STEP_NOT_ALLOWED') {
        for (const pin of ['jpkiAuth', 'jpkiSign', 'textPin'] as const) {
          if ((await card.triesLeft(pin)) === 0) {
            throw new CardError('PIN_BLOCKED', `${pin} blocked at the recheck`, { triesLeft: 0 });
          }
        }
      }
      throw error;
    }
  }

  /**
   * The step machine's proof, with a card that is not this case's said as such: its collation
   * number (the case's My Number) is refused, or the number on the chip differs.
   */
  async #proveThisCard(cardSerial: string, card: MyNumberCard): Promise<HandoverDraft> {
    try {
      return await this.#steps.proveCard(cardSerial, card);
    } catch (error) {
      const refused =
        (error instanceof CardError &&
          (error.code === 'WRONG_PIN' || error.code === 'PIN_BLOCKED')) ||
        (error instanceof AppError && error.code === 'CARD_STEP_NOT_ALLOWED');
      if (!refused) throw error;
      this.#o.log.warn("handover: the card in the reader is not this case's card");
      throw new AppError(
        'WRONG_CARD',
        "The card in the reader is not this case's card. Check the serial printed on the card against the case; do not hand it over.",
      );
    }
  }

  async #readFace(card: MyNumberCard, applicationId: string): Promise<CardFaceView | null> {
    // The VISUAL AP opens with 照合番号A, the My Number, as the TEXT AP did in proveCard.
    try {
      await card.verify(
        'visualCollationA',
        new TextEncoder().encode(this.#myNumberOf(applicationId)),
      );
      const face = parseCardFace(await card.readFile(FILES.cardFace));
      return {
        photo: imageUrl(face.photo),
        photoFormat: face.photoFormat === 'unknown' ? formatOf(face.photo) : face.photoFormat,
        nameImage: imageUrl(face.nameImage),
        addressImage: imageUrl(face.addressImage),
      };
    } catch (error) {
      // The card is proved; a face record it cannot give is said on the screen, not fatal.
      if (error instanceof CardError && error.code !== 'CARD_REMOVED') {
        this.#o.log.warn('card face not read', { code: error.code, detail: error.detail });
        return null;
      }
      throw error;
    }
  }

  #progress(): ApplicantProgress {
    const pending = this.#pending;
    return pending
      ? { cardSerial: pending.cardSerial, state: pending.state, code: pending.code }
      : { cardSerial: null, state: 'idle', code: null };
  }

  #emit(): void {
    this.#o.bus.emit('handover.applicant', this.#progress());
  }

  #require(cardSerial: string): HandoverDraft {
    const draft = this.#steps.get(cardSerial);
    if (!draft) throw new AppError('CASE_NOT_FOUND', 'No handover under way for this card.');
    return draft;
  }

  #view(draft: HandoverDraft): HandoverView {
    const person = prepared(
      this.#o.db,
      `SELECT p.name_kanji AS nameKanji, p.name_kana AS nameKana, p.birth_date AS birthDate
       FROM application AS a JOIN person AS p ON p.person_id = a.person_id
       WHERE a.application_id = ?`,
    ).get(draft.applicationId) as HandoverView['person'];
    const level = this.#o.revocationLevel();
    return {
      cardSerial: draft.cardSerial,
      applicationId: draft.applicationId,
      kind: draft.kind,
      person,
      attendee: draft.attendee,
      documents: draft.documents,
      faceCompared: draft.faceCompared,
      cardProved: draft.cardProved,
      pinsSet: draft.pinsSet,
      rechecked: draft.rechecked,
      oldCardCollected: draft.oldCardCollected,
      oldCardRequired: draft.missing.includes('old-card-collected') || draft.kind !== 'new',
      missing: draft.missing,
      revocation: level,
      overrideRequired: level === 'stale',
      applicant: this.#pending?.cardSerial === draft.cardSerial ? this.#pending.state : 'idle',
    };
  }

  #myNumberOf(applicationId: string): string {
    return prepared(
      this.#o.db,
      `SELECT p.my_number FROM application AS a JOIN person AS p ON p.person_id = a.person_id
       WHERE a.application_id = ?`,
    )
      .pluck()
      .get(applicationId) as string;
  }

  #birthDateOf(cardSerial: string): string {
    return prepared(
      this.#o.db,
      `SELECT p.birth_date FROM card AS c JOIN application AS a ON a.application_id = c.application_id
       JOIN person AS p ON p.person_id = a.person_id WHERE c.card_serial = ?`,
    )
      .pluck()
      .get(cardSerial) as string;
  }
}

function ageOn(birthDate: string, now: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const today = now.toISOString().slice(0, 10).split('-').map(Number) as [number, number, number];
  let age = today[0] - y;
  if (today[1] < m || (today[1] === m && today[2] < d)) age -= 1;
  return age;
}

function formatOf(image: Uint8Array): CardFaceView['photoFormat'] {
  if (image[0] === 0xff && image[1] === 0xd8) return 'jpeg';
  if (image[0] === 0x89 && image[1] === 0x50 && image[2] === 0x4e && image[3] === 0x47)
    return 'png';
  return 'unknown';
}

/** A data: URL the renderer can show (JPEG or PNG), or null (JPEG 2000: Chromium has no decoder). */
function imageUrl(image: Uint8Array): string | null {
  const format = formatOf(image);
  if (format === 'unknown') return null;
  return `data:image/${format};base64,${Buffer.from(image).toString('base64')}`;
}

type HandoverCall =
  | 'handover.open'
  | 'handover.get'
  | 'handover.recordIdentity'
  | 'handover.proveCard'
  | 'handover.readCardFace'
  | 'handover.recordFace'
  | 'handover.requestPins'
  | 'handover.cancelPins'
  | 'handover.progress'
  | 'handover.recheck'
  | 'handover.recordOldCard'
  | 'handover.commit'
  | 'handover.printReceipt'
  | 'applicant.request'
  | 'applicant.setPins';

/** The handover's contract calls, for createCounterServices' handler table. */
export function handoverHandlers(service: HandoverService): Pick<Handlers, HandoverCall> {
  return {
    'handover.open': (input) => service.open(input.cardSerial),
    'handover.get': (input) => service.get(input.cardSerial),
    'handover.recordIdentity': (input) => service.recordIdentity(input.cardSerial, input),
    'handover.proveCard': (input) => service.proveCard(input.cardSerial, input.readerName),
    'handover.readCardFace': (input) => service.readCardFace(input.cardSerial, input.readerName),
    'handover.recordFace': (input) => service.recordFace(input.cardSerial, input.matches),
    'handover.requestPins': (input) => service.requestPins(input.cardSerial, input.readerName),
    'handover.cancelPins': (input) => service.cancelPins(input.cardSerial),
    'handover.progress': () => service.progress(),
    'handover.recheck': (input) => service.recheck(input.cardSerial, input.readerName),
    'handover.recordOldCard': (input) => service.recordOldCard(input.cardSerial, input.collected),
    'handover.commit': (input) => service.commit(input.cardSerial, input.override),
    'handover.printReceipt': (input) => service.printReceipt(input.cardSerial),
    'applicant.request': () => service.applicantRequest(),
    'applicant.setPins': (input) => service.applicantSetPins({ ...input.secrets }),
  };
}
