// The lookups a clerk waits on, after `db seed` of N cases into an encrypted store: exact by
// application ID and by My Number (through its HMAC), and a kana-prefix page of 50 through the
// search box (searchCases). Each is timed through main/cases and, as the baseline in the same
// run, as the bare SQL on a plain better-sqlite3-multiple-ciphers connection to the same file
// (key applied, statement prepared once, HMAC secret read once; the My Number baseline still
// computes the HMAC). Goals: main/cases within 1.5x of bare SQL; p99 < 5 ms exact, < 20 ms kana.
// Also prints the seeding time and peak RSS for N (goal at 1,000,000: < 3 min, < 1 GiB).
// Run: npm run bench -- store-lookup
//   BENCH_CASES    cases to seed (default 10000, about half a minute; the full-size run is
//                  BENCH_CASES=1000000, about 1 GiB of store in BENCH_DIR)
//   BENCH_LOOKUPS  lookups per kind and path (default 2000)
//   BENCH_DIR      where the temp store goes (default the OS temp dir)

import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line no-restricted-imports -- bench-only: the baseline is the bare driver, without main/cases
import Database from 'better-sqlite3-multiple-ciphers';
import { openStore, STORE_CIPHERS } from '../db/open';
import { createLogger } from '../main/log/logger';
import { CaseStore } from '../main/cases/case-store';
import { FIND_PERSON_BY_MY_NUMBER_HMAC, GET_APPLICATION } from '../main/cases/queries';
import { searchCases, searchSql } from '../main/cases/search';
import { seedCases, syntheticMyNumber } from '../main/cases/seed';
import { prefixUpperBound } from '../main/cases/queries';
import { report } from './report';

const CASES = Number(process.env['BENCH_CASES'] ?? 10_000);
const LOOKUPS = Number(process.env['BENCH_LOOKUPS'] ?? 2000);
const SEED = 20_260_101;
const FULL = 1_000_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

