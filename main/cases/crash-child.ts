// Test support for crash.test.ts: a writer to be killed. Bundled and run as a child process:
//   node crash-child.mjs seed|writes STORE_PATH
// with the store key (hex) in MADOGUCHI_CRASH_KEY. `seed` appends synthetic cases in small
// batches; `writes` records cases step by step through CaseStore, one handover-sized
// transaction per step, forever. Each prints a line per commit, so the test knows that
// writing has begun before it kills.

import { REQUIREMENTS, type CaseEvent } from '../../domain/case-lifecycle';
import { openStore } from '../../db/open';
import { createLogger } from '../log/logger';
import { CaseStore } from './case-store';
import { seedCases } from './seed';
import { application, central, clerk } from './testing';

const [mode, path] = process.argv.slice(2);
const key = Buffer.from(process.env['MADOGUCHI_CRASH_KEY'] ?? '', 'hex');
if (!path || (mode !== 'seed' && mode !== 'writes')) {
  process.stderr.write('usage: crash-child seed|writes STORE_PATH\n');
  process.exit(2);
}
const db = openStore({ path, key });

if (mode === 'seed') {
  const cases = Number(process.env['MADOGUCHI_CRASH_CASES'] ?? 100_000);
  await seedCases(db, {
    cases,
    seed: Number(process.env['MADOGUCHI_CRASH_SEED'] ?? 1),
    append: true,
    batchSize: 100,
    onBatch: (done) => process.stdout.write(`committed ${done}\n`),
  });
} else {
  const store = new CaseStore({ db, log: createLogger({ sink: () => undefined, level: 'error' }) });
  const all = new Set(REQUIREMENTS);
  const steps: readonly [CaseEvent, typeof central | typeof clerk][] = [
    ['start-production', central],
    ['dispatch', central],
    ['receive', clerk],
    ['arrival-check-pass', clerk],
    ['hand-over', clerk],
  ];
  const run = `${process.pid}-${Date.now()}`;
  for (let i = 0; ; i += 1) {
    const serial = `W${run}-${i}`;
    const { applicationId } = store.receiveApplication(application(), clerk);
    store.orderCard(applicationId, { cardSerial: serial, expiryDate: '2036-04-01' }, central, 1);
    let version = 1;
    for (const [event, actor] of steps) {
      version = store.recordCardTransition(serial, event, actor, all, version).version;
    }
    process.stdout.write(`committed ${i}\n`);
  }
}
