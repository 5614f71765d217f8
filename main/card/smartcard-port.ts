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
import type { ReaderState } from 'smartcard';
import type { ReaderInfo } from '../../preload/contract';
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
        return new SmartcardSession(new loaded.Context());
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

  constructor(private readonly context: Context) {}

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
