// The soak at full length (issue 7, reliability 4): a compressed counter day at two terminals
// and one real central, BENCH_HANDOVERS (default 2,000) handovers with card reads through the
// real step machine and an in-process virtual card, a loss report every 25th, a sync run after
// every 10 handovers of each terminal (test/reliability/soak.ts; the test suite runs 100).
// Figures: p50/p99 of every step; RSS, heap (after a GC) and open handles sampled 40 times,
// with their least-squares slopes per 1,000 handovers.
// Baselines in the same run: the figures after the first tenth of the day (warm-up). Goals:
// memory flat (end within 1.25x of the warm figure), handles flat (at most +2), the whole
// handover's p99 in the last quarter within 1.5x of the first quarter's; central holds every
// event exactly once.
// Run: npm run bench -- soak

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSoak, type Sample } from '../test/reliability/soak';
import { report } from './report';

const line = (text: string): void => void process.stdout.write(`${text}\n`);
const HANDOVERS = Number(process.env['BENCH_HANDOVERS'] ?? 2_000);
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (value: number): string => `${value.toFixed(1)} ms`;

const root = mkdtempSync(join(tmpdir(), 'madoguchi-soak-bench-'));
try {
  line(`soak: ${HANDOVERS.toLocaleString('en')} handovers at two terminals...`);
  const result = await runSoak({
    handovers: HANDOVERS,
    root,
    onProgress: (done) => {
      if (done % 500 === 0) line(`  ${done} handovers`);
    },
  });
  const perMinute = result.handovers / (result.seconds / 60);
  line(
    `soak: ${result.handovers} handovers, ${result.losses} loss reports, ${result.syncs} sync runs in ${result.seconds.toFixed(0)} s (${perMinute.toFixed(0)} handovers/min); ${result.events} events, central holds each once: ${result.problems.length === 0 ? 'yes' : 'NO'}`,
  );
  line('  step         count     p50      p99      max');
  for (const [step, f] of Object.entries(result.steps)) {
    line(
      `  ${step.padEnd(10)} ${String(f.count).padStart(6)} ${ms(f.p50).padStart(9)} ${ms(f.p99).padStart(9)} ${ms(f.max).padStart(9)}`,
    );
  }
  const steady = result.samples.filter((s) => s.done > HANDOVERS / 10);
  const warm = steady[0];
  const end = steady.at(-1);
  if (!warm || !end) throw new Error('too few samples');
  line(
    `  RSS: warm ${mb(warm.rss)}, end ${mb(end.rss)}, slope ${mb(result.slopes.rssPerThousand)} per 1,000 handovers`,
  );
  line(
    `  heap after GC: warm ${mb(warm.heapUsed)}, end ${mb(end.heapUsed)}, slope ${mb(result.slopes.heapPerThousand)} per 1,000 handovers`,
  );
  const at = (fraction: number) =>
    result.samples[Math.max(0, Math.ceil(result.samples.length * fraction) - 1)] as Sample;
  line(
    `  RSS along the day (25/50/75/100%): ${[0.25, 0.5, 0.75, 1].map((f) => mb(at(f).rss)).join(', ')}; external (buffers, native): ${[0.25, 0.5, 0.75, 1].map((f) => mb(at(f).external)).join(', ')}`,
  );
  line(
    `  sync runs that failed during the day (retried by the next run): ${
      Object.entries(result.syncFailures)
        .map(([code, n]) => `${n} ${code}`)
        .join(', ') || 'none'
    }`,
  );
  line(
    `  open handles: warm ${warm.handles}, end ${end.handles}, slope ${result.slopes.handlesPerThousand.toFixed(2)} per 1,000 handovers`,
  );
  line(
    `  whole handover p99: first quarter ${ms(result.drift.firstQuarterP99)}, last quarter ${ms(result.drift.lastQuarterP99)}`,
  );
  if (result.problems.length > 0) line(`  problems: ${result.problems.slice(0, 10).join('; ')}`);
  const full = HANDOVERS >= 2_000;
  report({
    name: `soak: heap after GC over ${HANDOVERS} handovers`,
    figure: mb(end.heapUsed),
    baseline: `${mb(warm.heapUsed)} (warm)`,
    ratio: end.heapUsed / warm.heapUsed,
    goal: 'ratio <= 1.25',
    pass: full ? end.heapUsed / warm.heapUsed <= 1.25 : null,
  });
  report({
    name: 'soak: RSS',
    figure: mb(end.rss),
    baseline: `${mb(warm.rss)} (warm)`,
    ratio: end.rss / warm.rss,
    goal: 'ratio <= 1.25',
    pass: full ? end.rss / warm.rss <= 1.25 : null,
  });
  report({
    name: 'soak: open handles',
    figure: String(end.handles),
    baseline: `${warm.handles} (warm)`,
    ratio: warm.handles > 0 ? end.handles / warm.handles : null,
    goal: 'at most +2',
    pass: end.handles - warm.handles <= 2,
  });
  report({
    name: 'soak: whole handover p99, last quarter',
    figure: ms(result.drift.lastQuarterP99),
    baseline: `${ms(result.drift.firstQuarterP99)} (first quarter)`,
    ratio: result.drift.lastQuarterP99 / result.drift.firstQuarterP99,
    goal: 'ratio <= 1.5',
    pass: full ? result.drift.lastQuarterP99 / result.drift.firstQuarterP99 <= 1.5 : null,
  });
  report({
    name: 'soak: central holds every event once',
    figure: `${result.problems.length} problems`,
    baseline: '',
    ratio: null,
    goal: '0 problems',
    pass: result.problems.length === 0,
  });
} finally {
  rmSync(root, { recursive: true, force: true });
}
