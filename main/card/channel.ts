// One open connection to one card: the only thing the My Number Card client talks to. The
// real one is a PC/SC connection (main/card/smartcard-port.ts); training mode and in-process
// tests use a virtual card directly (main/card/virtual/). Both behave alike, so everything
// above this seam runs unchanged on either.

export interface CardChannel {
  /** The reader the card sits in, as PC/SC names it (for messages and the audit record). */
  readonly readerName: string;
  /** The card's answer-to-reset. */
  readonly atr: Uint8Array;
  /**
   * Whether command and response APDUs may use extended length (ISO 7816-4 5.1): true only
   * when both the reader and the card support it. The client then reads a file in one
   * READ BINARY instead of 256-byte chunks.
   */
  readonly extendedLength: boolean;
  /**
   * Sends one command APDU and resolves with the whole response, data then SW1 SW2. Rejects
   * with a CardError (CARD_REMOVED when the card was pulled, READER_SERVICE_UNAVAILABLE, ...);
   * never resolves with a partial response.
   */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /** Releases the card (leave it powered, as the next step may read it again). Never throws. */
  close(): Promise<void>;
}
