// Applying the revocation list on a terminal: a 1,000,000-entry signed snapshot (page by
// page into staging, hashed as it arrives, checked against the signed digest, swapped in)
// and a 10,000-entry signed delta. Time and peak memory (RSS). Baseline in the same run and
// the same encrypted store: the same rows INSERTed into a bare table, one transaction per
// page, with no signature, digest, staging or swap: the ratio is the cost of checking.
// Run: npm run bench -- sync-revocations
//   BENCH_ENTRIES  snapshot size (default 1,000,000)
//   BENCH_DELTA    delta size (default 10,000)

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Db } from '../db/open';
import { MAX_SNAPSHOT_PAGE_LIMIT, type RevocationEntry } from '../sync/protocol';
import {
  checkSnapshotComplete,
  RevocationDigest,
  rawPublicKey,
  signRevocationDelta,
  signSnapshotHeader,
  verifyRevocationDelta,
  verifySnapshotHeader,
} from '../sync/signing';
import { applyDeltaEntries, insertStaging, swapInSnapshot } from '../main/sync/revocations';
import { report } from './report';

/** Benchmarks print their figures on stdout, one line each (no logger: nothing personal here). */
const line = (text: string): void => void process.stdout.write(`${text}\n`);

const ENTRIES = Number(process.env['BENCH_ENTRIES'] ?? 1_000_000);
const DELTA = Number(process.env['BENCH_DELTA'] ?? 10_000);
const PAGE = MAX_SNAPSHOT_PAGE_LIMIT;

function entry(i: number, version: number): RevocationEntry {
  return {
    card_serial: `AB${String(i).padStart(10, '0')}`,
    status: i % 7 === 0 ? 'revoked' : 'suspended',
    effective_at: '2026-03-01T00:00:00.000Z',
    list_version: version,
  };
}

/** One page of the snapshot, built on demand so the bench never holds the list. */
function page(start: number, version: number): RevocationEntry[] {
  const out: RevocationEntry[] = [];
  for (let i = start; i < Math.min(start + PAGE, ENTRIES); i += 1) out.push(entry(i, version));
  return out;
}

let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-'));
try {
  const db: Db = openStore({ path: join(dir, 'store.db'), key: randomBytes(32) });
  const central = generateKeyPairSync('ed25519');
  const centralKey = rawPublicKey(central.publicKey);

  // The signed header, as central computes it (not timed).
  const headerDigest = new RevocationDigest();
  for (let s = 0; s < ENTRIES; s += PAGE) headerDigest.update(page(s, 1));
  const header = signSnapshotHeader(
    {
      list_version: 1,
      issued_at: '2026-03-01T00:00:00.000Z',
      entry_count: ENTRIES,
      entries_digest: headerDigest.digest(),
    },
    central.privateKey,
  );

  // Baseline: bare inserts of the same pages.
  db.exec(
    'CREATE TABLE bench_plain (card_serial TEXT PRIMARY KEY, status TEXT, effective_at TEXT, list_version INTEGER) STRICT, WITHOUT ROWID',
  );
  const plainInsert = db.prepare(
    'INSERT INTO bench_plain VALUES (@card_serial, @status, @effective_at, @list_version)',
  );
  peak = process.memoryUsage().rss;
  const baseStart = process.hrtime.bigint();
  for (let s = 0; s < ENTRIES; s += PAGE) {
    const entries = page(s, 1);
    db.transaction(() => {
      for (const e of entries) plainInsert.run(e);
    })();
  }
  const baseSeconds = Number(process.hrtime.bigint() - baseStart) / 1e9;
  const basePeak = peak;
  db.exec('DROP TABLE bench_plain');

  // The terminal's path.
  peak = process.memoryUsage().rss;
  const start = process.hrtime.bigint();
  verifySnapshotHeader(header, centralKey, 0);
  const digest = new RevocationDigest();
  let digestNs = 0n;
  let insertNs = 0n;
  for (let s = 0; s < ENTRIES; s += PAGE) {
    const entries = page(s, 1);
    const t0 = process.hrtime.bigint();
    digest.update(entries);
    const t1 = process.hrtime.bigint();
    insertStaging(db, entries);
    digestNs += t1 - t0;
    insertNs += process.hrtime.bigint() - t1;
  }
  checkSnapshotComplete(header, digest);
  const swapStart = process.hrtime.bigint();
  swapInSnapshot(db);
  const swapMs = Number(process.hrtime.bigint() - swapStart) / 1e6;
  const snapshotSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const snapshotPeak = peak;

  // A 10,000-entry delta: half changes to listed cards, half new ones.
  const deltaEntries: RevocationEntry[] = [];
  for (let i = 0; i < DELTA; i += 1) {
    deltaEntries.push(
      i % 2 === 0 ? { ...entry(i * 3, 2), status: 'reinstated' } : entry(ENTRIES + i, 2),
    );
  }
  const delta = signRevocationDelta(
    {
      from_version: 1,
      to_version: 2,
      issued_at: '2026-03-02T00:00:00.000Z',
      entries: deltaEntries,
    },
    central.privateKey,
  );
  peak = process.memoryUsage().rss;
  const deltaStart = process.hrtime.bigint();
  verifyRevocationDelta(delta, centralKey, 1);
  applyDeltaEntries(db, delta.entries);
  const deltaSeconds = Number(process.hrtime.bigint() - deltaStart) / 1e9;
  const count = db.prepare('SELECT count(*) FROM revocation_entry').pluck().get() as number;
  db.close();
  clearInterval(sampler);

  line(`revocation snapshot: ${ENTRIES.toLocaleString('en')} entries, pages of ${PAGE}`);
  line(
    `  verified + staged + swapped: ${snapshotSeconds.toFixed(1)} s (${Math.round(ENTRIES / snapshotSeconds).toLocaleString('en')} entries/s), peak RSS ${mb(snapshotPeak)}`,
  );
  line(
    `    of which: digest ${(Number(digestNs) / 1e9).toFixed(1)} s, staging inserts ${(Number(insertNs) / 1e9).toFixed(1)} s, swap ${swapMs.toFixed(0)} ms`,
  );
  line(`  baseline bare INSERT:        ${baseSeconds.toFixed(1)} s, peak RSS ${mb(basePeak)}`);
  line(`  ratio (checked / bare):     ${(snapshotSeconds / baseSeconds).toFixed(2)}x`);
  report({
    name: `sync-revocations: snapshot of ${ENTRIES.toLocaleString('en')} entries`,
    figure: `${snapshotSeconds.toFixed(1)} s, peak RSS ${mb(snapshotPeak)}`,
    baseline: `${baseSeconds.toFixed(1)} s bare INSERT`,
    ratio: snapshotSeconds / baseSeconds,
    goal: 'reported (no goal set)',
    pass: null,
  });
  line(
    `revocation delta: ${DELTA.toLocaleString('en')} entries verified and applied in ${(deltaSeconds * 1000).toFixed(0)} ms; list now ${count.toLocaleString('en')} entries`,
  );
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
