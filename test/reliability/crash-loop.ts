// The crash loop (issue 7, reliability 1): a counter process doing handovers, loss reports and
// sync runs to a real central (crash-child.ts) is killed with SIGKILL at a random moment,
// again and again. After every kill the store is checked (counter-work.ts storeProblems:
// integrity_check, the audit chain, no state without its event nor event without its state,
// no handover without its event, no loss report without its suspension) and everything the
// child reported committed must still be there. At the end the half-done handovers are
// finished, sync drains the outbox, and central must hold each event exactly once.
//
// Starting Node is the expensive part of a kill, so spare children start ahead: each loads
// its bundle and its card keys, then waits for "go" while the one before it works. Used by
// crash-loop.test.ts (CI-sized) and bench/crash-loop.ts (long).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as Esbuild from 'esbuild';
import { openStore, type Db } from '../../db/open';
import {
  CardMaker,
  ChainTail,
  counts,
  openTerminal,
  resumeDrafts,
  storeProblems,
  syncUntilEmpty,
  terminalIdOf,
} from './counter-work';
import { centralAndTerminal, centralProblems } from './office';
import type { RunningCentral } from '../../central/server';

export interface CrashLoopOptions {
  kills: number;
  /** A fresh directory for central, the terminal and the card keys. */
  root: string;
  /**
   * Each child is killed after 0-2 commits (handover, loss report, sync run) plus 0 to this
   * many ms: inside the next step, transaction or request.
   */
  maxDelayMs?: number;
  /** Children started ahead of need. */
  spares?: number;
  onKill?: (done: number) => void;
}

export interface CrashLoopResult {
  kills: number;
  seconds: number;
  /** Handovers, loss reports and sync runs the children reported committed (then killed). */
  committed: { handovers: number; losses: number; syncs: number };
  /** Where the store stood at the end, after finishing drafts and syncing. */
  store: { events: number; handovers: number; losses: number };
  /** Half-done handovers the next child (or the final pass) found and finished. */
  resumed: number;
  /** Mean ms spent checking the store after each kill. */
  checkMs: number;
  /** Everything wrong found, after any kill or at the end; empty when all held. */
  problems: string[];
}

interface Child {
  process: ChildProcess;
  lines: string[];
  waitFor(prefix: string): Promise<string>;
  /** Resolves once the child has reported `count` commits (or has exited). */
  commits(count: number): Promise<void>;
  exited: Promise<void>;
  stderr(): string;
}

const ESBUILD = 'esbuild';

/** Bundles crash-child.ts inside the checkout (so it resolves the native driver). */
export async function bundleCrashChild(): Promise<{ script: string; dispose(): void }> {
  mkdirSync('dist', { recursive: true });
  const dir = mkdtempSync(join('dist', 'crash-loop-'));
  const script = join(dir, 'crash-child.mjs');
  // Loaded at run time, not bundled: bench/crash-loop.ts is itself an esbuild bundle.
  const { build } = (await import(ESBUILD)) as typeof Esbuild;
  await build({
    entryPoints: ['test/reliability/crash-child.ts'],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3-multiple-ciphers', 'smartcard'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    minify: true,
    logLevel: 'warning',
  });
  return { script, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function startChild(script: string, args: string[], key: Buffer): Child {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, MADOGUCHI_CRASH_KEY: key.toString('hex') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  const committed = /^(handover|loss|synced) /;
  let commits = 0;
  let commitWaiter: { count: number; resolve: () => void } | null = null;
  let buffer = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (committed.test(line)) commits += 1;
      if (commitWaiter && commits >= commitWaiter.count) {
        commitWaiter.resolve();
        commitWaiter = null;
      }
      for (const waiter of [...waiters]) {
        if (line.startsWith(waiter.prefix)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  // A killed child's stdin may error (EPIPE): nothing to do about it.
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    lines,
    exited,
    stderr: () => stderr,
    commits: (count) =>
      commits >= count
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => (commitWaiter = { count, resolve })),
            exited,
          ]),
    waitFor: (prefix) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => l.startsWith(prefix));
        if (seen) return resolve(seen);
        waiters.push({ prefix, resolve });
        void exited.then(() =>
          reject(new Error(`the child exited before "${prefix}": ${stderr.trim()}`)),
        );
      }),
  };
}

