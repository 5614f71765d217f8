// Seeding: `db seed` of N cases into an encrypted store, twice with the same seed, and the
// digest of what a seed determines compared (main/cases/seed.ts seededDataDigest): the two
// must be identical. Prints cases/s, peak RSS and the ratio against the baseline of the same
// run: the first BASELINE cases recorded one by one through CaseStore.importCase (the same
// rows and event, each case its own savepoint, signed on this thread).
// Run: npm run bench -- store-seed
//   BENCH_CASES  cases per seed (default 20000; the issue's check that `db seed --cases 100000
//                --seed 1` twice gives identical data is a test: main/cli/db-seed-determinism)
// Also prints the CPU time of each seed (all threads: the signing workers too), which says
// more than the wall time when other work shares the machine's two cores.
//   BENCH_DIR    where the temp stores go (default the OS temp dir)

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../db/open';
import { createLogger } from '../main/log/logger';
import { CaseStore } from '../main/cases/case-store';
import { seedCases, seededDataDigest, syntheticImport } from '../main/cases/seed';
import { report } from './report';

const CASES = Number(process.env['BENCH_CASES'] ?? 20_000);
const BASELINE = Math.min(CASES, 3000);
const SEED = 1;

const dir = mkdtempSync(join(process.env['BENCH_DIR'] ?? tmpdir(), 'madoguchi-bench-'));
try {
  const runs: { seconds: number; cpuSeconds: number; digest: string }[] = [];
  for (let run = 0; run < 2; run += 1) {
    const db = openStore({ path: join(dir, `seed-${run}.db`), key: randomBytes(32) });
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    await seedCases(db, { cases: CASES, seed: SEED });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    runs.push({
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      digest: seededDataDigest(db),
    });
    db.close();
    rmSync(join(dir, `seed-${run}.db`), { force: true });
  }
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;

  const db = openStore({ path: join(dir, 'baseline.db'), key: randomBytes(32) });
  const store = new CaseStore({
    db,
    log: createLogger({ sink: () => undefined, level: 'error' }),
    now: () => new Date('2024-04-01T00:00:00.000Z'),
  });
  const started = process.hrtime.bigint();
  for (let start = 0; start < BASELINE; start += 1000) {
    db.transaction(() => {
      for (let i = start; i < Math.min(BASELINE, start + 1000); i += 1) {
        const c = syntheticImport(SEED, i);
        store.importCase(c.application, c.card, { staffId: null, role: 'system' }, c.receivedBy);
      }
    })();
  }
  const baseRate = BASELINE / (Number(process.hrtime.bigint() - started) / 1e9);
  db.close();

  const rates = runs.map((r) => CASES / r.seconds);
  const best = Math.max(...rates);
  const same = runs[0]?.digest === runs[1]?.digest;
  process.stdout.write(
    `store-seed: ${CASES} cases seeded twice with seed ${SEED}: ${runs.map((r) => `${r.seconds.toFixed(1)} s`).join(', ')} = ${rates.map((r) => r.toFixed(0)).join(', ')} cases/s; CPU ${runs.map((r) => `${r.cpuSeconds.toFixed(1)} s`).join(', ')} (${runs.map((r) => ((r.cpuSeconds / CASES) * 1e6).toFixed(0)).join(', ')} µs per case); peak RSS ${maxRssMiB.toFixed(0)} MiB\n`,
  );
  process.stdout.write(
    `store-seed: same data both times: ${same ? 'YES' : 'NO'} (digest ${runs[0]?.digest.slice(0, 16)}...)\n`,
  );
  process.stdout.write(
    `store-seed: baseline CaseStore.importCase one by one, ${BASELINE} cases: ${baseRate.toFixed(0)} cases/s; bulk/baseline = ${(best / baseRate).toFixed(2)}x\n`,
  );
  process.stdout.write(
    `store-seed: at this rate 1,000,000 cases take ${(1_000_000 / best / 60).toFixed(1)} min (goal < 3 min); load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores\n`,
  );
  const fastest = Math.min(...runs.map((r) => r.seconds));
  report({
    name: `store-seed: ${CASES} cases`,
    figure: `${best.toFixed(0)} cases/s, peak RSS ${maxRssMiB.toFixed(0)} MiB, same data twice: ${same ? 'yes' : 'NO'}`,
    baseline: `${baseRate.toFixed(0)} cases/s CaseStore.importCase one by one`,
    ratio: best / baseRate,
    goal: 'same data twice; at 1,000,000: < 180 s, < 1024 MiB',
    pass: !same ? false : CASES >= 1_000_000 ? fastest < 180 && maxRssMiB < 1024 : null,
  });
  if (!same) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
