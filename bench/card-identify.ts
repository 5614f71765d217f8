// "Identify the card" (main/card/mynumber/identify.ts: SELECT, PIN counters, the
// user-authentication certificate, the possession proof with the authentication PIN, TEXT AP
// PIN, My Number and basic four, chain check) against the virtual card through the real pcscd
// and vpcd, with the loopback quickack route of test/harness/pcsc-namespace.sh.
//
// The card answers from a worker thread of its own, as a real card is a chip of its own: the
// counter's thread does not compute the card's signature, so work the counter overlaps with
// the card's (identify.ts starts its checks while APDUs are in flight) shows as it would at a
// real counter. Both sides talk to that same card.
//
// Figures: APDUs and median wall time per identification, for extended-length and for
// short-APDU cards. Baselines measured in the same run:
// - the same APDUs replayed raw through the smartcard binding on the same connection (goal:
//   ours <= 1.2x of raw);
// - OpenSC reading the authentication certificate (`pkcs15-tool --read-certificate 01`),
//   APDUs counted at the virtual card (goal: our APDUs for that certificate <= OpenSC's).
// Run: npm run bench -- card-identify   (BENCH_ROUNDS, default 100)

import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
// eslint-disable-next-line no-restricted-imports -- bench-only: the baseline is the bare binding, replaying our APDUs
import type * as Smartcard from 'smartcard';
import type { CardChannel } from '../main/card/channel';
import { MyNumberCard } from '../main/card/mynumber/client';
import { identifyCard } from '../main/card/mynumber/identify';
import { ascii, fixtureCard } from '../main/card/mynumber/testing';
import type { Anchor } from '../main/card/trust/chain';
import { fingerprintOf } from '../main/card/trust/trust-store';
import { openChannel } from '../main/card/reader-manager';
import { createSmartcardPort } from '../main/card/smartcard-port';
import type { VirtualMyNumberCard } from '../main/card/virtual/card';
import { insertIntoVpcd } from '../main/card/virtual/vpcd-connector';
import { processTestJpki } from '../main/card/virtual/test-jpki';
import { startPcscd, type PcscdHandle } from '../test/harness/pcscd';
import { report } from './report';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 100);
const PIN = '4826';
const port = createSmartcardPort();

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Counts the APDUs reaching the card (GET RESPONSE included), whoever sends them. */
function counting(card: VirtualMyNumberCard): { count: () => number } {
  let count = 0;
  const answer = card.process.bind(card);
  card.process = (apdu) => {
    count += 1;
    return answer(apdu);
  };
  return { count: () => count };
}

/** Waits on pcscd's own word until the reader's card is in the state wanted. */
async function readerState(
  readerName: string,
  wanted: (atr: string | undefined, card?: string) => boolean,
): Promise<void> {
  const session = await port.open();
  try {
    for (let i = 0; i < 500; i += 1) {
      const reader = session.readers().find((r) => r.name === readerName);
      if (wanted(reader?.atr, reader?.card)) return;
      await session.waitForChange(20);
    }
  } finally {
    await session.close();
  }
  throw new Error(`reader ${readerName} not in the state wanted`);
}

/** Inserts the card and waits until pcscd shows THIS card; the result takes it out again. */
async function insert(card: VirtualMyNumberCard, reader: { name: string; port: number }) {
  const inserted = await insertIntoVpcd(card, { port: reader.port });
  const atr = Buffer.from(card.atr).toString('hex').toUpperCase();
  await readerState(reader.name, (shown, state) => state === 'present' && shown === atr);
  return {
    remove: async () => {
      await inserted.remove();
      await readerState(reader.name, (_, state) => state === 'empty');
    },
  };
}

/** A channel that records each command, for the raw replay. */
function recording(channel: CardChannel, log: Uint8Array[]): CardChannel {
  return {
    readerName: channel.readerName,
    atr: channel.atr,
    extendedLength: channel.extendedLength,
    transmit: (command) => {
      log.push(Uint8Array.from(command));
      return channel.transmit(command);
    },
    close: () => channel.close(),
  };
}

