// The case store: the pattern every workflow follows. Each method that changes a case runs
// ONE transaction that checks the step (domain/case-lifecycle), changes the projection
// (person, application, card) and appends the signed event (main/audit). A refusal throws a
// CaseError before anything is written; any failure after that rolls the whole step back.

import {
  checkTransition,
  REQUIREMENTS,
  type ApplicationKind,
  type CardState,
  type CaseEvent,
  type Requirement,
} from '../../domain/case-lifecycle';
import { myNumberProblem } from '../../domain/my-number';
import { normalizeKana, normalizeKanji, normalizeLatin } from '../../domain/name-normalize';
import type { Db } from '../../db/open';
import type { ApplicationChannel, ApplicationStatus, Sex } from '../../db/migrations/0020-cases';
import { appendEvent, type EventActor } from '../audit/append';
import type { JsonObject, JsonValue } from '../audit/chain';
import { uuidv7 } from '../audit/event-id';
import type { Logger } from '../log/logger';
import { CaseError } from './errors';
import { existingMyNumberHmacSecret, myNumberHmac, myNumberHmacSecret } from './my-number-index';
import {
  CARDS_OF_APPLICATION,
  FIND_PERSON_BY_MY_NUMBER_HMAC,
  FIND_PERSONS_BY_BIRTH_DATE,
  FIND_PERSONS_BY_KANA_PREFIX,
  GET_APPLICATION,
  GET_CARD,
  prefixUpperBound,
} from './queries';
import { prepared } from '../../db/statements';

export interface PersonInput {
  nameKanji: string;
  nameKana: string;
  /** 通称, when the residents' register records one. */
  alias?: string;
  nameLatin?: string;
  /** ISO date, e.g. '1980-02-17'. */
  birthDate: string;
  sex: Sex;
  address: string;
  overseas: boolean;
  myNumber: string;
}

export interface ApplicationInput {
  /** The 申請書ID when the application has one; otherwise the store makes its own. */
  applicationId?: string;
  kind: ApplicationKind;
  channel: ApplicationChannel;
  /** ISO 8601. */
  receivedAt: string;
  officeCode: string;
  person: PersonInput;
}

export interface PersonRecord {
  personId: string;
  nameKanji: string;
  nameKana: string;
  alias: string | null;
  nameLatin: string | null;
  birthDate: string;
  sex: Sex;
  address: string;
  overseas: boolean;
  createdAt: string;
}

export interface ApplicationRecord {
  applicationId: string;
  /** null once the person's data was purged (main/cases/retention.ts). */
  personId: string | null;
  kind: ApplicationKind;
  channel: ApplicationChannel;
  receivedAt: string;
  officeCode: string;
  status: ApplicationStatus;
  version: number;
  /** When the person's data was purged; null while it is kept. */
  purgedAt: string | null;
}

export interface CardRecord {
  cardSerial: string;
  applicationId: string;
  kind: ApplicationKind;
  state: CardState;
  expiryDate: string | null;
  version: number;
}

/** A card as another system recorded it: ordered at `orderedAt`, then these steps. */
export interface ImportedCard {
  cardSerial: string;
  expiryDate: string | null;
  /** ISO 8601. */
  orderedAt: string;
  history: readonly { event: CaseEvent; actor: EventActor; at: string }[];
}

export interface Recorded {
  /** The event's place in the terminal's audit log. */
  seq: number;
}

interface PersonRow {
  person_id: string;
  name_kanji: string;
  name_kana: string;
  alias: string | null;
  name_latin: string | null;
  birth_date: string;
  sex: Sex;
  address: string;
  overseas: number;
  created_at: string;
}

interface ApplicationRow {
  application_id: string;
  person_id: string | null;
  kind: ApplicationKind;
  channel: ApplicationChannel;
  received_at: string;
  office_code: string;
  status: ApplicationStatus;
  version: number;
  purged_at: string | null;
}

interface CardRow {
  card_serial: string;
  application_id: string;
  kind: ApplicationKind;
  state: CardState;
  expiry_date: string | null;
  version: number;
}

/** An imported step was checked where it was recorded: only its existence and actor are checked here. */
const ALL_MET: ReadonlySet<Requirement> = new Set(REQUIREMENTS);

