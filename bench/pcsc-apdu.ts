// APDU round trips through the real pcscd + vpcd to a virtual card, with and without the
// loopback `quickack` route of test/harness/pcsc-namespace.sh. The baseline (no quickack) is
// measured in the same run: it shows the ~40 ms-per-APDU artifact of vpcd's two small writes
// meeting delayed ACKs, which would otherwise make every card benchmark measure the kernel.
// Run: npm run bench -- pcsc-apdu   (inside the namespace; the runner sees to that)

import { execFileSync } from 'node:child_process';
import { Context, SCARD_PROTOCOL_T1, SCARD_SHARE_SHARED, type ContextInterface } from 'smartcard';
import { insertPlaceholderCard, PLACEHOLDER_AID } from '../test/harness/placeholder-card';
import { startPcscd } from '../test/harness/pcscd';
import { report } from './report';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 200);
const BASELINE_ROUNDS = Number(process.env['BENCH_BASELINE_ROUNDS'] ?? 40);
const SELECT = Buffer.concat([
  Buffer.from([0x00, 0xa4, 0x04, 0x0c, PLACEHOLDER_AID.length]),
  PLACEHOLDER_AID,
]);

function loopbackRoute(quickack: boolean): void {
  execFileSync('ip', [
    'route',
    'replace',
    'local',
    '127.0.0.1',
    'dev',
    'lo',
    'table',
    'local',
    ...(quickack ? ['quickack', '1'] : []),
    'proto',
    'kernel',
    'scope',
    'host',
    'src',
    '127.0.0.1',
  ]);
}

async function waitForCard(context: ContextInterface, name: string) {
  for (let i = 0; i < 200; i += 1) {
    const reader = context.listReaders().find((r) => r.name === name);
    if (reader?.atr) return reader;
    await new Promise((done) => setTimeout(done, 10));
  }
  throw new Error(`no card in ${name}`);
}

/** Median milliseconds per APDU over `rounds` SELECTs, after a short warm-up. */
async function measure(port: number, readerName: string, rounds: number): Promise<number> {
  const card = await insertPlaceholderCard(port);
  const context = new Context();
  try {
    const connected = await (
      await waitForCard(context, readerName)
    ).connect(SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1);
    for (let i = 0; i < 5; i += 1) await connected.transmit(SELECT);
    const samples: number[] = [];
    for (let i = 0; i < rounds; i += 1) {
      const started = process.hrtime.bigint();
      const response = await connected.transmit(SELECT);
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (response.readUInt16BE(response.length - 2) !== 0x9000) throw new Error('SELECT failed');
    }
    connected.disconnect();
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
  } finally {
    context.close();
    await card.remove();
  }
}

/** Each mode gets its own pcscd, started after the route is set, as in the test namespace. */
async function run(quickack: boolean, rounds: number): Promise<number> {
  loopbackRoute(quickack);
  const pcscd = await startPcscd();
  try {
    const reader = pcscd.readers[0];
    if (!reader) throw new Error('no virtual reader');
    return await measure(reader.port, reader.name, rounds);
  } finally {
    await pcscd.stop();
  }
}

try {
  const baseline = await run(false, BASELINE_ROUNDS);
  const quick = await run(true, ROUNDS);
  process.stdout.write(
    `pcsc-apdu: median ${quick.toFixed(3)} ms per APDU with quickack (${ROUNDS} SELECTs)\n`,
  );
  process.stdout.write(
    `pcsc-apdu: baseline ${baseline.toFixed(3)} ms per APDU without quickack (${BASELINE_ROUNDS} SELECTs)\n`,
  );
  process.stdout.write(`pcsc-apdu: ratio baseline/quickack = ${(baseline / quick).toFixed(0)}x\n`);
  report({
    name: 'pcsc-apdu: APDU round trip with quickack',
    figure: `median ${quick.toFixed(3)} ms`,
    baseline: `${baseline.toFixed(3)} ms without quickack`,
    ratio: quick / baseline,
    goal: 'harness check: quickack removes the delayed-ACK wait (ratio < 0.5)',
    pass: quick / baseline < 0.5,
  });
} finally {
  loopbackRoute(true);
}
