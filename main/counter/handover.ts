// Handover (交付, W §3.3) on the main side: a step machine that can be interrupted and resumed
// but never records a half handover.
//
// Each step records what it established in handover_draft (migration 0070), one row per card;
// nothing in the draft is a fact of the case yet. commit() is the only write to the case: ONE
// transaction that re-checks every requirement through the CaseStore (domain/case-lifecycle
// HANDOVER_CHECKS), records the card's hand-over with its signed event (the sync outbox),
// the identity documents seen (by type, never number or image) and the handover row, and
// deletes the draft. A failure anywhere rolls all of it back and leaves the draft to resume.
//
// The card steps talk to the card through the My Number Card client (main/card/mynumber), over
// PC/SC or the in-process virtual card alike:
// - proveCard: the chip must hold this case's My Number. Before any PIN is set, the TEXT AP
//   opens with 照合番号A, which IS the My Number: VERIFY with the case's number succeeds only
//   on this person's card; the record read back must match too.
// - setPins: the applicant's four secrets (typed on the applicant-facing screen, checked
//   against domain/pin-rules), set with the card's initialization secret (our issuance
//   profile, docs/card-issuance-profile.md). Secrets are zeroed once sent, never stored.
// - recheck: the card answers for each secret with a full try counter: set, and not blocked.
//
// Not here yet (their owners' seams): the initialization secret arrives with the dispatched
// card through main/sync; the revocation list's freshness is main/sync's to answer (the caller
// passes it to commit, with a supervisor's override when stale); the contract calls and the
// screens (clerk and applicant-facing window) come with them.

import type { Db } from '../../db/open';
import { IDENTITY_DOCUMENTS, type ATTENDEES } from '../../db/migrations/0020-cases';
import { prepared } from '../../db/statements';
import type { ApplicationKind, Requirement } from '../../domain/case-lifecycle';
import { parseIsoDate } from '../../domain/japanese-era';
import { CARD_SECRETS, cardSecretProblems, type CardSecret } from '../../domain/pin-rules';
import type { EventActor } from '../audit/append';
import { uuidv7 } from '../audit/event-id';
import { FILES, PINS } from '../card/mynumber/card-map';
import type { MyNumberCard } from '../card/mynumber/client';
import { parseMyNumberRecord } from '../card/mynumber/records';
import type { CaseStore } from '../cases/case-store';
import { AppError } from '../core/errors';
import type { Logger } from '../log/logger';

export type Attendee = (typeof ATTENDEES)[number];
export type IdentityDocument = (typeof IDENTITY_DOCUMENTS)[number];

/** Kinds whose handover also takes back the previous card (domain/case-lifecycle.ts). */
const OLD_CARD_KINDS: readonly ApplicationKind[] = ['renewal', 'reissue-damage'];

export interface HandoverDraft {
  cardSerial: string;
  applicationId: string;
  kind: ApplicationKind;
  attendee: Attendee | null;
  documents: IdentityDocument[];
  faceCompared: boolean;
  cardProved: boolean;
  pinsSet: boolean;
  rechecked: boolean;
  oldCardCollected: boolean | null;
  startedBy: string;
  /** What commit() still needs, in the order of the screen's steps. */
  missing: Requirement[];
}

interface DraftRow {
  card_serial: string;
  application_id: string;
  card_version: number;
  attendee: Attendee | null;
  documents: string | null;
  face_compared: number;
  card_proved_at: string | null;
  pins_set_at: string | null;
  rechecked_at: string | null;
  old_card_collected: number | null;
  started_by: string;
}

/** One document from list A, or two from list B (W §3.3 "Bring"). */
export function identityDocumentsSuffice(documents: readonly IdentityDocument[]): boolean {
  const a = documents.filter((d) => d.startsWith('a-')).length;
  const b = new Set(documents.filter((d) => d.startsWith('b-'))).size;
  return a >= 1 || b >= 2;
}

function handoverError(code: 'CARD_STEP_NOT_ALLOWED' | 'CASE_NOT_FOUND', message: string) {
  return new AppError(code, message);
}

export class HandoverSteps {
  readonly #db: Db;
  readonly #store: CaseStore;
  readonly #now: () => Date;
  readonly #log: Logger;

  constructor(options: { db: Db; store: CaseStore; now: () => Date; log: Logger }) {
    this.#db = options.db;
    this.#store = options.store;
    this.#now = options.now;
    this.#log = options.log;
  }

