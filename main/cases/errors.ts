// Refusals of the case store, as data a clerk can act on: AppErrors with the case codes of
// preload/contract.ts ERROR_CODES. Messages never carry a My Number, a name or an address.

import type { ErrorCode } from '../../preload/contract';
import { AppError } from '../core/errors';

export const CASE_ERROR_CODES = [
  /** No application or card with this reference on this terminal. */
  'CASE_NOT_FOUND',
  /** Someone changed the case since the screen loaded it: reload and try again. */
  'CASE_VERSION_STALE',
  /** The step does not exist from the card's state, or not for this kind of application. */
  'CARD_STEP_NOT_ALLOWED',
  /** The step needs checks not yet done; `details` lists them. */
  'CARD_STEP_REQUIREMENTS_MISSING',
  /** This role may not record this (already in ERROR_CODES). */
  'PERMISSION_DENIED',
  /** Not 12 digits, or a wrong check digit. */
  'MY_NUMBER_INVALID',
  'APPLICATION_ID_TAKEN',
  'CARD_SERIAL_TAKEN',
] as const satisfies readonly ErrorCode[];
export type CaseErrorCode = (typeof CASE_ERROR_CODES)[number];

export class CaseError extends AppError {
  declare readonly code: CaseErrorCode;

  constructor(code: CaseErrorCode, message: string, details?: { path: string; reason: string }[]) {
    super(code, message, details);
    this.name = 'CaseError';
  }
}
