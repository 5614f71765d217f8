// Card and reader failures as the clerk must understand them. PC/SC has ~30 error codes; a
// clerk can act on a handful of situations, so many codes share one clerk-facing code. The
// PC/SC name travels along in `detail` for the logs and `madoguchi doctor`.
//
// These codes join preload/contract.ts's ERROR_CODES (and CardError becomes an AppError) as
// soon as a card call crosses the bridge.

import type { PcscErrorName } from './pcsc';

export const CARD_ERROR_CODES = [
  'READER_SERVICE_UNAVAILABLE',
  'NO_READER',
  'NO_CARD',
  'CARD_REMOVED',
  'READER_BUSY',
  'UNKNOWN_CARD',
  'CARD_UNRESPONSIVE',
  'READER_ERROR',
  // What the card itself answered (main/card/mynumber/): status words and data checks.
  'WRONG_PIN',
  'PIN_BLOCKED',
  'PIN_REQUIRED',
  'CARD_DATA_INVALID',
  'CARD_COMMAND_REFUSED',
  'CERTIFICATE_UNTRUSTED',
  'CARD_KEY_MISMATCH',
  // Our issuance profile (docs/card-issuance-profile.md): setting and resetting secrets.
  'PIN_NOT_SET',
  'PIN_ALREADY_SET',
  'PIN_FORMAT_INVALID',
  'ISSUANCE_SECRET_REJECTED',
] as const;
export type CardErrorCode = (typeof CARD_ERROR_CODES)[number];

/** English for logs and the CLI; the renderer shows its own translation of the code. */
export const CARD_ERROR_MESSAGES: Record<CardErrorCode, string> = {
  READER_SERVICE_UNAVAILABLE:
    'The smart-card service is not running. Ask IT to start it (pcscd); the counter reconnects by itself.',
  NO_READER: 'No card reader is connected. Plug in the card reader.',
  NO_CARD: 'There is no card in the reader. Insert the card, chip first.',
  CARD_REMOVED: 'The card was taken out too early. Insert it again and repeat the step.',
  READER_BUSY: 'Another program is using the card. Close it and repeat the step.',
  UNKNOWN_CARD: 'This card cannot be read here. Check that it is a My Number Card.',
  CARD_UNRESPONSIVE:
    'The card does not answer. Take it out, check which way round it goes, and insert it again.',
  READER_ERROR:
    'The card reader reported an error. Repeat the step; if it happens again, unplug the reader and plug it back in.',
  WRONG_PIN: 'The PIN is wrong. Ask the applicant to enter it again, carefully.',
  PIN_BLOCKED:
    'This PIN is locked after too many wrong entries. It must be reset at the counter before the card can use it.',
  PIN_REQUIRED: 'The card needs the PIN for this step. Enter the PIN first, then repeat the step.',
  CARD_DATA_INVALID:
    'The card sent data that is not valid. Do not hand this card over; set it aside and report it.',
  CARD_COMMAND_REFUSED:
    'The card refused this step. Take it out, insert it again and repeat the step; if it happens again, report the card.',
  CERTIFICATE_UNTRUSTED:
    'The certificate on this card was not issued by a trusted authority, or is not valid. Do not hand this card over; report it.',
  CARD_KEY_MISMATCH:
    'The card could not prove that it holds the key of its certificate. Do not hand this card over; report it.',
  PIN_NOT_SET:
    'This PIN has not been set on the card yet. Have the applicant set it first (new card setup).',
  PIN_ALREADY_SET:
    'This PIN is set already. To replace a forgotten or locked PIN, use the PIN reset instead.',
  PIN_FORMAT_INVALID:
    'The card does not accept this PIN: it has the wrong form (4 digits; or 6 to 16 capital letters and digits with both).',
  ISSUANCE_SECRET_REJECTED:
    'The card did not accept the setup secret sent for it by the central system. Check that this is the card of this case; do not try again before IT has checked the record.',
};

/** The wrong-PIN message with the tries left, which the clerk must see before the next try. */
export function wrongPinMessage(triesLeft: number): string {
  if (triesLeft <= 0) return CARD_ERROR_MESSAGES.PIN_BLOCKED;
  const tries = triesLeft === 1 ? '1 try left' : `${triesLeft} tries left`;
  return `The PIN is wrong: ${tries} before it locks. Ask the applicant to enter it again, carefully.`;
}

