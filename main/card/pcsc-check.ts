// The smart-card line of `madoguchi doctor`: can this terminal reach pcscd, which readers does
// it see, is a card in them? Reads only, never throws, and gives up after a time limit.

import { CardError, describeError } from './errors';
import type { ReaderPort } from './reader-port';
import { createSmartcardPort } from './smartcard-port';

export interface PcscCheckResult {
  /** The service answered in time. (No reader is the doctor's warning, not a failure here.) */
  ok: boolean;
  service: 'running' | 'unavailable';
  readers: { name: string; cardPresent: boolean }[];
  detail: string;
}

/**
 * Caveat: the binding calls PC/SC synchronously on this thread, and pcsc-lite waits without a
 * limit for a daemon that accepts connections but never answers (hung or SIGSTOPped). The time
 * limit covers a slow answer, not that: only another thread or process could.
 */
export async function checkPcsc(
  timeoutMs: number,
  port: ReaderPort = createSmartcardPort(),
): Promise<PcscCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<PcscCheckResult>((resolve) => {
    timer = setTimeout(
      () => resolve(unavailable(`The smart-card service did not answer within ${timeoutMs} ms.`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([listReaders(port), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function listReaders(port: ReaderPort): Promise<PcscCheckResult> {
  try {
    const session = await port.open();
    try {
      const readers = session.readers().map((reader) => ({
        name: reader.name,
        cardPresent: reader.card === 'present',
      }));
      const count = readers.length === 1 ? '1 reader' : `${readers.length} readers`;
      return { ok: true, service: 'running', readers, detail: `pcscd is running; ${count}.` };
    } finally {
      await session.close();
    }
  } catch (error) {
    // The administrator reading the doctor wants PC/SC's own words too.
    return unavailable(
      error instanceof CardError ? `${error.message} (${error.detail})` : describeError(error),
    );
  }
}

function unavailable(detail: string): PcscCheckResult {
  return { ok: false, service: 'unavailable', readers: [], detail };
}
