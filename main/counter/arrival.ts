// The arrival check of dispatched cards (交付前設定, W §3.1 step 3; issue 5 workflow 3).
//
// A shipment arrives with its delivery list. The clerk scans the list (card serials, typed or
// from a keyboard-wedge scanner): each serial is looked up at once, so a card the store does
// not expect here (unknown, or not dispatched) is flagged "extra" before anything is unpacked.
// Then, card by card: the clerk scans the serial on the card's face, looks at the face and
// puts the card on the reader. The app reads the chip:
// - the TEXT AP opens with 照合番号A, which before any PIN is set IS the My Number: VERIFY with
//   the case's number succeeds only on this person's card, and the My Number record read back
//   must be the case's too (as the handover's proveCard does);
// - the JPKI application answers with its user-authentication certificate, which parses and
//   is within its validity (the electronic certificates work).
// A card that matches goes into custody through the CaseStore's transitions (receive, then
// arrival-check-pass), in one transaction. A damaged face records receive, then
// arrival-check-fail. A chip that does not answer is "unreadable", a chip with another
// person's data "wrong-card": both may be checked again (a card badly placed, a mistyped
// serial). Closing the shipment flags every listed card that never came out of the box as
// "missing", with an event on its case so the day's end and central see it.
//
// Shipment and items (migration 0090) are the check's working state; what happened to each
// card is in its case's signed events.

import type { ArrivalOutcome } from '../../db/migrations/0090-second-person-and-arrival';
import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import type { ArrivalCheckResult, ShipmentView } from '../../preload/contract';
import type { EventActor } from '../audit/append';
import { uuidv7 } from '../audit/event-id';
import { CardError } from '../card/errors';
import { FILES, PINS } from '../card/mynumber/card-map';
import type { MyNumberCard } from '../card/mynumber/client';
import { parseMyNumberRecord } from '../card/mynumber/records';
import type { CaseStore } from '../cases/case-store';
import { AppError } from '../core/errors';
import type { Logger } from '../log/logger';
import type { CardAccess } from './card-access';
import { cardCallError } from './card-access';
import { appendCounterEvent } from './events';

/** Card errors that mean the chip itself does not work, not the reader or the clerk. */
const UNREADABLE: readonly string[] = ['UNKNOWN_CARD', 'CARD_UNRESPONSIVE', 'CARD_DATA_INVALID'];
/** Outcomes a clerk may check again (a badly placed card, a mistyped serial). */
const RETRY: readonly ArrivalOutcome[] = ['listed', 'unreadable', 'wrong-card'];

export interface ArrivalOptions {
  db: Db;
  store: CaseStore;
  cards: CardAccess;
  log: Logger;
  now: () => Date;
}

interface ItemRow {
  card_serial: string;
  listed: number;
  outcome: ArrivalOutcome;
  application_id: string | null;
}

export class ArrivalService {
  readonly #db: Db;
  readonly #store: CaseStore;
  readonly #cards: CardAccess;
  readonly #log: Logger;
  readonly #now: () => Date;

  constructor(options: ArrivalOptions) {
    this.#db = options.db;
    this.#store = options.store;
    this.#cards = options.cards;
    this.#log = options.log;
    this.#now = options.now;
  }