export class CardError extends Error {
  readonly code: CardErrorCode;
  /**
   * What the PC/SC layer or the card said (e.g. "SCARD_E_NO_SERVICE", "SW 6A82 to SELECT"):
   * for logs and the administrator, never for the clerk. Never holds personal data.
   */
  readonly detail: string;
  /** WRONG_PIN and PIN_BLOCKED: tries left on the card's counter (0 when blocked). */
  readonly triesLeft: number | undefined;

  constructor(
    code: CardErrorCode,
    detail: string,
    options?: { cause?: unknown; triesLeft?: number },
  ) {
    const triesLeft = options?.triesLeft;
    super(
      code === 'WRONG_PIN' && triesLeft !== undefined
        ? wrongPinMessage(triesLeft)
        : CARD_ERROR_MESSAGES[code],
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'CardError';
    this.code = code;
    this.detail = detail;
    this.triesLeft = triesLeft;
  }
}

const CODE_OF_PCSC_ERROR: Record<PcscErrorName, CardErrorCode> = {
  // The daemon is gone; pcsc-lite reports a broken daemon connection as a comm error.
  SCARD_E_NO_SERVICE: 'READER_SERVICE_UNAVAILABLE',
  SCARD_E_SERVICE_STOPPED: 'READER_SERVICE_UNAVAILABLE',
  SCARD_F_COMM_ERROR: 'READER_SERVICE_UNAVAILABLE',
  SCARD_E_NO_READERS_AVAILABLE: 'NO_READER',
  SCARD_E_UNKNOWN_READER: 'NO_READER',
  SCARD_E_READER_UNAVAILABLE: 'NO_READER',
  SCARD_E_NO_SMARTCARD: 'NO_CARD',
  SCARD_W_REMOVED_CARD: 'CARD_REMOVED',
  SCARD_E_SHARING_VIOLATION: 'READER_BUSY',
  // Someone else reset the card under us: another program is using it.
  SCARD_W_RESET_CARD: 'READER_BUSY',
  SCARD_E_UNKNOWN_CARD: 'UNKNOWN_CARD',
  SCARD_W_UNSUPPORTED_CARD: 'UNKNOWN_CARD',
  SCARD_E_PROTO_MISMATCH: 'UNKNOWN_CARD',
  SCARD_E_INVALID_ATR: 'UNKNOWN_CARD',
  SCARD_W_UNRESPONSIVE_CARD: 'CARD_UNRESPONSIVE',
  SCARD_W_UNPOWERED_CARD: 'CARD_UNRESPONSIVE',
  SCARD_E_CANCELLED: 'READER_ERROR',
  SCARD_E_SYSTEM_CANCELLED: 'READER_ERROR',
  SCARD_E_TIMEOUT: 'READER_ERROR',
  SCARD_E_NOT_READY: 'READER_ERROR',
  SCARD_E_NOT_TRANSACTED: 'READER_ERROR',
  SCARD_E_INVALID_HANDLE: 'READER_ERROR',
  SCARD_E_CANT_DISPOSE: 'READER_ERROR',
  SCARD_E_INSUFFICIENT_BUFFER: 'READER_ERROR',
  SCARD_E_INVALID_PARAMETER: 'READER_ERROR',
  SCARD_E_INVALID_TARGET: 'READER_ERROR',
  SCARD_E_INVALID_VALUE: 'READER_ERROR',
  SCARD_E_NO_MEMORY: 'READER_ERROR',
  SCARD_E_PCI_TOO_SMALL: 'READER_ERROR',
  SCARD_F_INTERNAL_ERROR: 'READER_ERROR',
};

export function cardErrorFromPcsc(name: PcscErrorName, cause?: unknown): CardError {
  return new CardError(CODE_OF_PCSC_ERROR[name], name, { cause });
}

/** For failures that did not come through PC/SC's error codes (e.g. a bug): a reader error. */
export function asCardError(error: unknown): CardError {
  return error instanceof CardError
    ? error
    : new CardError('READER_ERROR', describeError(error), { cause: error });
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