interface CardWorkerData {
  atr: 'mynumber-contact-a' | 'jpki-legacy';
  reader: { name: string; port: number };
}

/**
 * In the card's worker: insert the card, report its ATR and CA roots, remove it when told.
 * (The PC/SC binding stays on the main thread: it cannot be loaded in a worker.)
 */
async function cardWorker({ atr, reader }: CardWorkerData): Promise<void> {
  const card = await fixtureCard('issued', (p) => ({ ...p, atr }));
  const inserted = await insertIntoVpcd(card, { port: reader.port });
  const jpki = await processTestJpki();
  const roots = [jpki.authRoot, jpki.signRoot].map((root) => new Uint8Array(root.rawData));
  parentPort?.once('message', () => {
    void inserted.remove().then(() => parentPort?.postMessage({ removed: true }));
  });
  parentPort?.postMessage({ roots, atr: Buffer.from(card.atr).toString('hex').toUpperCase() });
}

/** Starts the card in its own thread; resolves with the anchors of its test JPKI. */
async function cardInWorker(
  data: CardWorkerData,
): Promise<{ anchors: Anchor[]; remove: () => Promise<void> }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: data });
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  const { roots, atr } = await Promise.race([
    new Promise<{ roots: Uint8Array[]; atr: string }>((resolve) => worker.once('message', resolve)),
    failed,
  ]);
  await readerState(data.reader.name, (shown, state) => state === 'present' && shown === atr);
  const anchors = roots.map((der) => {
    const certificate = new X509Certificate(der);
    return { certificate, test: true, fingerprint: fingerprintOf(certificate) };
  });
  return {
    anchors,
    remove: async () => {
      const removed = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage('remove');
      await Promise.race([removed, failed]);
      await worker.terminate();
      await readerState(data.reader.name, (_, state) => state === 'empty');
    },
  };
}

interface Figures {
  apdus: number;
  certificateApdus: number;
  ours: number;
  raw: number;
}

async function measure(
  pcscd: PcscdHandle,
  atr: 'mynumber-contact-a' | 'jpki-legacy',
): Promise<Figures> {
  const reader = pcscd.readers[0];
  if (!reader) throw new Error('no reader');
  const inserted = await cardInWorker({ atr, reader: { name: reader.name, port: reader.port } });
  const { anchors } = inserted;
  try {
    const channel = await openChannel(port, reader.name);
    // The baseline: a bare binding connection (shared) to the same card.
    // Loaded here, on the main thread only: the binding must not be loaded in the card's worker.
    const { Context, SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1, SCARD_SHARE_SHARED } =
      (await import('smartcard')) as typeof Smartcard;
    const context = new Context();
    const bare = context.listReaders().find((r) => r.name === reader.name);
    if (!bare) throw new Error('reader gone');
    const connection = await bare.connect(
      SCARD_SHARE_SHARED,
      SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
    );
    const ours: number[] = [];
    const raw: number[] = [];
    let apdus = 0;
    let certificateApdus = 0;
    try {
      // The certificate alone, from a fresh client (SELECT + READ BINARY).
      const fresh = new MyNumberCard(channel);
      await fresh.readCertificate('auth');
      certificateApdus = fresh.apduCount;
      const identify = async (log: Uint8Array[]): Promise<number> => {
        const client = new MyNumberCard(recording(channel, log));
        const started = process.hrtime.bigint();
        const identity = await identifyCard(client, {
          anchors,
          at: new Date(),
          mode: 'training',
          authPin: ascii(PIN),
          textPin: ascii(PIN),
        });
        const took = ms(started);
        if (!identity.authCertificate.chain.valid || identity.possession !== 'proven') {
          throw new Error('identification failed');
        }
        apdus = identity.apdus;
        return took;
      };
      const replay = async (commands: readonly Uint8Array[]): Promise<number> => {
        const started = process.hrtime.bigint();
        for (const command of commands) {
          const response = await connection.transmit(Buffer.from(command), {
            maxRecvLength: 65538,
          });
          if (response.length < 2) throw new Error('no status word');
        }
        return ms(started);
      };
      const commands: Uint8Array[] = [];
      await identify(commands);
      // Alternating rounds, so a busy machine slows both sides alike.
      for (let round = 0; round < ROUNDS + 5; round += 1) {
        const oursMs = await identify([]);
        const rawMs = await replay(commands);
        if (round >= 5) {
          ours.push(oursMs);
          raw.push(rawMs);
        }
      }
    } finally {
      connection.disconnect();
      context.close();
      await channel.close();
    }
    return { apdus, certificateApdus, ours: median(ours), raw: median(raw) };
  } finally {
    await inserted.remove();
  }
}

