import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { myNumberProblem } from '../../domain/my-number';
import { verifyAuditChain } from '../audit/verify';
import { knownStore } from '../audit/testing';
import { createLogger } from '../log/logger';
import { CaseStore } from './case-store';
import {
  countApplications,
  isoTimestamp,
  seedCases,
  seededDataDigest,
  SeedRefused,
  syntheticImport,
} from './seed';

async function seeded(cases: number, seed: number, signingThreads?: number) {
  const store = knownStore();
  const summary = await seedCases(store.db, {
    cases,
    seed,
    batchSize: 64,
    ...(signingThreads === undefined ? {} : { signingThreads }),
  });
  return { ...store, summary };
}

describe('madoguchi db seed, as a trainer preparing a training terminal', () => {
  it(
    'gives two fresh terminals seeded alike the same cases, and another seed other cases',
    { timeout: 60_000 },
    async () => {
      const first = await seeded(300, 1);
      // Signed on this thread instead of the workers: the same data.
      const second = await seeded(300, 1, 0);
      const other = await seeded(300, 2);
      expect(first.summary).toEqual(second.summary);
      expect(seededDataDigest(first.db)).toBe(seededDataDigest(second.db));
      expect(seededDataDigest(other.db)).not.toBe(seededDataDigest(first.db));
      // The terminals still made their own keys: the chains differ, the data does not.
      const terminal = (db: typeof first.db) =>
        db.prepare('SELECT terminal_id FROM terminal_signing_key').pluck().get();
      expect(terminal(first.db)).not.toBe(terminal(second.db));
    },
  );

  it(
    'records a realistic mix of cards through the real transitions, with a valid audit chain',
    { timeout: 30_000 },
    async () => {
      const { db, path, summary } = await seeded(300, 1);
      expect(countApplications(db)).toBe(300);
      const events = db.prepare('SELECT count(*) FROM case_event').pluck().get();
      expect(events).toBe(summary.events);
      expect(verifyAuditChain(db)).toEqual({
        ok: true,
        events: summary.events,
        lastSeq: summary.events,
      });
      const states = db.prepare('SELECT state, count(*) AS n FROM card GROUP BY state').all() as {
        state: string;
        n: number;
      }[];
      const byState = Object.fromEntries(states.map((s) => [s.state, s.n]));
      expect(byState['handed-over']).toBeGreaterThan(100);
      expect(Object.keys(byState).length).toBeGreaterThanOrEqual(6);
      const kinds = db.prepare('SELECT DISTINCT kind FROM application').pluck().all();
      expect(kinds.length).toBeGreaterThanOrEqual(4);

      // Every person has a My Number with a valid check digit, each a different one.
      const numbers = db.prepare('SELECT my_number FROM person').pluck().all() as string[];
      expect(numbers).toHaveLength(300);
      expect(new Set(numbers).size).toBe(300);
      expect(numbers.filter((n) => myNumberProblem(n) !== null)).toEqual([]);

      // No seeded name, kana or address is readable in the store file.
      const people = db
        .prepare('SELECT name_kanji, name_kana, name_latin, address FROM person LIMIT 20')
        .all() as Record<string, string | null>[];
      db.close();
      const raw = Buffer.concat(
        [path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p)),
      );
      const needles = people.flatMap((p) => Object.values(p)).filter((v): v is string => !!v);
      expect(needles.length).toBeGreaterThan(40);
      const found = needles.filter((n) => raw.includes(Buffer.from(n, 'utf8')));
      // Only the count is compared: seeded data is personal data, even in test output.
      expect(found.length).toBe(0);
    },
  );

  it('writes exactly what CaseStore.importCase records for the same cases, case by case', async () => {
    const bulk = await seeded(120, 5);
    const oneByOne = knownStore();
    const store = new CaseStore({
      db: oneByOne.db,
      log: createLogger({ sink: () => undefined, level: 'error' }),
      now: () => new Date('2024-04-01T00:00:00.000Z'),
    });
    oneByOne.db.transaction(() => {
      for (let i = 0; i < 120; i += 1) {
        const c = syntheticImport(5, i);
        store.importCase(c.application, c.card, { staffId: null, role: 'system' }, c.receivedBy);
      }
    })();
    expect(seededDataDigest(oneByOne.db)).toBe(seededDataDigest(bulk.db));
    expect(verifyAuditChain(oneByOne.db).ok).toBe(true);
  });

  it('refuses a store that already has cases unless asked to append, then continues after them', async () => {
    const { db } = await seeded(10, 1);
    await expect(seedCases(db, { cases: 5, seed: 1 })).rejects.toThrow(SeedRefused);
    expect(countApplications(db)).toBe(10);
    const more = await seedCases(db, { cases: 5, seed: 1, append: true });
    expect(more.firstCase).toBe(10);
    expect(countApplications(db)).toBe(15);
    expect(verifyAuditChain(db).ok).toBe(true);
  });
});

describe('the date formatting of the seeder', () => {
  it('writes exactly what Date.prototype.toISOString writes, across the years seeds use', () => {
    const mismatches: number[] = [];
    const from = Date.UTC(1900, 0, 1);
    const to = Date.UTC(2101, 0, 1);
    // Every day, at a time of day that walks through hours, minutes, seconds and milliseconds.
    for (let ms = from, i = 0; ms < to; ms += 86_400_000, i += 1) {
      const at = ms + ((i * 7_919_993) % 86_400_000);
      if (isoTimestamp(at) !== new Date(at).toISOString()) mismatches.push(at);
    }
    expect(mismatches).toEqual([]);
    expect(isoTimestamp(Date.UTC(2024, 1, 29, 23, 59, 59, 9))).toBe('2024-02-29T23:59:59.009Z');
  });
});