/** The parent's checking connection is reopened after every REOPEN_EVERY-th kill. */
const REOPEN_EVERY = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runCrashLoop(options: CrashLoopOptions): Promise<CrashLoopResult> {
  // Issues the card's certificates once, so the children only read them.
  await CardMaker.create(join(options.root, 'keys'));
  const { central, terminals } = await centralAndTerminal(options.root);
  try {
    return await killAndCheck(options, central, terminals[0] as { path: string; key: Buffer });
  } finally {
    await central.close();
  }
}

async function killAndCheck(
  options: CrashLoopOptions,
  central: RunningCentral,
  { path, key }: { path: string; key: Buffer },
): Promise<CrashLoopResult> {
  const { root, kills } = options;
  const maxDelayMs = options.maxDelayMs ?? 40;
  const spares = options.spares ?? 2;
  const problems: string[] = [];
  const committed = { handovers: 0, losses: 0, syncs: 0 };
  let resumed = 0;
  let checkMs = 0;
  const keysDir = join(root, 'keys');
  const { script, dispose } = await bundleCrashChild();
  const pool: Child[] = [];
  let run = 0;
  const spare = (): void => {
    run += 1;
    pool.push(startChild(script, [path, keysDir, String(run)], key));
  };
  const started = performance.now();
  let done = 0;
  let checker: Db | null = null;
  const tail = new ChainTail();
  try {
    for (let i = 0; i < spares; i += 1) spare();
    let before = { events: 0, handovers: 0, losses: 0 };
    for (; done < kills && problems.length === 0; done += 1) {
      const child = pool.shift() as Child;
      spare();
      await child.waitFor('loaded');
      child.process.stdin?.write('go\n');
      await child.waitFor('ready');
      // After 0, 1 or 2 things committed, somewhere inside the next ones.
      const after = Math.floor(Math.random() * 3);
      if (after > 0) await child.commits(after);
      await sleep(Math.random() * maxDelayMs);
      if (child.process.exitCode !== null) {
        problems.push(`kill ${done + 1}: the child ended by itself: ${child.stderr().trim()}`);
        break;
      }
      child.process.kill('SIGKILL');
      await child.exited;

      const checkStart = performance.now();
      // Every so often the checking connection is closed and the store opened afresh, as the
      // restarted app opens it.
      if (done % REOPEN_EVERY === 0) {
        checker?.close();
        checker = openStore({ path, key });
      }
      const db = checker as Db;
      // The chain's new tail after every kill; the whole chain when the store is reopened.
      const full = done % REOPEN_EVERY === 0;
      for (const p of storeProblems(db, full ? undefined : tail)) {
        problems.push(`after kill ${done + 1}: ${p}`);
      }
      const now = counts(db);
      if (now.events < before.events) problems.push(`after kill ${done + 1}: events were lost`);
      before = now;
      const has = db.prepare('SELECT count(*) FROM handover WHERE card_serial = ?').pluck();
      const suspended = db.prepare('SELECT count(*) FROM suspension WHERE card_serial = ?').pluck();
      for (const line of child.lines) {
        const [what, serial] = line.split(' ');
        if (what === 'handover') {
          committed.handovers += 1;
          if (has.get(serial) !== 1) problems.push(`committed handover lost: ${serial}`);
        } else if (what === 'loss') {
          committed.losses += 1;
          if (suspended.get(serial) !== 1) problems.push(`committed loss report lost: ${serial}`);
        } else if (what === 'synced') {
          committed.syncs += 1;
        } else if (what === 'resumed') {
          resumed += Number(serial);
        }
      }
      checkMs += performance.now() - checkStart;
      options.onKill?.(done + 1);
    }
  } finally {
    checker?.close();
    for (const child of pool) child.process.kill('SIGKILL');
    await Promise.all(pool.map((c) => c.exited));
    dispose();
  }
  const seconds = (performance.now() - started) / 1000;

  // The office opens again: the half-done handovers are finished and sync catches up.
  const t = openTerminal(path, key, await CardMaker.create(keysDir));
  try {
    resumed += await resumeDrafts(t);
    await syncUntilEmpty(t.engine, t.db);
    problems.push(...storeProblems(t.db));
    problems.push(...centralProblems(central, t.db, terminalIdOf(t.db)));
    return {
      kills: done,
      seconds,
      committed,
      store: counts(t.db),
      resumed,
      checkMs: done > 0 ? checkMs / done : 0,
      problems,
    };
  } finally {
    t.close();
  }
}