  /** Starts the handover of a card in custody, or resumes the one under way. */
  start(cardSerial: string, actor: EventActor & { staffId: string }): HandoverDraft {
    const existing = this.get(cardSerial);
    if (existing) return existing;
    const card = this.#store.getCard(cardSerial);
    if (!card) throw handoverError('CASE_NOT_FOUND', 'No card with this serial on this terminal.');
    if (card.state !== 'in-custody') {
      throw handoverError('CARD_STEP_NOT_ALLOWED', 'Only a card in custody can be handed over.');
    }
    const at = this.#now().toISOString();
    prepared(
      this.#db,
      `INSERT INTO handover_draft (card_serial, application_id, card_version, started_by,
                                   started_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(cardSerial, card.applicationId, card.version, actor.staffId, at, at);
    this.#log.info('handover started', { version: card.version });
    return this.#require(cardSerial);
  }

  get(cardSerial: string): HandoverDraft | null {
    const row = prepared(this.#db, 'SELECT * FROM handover_draft WHERE card_serial = ?').get(
      cardSerial,
    ) as DraftRow | undefined;
    return row ? this.#view(row) : null;
  }

  /** Who came, which documents were seen (types only), and that the face was compared. */
  recordIdentity(
    cardSerial: string,
    input: { attendee: Attendee; documents: IdentityDocument[]; faceCompared: boolean },
  ): HandoverDraft {
    this.#require(cardSerial);
    const documents = [...new Set(input.documents)].filter((d) =>
      (IDENTITY_DOCUMENTS as readonly string[]).includes(d),
    );
    this.#update(cardSerial, 'attendee = ?, documents = ?, face_compared = ?', [
      input.attendee,
      JSON.stringify(documents),
      input.faceCompared ? 1 : 0,
    ]);
    return this.#require(cardSerial);
  }

  /** The chip holds this case's My Number (see the file comment). */
  async proveCard(cardSerial: string, card: MyNumberCard): Promise<HandoverDraft> {
    const draft = this.#require(cardSerial);
    const myNumber = this.#myNumberOf(draft.applicationId);
    const collationA = new TextEncoder().encode(myNumber);
    // The client zeroes the secret it sends.
    await card.verify(PINS.textCollationA.id, collationA);
    const onChip = parseMyNumberRecord(await card.readFile(FILES.myNumber));
    if (onChip !== myNumber) {
      throw handoverError('CARD_STEP_NOT_ALLOWED', "This card is not this case's card.");
    }
    this.#update(cardSerial, 'card_proved_at = ?', [this.#now().toISOString()]);
    return this.#require(cardSerial);
  }

  /**
   * The applicant's four secrets, checked against the PIN rules (with the applicant's birth
   * date), then set on the card. Every buffer is zeroed before this returns.
   */
  async setPins(
    cardSerial: string,
    card: MyNumberCard,
    initializationSecret: Uint8Array,
    secrets: Readonly<Record<CardSecret, string>>,
  ): Promise<HandoverDraft> {
    try {
      const draft = this.#require(cardSerial);
      if (!draft.cardProved) {
        throw handoverError(
          'CARD_STEP_NOT_ALLOWED',
          "Read the card and prove it is this case's first.",
        );
      }
      const birthDate = parseIsoDate(this.#birthDateOf(draft.applicationId));
      if (!birthDate) throw new Error('a stored birth date is not a date');
      const refused = (Object.keys(CARD_SECRETS) as CardSecret[]).flatMap((secret) =>
        cardSecretProblems(secret, secrets[secret], { birthDate }).map((reason) => ({
          path: secret,
          reason,
        })),
      );
      if (refused.length > 0) {
        throw new AppError('VALIDATION_FAILED', 'A secret does not follow the rules.', refused);
      }
      for (const secret of Object.keys(CARD_SECRETS) as CardSecret[]) {
        // A fresh copy each time: the client zeroes what it was given.
        await card.setSecret(
          secret,
          Uint8Array.from(initializationSecret),
          new TextEncoder().encode(secrets[secret]),
        );
      }
      this.#update(cardSerial, 'pins_set_at = ?, rechecked_at = NULL', [this.#now().toISOString()]);
      return this.#require(cardSerial);
    } finally {
      initializationSecret.fill(0);
    }
  }

  /** The card checked again: every secret set, with its full try counter. */
  async recheck(cardSerial: string, card: MyNumberCard): Promise<HandoverDraft> {
    const draft = this.#require(cardSerial);
    if (!draft.pinsSet) {
      throw handoverError('CARD_STEP_NOT_ALLOWED', 'The secrets have not been set yet.');
    }
    for (const pin of [PINS.jpkiAuth, PINS.jpkiSign, PINS.textPin]) {
      const status = await card.triesLeft(pin.id);
      if (status !== pin.maxTries) {
        throw handoverError('CARD_STEP_NOT_ALLOWED', `The ${pin.label} is not set as expected.`);
      }
    }
    this.#update(cardSerial, 'rechecked_at = ?', [this.#now().toISOString()]);
    return this.#require(cardSerial);
  }

  /** The previous card (or 通知カード / 住基カード) taken back, or not. */
  recordOldCard(cardSerial: string, collected: boolean): HandoverDraft {
    this.#require(cardSerial);
    this.#update(cardSerial, 'old_card_collected = ?', [collected ? 1 : 0]);
    return this.#require(cardSerial);
  }

  /**
   * Records the handover: all or nothing. `revocationListFresh` is main/sync's answer (or a
   * supervisor's recorded override of a stale list, S §3.5).
   */
  commit(
    cardSerial: string,
    actor: EventActor & { staffId: string },
    revocationListFresh: boolean,
  ): { seq: number } {
    const result = this.#db.transaction(() => {
      const row = prepared(this.#db, 'SELECT * FROM handover_draft WHERE card_serial = ?').get(
        cardSerial,
      ) as DraftRow | undefined;
      if (!row) throw handoverError('CASE_NOT_FOUND', 'No handover under way for this card.');
      const draft = this.#view(row);
      const satisfied = new Set(this.#established(draft));
      if (revocationListFresh) satisfied.add('revocation-list-fresh');
      const step = this.#store.recordCardTransition(
        cardSerial,
        'hand-over',
        actor,
        satisfied,
        row.card_version,
      );
      const at = this.#now().toISOString();
      for (const document of draft.documents) {
        prepared(
          this.#db,
          `INSERT INTO identity_check (identity_check_id, application_id, document,
                                       face_compared, checked_by, checked_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(
          uuidv7(),
          draft.applicationId,
          document,
          draft.faceCompared ? 1 : 0,
          actor.staffId,
          at,
        );
      }
      prepared(
        this.#db,
        `INSERT INTO handover (card_serial, attendee, old_card_collected, handed_over_by,
                               handed_over_at)
         VALUES (?, ?, ?, ?, ?)`,
      ).run(cardSerial, draft.attendee, draft.oldCardCollected ? 1 : 0, actor.staffId, at);
      prepared(this.#db, 'DELETE FROM handover_draft WHERE card_serial = ?').run(cardSerial);
      return { seq: step.seq };
    })();
    this.#log.info('handover committed', { seq: result.seq });
    return result;
  }

