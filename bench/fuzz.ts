// The long fuzz runs (test/fuzz/targets.ts): every contract call with arbitrary input through
// the real dispatcher, a card with damaged answers, central's answers to the sync client,
// damaged backup files for `db restore`, certificate files for `trust add`, export files for
// central's import. Each target passes when no run crashes, hangs or fails untyped. Figures:
// runs and runs/s per target; there is no baseline (the goal is absolute: no counterexample).
// Run: npm run bench -- fuzz
//   FUZZ_RUNS  runs of a cheap target (default 1000; costlier targets run fewer, by their cost)
//   FUZZ_SEED  fast-check seed, to replay a reported counterexample

import { FUZZ_TARGETS } from '../test/fuzz/targets';
import { report } from './report';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1000);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);

let failed = false;
for (const target of FUZZ_TARGETS) {
  const runs = Math.max(1, Math.ceil(RUNS / target.cost));
  const started = process.hrtime.bigint();
  let problem: string | null = null;
  try {
    await target.run(runs, SEED);
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
    failed = true;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    `fuzz: ${target.name}: ${runs} runs in ${seconds.toFixed(1)} s (${(runs / seconds).toFixed(1)} runs/s) ${problem === null ? 'OK' : `FAILED\n${problem}`}\n`,
  );
  report({
    name: `fuzz: ${target.name}`,
    figure: `${runs} runs, ${(runs / seconds).toFixed(1)} runs/s`,
    baseline: '',
    ratio: null,
    goal: 'no crash, no hang, only typed errors',
    pass: problem === null,
  });
}
if (failed) process.exitCode = 1;
