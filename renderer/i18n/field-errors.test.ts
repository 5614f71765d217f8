import { describe, expect, it } from 'vitest';
import { fieldErrorKind, fieldErrorsFromDetails } from './field-errors';

describe('field errors from a VALIDATION_FAILED result', () => {
  it('an empty staff ID asks the clerk to enter one', () => {
    expect(
      fieldErrorsFromDetails([{ path: 'staffId', reason: 'too_small' }], ['staffId', 'password']),
    ).toEqual({ staffId: 'required' });
  });

  it('a staff ID with spaces or kana says which characters are allowed', () => {
    expect(fieldErrorKind('invalid_format')).toBe('format');
  });

  it('a too long display name says so', () => {
    expect(fieldErrorKind('too_big')).toBe('tooLong');
  });

  it('an unexpected reason still marks the field instead of being lost', () => {
    expect(fieldErrorKind('invalid_type')).toBe('invalid');
  });

  it('keeps the first error of each field and ignores paths the form does not show', () => {
    expect(
      fieldErrorsFromDetails(
        [
          { path: 'staffId', reason: 'invalid_format' },
          { path: 'staffId', reason: 'too_big' },
          { path: '(input)', reason: 'unrecognized_keys' },
          { path: 'password', reason: 'too_small' },
        ],
        ['staffId', 'password'],
      ),
    ).toEqual({ staffId: 'format', password: 'required' });
  });

  it('no details, no field errors', () => {
    expect(fieldErrorsFromDetails(undefined, ['staffId'])).toEqual({});
  });
});
