// The counter workflows' one way to a card: given the reader subsystem (a ReaderPort, or the
// ReaderManager that wraps one), open the card in a named reader (or in the only reader
// holding a card) as a MyNumberCard, run a step with it, and release it whatever happens.
//
// The same seam serves PC/SC (pcscd + a USB reader, or vpcd in the tests) and training mode's
// in-process TrainingReaderPort: the workflows never know which.
//
// Failures arrive as the card's typed errors (main/card/errors.ts CardError, PC/SC names mapped
// to the handful of codes a clerk can act on); at the contract they become AppErrors with the
// same code (cardCallError), so the renderer translates them like any other refusal.

import type { CardChannel } from '../card/channel';
import { asCardError, CardError } from '../card/errors';
import { MyNumberCard } from '../card/mynumber/client';
import { openChannel } from '../card/reader-manager';
import type { ReaderPort } from '../card/reader-port';
import { AppError } from '../core/errors';

/** Anything that connects to the card in a reader: ReaderManager.connect, or a bare port. */
export interface CardConnector {
  /** Without a name: the only reader holding a card (NO_CARD / READER_BUSY otherwise). */
  connect(readerName?: string): Promise<CardChannel>;
}

/** A bare ReaderPort as a connector (each channel opens a session of its own). */
export function portConnector(port: ReaderPort): CardConnector {
  return { connect: (readerName) => openChannel(port, readerName) };
}

export interface CardAccess {
  /** The card in `readerName` (or the only card present). The caller closes card.channel. */
  open(readerName?: string): Promise<MyNumberCard>;
  /**
   * Opens the card, runs `step` with it, and closes the channel afterwards, whatever happens.
   * Rejects with a CardError for anything the card or the reader did.
   */
  withCard<T>(readerName: string | undefined, step: (card: MyNumberCard) => Promise<T>): Promise<T>;
}

export function createCardAccess(connector: CardConnector): CardAccess {
  const open = async (readerName?: string): Promise<MyNumberCard> => {
    try {
      return new MyNumberCard(await connector.connect(readerName));
    } catch (error) {
      throw asCardError(error);
    }
  };
  return {
    open,
    async withCard(readerName, step) {
      const card = await open(readerName);
      try {
        return await step(card);
      } catch (error) {
        // A step's own refusals (AppError: wrong card, step not allowed) pass unchanged.
        if (error instanceof AppError) throw error;
        throw asCardError(error);
      } finally {
        await card.channel.close();
      }
    },
  };
}

/**
 * A card failure as the contract reports it: the same stable code, the clerk-facing English
 * message (never the PC/SC detail, which goes to the log), and the tries left when a PIN is
 * involved. Other errors pass unchanged.
 */
export function cardCallError(error: unknown): unknown {
  if (!(error instanceof CardError)) return error;
  const details =
    error.triesLeft === undefined
      ? undefined
      : [{ path: 'triesLeft', reason: String(error.triesLeft) }];
  return new AppError(error.code, error.message, details);
}

/** Runs `call`, turning a CardError into its AppError so it crosses the bridge with its code. */
export async function asCardCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw cardCallError(error);
  }
}