  /** A new shipment from its delivery list: each serial classified as expected or extra. */
  start(cardSerials: readonly string[], actor: EventActor & { staffId: string }): ShipmentView {
    const serials = [...new Set(cardSerials.map((s) => s.trim().toUpperCase()))].filter(Boolean);
    if (serials.length === 0) {
      throw new AppError('VALIDATION_FAILED', 'Scan at least one card serial from the list.', [
        { path: 'cardSerials', reason: 'empty' },
      ]);
    }
    const shipmentId = uuidv7();
    const at = this.#now().toISOString();
    this.#db.transaction(() => {
      prepared(
        this.#db,
        'INSERT INTO arrival_shipment (shipment_id, started_by, started_at) VALUES (?, ?, ?)',
      ).run(shipmentId, actor.staffId, at);
      for (const serial of serials) {
        const card = this.#store.getCard(serial);
        const expected = card !== null && card.state === 'dispatched';
        this.#putItem(shipmentId, serial, 1, expected ? 'listed' : 'extra', card?.applicationId);
      }
    })();
    this.#log.info('arrival check started', { shipmentId, cards: serials.length });
    return this.get(shipmentId);
  }

  get(shipmentId: string): ShipmentView {
    const shipment = prepared(
      this.#db,
      'SELECT shipment_id, started_at, closed_at FROM arrival_shipment WHERE shipment_id = ?',
    ).get(shipmentId) as
      { shipment_id: string; started_at: string; closed_at: string | null } | undefined;
    if (!shipment) throw new AppError('CASE_NOT_FOUND', 'No such shipment on this terminal.');
    const items = prepared(
      this.#db,
      `SELECT card_serial, listed, outcome, application_id FROM arrival_item
       WHERE shipment_id = ? ORDER BY rowid`,
    ).all(shipmentId) as ItemRow[];
    return {
      shipmentId,
      startedAt: shipment.started_at,
      closedAt: shipment.closed_at,
      items: items.map((item) => ({
        cardSerial: item.card_serial,
        listed: item.listed === 1,
        outcome: item.outcome,
        applicationId: item.application_id,
      })),
    };
  }

  /**
   * One card on the reader, its face serial scanned and its face looked at. Records the
   * card's steps when it matches (or its face is damaged); flags it otherwise.
   */
  async check(
    input: { shipmentId: string; cardSerial: string; faceIntact: boolean; readerName?: string },
    actor: EventActor & { staffId: string },
  ): Promise<ArrivalCheckResult> {
    const serial = input.cardSerial.trim().toUpperCase();
    const shipment = this.get(input.shipmentId);
    if (shipment.closedAt) {
      throw new AppError('CARD_STEP_NOT_ALLOWED', 'This shipment is closed. Start a new one.');
    }
    const item = shipment.items.find((i) => i.cardSerial === serial);
    const card = this.#store.getCard(serial);
    if (!card || card.state !== 'dispatched') {
      // Not on the list, or not a card this office expects: set aside, nothing recorded.
      this.#putItem(input.shipmentId, serial, item?.listed ? 1 : 0, 'extra', card?.applicationId);
      return this.#result(input.shipmentId, serial, 'extra');
    }
    if (item && !RETRY.includes(item.outcome)) {
      throw new AppError('CARD_STEP_NOT_ALLOWED', 'This card has already been checked.');
    }
    const listed = item?.listed ? 1 : 0;
    const myNumber = prepared(
      this.#db,
      `SELECT p.my_number FROM application AS a JOIN person AS p ON p.person_id = a.person_id
       WHERE a.application_id = ?`,
    )
      .pluck()
      .get(card.applicationId) as string;
    let read: 'matches' | 'wrong-card' | 'unreadable';
    try {
      read = await this.#cards.withCard(input.readerName, (mnc) => readsAs(mnc, myNumber));
    } catch (error) {
      if (error instanceof CardError && UNREADABLE.includes(error.code)) read = 'unreadable';
      else throw cardCallError(error);
    }
    if (read !== 'matches') {
      this.#putItem(input.shipmentId, serial, listed, read, card.applicationId);
      this.#log.warn('arrival check: card flagged', { outcome: read });
      return this.#result(input.shipmentId, serial, read);
    }
    const outcome: ArrivalOutcome = input.faceIntact ? 'matched' : 'failed';
    this.#db.transaction(() => {
      const received = this.#store.recordCardTransition(
        serial,
        'receive',
        actor,
        new Set(['card-in-hand']),
        card.version,
      );
      if (input.faceIntact) {
        this.#store.recordCardTransition(
          serial,
          'arrival-check-pass',
          actor,
          new Set(['card-read-matches-case', 'card-face-intact', 'jpki-function-checked']),
          received.version,
        );
      } else {
        const failed = this.#store.recordCardTransition(
          serial,
          'arrival-check-fail',
          actor,
          new Set(['reason']),
          received.version,
        );
        // The reason code of the failure, with the step in one sync batch.
        appendCounterEvent(this.#db, {
          type: 'arrival-flagged',
          caseRef: card.applicationId,
          actor,
          payload: { cardSerial: serial, shipmentId: input.shipmentId, flag: 'face-damaged' },
          caseVersionSeen: failed.version,
          terminalTime: this.#now().toISOString(),
          sameTransactionAs: failed.seq,
        });
      }
      this.#putItem(input.shipmentId, serial, listed, outcome, card.applicationId);
    })();
    this.#log.info('arrival check: card recorded', { outcome });
    return this.#result(input.shipmentId, serial, outcome);
  }

  /** Ends the check: every listed card never checked is missing, flagged on its case. */
  close(shipmentId: string, actor: EventActor & { staffId: string }): ShipmentView {
    const shipment = this.get(shipmentId);
    if (shipment.closedAt) return shipment;
    const at = this.#now().toISOString();
    this.#db.transaction(() => {
      for (const item of shipment.items) {
        if (item.outcome !== 'listed' || item.applicationId === null) continue;
        this.#putItem(shipmentId, item.cardSerial, 1, 'missing', item.applicationId);
        const card = this.#store.getCard(item.cardSerial);
        appendCounterEvent(this.#db, {
          type: 'arrival-flagged',
          caseRef: item.applicationId,
          actor,
          payload: { cardSerial: item.cardSerial, shipmentId, flag: 'missing' },
          caseVersionSeen: card?.version ?? null,
          terminalTime: at,
        });
      }
      prepared(
        this.#db,
        'UPDATE arrival_shipment SET closed_by = ?, closed_at = ? WHERE shipment_id = ?',
      ).run(actor.staffId, at, shipmentId);
    })();
    this.#log.info('arrival check closed', { shipmentId });
    return this.get(shipmentId);
  }

  #result(shipmentId: string, cardSerial: string, outcome: ArrivalOutcome): ArrivalCheckResult {
    return { cardSerial, outcome, shipment: this.get(shipmentId) };
  }

  #putItem(
    shipmentId: string,
    cardSerial: string,
    listed: number,
    outcome: ArrivalOutcome,
    applicationId: string | undefined | null,
  ): void {
    prepared(
      this.#db,
      `INSERT INTO arrival_item (shipment_id, card_serial, listed, outcome, application_id,
                                 updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (shipment_id, card_serial) DO UPDATE
       SET outcome = excluded.outcome, application_id = excluded.application_id,
           updated_at = excluded.updated_at`,
    ).run(
      shipmentId,
      cardSerial,
      listed,
      outcome,
      applicationId ?? null,
      this.#now().toISOString(),
    );
  }
}

/**
 * Whether the chip is this case's card: 照合番号A (the My Number, before PINs are set) opens the
 * TEXT AP only on this person's card, the record must be the same number, and the JPKI
 * certificate must be there and valid now.
 */
async function readsAs(
  card: MyNumberCard,
  myNumber: string,
): Promise<'matches' | 'wrong-card' | 'unreadable'> {
  try {
    // The client zeroes the secret it sends.
    await card.verify(PINS.textCollationA.id, new TextEncoder().encode(myNumber));
  } catch (error) {
    if (error instanceof CardError && (error.code === 'WRONG_PIN' || error.code === 'PIN_BLOCKED'))
      return 'wrong-card';
    throw error;
  }
  const onChip = parseMyNumberRecord(await card.readFile(FILES.myNumber));
  if (onChip !== myNumber) return 'wrong-card';
  const { certificate } = await card.readCertificate('auth');
  const now = Date.now();
  if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo)) {
    return 'unreadable';
  }
  return 'matches';
}