/** APDUs OpenSC sends, counted at the card, to read the authentication certificate. */
async function openscCertificateApdus(pcscd: PcscdHandle): Promise<number> {
  const reader = pcscd.readers[0];
  if (!reader) throw new Error('no reader');
  const card = await fixtureCard('issued', (p) => ({ ...p, atr: 'mynumber-contact-a' }));
  const counter = counting(card);
  const inserted = await insert(card, reader);
  try {
    const before = counter.count();
    // Asynchronously: the virtual card answers OpenSC from this very thread.
    const { stdout: pem } = await promisify(execFile)('pkcs15-tool', [
      '--reader',
      '0',
      '--read-certificate',
      '01',
    ]);
    if (!pem.includes('BEGIN CERTIFICATE')) throw new Error('OpenSC did not read the certificate');
    return counter.count() - before;
  } finally {
    await inserted.remove();
  }
}

if (!isMainThread) {
  await cardWorker(workerData as CardWorkerData);
} else {
  await benchmark();
}

async function benchmark(): Promise<void> {
  const pcscd = await startPcscd();
  try {
    const extended = await measure(pcscd, 'mynumber-contact-a');
    const short = await measure(pcscd, 'jpki-legacy');
    const opensc = await openscCertificateApdus(pcscd);
    const line = (label: string, f: Figures): string =>
      `card-identify: ${label}: ${f.apdus} APDUs, median ${f.ours.toFixed(2)} ms (raw replay ${f.raw.toFixed(2)} ms, ratio ${(f.ours / f.raw).toFixed(2)}x, goal <= 1.2x)\n`;
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    process.stdout.write(
      `card-identify: pcscd+vpcd with quickack, card in its own thread, ${ROUNDS} rounds each, load average ${load}\n`,
    );
    process.stdout.write(line('extended-length card', extended));
    process.stdout.write(line('short-APDU card', short));
    for (const [label, f] of [
      ['extended-length card', extended],
      ['short-APDU card', short],
    ] as const) {
      report({
        name: `card-identify: ${label}, ${f.apdus} APDUs`,
        figure: `median ${f.ours.toFixed(2)} ms`,
        baseline: `${f.raw.toFixed(2)} ms raw replay`,
        ratio: f.ours / f.raw,
        goal: 'ratio <= 1.2',
        pass: f.ours / f.raw <= 1.2,
      });
    }
    report({
      name: 'card-identify: APDUs for the authentication certificate',
      figure: `${extended.certificateApdus} (extended), ${short.certificateApdus} (short)`,
      baseline: `${opensc} OpenSC pkcs15-tool`,
      ratio: Math.max(extended.certificateApdus, short.certificateApdus) / opensc,
      goal: 'ours <= OpenSC',
      pass: Math.max(extended.certificateApdus, short.certificateApdus) <= opensc,
    });
    process.stdout.write(
      `card-identify: authentication certificate: ours ${extended.certificateApdus} APDUs (extended) / ${short.certificateApdus} (short), OpenSC pkcs15-tool --read-certificate 01: ${opensc} APDUs (goal: ours <= OpenSC)\n`,
    );
  } finally {
    await pcscd.stop();
  }
}
