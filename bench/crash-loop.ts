// The crash loop at length (issue 7, reliability 1): BENCH_KILLS (default 3,000) SIGKILLs of
// a counter process doing handovers with a virtual card, loss reports and sync runs to a real
// central (test/reliability/crash-loop.ts; the test suite runs 1,000). Every kill is followed
// by the store checks; at the end central must hold each event exactly once.
// Figures: kills per minute, what was committed between kills, the check time per kill.
// Baseline in the same run: bare Node processes spawned and SIGKILLed in a loop (the most
// kills per minute this machine can do at all). Goals: no problem at all; at least 250
// kills/min (so the 1,000 kills of the test suite take at most 4 minutes).
// Run: npm run bench -- crash-loop

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCrashLoop } from '../test/reliability/crash-loop';
import { report } from './report';

const line = (text: string): void => void process.stdout.write(`${text}\n`);
const KILLS = Number(process.env['BENCH_KILLS'] ?? 3_000);

/** Bare `node` children, each spawned, given the time to start, and killed. */
async function bareKillsPerMinute(count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const child = spawn(
      process.execPath,
      ['-e', 'process.stdout.write("up\\n"); setInterval(() => {}, 1000)'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  }
  return count / ((performance.now() - started) / 60_000);
}

const root = mkdtempSync(join(tmpdir(), 'madoguchi-crash-bench-'));
try {
  line(`crash loop: ${KILLS.toLocaleString('en')} kills...`);
  const baseline = await bareKillsPerMinute(100);
  const result = await runCrashLoop({
    kills: KILLS,
    root,
    onKill: (done) => {
      if (done % 500 === 0) line(`  ${done} kills`);
    },
  });
  const perMinute = result.kills / (result.seconds / 60);
  line(
    `crash loop: ${result.kills.toLocaleString('en')} kills in ${result.seconds.toFixed(0)} s: ${perMinute.toFixed(0)} kills/min`,
  );
  line(`  baseline bare node spawn + SIGKILL: ${baseline.toFixed(0)} kills/min`);
  line(`  ratio crash loop / bare: ${(perMinute / baseline).toFixed(2)}`);
  line(
    `  committed between kills: ${result.committed.handovers} handovers, ${result.committed.losses} loss reports, ${result.committed.syncs} sync runs; ${result.resumed} half-done handovers resumed`,
  );
  line(
    `  store at the end: ${result.store.events} events, ${result.store.handovers} handovers, ${result.store.losses} loss reports; check after each kill ${result.checkMs.toFixed(1)} ms`,
  );
  line(
    `  problems: ${result.problems.length === 0 ? 'none' : result.problems.slice(0, 10).join('; ')}`,
  );
  report({
    name: `crash-loop: problems after ${result.kills} kills`,
    figure: String(result.problems.length),
    baseline: '',
    ratio: null,
    goal: '0 problems, central holds each event once',
    pass: result.problems.length === 0 && result.kills === KILLS,
  });
  report({
    name: 'crash-loop: kills per minute',
    figure: `${perMinute.toFixed(0)} kills/min`,
    baseline: `${baseline.toFixed(0)} kills/min (bare node)`,
    ratio: perMinute / baseline,
    goal: '>= 250 kills/min',
    pass: perMinute >= 250,
  });
} finally {
  rmSync(root, { recursive: true, force: true });
}