/** p50/p99 in microseconds of `lookup` over `keys`, timed one call at a time. */
function time<T>(keys: readonly T[], lookup: (key: T) => unknown): { p50: number; p99: number } {
  const samples: number[] = [];
  for (const key of keys) {
    const started = process.hrtime.bigint();
    const found = lookup(key);
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
    if (found === null || found === undefined) throw new Error('a seeded case was not found');
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

const dir = mkdtempSync(join(process.env['BENCH_DIR'] ?? tmpdir(), 'madoguchi-bench-'));
try {
  const path = join(dir, 'store.db');
  const key = randomBytes(32);
  const db = openStore({ path, key });
  const seedStarted = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const summary = await seedCases(db, { cases: CASES, seed: SEED });
  const seedSeconds = Number(process.hrtime.bigint() - seedStarted) / 1e9;
  const seedCpu = process.cpuUsage(cpuBefore);
  // All threads (the signing workers too): what the seed costs whatever else shares the cores.
  const seedCpuSeconds = (seedCpu.user + seedCpu.system) / 1e6;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const fileBytes = statSync(path).size;
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;

  const store = new CaseStore({ db, log: createLogger({ sink: () => undefined, level: 'error' }) });
  const bare = new Database(path, { readonly: true });
  // The cipher openStore gives a new store (db/open.ts STORE_CIPHERS), then the key.
  bare.pragma(`cipher='${STORE_CIPHERS[0]}'`);
  bare.pragma(`hexkey='${key.toString('hex')}'`);
  const getApplication = bare.prepare(GET_APPLICATION);
  const findPerson = bare.prepare(FIND_PERSON_BY_MY_NUMBER_HMAC);
  const secret = bare.prepare('SELECT secret FROM my_number_hmac_key').pluck().get() as Buffer;

  // Lookup keys from a PRNG of their own; the My Numbers stay in memory, never printed.
  let state = 12_345;
  const pickCase = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state % CASES;
  };
  const caseNumbers = Array.from({ length: LOOKUPS }, pickCase);
  const allIds = db.prepare('SELECT application_id FROM application').pluck().all() as string[];
  const applicationIds = caseNumbers.map((n) => allIds[n] ?? '');
  const myNumbers = caseNumbers.map((n) => syntheticMyNumber(SEED, n));
  // Kana prefixes a clerk types: the first two characters of seeded readings (in katakana, the
  // stored search form; searchCases normalizes what is typed, so the bare path gets it as is).
  const allKana = db.prepare('SELECT kana_norm FROM person').pluck().all() as string[];
  const kanaPrefixes = caseNumbers.map((n) => (allKana[n % allKana.length] ?? 'ア').slice(0, 2));
  allKana.length = 0;
  const kanaPage = bare.prepare(searchSql('kana', false));

  const paths = {
    'application ID, main/cases': () => time(applicationIds, (id) => store.getApplication(id)),
    'application ID, bare SQL': () => time(applicationIds, (id) => getApplication.get(id)),
    'My Number, main/cases': () => time(myNumbers, (n) => store.findByMyNumber(n)),
    'My Number, bare SQL': () =>
      time(myNumbers, (n) =>
        findPerson.get(createHmac('sha256', secret).update(n, 'ascii').digest()),
      ),
    'kana prefix page of 50, main/cases': () =>
      time(kanaPrefixes, (p) => searchCases(db, p, { limit: 50 }).hits[0]),
    'kana prefix page of 50, bare SQL': () =>
      time(kanaPrefixes, (p) => kanaPage.all({ from: p, to: prefixUpperBound(p), limit: 51 })[0]),
  };
  // Warm-up pass, then three alternating passes; the median pass counts.
  for (const run of Object.values(paths)) run();
  const results = new Map<string, { p50: number; p99: number }[]>();
  for (let pass = 0; pass < 3; pass += 1) {
    const order = Object.entries(paths);
    if (pass % 2 === 1) order.reverse();
    for (const [name, run] of order) results.set(name, [...(results.get(name) ?? []), run()]);
  }
  const med = (name: string) => {
    const runs = [...(results.get(name) ?? [])].sort((a, b) => a.p50 - b.p50);
    const mid = runs[1] ?? runs[0];
    if (!mid) throw new Error(`no result for ${name}`);
    return mid;
  };
  const us = (n: number) => `${n.toFixed(1)} µs`;
  process.stdout.write(
    `store-lookup: seeded ${summary.cases} cases (${summary.events} signed events) in ${seedSeconds.toFixed(1)} s = ${(summary.cases / seedSeconds).toFixed(0)} cases/s, CPU ${seedCpuSeconds.toFixed(0)} s; store ${(fileBytes / 1048576).toFixed(1)} MiB; peak RSS ${maxRssMiB.toFixed(0)} MiB\n`,
  );
  for (const kind of ['application ID', 'My Number', 'kana prefix page of 50']) {
    const ours = med(`${kind}, main/cases`);
    const base = med(`${kind}, bare SQL`);
    const ratio = ours.p50 / base.p50;
    const p99Goal = kind.startsWith('kana') ? 20 : 5;
    report({
      name: `store-lookup: ${kind} (${CASES} cases)`,
      figure: `p50 ${us(ours.p50)}, p99 ${us(ours.p99)}`,
      baseline: `p50 ${us(base.p50)} bare SQL`,
      ratio,
      goal: `ratio <= 1.5, p99 < ${p99Goal} ms`,
      pass: ratio <= 1.5 && ours.p99 < p99Goal * 1000,
    });
    process.stdout.write(
      `store-lookup: ${kind}: main/cases p50 ${us(ours.p50)} p99 ${us(ours.p99)}; bare SQL p50 ${us(base.p50)} p99 ${us(base.p99)}; ratio p50 ${ratio.toFixed(2)}x, p99 ${(ours.p99 / base.p99).toFixed(2)}x (goal <= 1.5x) ${ratio <= 1.5 ? 'OK' : 'OVER GOAL'}; p99 goal < ${kind.startsWith('kana') ? '20' : '5'} ms ${ours.p99 < (kind.startsWith('kana') ? 20_000 : 5_000) ? 'OK' : 'OVER GOAL'}\n`,
    );
  }
  if (CASES < FULL) {
    const scale = FULL / CASES;
    process.stdout.write(
      `store-lookup: at full size (${FULL.toLocaleString('en')} cases) seeding would take about ${((seedSeconds * scale) / 60).toFixed(1)} min at this rate and ${((fileBytes * scale) / 1073741824).toFixed(1)} GiB of store (run with BENCH_CASES=${FULL} to measure it).\n`,
    );
  }
  process.stdout.write(
    `store-lookup: seeding goal at ${FULL.toLocaleString('en')}: < 180 s and < 1024 MiB peak RSS; this run ${CASES >= FULL ? `${seedSeconds.toFixed(0)} s ${seedSeconds < 180 ? 'OK' : 'OVER GOAL'}, ${maxRssMiB.toFixed(0)} MiB ${maxRssMiB < 1024 ? 'OK' : 'OVER GOAL'}` : 'not at full size'}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores\n`,
  );
  report({
    name: `store-lookup: seeding ${CASES} cases`,
    figure: `${seedSeconds.toFixed(1)} s, peak RSS ${maxRssMiB.toFixed(0)} MiB`,
    baseline: '',
    ratio: null,
    goal: `at ${FULL.toLocaleString('en')}: < 180 s, < 1024 MiB`,
    pass: CASES >= FULL ? seedSeconds < 180 && maxRssMiB < 1024 : null,
  });
  bare.close();
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
