// The one seam between the reader subsystem and a PC/SC binding. Only smartcard-port.ts
// knows the binding; everything else, the ReaderManager included, sees this.
//
// A session is one connection to the smart-card service (a PC/SC context). It dies with the
// daemon: after pcscd stops or restarts, an old context answers "service not running"
// forever, so the only way back is a new session.

import type { ReaderInfo } from '../../preload/contract';
import type { CardChannel } from './channel';

export interface ReaderPort {
  /**
   * Connects to the smart-card service. Rejects with a CardError:
   * READER_SERVICE_UNAVAILABLE when the service is not running or the binding cannot load.
   */
  open(): Promise<ReaderSession>;
}

export type WaitOutcome = 'changed' | 'timeout' | 'closed';

export interface ReaderSession {
  /** Every reader now, with the state of its card. Throws a CardError. */
  readers(): ReaderInfo[];
  /**
   * Waits until a reader is attached or detached, or a card inserted or removed, compared with
   * the last readers() call. 'timeout' after timeoutMs without a change; 'closed' when close()
   * ended the wait. Rejects with a CardError, e.g. READER_SERVICE_UNAVAILABLE when the service
   * goes away meanwhile.
   */
  waitForChange(timeoutMs: number): Promise<WaitOutcome>;
  /**
   * Connects to the card in the named reader (shared, T=0 or T=1). Rejects with a CardError:
   * NO_READER, NO_CARD, READER_BUSY, UNKNOWN_CARD, CARD_UNRESPONSIVE, ...
   * The channel outlives neither this session nor the card.
   */
  connect(readerName: string): Promise<CardChannel>;
  /** Ends a pending wait and releases the connection. Never throws. */
  close(): Promise<void>;
}
