// kill -9 in the middle of writing: a seed, and a loop of handover-sized transactions through
// CaseStore, each killed at random moments, then the store is checked as `madoguchi db check`
// would: integrity_check, the audit chain, and no state without its event nor event without
// its state. CRASH_KILLS sets the kills per writer (default 3; e.g. CRASH_KILLS=50 for a long
// run).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../db/open';
import { tempDir } from '../../test/support/temp-dir';
import { verifyAuditChain } from '../audit/verify';
import { caseEventProblems } from './consistency';

const KILLS = Number(process.env['CRASH_KILLS'] ?? 3);
let child = '';
let childDir = '';

beforeAll(async () => {
  // Inside the checkout, so the bundle's import of the native driver resolves.
  const dist = join(import.meta.dirname, '../../dist');
  mkdirSync(dist, { recursive: true });
  childDir = mkdtempSync(join(dist, 'crash-test-'));
  child = join(childDir, 'crash-child.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'crash-child.ts')],
    outfile: child,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3-multiple-ciphers'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
}, 60_000);

afterAll(() => rmSync(childDir, { recursive: true, force: true }));

/** Runs the writer until it has committed `after` times plus a random moment, then SIGKILLs it. */
function killMidway(
  mode: 'seed' | 'writes',
  path: string,
  key: Buffer,
  env: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, mode, path], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, MADOGUCHI_CRASH_KEY: key.toString('hex'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let commits = 0;
    let armed = false;
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      commits += d
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('committed')).length;
      if (!armed && commits >= 2) {
        armed = true;
        // Somewhere inside the next transactions: 0-400 ms after the second commit.
        setTimeout(() => proc.kill('SIGKILL'), Math.floor(Math.random() * 400));
      }
    });
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(commits);
      else reject(new Error(`the writer ended by itself (${code}): ${stderr}`));
    });
  });
}

function assertSound(path: string, key: Buffer): { applications: number; events: number } {
  const db = openStore({ path, key });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const chain = verifyAuditChain(db);
    expect(chain).toMatchObject({ ok: true });
    expect(caseEventProblems(db)).toEqual([]);
    return {
      applications: db.prepare('SELECT count(*) FROM application').pluck().get() as number,
      events: chain.ok ? chain.events : 0,
    };
  } finally {
    db.close();
  }
}

describe('kill -9 while writing never leaves a broken store', () => {
  it(
    'a seed killed at random moments leaves whole batches, each case with its event, and its indexes back',
    { timeout: 120_000 },
    async () => {
      const path = join(tempDir(), 'store.db');
      const key = randomBytes(32);
      const fresh = openStore({ path, key });
      const indexes = () =>
        fresh.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'index'").pluck().get();
      const indexCount = indexes();
      fresh.close();
      let before = 0;
      for (let kill = 0; kill < KILLS; kill += 1) {
        // Enough cases that the seed defers its indexes: the kill lands while they are gone.
        await killMidway('seed', path, key, {
          MADOGUCHI_CRASH_CASES: '50000',
          MADOGUCHI_CRASH_SEED: String(kill + 1),
        });
        const { applications, events } = assertSound(path, key);
        expect(applications).toBeGreaterThan(before);
        expect(events).toBe(applications);
        before = applications;
      }
      const db = openStore({ path, key });
      expect(
        db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'index'").pluck().get(),
      ).toBe(indexCount);
      db.close();
    },
  );

  it(
    'a loop of handover-sized transactions killed at random moments leaves every committed step with its event',
    { timeout: 120_000 },
    async () => {
      const path = join(tempDir(), 'store.db');
      const key = randomBytes(32);
      openStore({ path, key }).close();
      let before = 0;
      for (let kill = 0; kill < KILLS; kill += 1) {
        await killMidway('writes', path, key);
        const { events } = assertSound(path, key);
        expect(events).toBeGreaterThan(before);
        before = events;
      }
    },
  );
});
