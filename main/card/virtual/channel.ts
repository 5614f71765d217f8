// An in-process CardChannel to a virtual card, for training mode and tests: the same seam
// (main/card/channel.ts) the PC/SC connection implements, so the client above it runs
// unchanged. Pulling the card is simulated too: every later transmit fails with CARD_REMOVED.

import type { CardChannel } from '../channel';
import { CardError } from '../errors';
import { atrDeclaresExtendedLength } from '../atr';
import type { VirtualMyNumberCard } from './card';

export const VIRTUAL_READER_NAME = 'Madoguchi Virtual Reader 00 00';

export interface VirtualCardChannel extends CardChannel {
  /** The card is taken out: this and every later transmit rejects with CARD_REMOVED. */
  pull(): void;
  /** Pulls the card after `count` more successful transmits (a card pulled mid-sequence). */
  pullAfter(count: number): void;
  /** How many command APDUs reached the card (APDU counts in tests and benchmarks). */
  readonly transmitted: number;
}

export function virtualCardChannel(
  card: VirtualMyNumberCard,
  readerName = VIRTUAL_READER_NAME,
): VirtualCardChannel {
  let present = true;
  let remainingBeforePull = Number.POSITIVE_INFINITY;
  let transmitted = 0;
  let closed = false;
  return {
    readerName,
    atr: Uint8Array.from(card.atr),
    extendedLength: atrDeclaresExtendedLength(card.atr),
    get transmitted() {
      return transmitted;
    },
    async transmit(command) {
      if (closed) throw new CardError('READER_ERROR', 'channel closed');
      if (present && remainingBeforePull <= 0) {
        present = false;
        card.reset();
      }
      if (!present) throw new CardError('CARD_REMOVED', 'virtual card pulled');
      remainingBeforePull -= 1;
      transmitted += 1;
      return card.process(command);
    },
    async close() {
      if (closed) return;
      closed = true;
      // Like the PC/SC channel (a warm reset on disconnect): a PIN verified through this
      // channel is not still verified for whoever connects next.
      if (present) card.reset();
    },
    pull() {
      present = false;
      card.reset();
    },
    pullAfter(count) {
      remainingBeforePull = count;
    },
  };
}
