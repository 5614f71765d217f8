// Taking an application at the counter (new, renewal, reissue): the form's details, already
// validated by the contract's schema, recorded through the CaseStore, which writes the person,
// the application and its signed event in one transaction.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import type { ApplicationKind } from '../../domain/case-lifecycle';
import type { ApplicationRecorded, CallParsed } from '../../preload/contract';
import type { EventActor } from '../audit/append';
import type { CaseStore, PersonInput } from '../cases/case-store';
import { AppError } from '../core/errors';

type RecordInput = CallParsed<'applications.record'>;

/**
 * The office this terminal serves: set at enrolment (sync_identity, migration 0060) or as a
 * terminal setting; 'UNENROLLED' until then, so an application taken before enrolment is
 * still recorded and visibly needs its office filled in.
 */
export function officeCode(db: Db): string {
  const enrolled = prepared(
    db,
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = 'sync_identity'",
  ).get() as { name: string } | undefined;
  if (enrolled) {
    const row = db.prepare('SELECT office_code FROM sync_identity WHERE id = 1').get() as
      { office_code: string } | undefined;
    if (row) return row.office_code;
  }
  const setting = prepared(
    db,
    "SELECT value FROM terminal_setting WHERE key = 'office_code'",
  ).get() as { value: string } | undefined;
  return setting?.value ?? 'UNENROLLED';
}

function knownPerson(db: Db, personId: string): PersonInput {
  const row = prepared(
    db,
    `SELECT name_kanji, name_kana, alias, name_latin, birth_date, sex, address, overseas,
            my_number
     FROM person WHERE person_id = ?`,
  ).get(personId) as
    | {
        name_kanji: string;
        name_kana: string;
        alias: string | null;
        name_latin: string | null;
        birth_date: string;
        sex: PersonInput['sex'];
        address: string;
        overseas: number;
        my_number: string;
      }
    | undefined;
  if (!row) throw new AppError('CASE_NOT_FOUND', 'No such person on this terminal.');
  return {
    nameKanji: row.name_kanji,
    nameKana: row.name_kana,
    ...(row.alias !== null ? { alias: row.alias } : {}),
    ...(row.name_latin !== null ? { nameLatin: row.name_latin } : {}),
    birthDate: row.birth_date,
    sex: row.sex,
    address: row.address,
    overseas: row.overseas === 1,
    myNumber: row.my_number,
  };
}

export function recordApplication(
  db: Db,
  store: CaseStore,
  input: RecordInput,
  actor: EventActor,
  now: () => Date,
): ApplicationRecorded {
  let person: PersonInput;
  if (input.person) {
    const p = input.person;
    person = {
      nameKanji: p.nameKanji,
      nameKana: p.nameKana,
      ...(p.alias ? { alias: p.alias } : {}),
      ...(p.nameLatin ? { nameLatin: p.nameLatin } : {}),
      birthDate: p.birthDate,
      sex: p.sex,
      address: p.address,
      overseas: p.overseas,
      myNumber: p.myNumber,
    };
  } else {
    person = knownPerson(db, input.personId ?? '');
  }
  const kind: ApplicationKind = input.kind;
  const recorded = store.receiveApplication(
    {
      ...(input.applicationId ? { applicationId: input.applicationId } : {}),
      kind,
      channel: 'counter',
      receivedAt: now().toISOString(),
      officeCode: officeCode(db),
      person,
    },
    actor,
  );
  return { applicationId: recorded.applicationId, personId: recorded.personId, seq: recorded.seq };
}
