// Field-level errors from a VALIDATION_FAILED result. Main sends the path of each rejected
// field and the zod issue code as the reason (never the value: see main/core/dispatch.ts);
// the renderer turns them into a sentence in the clerk's language.

import type { CallError } from '../../preload/contract';

export type FieldErrorKind = 'required' | 'tooLong' | 'format' | 'invalid';

/**
 * zod issue code -> what the clerk is told. `too_small` means "empty" because every text
 * field of the contract that a clerk types has a minimum length of 1.
 */
export function fieldErrorKind(reason: string): FieldErrorKind {
  switch (reason) {
    case 'too_small':
      return 'required';
    case 'too_big':
      return 'tooLong';
    case 'invalid_format':
      return 'format';
    default:
      return 'invalid';
  }
}

/** The first error of each of `fields`; details about other paths are ignored. */
export function fieldErrorsFromDetails<F extends string>(
  details: CallError['details'],
  fields: readonly F[],
): Partial<Record<F, FieldErrorKind>> {
  const result: Partial<Record<F, FieldErrorKind>> = {};
  for (const detail of details ?? []) {
    const field = fields.find((candidate) => candidate === detail.path);
    if (field !== undefined && result[field] === undefined) {
      result[field] = fieldErrorKind(detail.reason);
    }
  }
  return result;
}
