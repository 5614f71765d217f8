// The counter process the crash loop kills (test/reliability/crash-loop.ts). Bundled with
// esbuild and run as:
//   node crash-child.mjs STORE_PATH KEYS_DIR RUN
// with the store key (hex) in MADOGUCHI_CRASH_KEY. It loads everything, opens the store and
// prints "loaded", then waits for "go" on stdin (so a spare child can start while the previous
// one works), finishes any handover a previous crash left half done, and does counter
// work forever in a random order: handovers through the real step machine with a virtual
// card, loss reports, sync runs to central. It prints a line after each commit, so the
// harness knows what it must find in the store after the kill.

import { createInterface } from 'node:readline';
import {
  CardMaker,
  handOverOne,
  myNumberFor,
  openTerminal,
  reportLost,
  resumeDrafts,
} from './counter-work';

const [path, keysDir, runText] = process.argv.slice(2);
const key = Buffer.from(process.env['MADOGUCHI_CRASH_KEY'] ?? '', 'hex');
if (!path || !keysDir || !runText) {
  process.stderr.write('usage: crash-child STORE_PATH KEYS_DIR RUN\n');
  process.exit(2);
}
const run = Number(runText);
const say = (text: string): void => void process.stdout.write(`${text}\n`);

// Everything up to opening the store happens before "go": a spare is ready to work at once.
const t = openTerminal(path, key, await CardMaker.create(keysDir));
say('loaded');
await new Promise<void>((resolve) => {
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'go') resolve();
  });
  // The harness is gone (its stdin pipe closed): never work on unattended.
  process.stdin.on('end', () => process.exit(3));
});

say('ready');
say(`resumed ${await resumeDrafts(t)}`);
const handedOver: string[] = [];
for (let i = 0; ; i += 1) {
  const roll = Math.random();
  if (roll < 0.2 && handedOver.length > 0) {
    const serial = handedOver.shift() as string;
    reportLost(t, serial);
    say(`loss ${serial}`);
  } else if (roll < 0.4) {
    const report = await t.engine.run('demand');
    say(`synced ${report.outcome.ok ? 'ok' : 'failed'}`);
  } else {
    const { cardSerial } = await handOverOne(t, myNumberFor(run, i));
    handedOver.push(cardSerial);
    say(`handover ${cardSerial}`);
  }
}
