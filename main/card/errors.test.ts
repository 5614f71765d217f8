import { describe, expect, it } from 'vitest';
import {
  asCardError,
  CARD_ERROR_CODES,
  CARD_ERROR_MESSAGES,
  CardError,
  cardErrorFromPcsc,
} from './errors';
import { toCardError } from './smartcard-port';

describe('card errors a clerk can act on', () => {
  it.each([
    ['SCARD_E_NO_SERVICE', 'READER_SERVICE_UNAVAILABLE'],
    ['SCARD_F_COMM_ERROR', 'READER_SERVICE_UNAVAILABLE'],
    ['SCARD_E_NO_READERS_AVAILABLE', 'NO_READER'],
    ['SCARD_E_UNKNOWN_READER', 'NO_READER'],
    ['SCARD_E_NO_SMARTCARD', 'NO_CARD'],
    ['SCARD_W_REMOVED_CARD', 'CARD_REMOVED'],
    ['SCARD_E_SHARING_VIOLATION', 'READER_BUSY'],
    ['SCARD_W_UNSUPPORTED_CARD', 'UNKNOWN_CARD'],
    ['SCARD_W_UNRESPONSIVE_CARD', 'CARD_UNRESPONSIVE'],
    ['SCARD_E_NOT_TRANSACTED', 'READER_ERROR'],
  ] as const)('PC/SC %s tells the clerk %s', (pcsc, code) => {
    const error = cardErrorFromPcsc(pcsc);
    expect(error).toBeInstanceOf(CardError);
    expect(error).toMatchObject({ code, detail: pcsc, message: CARD_ERROR_MESSAGES[code] });
  });

  it('every message says what to do, in words without PC/SC jargon', () => {
    for (const code of CARD_ERROR_CODES) {
      expect(CARD_ERROR_MESSAGES[code]).not.toMatch(/SCARD|PC\/SC|ATR|APDU/);
      expect(CARD_ERROR_MESSAGES[code]).toMatch(/\.$/);
    }
  });

  it('an unexpected failure becomes a reader error that keeps the original for the log', () => {
    const cause = new TypeError('boom');
    expect(asCardError(cause)).toMatchObject({ code: 'READER_ERROR', detail: 'boom', cause });
    const known = cardErrorFromPcsc('SCARD_E_NO_SMARTCARD');
    expect(asCardError(known)).toBe(known);
  });
});

describe('the smartcard binding’s failures', () => {
  it.each([
    ['PC/SC service not running', 'READER_SERVICE_UNAVAILABLE', 'SCARD_E_NO_SERVICE'],
    ['Communication error', 'READER_SERVICE_UNAVAILABLE', 'SCARD_F_COMM_ERROR'],
    ['Card was removed', 'CARD_REMOVED', 'SCARD_W_REMOVED_CARD'],
    ['Sharing violation', 'READER_BUSY', 'SCARD_E_SHARING_VIOLATION'],
    ['Context is not valid', 'READER_ERROR', 'SCARD_E_INVALID_HANDLE'],
  ])('"%s" is recognised as %s (%s)', (message, code, detail) => {
    expect(toCardError(new Error(message))).toMatchObject({ code, detail });
  });

  it('an unrecognised message stays a reader error with the message as detail', () => {
    expect(toCardError(new Error('Unknown PC/SC error'))).toMatchObject({
      code: 'READER_ERROR',
      detail: 'Unknown PC/SC error',
    });
  });
});
