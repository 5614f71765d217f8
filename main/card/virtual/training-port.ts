// The card readers of training mode: in-process readers holding virtual cards, behind the same
// ReaderPort the PC/SC binding implements (main/card/reader-port.ts). A training terminal gives
// this port to its ReaderManager instead of the PC/SC one, so every card flow runs unchanged
// on any machine, with no pcscd, no reader and no real card anywhere near the practice store.
//
// The trainer (or a training screen) puts a case's card into a reader with insert() and takes
// it out with remove(); the manager sees the change exactly as it would see a real card.

import type { ReaderInfo } from '../../../preload/contract';
import type { CardChannel } from '../channel';
import { CardError } from '../errors';
import type { ReaderPort, ReaderSession, WaitOutcome } from '../reader-port';
import { sameReaders } from '../snapshot';
import type { VirtualMyNumberCard } from './card';
import { virtualCardChannel, type VirtualCardChannel } from './channel';

/** Named so that no one mistakes them for real readers, in the UI or in an audit record. */
export const TRAINING_READERS = [
  '研修用リーダー 1 (Training reader 1)',
  '研修用リーダー 2 (Training reader 2)',
];

export class TrainingReaderPort implements ReaderPort {
  private readonly cards = new Map<string, VirtualMyNumberCard | undefined>();
  /** Channels open to each reader: a removed card must fail them as a pulled card would. */
  private readonly channels = new Map<string, Set<VirtualCardChannel>>();
  private readonly waiters = new Set<() => void>();

  constructor(readerNames: readonly string[] = TRAINING_READERS) {
    if (readerNames.length === 0)
      throw new RangeError('A training port needs at least one reader.');
    for (const name of readerNames) {
      this.cards.set(name, undefined);
      this.channels.set(name, new Set());
    }
  }

  /** Puts a card into a reader (taking out whatever card was there). */
  insert(readerName: string, card: VirtualMyNumberCard): void {
    this.assertReader(readerName);
    this.pullChannels(readerName);
    card.reset();
    this.cards.set(readerName, card);
    this.changed();
  }

  /** Takes the card out of a reader; open channels then fail with CARD_REMOVED. */
  remove(readerName: string): void {
    this.assertReader(readerName);
    if (this.cards.get(readerName) === undefined) return;
    this.pullChannels(readerName);
    this.cards.set(readerName, undefined);
    this.changed();
  }

  open(): Promise<ReaderSession> {
    return Promise.resolve(this.session());
  }

  private session(): ReaderSession {
    let closed = false;
    let seen = this.readersNow();
    const wakeThis = new Set<() => void>();
    const session: ReaderSession = {
      readers: () => {
        if (closed) throw new CardError('READER_ERROR', 'training reader session closed');
        seen = this.readersNow();
        return seen;
      },
      waitForChange: (timeoutMs) =>
        new Promise<WaitOutcome>((resolve) => {
          if (closed) return resolve('closed');
          if (!sameReaders(seen, this.readersNow())) return resolve('changed');
          const done = (outcome: WaitOutcome) => {
            clearTimeout(timer);
            this.waiters.delete(onChange);
            wakeThis.delete(onClose);
            resolve(outcome);
          };
          const onChange = () => done('changed');
          const onClose = () => done('closed');
          const timer = setTimeout(() => done('timeout'), timeoutMs);
          this.waiters.add(onChange);
          wakeThis.add(onClose);
        }),
      connect: (readerName) => {
        if (closed) return Promise.reject(new CardError('READER_ERROR', 'session closed'));
        return Promise.resolve(this.connect(readerName));
      },
      close: () => {
        closed = true;
        for (const wake of [...wakeThis]) wake();
        return Promise.resolve();
      },
    };
    return session;
  }

  private connect(readerName: string): CardChannel {
    if (!this.cards.has(readerName)) throw new CardError('NO_READER', 'unknown training reader');
    const card = this.cards.get(readerName);
    if (!card) throw new CardError('NO_CARD', 'no card in the training reader');
    const channel = virtualCardChannel(card, readerName);
    const open = this.channels.get(readerName) as Set<VirtualCardChannel>;
    open.add(channel);
    const close = channel.close.bind(channel);
    return {
      readerName: channel.readerName,
      atr: channel.atr,
      extendedLength: channel.extendedLength,
      transmit: (command) => channel.transmit(command),
      close: async () => {
        open.delete(channel);
        await close();
      },
    };
  }

  private readersNow(): ReaderInfo[] {
    return [...this.cards].map(([name, card]) =>
      card
        ? { name, card: 'present', atr: Buffer.from(card.atr).toString('hex').toUpperCase() }
        : { name, card: 'empty' },
    );
  }

  private pullChannels(readerName: string): void {
    const open = this.channels.get(readerName) as Set<VirtualCardChannel>;
    for (const channel of open) channel.pull();
    open.clear();
  }

  private changed(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private assertReader(readerName: string): void {
    if (!this.cards.has(readerName))
      throw new RangeError(`No training reader named ${readerName}.`);
  }
}
