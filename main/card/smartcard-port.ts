// ReaderPort over the N-API `smartcard` package. Chosen over `pcsclite` because N-API is
// ABI-stable: one build serves Node (CLI, tests) and every Electron version, no rebuild.
//
// Uses the low-level Context, not the package's Devices/ReaderMonitor, because (measured with
// pcsc-lite 1.9.9; reader-manager.pcsc.test.ts pins the restart behaviour):
// - a context never recovers once pcscd stops or restarts ("PC/SC service not running" for
//   ever, while `isValid` stays true); ReaderMonitor keeps its dead context and emits that
//   error every second, and its stop() blocks the event loop for up to a second;
// - Devices also connects to every inserted card, which holds the card powered and shared.
//
// Known limit: new Context() and listReaders() run on the JS thread. pcscd gone is instant
// (an error); pcscd hung (accepting but not answering) blocks the thread without a limit.

import type * as Smartcard from 'smartcard';
import type { CardInterface, ReaderState } from 'smartcard';
import type { ReaderInfo } from '../../preload/contract';
import { atrDeclaresExtendedLength } from './atr';
import type { CardChannel } from './channel';
import { asCardError, CardError, cardErrorFromPcsc, describeError } from './errors';
import { cardStateOf, type PcscErrorName } from './pcsc';
import type { ReaderPort, ReaderSession, WaitOutcome } from './reader-port';

type Binding = typeof Smartcard;
type Context = InstanceType<Binding['Context']>;

/** PC/SC's pseudo-reader that changes when a reader is attached or detached. */
const PNP_NOTIFICATION = '\\\\?PnP?\\Notification';

/**
 * @param load how to load the binding; a failing load (native module missing or built for
 *   another ABI) makes the service 'unavailable' with the reason, instead of a crash.
 */
export function createSmartcardPort(
  load: () => Promise<Binding> = () => import('smartcard'),
): ReaderPort {
  let binding: Promise<Binding> | undefined;
  return {
    async open() {
      binding ??= load();
      let loaded: Binding;
      try {
        loaded = await binding;
      } catch (error) {
        const detail = `PC/SC binding not loaded: ${describeError(error)}`;
        throw new CardError('READER_SERVICE_UNAVAILABLE', detail, { cause: error });
      }
      try {
        return new SmartcardSession(loaded, new loaded.Context());
      } catch (error) {
        throw toCardError(error);
      }
    },
  };
}

class SmartcardSession implements ReaderSession {
  /** The states the next wait compares against: those the caller last saw. */
  private watched: ReaderState[] = [];
  private pending: Promise<unknown> | undefined;
  private closed = false;

  constructor(
    private readonly binding: Binding,
    private readonly context: Context,
  ) {}

  async connect(readerName: string): Promise<CardChannel> {
    if (this.closed) throw new CardError('READER_ERROR', 'session closed');
    let card: CardInterface;
    try {
      // The listed state may lag behind an insertion; SCardConnect asks the reader itself.
      const reader = this.context.listReaders().find((r) => r.name === readerName);
      if (!reader) throw new CardError('NO_READER', `no reader named "${readerName}"`);
      card = await reader.connect(
        this.binding.SCARD_SHARE_SHARED,
        this.binding.SCARD_PROTOCOL_T0 | this.binding.SCARD_PROTOCOL_T1,
      );
    } catch (error) {
      throw toCardError(error);
    }
    const atr = card.atr;
    if (!atr) {
      disconnect(card, this.binding.SCARD_LEAVE_CARD);
      throw new CardError('CARD_REMOVED', 'no ATR right after connecting');
    }
    const extendedLength =
      atrDeclaresExtendedLength(atr) &&
      (await readerTakesExtendedApdus(this.binding, card, readerName));
    return new SmartcardChannel(
      this.binding,
      card,
      readerName,
      Uint8Array.from(atr),
      extendedLength,
    );
  }

  readers(): ReaderInfo[] {
    try {
      const readers = this.context.listReaders();
      this.watched = readers.map(({ name, state }) => watch(name, state));
      return readers.map(({ name, state, atr }) => toReaderInfo(name, state, atr));
    } catch (error) {
      throw toCardError(error);
    }
  }

