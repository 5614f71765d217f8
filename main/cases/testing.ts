// Small factories for case store tests: valid people, applications and actors.

import { myNumberCheckDigit } from '../../domain/my-number';
import type { EventActor } from '../audit/append';
import type { ApplicationInput, PersonInput } from './case-store';

let counter = 0;

/** A valid My Number (right check digit) that no other call returns in this test file. */
export function uniqueMyNumber(): string {
  counter += 1;
  const first11 = String(40_000_000_000 + counter * 7919).padStart(11, '0');
  return `${first11}${myNumberCheckDigit(first11)}`;
}

export function person(overrides: Partial<PersonInput> = {}): PersonInput {
  return {
    nameKanji: '窓口花子',
    nameKana: 'マドグチハナコ',
    nameLatin: 'MADOGUCHI HANAKO',
    birthDate: '1985-04-01',
    sex: 'female',
    address: '東京都千代田区霞が関二丁目一番二号',
    overseas: false,
    myNumber: uniqueMyNumber(),
    ...overrides,
  };
}

export function application(overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  return {
    kind: 'new',
    channel: 'counter',
    receivedAt: '2026-01-05T09:00:00.000Z',
    officeCode: '131016',
    person: person(),
    ...overrides,
  };
}

export const clerk: EventActor = { staffId: 'clerk-01', role: 'clerk' };
export const supervisor: EventActor = { staffId: 'super-01', role: 'supervisor' };
export const administrator: EventActor = { staffId: 'admin-01', role: 'administrator' };
export const central: EventActor = { staffId: null, role: 'central' };
export const system: EventActor = { staffId: null, role: 'system' };
