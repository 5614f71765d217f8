// `npm test`: every check a change must pass, in the order that fails fastest, then one
// closing line with the test counts ("tests: N passed, N failed, N skipped").
//
// The PC/SC and E2E projects run inside a private mount+network namespace with a real pcscd
// (test/harness/pcsc-namespace.sh): hermetic, no clash with a system pcscd, no network.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const RESULTS = 'test-results';
rmSync(`${RESULTS}/vitest`, { recursive: true, force: true });
mkdirSync(`${RESULTS}/vitest`, { recursive: true });

const vitest = (name, projects, prefix = []) => [
  ...prefix,
  'npx',
  'vitest',
  'run',
  ...projects.flatMap((p) => ['--project', p]),
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${RESULTS}/vitest/${name}.json`,
];

const steps = [
  ['lint', ['npx', 'eslint', '--max-warnings', '0', '.']],
  ['format', ['npx', 'prettier', '--check', '--log-level', 'warn', '.']],
  ['typecheck', ['node', 'scripts/typecheck.mjs']],
  ['build', ['node', 'scripts/build.mjs']],
  ['unit', vitest('unit', ['unit'])],
  ['pcsc+e2e', vitest('pcsc-e2e', ['pcsc', 'e2e'], ['bash', 'test/harness/pcsc-namespace.sh'])],
  ['electronegativity', ['node', 'scripts/electronegativity.mjs']],
];

// The tests load the native modules into Node. After `npm start` or packaging they may hold
// Electron's build (one node_modules copy holds one ABI): put Node's back first.
const probe = spawnSync(process.execPath, [
  '-e',
  "new (require('better-sqlite3-multiple-ciphers'))(':memory:').close()",
]);
if (probe.status !== 0) {
  process.stdout.write('\n=== natives: rebuilding better-sqlite3-multiple-ciphers for Node\n');
  spawnSync('node', ['scripts/rebuild-natives.mjs', '--node'], { stdio: 'inherit' });
}

const only = process.argv.slice(2);
const failed = [];
for (const [name, command] of steps) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stdout.write(`\n=== ${name}: ${command.join(' ')}\n`);
  const started = Date.now();
  const run = spawnSync(command[0], command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status !== 0) {
    failed.push(name);
    process.stdout.write(`=== ${name} FAILED (${seconds} s)\n`);
    // Nothing after a broken build or lint tells anything new; tests still run after a
    // failing unit step so one run shows every failing test.
    if (['lint', 'typecheck', 'build'].includes(name)) break;
  } else {
    process.stdout.write(`=== ${name} ok (${seconds} s)\n`);
  }
}

let passed = 0;
let failedTests = 0;
let skipped = 0;
for (const file of ['unit', 'pcsc-e2e']) {
  const path = `${RESULTS}/vitest/${file}.json`;
  if (!existsSync(path)) continue;
  const report = JSON.parse(readFileSync(path, 'utf8'));
  passed += report.numPassedTests;
  failedTests += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}

process.stdout.write(
  `\n${failed.length === 0 ? 'All steps passed.' : `Failed steps: ${failed.join(', ')}`}\n`,
);
process.stdout.write(`tests: ${passed} passed, ${failedTests} failed, ${skipped} skipped\n`);
process.exit(failed.length === 0 && failedTests === 0 ? 0 : 1);