  async waitForChange(timeoutMs: number): Promise<WaitOutcome> {
    if (this.closed) return 'closed';
    // The PnP entry's high word is the reader count we know (WinSCard compares it; pcsc-lite
    // 1.9.9 only reports readers attached during the wait, so callers re-list on timeout).
    const pnp = watch(PNP_NOTIFICATION, this.watched.length << 16);
    const wait = this.context.waitForChange([...this.watched, pnp], timeoutMs);
    this.pending = wait;
    try {
      const changes = await wait;
      if (changes === null) return 'closed';
      return changes.length === 0 ? 'timeout' : 'changed';
    } catch (error) {
      throw toCardError(error);
    } finally {
      this.pending = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Releasing a context while a wait runs on it blocks the event loop until the wait ends:
    // cancel it and let it settle first.
    if (this.pending) {
      try {
        this.context.cancel();
      } catch {
        // A dead context cannot be cancelled; its wait has failed already.
      }
      await this.pending.catch(() => undefined);
    }
    this.context.close();
  }
}

/** SCardStatus's dwState bit "no card" (pcsclite.h and WinSCard alike; not SCARD_STATE_*). */
const SCARD_ABSENT = 0x0002;

const SILENT_CARD_WAIT_MS = 1000;
const SILENT_CARD_POLL_MS = 20;

/** Response data plus SW1 SW2, for a short and an extended Le. */
const SHORT_RESPONSE = 256 + 2;
const EXTENDED_RESPONSE = 65536 + 2;

class SmartcardChannel implements CardChannel {
  private closed = false;

  constructor(
    private readonly binding: Binding,
    private readonly card: CardInterface,
    readonly readerName: string,
    readonly atr: Uint8Array,
    readonly extendedLength: boolean,
  ) {}

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.closed) throw new CardError('READER_ERROR', 'channel closed');
    const buffer = Buffer.from(command);
    try {
      const maxRecvLength = this.extendedLength ? EXTENDED_RESPONSE : SHORT_RESPONSE;
      const response = new Uint8Array(await this.card.transmit(buffer, { maxRecvLength }));
      // No status word at all: vpcd (and some readers) report a card pulled during the
      // exchange as an empty "success". Ask the reader what happened.
      if (response.length < 2) throw await this.silentCard();
      return response;
    } catch (error) {
      throw toCardError(error);
    } finally {
      // The command may hold a PIN: our copy goes now (the caller zeroes its own).
      buffer.fill(0);
    }
  }

  /**
   * A card that gave no status word was usually pulled mid-exchange, but the reader may
   * take a moment to say so: ask it a few times before calling the card unresponsive.
   */
  private async silentCard(): Promise<CardError> {
    for (let waited = 0; ; waited += SILENT_CARD_POLL_MS) {
      try {
        const { state } = this.card.getStatus();
        if ((state & SCARD_ABSENT) !== 0) {
          return new CardError('CARD_REMOVED', 'empty response; the card is gone');
        }
      } catch (error) {
        return toCardError(error);
      }
      if (waited >= SILENT_CARD_WAIT_MS) {
        return new CardError('CARD_UNRESPONSIVE', 'empty response from a present card');
      }
      await new Promise((resolve) => setTimeout(resolve, SILENT_CARD_POLL_MS));
    }
  }

  /**
   * Resets the card on the way out (a warm reset: it stays powered, ready for the next
   * step), so a PIN verified now is not still verified for whoever talks to it next.
   * The reset goes through reconnect, which the binding runs off the JS thread; its
   * disconnect is synchronous, so it must not be the one that waits for the card (a virtual
   * card in this process could not answer a reset while the thread waits: a deadlock).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.card.reconnect(
        this.binding.SCARD_SHARE_SHARED,
        this.binding.SCARD_PROTOCOL_T0 | this.binding.SCARD_PROTOCOL_T1,
        this.binding.SCARD_RESET_CARD,
      );
    } catch {
      // Card pulled or service gone: its security state is gone with it.
    }
    disconnect(this.card, this.binding.SCARD_LEAVE_CARD);
  }
}

function disconnect(card: CardInterface, disposition: number): void {
  try {
    card.disconnect(disposition);
  } catch {
    // Already gone (card pulled, service stopped): nothing left to release.
  }
}

/**
 * Readers that pass extended APDUs, found in the PC/SC part 10 TLV properties
 * (dwMaxAPDUDataSize, tag 0x0A: 0 = short APDUs only). Readers without those properties are
 * taken at their documented word: vpcd ("Virtual PCD") passes up to 65536 bytes
 * (vsmartcard ifd-vpcd); everything else gets short APDUs, which every reader passes.
 */
const EXTENDED_READER_NAMES = ['Virtual PCD'];
const TLV_MAX_APDU_DATA_SIZE = 0x0a;

