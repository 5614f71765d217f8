// The machine-readable result a benchmark emits next to its human lines, one per figure it
// judges: `npm run bench` (scripts/bench.mjs) collects them from every benchmark into one table
// and bench/results/latest.md. A benchmark that emits none shows as "no result" there.
// Usage, after measuring:
//   report({ name: 'store-write: encryption cost', figure: '812 tx/s', baseline: '950 tx/s',
//            ratio: 812 / 950, goal: 'ratio >= 0.75', pass: 812 / 950 >= 0.75 });

/** Prefix of the line scripts/bench.mjs looks for on a benchmark's stdout. */
export const RESULT_PREFIX = 'BENCH-RESULT ';

export interface BenchResult {
  /** Row label: the benchmark's name and what this figure is ("sync-drain: 50,000 events"). */
  readonly name: string;
  /** The measured figure with its unit ("3.2 s", "812 tx/s"). */
  readonly figure: string;
  /** The baseline measured in the same run, with its unit; '' when the goal is absolute. */
  readonly baseline: string;
  /** figure / baseline (or as the goal states it); null when there is no baseline. */
  readonly ratio: number | null;
  /** The goal in words ("ratio <= 1.5", "p99 < 5 ms"). */
  readonly goal: string;
  /** Whether this run met the goal; null when the run cannot judge (e.g. not at full size). */
  readonly pass: boolean | null;
}

/** Prints one result line for scripts/bench.mjs; the human lines stay as they are. */
export function report(result: BenchResult): void {
  const ratio = result.ratio === null || Number.isFinite(result.ratio) ? result.ratio : null;
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ ...result, ratio })}\n`);
}
