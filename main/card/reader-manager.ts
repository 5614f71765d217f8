// Keeps the counter's view of card readers current: which readers exist, whether a card is in
// each, and whether the smart-card service runs at all. When the service is down (not started,
// crashed, restarted by IT) the manager keeps trying in the background, so readers come back
// on their own and the clerk never restarts the app for it.

import type { ReaderSnapshot } from '../../preload/contract';
import type { Logger } from '../log/logger';
import type { CardChannel } from './channel';
import { asCardError, CardError, describeError } from './errors';
import type { ReaderPort, ReaderSession } from './reader-port';
import { sameSnapshot, serviceRunning, serviceUnavailable } from './snapshot';

export interface ReaderManagerOptions {
  port: ReaderPort;
  log: Logger;
  /** Pause between attempts to reach a stopped service. */
  retryMs?: number;
  /**
   * Longest wait for a PC/SC event before the reader list is read again anyway: pcsc-lite
   * misses a reader attached between listing and waiting, and this bounds that blind spot.
   */
  relistMs?: number;
}

type Listener = (snapshot: ReaderSnapshot) => void;

export class ReaderManager {
  private readonly port: ReaderPort;
  private readonly log: Logger;
  private readonly retryMs: number;
  private readonly relistMs: number;
  private readonly listeners = new Set<Listener>();
  private current = serviceUnavailable();
  /** The code last logged for the service being unavailable, so retries do not flood the log. */
  private lastProblem: CardError['code'] | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private session: ReaderSession | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(options: ReaderManagerOptions) {
    this.port = options.port;
    this.log = options.log.child('card');
    this.retryMs = options.retryMs ?? 500;
    this.relistMs = options.relistMs ?? 1000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.session?.close();
    await this.loop;
    this.loop = undefined;
  }

  snapshot(): ReaderSnapshot {
    return this.current;
  }

  /**
   * A channel to the card in `readerName`. Each channel has a PC/SC session of its own, so the
   * reader watch goes on meanwhile and a clerk reader and an applicant reader can be used at
   * the same time. Without a name: the only reader holding a card.
   */
  connect(readerName?: string): Promise<CardChannel> {
    return openChannel(this.port, readerName);
  }

  /** Called with each new snapshot, once per actual change. Returns the unsubscribe function. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.follow();
      } catch (error) {
        this.serviceLost(asCardError(error));
      }
      if (this.running) await this.pause(this.retryMs);
    }
  }

  /** One session: publish the readers after every change until the session fails or stops. */
  private async follow(): Promise<void> {
    const session = await this.port.open();
    this.session = session;
    try {
      while (this.running) {
        this.publish(serviceRunning(session.readers()));
        if ((await session.waitForChange(this.relistMs)) === 'closed') return;
      }
    } finally {
      this.session = undefined;
      await session.close();
    }
  }

  private serviceLost(error: CardError): void {
    if (error.code !== this.lastProblem) {
      this.log.warn('smart-card service unavailable; retrying in the background', {
        code: error.code,
        detail: error.detail,
      });
      this.lastProblem = error.code;
    }
    this.publish(serviceUnavailable());
  }

  private publish(next: ReaderSnapshot): void {
    if (sameSnapshot(this.current, next)) return;
    const previous = this.current;
    this.current = next;
    if (next.service === 'running' && previous.service !== 'running') {
      this.lastProblem = undefined;
      this.log.info('smart-card service available', { readers: next.readers.length });
    }
    // Not the ReaderInfo objects: the logger redacts every field called "name".
    this.log.debug('readers changed', {
      readers: next.readers.map((reader) => `${reader.name}: ${reader.card}`),
    });
    for (const listener of this.listeners) {
      try {
        listener(next);
      } catch (error) {
        this.log.error('reader change listener failed', { error: describeError(error) });
      }
    }
  }

  /** A retry pause that stop() can cut short, and that never keeps the process alive. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wakeUp = done;
    });
  }
}

/**
 * Opens a session of its own and connects to the card in `readerName`; closing the channel
 * closes the session too. Without a name: the only reader holding a card.
 */
export async function openChannel(port: ReaderPort, readerName?: string): Promise<CardChannel> {
  const session = await port.open();
  try {
    const name = readerName ?? onlyCardReader(session);
    const channel = await session.connect(name);
    return {
      readerName: channel.readerName,
      atr: channel.atr,
      extendedLength: channel.extendedLength,
      transmit: (command) => channel.transmit(command),
      close: async () => {
        await channel.close();
        await session.close();
      },
    };
  } catch (error) {
    await session.close();
    throw asCardError(error);
  }
}

function onlyCardReader(session: ReaderSession): string {
  const readers = session.readers();
  if (readers.length === 0) throw new CardError('NO_READER', 'no reader attached');
  const withCard = readers.filter((reader) => reader.card === 'present');
  const [first] = withCard;
  if (!first) throw new CardError('NO_CARD', `no card in ${readers.length} reader(s)`);
  if (withCard.length > 1) {
    throw new CardError('READER_BUSY', `cards in ${withCard.length} readers; name one`);
  }
  return first.name;
}
