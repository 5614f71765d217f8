// PC/SC facts that do not depend on the binding: the error names and the reader state flags
// are fixed by the PC/SC specification and have the same values in pcsc-lite (Linux, macOS)
// and WinSCard (Windows). See pcsc-lite's pcsclite.h.

import type { ReaderCardState } from '../../preload/contract';

export type PcscErrorName =
  | 'SCARD_E_CANCELLED'
  | 'SCARD_E_CANT_DISPOSE'
  | 'SCARD_E_INSUFFICIENT_BUFFER'
  | 'SCARD_E_INVALID_ATR'
  | 'SCARD_E_INVALID_HANDLE'
  | 'SCARD_E_INVALID_PARAMETER'
  | 'SCARD_E_INVALID_TARGET'
  | 'SCARD_E_INVALID_VALUE'
  | 'SCARD_E_NO_MEMORY'
  | 'SCARD_E_NO_SERVICE'
  | 'SCARD_E_NO_SMARTCARD'
  | 'SCARD_E_NOT_READY'
  | 'SCARD_E_NOT_TRANSACTED'
  | 'SCARD_E_PCI_TOO_SMALL'
  | 'SCARD_E_PROTO_MISMATCH'
  | 'SCARD_E_READER_UNAVAILABLE'
  | 'SCARD_E_SERVICE_STOPPED'
  | 'SCARD_E_SHARING_VIOLATION'
  | 'SCARD_E_SYSTEM_CANCELLED'
  | 'SCARD_E_TIMEOUT'
  | 'SCARD_E_UNKNOWN_CARD'
  | 'SCARD_E_UNKNOWN_READER'
  | 'SCARD_E_NO_READERS_AVAILABLE'
  | 'SCARD_F_COMM_ERROR'
  | 'SCARD_F_INTERNAL_ERROR'
  | 'SCARD_W_REMOVED_CARD'
  | 'SCARD_W_RESET_CARD'
  | 'SCARD_W_UNPOWERED_CARD'
  | 'SCARD_W_UNRESPONSIVE_CARD'
  | 'SCARD_W_UNSUPPORTED_CARD';

/** dwEventState bits of SCARD_READERSTATE. The high 16 bits are an event counter. */
export const READER_STATE = {
  ignore: 0x0001,
  changed: 0x0002,
  unknown: 0x0004,
  unavailable: 0x0008,
  empty: 0x0010,
  present: 0x0020,
  mute: 0x0200,
} as const;

/**
 * What the counter shows for a reader. A mute card (present, but it gave no valid ATR: upside
 * down, dirty or dead chip) is 'unavailable', not 'present': nothing can be read from it.
 */
export function cardStateOf(flags: number): ReaderCardState {
  const has = (bit: number): boolean => (flags & bit) !== 0;
  if (has(READER_STATE.unknown) || has(READER_STATE.unavailable) || has(READER_STATE.ignore)) {
    return 'unavailable';
  }
  if (has(READER_STATE.present)) return has(READER_STATE.mute) ? 'unavailable' : 'present';
  if (has(READER_STATE.empty)) return 'empty';
  return 'unavailable';
}