async function readerTakesExtendedApdus(
  binding: Binding,
  card: CardInterface,
  readerName: string,
): Promise<boolean> {
  if (EXTENDED_READER_NAMES.some((prefix) => readerName.startsWith(prefix))) return true;
  try {
    const features = binding.parseFeatures(
      await card.control(binding.CM_IOCTL_GET_FEATURE_REQUEST),
    );
    const code = features.get(binding.FEATURE_GET_TLV_PROPERTIES);
    if (code === undefined) return false;
    const properties = await card.control(code);
    for (let at = 0; at + 2 <= properties.length;) {
      const tag = properties[at] as number;
      const length = properties[at + 1] as number;
      if (tag === TLV_MAX_APDU_DATA_SIZE && length === 4 && at + 6 <= properties.length) {
        return properties.readUInt32LE(at + 2) > 256;
      }
      at += 2 + length;
    }
    return false;
  } catch {
    // No part 10 support: short APDUs.
    return false;
  }
}

/** The binding reads only name and state (the state we last saw) from each entry. */
function watch(name: string, state: number): ReaderState {
  return { name, state, changed: false, atr: null };
}

function toReaderInfo(name: string, state: number, atr: Buffer | null): ReaderInfo {
  const card = cardStateOf(state);
  return card === 'present' && atr
    ? { name, card, atr: atr.toString('hex').toUpperCase() }
    : { name, card };
}

/**
 * The binding reports failures as plain Errors whose message is its fixed text for the PC/SC
 * code (smartcard src/pcsc_errors.h), so the code is recovered from the text.
 */
const PCSC_ERROR_OF_MESSAGE: ReadonlyMap<string, PcscErrorName> = new Map([
  ['Operation cancelled', 'SCARD_E_CANCELLED'],
  ['Cannot dispose handle', 'SCARD_E_CANT_DISPOSE'],
  ['Insufficient buffer', 'SCARD_E_INSUFFICIENT_BUFFER'],
  ['Invalid ATR', 'SCARD_E_INVALID_ATR'],
  ['Invalid handle', 'SCARD_E_INVALID_HANDLE'],
  ['Invalid parameter', 'SCARD_E_INVALID_PARAMETER'],
  ['Invalid target', 'SCARD_E_INVALID_TARGET'],
  ['Invalid value', 'SCARD_E_INVALID_VALUE'],
  ['Not enough memory', 'SCARD_E_NO_MEMORY'],
  ['PC/SC service not running', 'SCARD_E_NO_SERVICE'],
  ['No smart card present', 'SCARD_E_NO_SMARTCARD'],
  ['Reader not ready', 'SCARD_E_NOT_READY'],
  ['Transaction failed', 'SCARD_E_NOT_TRANSACTED'],
  ['PCI struct too small', 'SCARD_E_PCI_TOO_SMALL'],
  ['Protocol mismatch', 'SCARD_E_PROTO_MISMATCH'],
  ['Reader unavailable', 'SCARD_E_READER_UNAVAILABLE'],
  ['PC/SC service stopped', 'SCARD_E_SERVICE_STOPPED'],
  ['Sharing violation', 'SCARD_E_SHARING_VIOLATION'],
  ['System cancelled operation', 'SCARD_E_SYSTEM_CANCELLED'],
  ['Operation timed out', 'SCARD_E_TIMEOUT'],
  ['Unknown card type', 'SCARD_E_UNKNOWN_CARD'],
  ['Unknown reader', 'SCARD_E_UNKNOWN_READER'],
  ['No readers available', 'SCARD_E_NO_READERS_AVAILABLE'],
  ['Communication error', 'SCARD_F_COMM_ERROR'],
  ['Internal error', 'SCARD_F_INTERNAL_ERROR'],
  ['Card was removed', 'SCARD_W_REMOVED_CARD'],
  ['Card was reset', 'SCARD_W_RESET_CARD'],
  ['Card is unpowered', 'SCARD_W_UNPOWERED_CARD'],
  ['Card is unresponsive', 'SCARD_W_UNRESPONSIVE_CARD'],
  ['Card is not supported', 'SCARD_W_UNSUPPORTED_CARD'],
  // The binding's own guards: a handle we already released.
  ['Context is not valid', 'SCARD_E_INVALID_HANDLE'],
  ['Card is not connected', 'SCARD_E_INVALID_HANDLE'],
]);

export function toCardError(error: unknown): CardError {
  if (error instanceof CardError) return error;
  const name = error instanceof Error ? PCSC_ERROR_OF_MESSAGE.get(error.message) : undefined;
  return name ? cardErrorFromPcsc(name, error) : asCardError(error);
}