/** Roles that may record an application: the counter's staff, or central for online ones. */
const RECEIVING_ROLES = ['clerk', 'supervisor', 'central'] as const;

export interface CaseStoreOptions {
  db: Db;
  log: Logger;
  now?: () => Date;
}

export class CaseStore {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #now: () => Date;

  constructor(options: CaseStoreOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
  }

  /** A new application, and its person unless the My Number is already known. */
  receiveApplication(
    input: ApplicationInput,
    actor: EventActor,
  ): Recorded & { applicationId: string; personId: string } {
    assertActorShape(actor);
    if (!(RECEIVING_ROLES as readonly string[]).includes(actor.role)) {
      throw new CaseError(
        'PERMISSION_DENIED',
        'Only a clerk or a supervisor can receive an application.',
      );
    }
    assertMyNumber(input.person.myNumber);
    const result = this.#db.transaction(() => {
      const now = this.#now().toISOString();
      const applicationId = input.applicationId ?? `MDG-${uuidv7()}`;
      if (prepared(this.#db, GET_APPLICATION).get(applicationId)) {
        throw new CaseError(
          'APPLICATION_ID_TAKEN',
          'An application with this ID is already recorded.',
        );
      }
      const { personId, created } = this.#personFor(input.person, now);
      prepared(
        this.#db,
        `INSERT INTO application (application_id, person_id, kind, channel, received_at,
                                    office_code, status)
           VALUES (?, ?, ?, ?, ?, ?, 'received')`,
      ).run(applicationId, personId, input.kind, input.channel, input.receivedAt, input.officeCode);
      const { seq } = appendEvent(this.#db, {
        type: 'application-received',
        caseRef: applicationId,
        actor,
        payload: {
          personId,
          personCreated: created,
          kind: input.kind,
          channel: input.channel,
          officeCode: input.officeCode,
          receivedAt: input.receivedAt,
        },
        caseVersionSeen: null,
        terminalTime: now,
      });
      return { seq, applicationId, personId };
    })();
    this.#log.info('application received', {
      kind: input.kind,
      channel: input.channel,
      seq: result.seq,
    });
    return result;
  }

  /** The person with this My Number, inserted unless already known. Inside a transaction. */
  #personFor(p: PersonInput, now: string): { personId: string; created: boolean } {
    const hmac = myNumberHmac(myNumberHmacSecret(this.#db, this.#now), p.myNumber);
    const known = prepared(this.#db, FIND_PERSON_BY_MY_NUMBER_HMAC).get(hmac) as
      PersonRow | undefined;
    // A known person keeps the details on record; changing them is a step of its own.
    const personId = known?.person_id ?? uuidv7();
    if (!known) {
      prepared(this.#db, INSERT_PERSON).run(...personValues(personId, p, hmac, now));
    }
    return { personId, created: !known };
  }

  /**
   * A case taken over at its current state from the system the office used before (and the
   * bulk path of `madoguchi db seed`): the application, its person, and its card with the
   * steps it went through, ONE signed `case-imported` event recording all of it. Each step is
   * checked against the transition table (it exists from the state before it, for this kind,
   * and this actor may record it); what each step required was established in the other
   * system. The event carries the time of the latest step, so retention counts from when the
   * case closed, not from the import. Card and application versions are what recording the
   * steps one by one would have left.
   */
  importCase(
    input: ApplicationInput & { applicationId: string },
    card: ImportedCard | null,
    actor: EventActor,
    /** Who received the application in the other system. */
    receivedBy: EventActor,
  ): Recorded & { personId: string; state: CardState | null } {
    assertActorShape(actor);
    if (actor.role !== 'system' && actor.role !== 'central') {
      throw new CaseError('PERMISSION_DENIED', 'Only the app itself or central imports cases.');
    }
    assertMyNumber(input.person.myNumber);
    const { state, lastAt, history } = checkImportedHistory(input.kind, input.receivedAt, card);
    return this.#db.transaction(() => {
      if (prepared(this.#db, GET_APPLICATION).get(input.applicationId)) {
        throw new CaseError(
          'APPLICATION_ID_TAKEN',
          'An application with this ID is already recorded.',
        );
      }
      const { personId, created } = this.#personFor(input.person, input.receivedAt);
      prepared(this.#db, INSERT_IMPORTED_APPLICATION).run(
        input.applicationId,
        personId,
        input.kind,
        input.channel,
        input.receivedAt,
        input.officeCode,
        card ? 'card-ordered' : 'received',
        card ? 2 : 1,
      );
      if (card && state) {
        if (prepared(this.#db, GET_CARD).get(card.cardSerial)) {
          throw new CaseError('CARD_SERIAL_TAKEN', 'A card with this serial is already recorded.');
        }
        prepared(this.#db, INSERT_IMPORTED_CARD).run(
          card.cardSerial,
          input.applicationId,
          state,
          card.expiryDate,
          1 + card.history.length,
        );
      }
      const { seq } = appendEvent(this.#db, {
        type: 'case-imported',
        caseRef: input.applicationId,
        actor,
        payload: importEventPayload(input, personId, created, receivedBy, card, state, history),
        caseVersionSeen: null,
        terminalTime: lastAt,
      });
      return { seq, personId, state };
    })();
  }

  /** Central ordered the card for an application: the card starts at 'ordered'. */
  orderCard(
    applicationId: string,
    card: { cardSerial: string; expiryDate: string | null },
    actor: EventActor,
    expectedVersion: number,
  ): Recorded {
    assertActorShape(actor);
    if (actor.role !== 'central') {
      throw new CaseError('PERMISSION_DENIED', 'Only the central system orders cards.');
    }
    const result = this.#db.transaction(() => {
      const application = prepared(this.#db, GET_APPLICATION).get(applicationId) as
        ApplicationRow | undefined;
      if (!application) throw notFound();
      if (application.version !== expectedVersion) throw stale();
      if (application.purged_at !== null) {
        throw new CaseError(
          'CARD_STEP_NOT_ALLOWED',
          "This case's personal data was purged under the retention rule: record a new application instead.",
        );
      }
      // A reissue after a failed arrival check orders a second card (S §3.7 F).
      if (application.status !== 'received' && application.status !== 'card-ordered') {
        throw new CaseError(
          'CARD_STEP_NOT_ALLOWED',
          'No card can be ordered for a rejected or withdrawn application.',
        );
      }
      if (prepared(this.#db, GET_CARD).get(card.cardSerial)) {
        throw new CaseError('CARD_SERIAL_TAKEN', 'A card with this serial is already recorded.');
      }
      prepared(
        this.#db,
        "INSERT INTO card (card_serial, application_id, state, expiry_date) VALUES (?, ?, 'ordered', ?)",
      ).run(card.cardSerial, applicationId, card.expiryDate);
      prepared(
        this.#db,
        "UPDATE application SET status = 'card-ordered', version = version + 1 WHERE application_id = ?",
      ).run(applicationId);
      return appendEvent(this.#db, {
        type: 'card-ordered',
        caseRef: applicationId,
        actor,
        payload: { cardSerial: card.cardSerial, expiryDate: card.expiryDate },
        caseVersionSeen: expectedVersion,
        terminalTime: this.#now().toISOString(),
      });
    })();
    return { seq: result.seq };
  }

  /**
   * One step of the card lifecycle: looked up in the transition table, refused with a
   * CaseError (nothing written) or recorded with its event in one transaction.
   */
  recordCardTransition(
    cardSerial: string,
    event: CaseEvent,
    actor: EventActor,
    satisfied: ReadonlySet<Requirement>,
    expectedVersion: number,
  ): Recorded & { state: CardState; version: number } {
    assertActorShape(actor);
    const result = this.#db.transaction(() => {
      const card = prepared(this.#db, GET_CARD).get(cardSerial) as CardRow | undefined;
      if (!card) throw notFound();
      if (card.version !== expectedVersion) throw stale();
      const step = checkTransition(card.kind, card.state, event, actor.role, satisfied);
      if (!step.ok) {
        switch (step.code) {
          case 'wrong-actor':
            throw new CaseError('PERMISSION_DENIED', step.reason);
          case 'missing-requirements':
            throw new CaseError(
              'CARD_STEP_REQUIREMENTS_MISSING',
              step.reason,
              step.missing.map((r) => ({ path: 'requirements', reason: r })),
            );
          case 'not-from-this-state':
          case 'not-for-this-kind':
            throw new CaseError('CARD_STEP_NOT_ALLOWED', step.reason);
        }
      }
      const changed = prepared(
        this.#db,
        'UPDATE card SET state = ?, version = version + 1 WHERE card_serial = ? AND version = ?',
      ).run(step.to, cardSerial, expectedVersion).changes;
      if (changed !== 1) throw stale();
      const { seq } = appendEvent(this.#db, {
        type: event,
        caseRef: card.application_id,
        actor,
        payload: {
          cardSerial,
          from: card.state,
          to: step.to,
          established: [...satisfied].sort(),
        },
        caseVersionSeen: expectedVersion,
        terminalTime: this.#now().toISOString(),
      });
      return { seq, state: step.to, version: expectedVersion + 1, from: card.state };
    })();
    this.#log.info('card step recorded', {
      event,
      from: result.from,
      to: result.state,
      seq: result.seq,
    });
    return { seq: result.seq, state: result.state, version: result.version };
  }

  /** The person with this My Number, found through its HMAC; null when there is none. */
  findByMyNumber(myNumber: string): PersonRecord | null {
    assertMyNumber(myNumber);
    const secret = existingMyNumberHmacSecret(this.#db);
    if (!secret) return null;
    const row = prepared(this.#db, FIND_PERSON_BY_MY_NUMBER_HMAC).get(
      myNumberHmac(secret, myNumber),
    ) as PersonRow | undefined;
    return row ? toPerson(row) : null;
  }

  /** Persons whose kana name starts with `prefix`, in kana order. */
  findByKanaPrefix(prefix: string, limit = 50): PersonRecord[] {
    const to = prefixUpperBound(prefix);
    if (to === undefined) return [];
    const rows = prepared(this.#db, FIND_PERSONS_BY_KANA_PREFIX).all({
      from: prefix,
      to,
      limit,
    }) as PersonRow[];
    return rows.map(toPerson);
  }

  findByBirthDate(birthDate: string): PersonRecord[] {
    return (prepared(this.#db, FIND_PERSONS_BY_BIRTH_DATE).all(birthDate) as PersonRow[]).map(
      toPerson,
    );
  }

  getApplication(applicationId: string): ApplicationRecord | null {
    const row = prepared(this.#db, GET_APPLICATION).get(applicationId) as
      ApplicationRow | undefined;
    return row
      ? {
          applicationId: row.application_id,
          personId: row.person_id,
          kind: row.kind,
          channel: row.channel,
          receivedAt: row.received_at,
          officeCode: row.office_code,
          status: row.status,
          version: row.version,
          purgedAt: row.purged_at,
        }
      : null;
  }

  getCard(cardSerial: string): CardRecord | null {
    const row = prepared(this.#db, GET_CARD).get(cardSerial) as CardRow | undefined;
    return row ? toCard(row) : null;
  }

  cardsOfApplication(applicationId: string): Omit<CardRecord, 'kind'>[] {
    const rows = prepared(this.#db, CARDS_OF_APPLICATION).all(applicationId) as Omit<
      CardRow,
      'kind'
    >[];
    return rows.map((row) => ({
      cardSerial: row.card_serial,
      applicationId: row.application_id,
      state: row.state,
      expiryDate: row.expiry_date,
      version: row.version,
    }));
  }
}

/**
 * The state an imported card's steps lead to, each checked against the transition table,
 * the time of the latest step, and the steps as the import event records them.
 */
export function checkImportedHistory(
  kind: ApplicationKind,
  receivedAt: string,
  card: ImportedCard | null,
): { state: CardState | null; lastAt: string; history: JsonValue[] } {
  let state: CardState | null = null;
  let lastAt = receivedAt;
  const history: JsonValue[] = [];
  if (card) {
    state = 'ordered';
    lastAt = card.orderedAt;
    for (const step of card.history) {
      assertActorShape(step.actor);
      const checked = checkTransition(kind, state, step.event, step.actor.role, ALL_MET);
      if (!checked.ok) throw new CaseError('CARD_STEP_NOT_ALLOWED', checked.reason);
      state = checked.to;
      lastAt = step.at;
      history.push([step.event, step.actor.role, step.actor.staffId, step.at]);
    }
  }
  return { state, lastAt, history };
}

/** The payload of a `case-imported` event (CaseStore.importCase and the bulk seeder). */
export function importEventPayload(
  input: ApplicationInput,
  personId: string,
  personCreated: boolean,
  receivedBy: EventActor,
  card: ImportedCard | null,
  state: CardState | null,
  history: JsonValue[],
): JsonObject {
  return {
    personId,
    personCreated,
    kind: input.kind,
    channel: input.channel,
    officeCode: input.officeCode,
    receivedAt: input.receivedAt,
    receivedBy: [receivedBy.role, receivedBy.staffId],
    card: card
      ? {
          cardSerial: card.cardSerial,
          expiryDate: card.expiryDate,
          orderedAt: card.orderedAt,
          state,
          history,
        }
      : null,
  };
}

export const INSERT_IMPORTED_APPLICATION = `
  INSERT INTO application (application_id, person_id, kind, channel, received_at, office_code,
                           status, version)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

export const INSERT_IMPORTED_CARD =
  'INSERT INTO card (card_serial, application_id, state, expiry_date, version) VALUES (?, ?, ?, ?, ?)';

/** The INSERT of a person, with the search forms of migration 0030. */
export const INSERT_PERSON = `
  INSERT INTO person (person_id, name_kanji, name_kana, alias, name_latin, birth_date, sex,
                      address, overseas, my_number, my_number_hmac, created_at, kana_norm,
                      kanji_norm, latin_norm)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The values of INSERT_PERSON for a person. */
export function personValues(
  personId: string,
  p: PersonInput,
  hmac: Buffer,
  createdAt: string,
  forms: NameForms = NAME_FORMS,
): unknown[] {
  return [
    personId,
    p.nameKanji,
    p.nameKana,
    p.alias ?? null,
    p.nameLatin ?? null,
    p.birthDate,
    p.sex,
    p.address,
    p.overseas ? 1 : 0,
    p.myNumber,
    hmac,
    createdAt,
    forms.kana(p.nameKana),
    forms.kanji(p.nameKanji),
    p.nameLatin === undefined ? null : forms.latin(p.nameLatin),
  ];
}

/** The search forms of a name (domain/name-normalize), replaceable by a memoized set. */
export interface NameForms {
  kana(s: string): string;
  kanji(s: string): string;
  latin(s: string): string;
}

const NAME_FORMS: NameForms = {
  kana: normalizeKana,
  kanji: normalizeKanji,
  latin: normalizeLatin,
};

function assertMyNumber(myNumber: string): void {
  const problem = myNumberProblem(myNumber);
  if (problem === 'not-12-digits') {
    throw new CaseError('MY_NUMBER_INVALID', 'A My Number has exactly 12 digits.');
  }
  if (problem === 'check-digit') {
    throw new CaseError(
      'MY_NUMBER_INVALID',
      'This My Number has a wrong check digit: check the 12 digits.',
    );
  }
}

/** Staff act under their own ID; central and the app itself have none. */
function assertActorShape(actor: EventActor): void {
  const isStaff =
    actor.role === 'clerk' || actor.role === 'supervisor' || actor.role === 'administrator';
  if (isStaff !== (actor.staffId !== null && actor.staffId !== '')) {
    throw new Error(`an actor with role ${actor.role} ${isStaff ? 'needs' : 'has no'} staff ID`);
  }
}

function notFound(): CaseError {
  return new CaseError('CASE_NOT_FOUND', 'No such case on this terminal.');
}

function stale(): CaseError {
  return new CaseError(
    'CASE_VERSION_STALE',
    'This case was changed in the meantime. Reload it and check before trying again.',
  );
}

function toPerson(row: PersonRow): PersonRecord {
  return {
    personId: row.person_id,
    nameKanji: row.name_kanji,
    nameKana: row.name_kana,
    alias: row.alias,
    nameLatin: row.name_latin,
    birthDate: row.birth_date,
    sex: row.sex,
    address: row.address,
    overseas: row.overseas === 1,
    createdAt: row.created_at,
  };
}

function toCard(row: CardRow): CardRecord {
  return {
    cardSerial: row.card_serial,
    applicationId: row.application_id,
    kind: row.kind,
    state: row.state,
    expiryDate: row.expiry_date,
    version: row.version,
  };
}
