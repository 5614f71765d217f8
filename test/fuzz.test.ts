// The fuzz targets of test/fuzz/targets.ts, briefly: every contract call with arbitrary input
// through the real dispatcher, a card with damaged answers, central's answers, backup files,
// certificate files and export files. No crash, no hang, only typed errors. The long runs are
// `npm run bench -- fuzz` (FUZZ_RUNS).

import { describe, it } from 'vitest';
import { FUZZ_TARGETS } from './fuzz/targets';

/** Runs of a cheap target here (costlier ones run fewer); FUZZ_TEST_RUNS overrides. */
const RUNS = Number(process.env['FUZZ_TEST_RUNS'] ?? 24);

describe('fuzzing what comes from outside the terminal', () => {
  for (const target of FUZZ_TARGETS) {
    it(target.name, () => target.run(Math.max(3, Math.ceil(RUNS / target.cost))), 120_000);
  }
});
