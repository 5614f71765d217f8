// The soak (issue 7, reliability 4): a compressed counter day at an office with two terminals
// (two stores, two sets of counter services) and one real central. The terminals take turns:
// each handover is a case brought to custody and handed over step by step through the real
// step machine with a virtual card (card proved by VERIFY and a read of its My Number, four
// secrets set, try counters read back), now and then a loss report, and a sync run after every
// few handovers. Memory (RSS, heap after a GC) and open handles
// (process.getActiveResourcesInfo) are sampled along the way; their slopes over the day and
// the p50/p99 of every step are the figures. At the end central must hold every event once.
// Used by soak.test.ts (short) and bench/soak.ts (2,000 handovers). No vitest here.

import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  CardMaker,
  HANDOVER_STEPS,
  handOverOne,
  myNumberFor,
  openTerminal,
  reportLost,
  storeProblems,
  syncUntilEmpty,
  terminalIdOf,
  type Terminal,
} from './counter-work';
import { centralAndTerminal, centralProblems } from './office';

export interface SoakOptions {
  handovers: number;
  /** A fresh directory for central, the terminals and the card keys. */
  root: string;
  /** Each terminal syncs after this many of its handovers. */
  syncEvery?: number;
  /** Every this-many-th handover's card is then reported lost. */
  lossEvery?: number;
  onProgress?: (done: number) => void;
}

export interface Sample {
  done: number;
  rss: number;
  heapUsed: number;
  /** Memory of C++ objects bound to JS (buffers, native handles). */
  external: number;
  handles: number;
}

export interface StepFigures {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface SoakResult {
  handovers: number;
  losses: number;
  syncs: number;
  /** Sync runs during the day that failed (and were retried by the next), by code. */
  syncFailures: Record<string, number>;
  seconds: number;
  steps: Record<string, StepFigures>;
  samples: Sample[];
  /** Least-squares slopes over the samples after warm-up, per 1,000 handovers. */
  slopes: { rssPerThousand: number; heapPerThousand: number; handlesPerThousand: number };
  /** Growth from the first sample after warm-up to the last. */
  growth: { rss: number; heapUsed: number; handles: number };
  /** Whole handovers (all steps): p99 in the first and in the last quarter of the day. */
  drift: { firstQuarterP99: number; lastQuarterP99: number };
  events: number;
  problems: string[];
}

/** A full GC before each sample, so the heap figure is what is still referenced. */
function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function figures(values: number[]): StepFigures {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { handovers, root } = options;
  const syncEvery = options.syncEvery ?? 10;
  const lossEvery = options.lossEvery ?? 25;
  const gc = gcFunction();
  const cards = await CardMaker.create(join(root, 'keys'));
  const { central, terminals: stores } = await centralAndTerminal(root, 2);
  const terminals: Terminal[] = stores.map(({ path, key }) => openTerminal(path, key, cards));
  const times: Record<string, number[]> = { loss: [], sync: [] };
  for (const step of HANDOVER_STEPS) times[step] = [];
  const totals: number[] = [];
  const samples: Sample[] = [];
  const sampleEvery = Math.max(1, Math.floor(handovers / 40));
  const sample = (done: number): void => {
    gc();
    const memory = process.memoryUsage();
    samples.push({
      done,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      external: memory.external,
      handles: process.getActiveResourcesInfo().length,
    });
  };
  let losses = 0;
  let syncs = 0;
  const syncFailures: Record<string, number> = {};
  const problems: string[] = [];
  const started = performance.now();
  try {
    for (let done = 0; done < handovers; done += 1) {
      const index = done % terminals.length;
      const t = terminals[index] as Terminal;
      const { cardSerial, times: stepTimes } = await handOverOne(t, myNumberFor(index + 1, done));
      for (const step of HANDOVER_STEPS) times[step]?.push(stepTimes[step]);
      totals.push(HANDOVER_STEPS.reduce((sum, step) => sum + stepTimes[step], 0));
      if ((done + 1) % lossEvery === 0) {
        const at = performance.now();
        reportLost(t, cardSerial);
        times['loss']?.push(performance.now() - at);
        losses += 1;
      }
      const own = Math.floor(done / terminals.length) + 1;
      if (own % syncEvery === 0) {
        const at = performance.now();
        const report = await t.engine.run('demand');
        times['sync']?.push(performance.now() - at);
        syncs += 1;
        // A failed run is retried by the next (the scheduler does the same): counted, and the
        // end of the day shows whether anything was lost.
        if (!report.outcome.ok) {
          const { code } = report.outcome;
          syncFailures[code] = (syncFailures[code] ?? 0) + 1;
        }
      }
      if ((done + 1) % sampleEvery === 0) sample(done + 1);
      options.onProgress?.(done + 1);
    }
    const seconds = (performance.now() - started) / 1000;
    let events = 0;
    for (const t of terminals) {
      await syncUntilEmpty(t.engine, t.db);
      problems.push(...storeProblems(t.db));
      problems.push(...centralProblems(central, t.db, terminalIdOf(t.db)));
      events += t.db.prepare('SELECT count(*) FROM case_event').pluck().get() as number;
    }
    // The first tenth of the day warms caches and JIT: the trend is read after it.
    const steady = samples.filter((s) => s.done > handovers / 10);
    const first = steady[0];
    const last = steady.at(-1);
    const per = (pick: (s: Sample) => number) =>
      slope(steady.map((s) => ({ x: s.done, y: pick(s) }))) * 1_000;
    return {
      handovers,
      losses,
      syncs,
      syncFailures,
      seconds,
      steps: {
        ...Object.fromEntries(Object.entries(times).map(([k, v]) => [k, figures(v)])),
        handover: figures(totals),
      },
      samples,
      slopes: {
        rssPerThousand: per((s) => s.rss),
        heapPerThousand: per((s) => s.heapUsed),
        handlesPerThousand: per((s) => s.handles),
      },
      growth: {
        rss: first && last ? last.rss - first.rss : 0,
        heapUsed: first && last ? last.heapUsed - first.heapUsed : 0,
        handles: first && last ? last.handles - first.handles : 0,
      },
      drift: {
        firstQuarterP99: figures(totals.slice(0, Math.ceil(handovers / 4))).p99,
        lastQuarterP99: figures(totals.slice(-Math.ceil(handovers / 4))).p99,
      },
      events,
      problems,
    };
  } finally {
    for (const t of terminals) t.close();
    await central.close();
  }
}