  #established(draft: HandoverDraft): Requirement[] {
    const established: Requirement[] = [];
    if (draft.attendee && draft.faceCompared && identityDocumentsSuffice(draft.documents)) {
      established.push('identity-verified');
    }
    if (draft.cardProved) established.push('card-read-matches-case');
    if (draft.pinsSet && draft.rechecked) established.push('pins-set');
    if (draft.oldCardCollected) established.push('old-card-collected');
    return established;
  }

  #view(row: DraftRow): HandoverDraft {
    const application = this.#store.getApplication(row.application_id);
    if (!application) throw new Error('a handover draft without its application');
    const draft: HandoverDraft = {
      cardSerial: row.card_serial,
      applicationId: row.application_id,
      kind: application.kind,
      attendee: row.attendee,
      documents: row.documents ? (JSON.parse(row.documents) as IdentityDocument[]) : [],
      faceCompared: row.face_compared === 1,
      cardProved: row.card_proved_at !== null,
      pinsSet: row.pins_set_at !== null,
      rechecked: row.rechecked_at !== null,
      oldCardCollected: row.old_card_collected === null ? null : row.old_card_collected === 1,
      startedBy: row.started_by,
      missing: [],
    };
    const established = new Set(this.#established(draft));
    const needed: Requirement[] = ['identity-verified', 'card-read-matches-case', 'pins-set'];
    if (OLD_CARD_KINDS.includes(draft.kind)) needed.push('old-card-collected');
    draft.missing = needed.filter((r) => !established.has(r));
    return draft;
  }

  #require(cardSerial: string): HandoverDraft {
    const draft = this.get(cardSerial);
    if (!draft) throw handoverError('CASE_NOT_FOUND', 'No handover under way for this card.');
    return draft;
  }

  #update(cardSerial: string, set: string, values: unknown[]): void {
    prepared(
      this.#db,
      `UPDATE handover_draft SET ${set}, updated_at = ? WHERE card_serial = ?`,
    ).run(...values, this.#now().toISOString(), cardSerial);
  }

  #myNumberOf(applicationId: string): string {
    return prepared(
      this.#db,
      `SELECT p.my_number FROM application AS a JOIN person AS p ON p.person_id = a.person_id
       WHERE a.application_id = ?`,
    )
      .pluck()
      .get(applicationId) as string;
  }

  #birthDateOf(applicationId: string): string {
    return prepared(
      this.#db,
      `SELECT p.birth_date FROM application AS a JOIN person AS p ON p.person_id = a.person_id
       WHERE a.application_id = ?`,
    )
      .pluck()
      .get(applicationId) as string;
  }
}
