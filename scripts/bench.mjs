// Runs the benchmarks in bench/: `npm run bench` runs every one, `npm run bench -- NAME [NAME...]`
// only those (a file bench/NAME.ts each). Each is bundled with esbuild (native modules external)
// and run with Node; a benchmark that starts pcscd (card and PC/SC benchmarks) runs inside the
// private PC/SC namespace of test/harness/pcsc-namespace.sh. Each benchmark prints its figures
// and a ratio against a baseline measured in the same run, and emits one machine-readable line
// per judged figure through bench/report.ts; this runner passes the human lines through, then
// prints ONE table of every result (benchmark, figure, baseline, ratio, goal, pass/fail) and
// writes it to bench/results/latest.md. A benchmark that emits no result line gets the row
// "no result"; one that exits non-zero gets "failed". Exit status: 1 if any row failed.
// Shared modules in bench/ (they `export`, like report.ts) are not benchmarks and are skipped.

import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

const RESULT_PREFIX = 'BENCH-RESULT ';

/** A bench/*.ts file is a benchmark unless it is a shared module (it exports something). */
const isBenchmark = (file) => !/^export\s/m.test(readFileSync(`bench/${file}`, 'utf8'));
const all = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && isBenchmark(f))
  .map((f) => f.slice(0, -3))
  .sort();

// Names first; anything from the first --flag on goes to each benchmark run
// (`npm run bench -- first-screen --cases 100000`).
const firstFlag = process.argv.findIndex((arg, i) => i >= 2 && arg.startsWith('--'));
const names = process.argv.slice(2, firstFlag < 0 ? undefined : firstFlag);
const passed = firstFlag < 0 ? [] : process.argv.slice(firstFlag);
const unknown = names.filter((n) => !existsSync(`bench/${n}.ts`));
if (unknown.length > 0) {
  process.stderr.write(
    `no benchmark ${unknown.join(', ')}\nusage: npm run bench [-- NAME...]   (files bench/NAME.ts: ${all.join(', ')})\n`,
  );
  process.exit(2);
}

async function bundle(name) {
  mkdirSync('dist/bench', { recursive: true });
  const outfile = `dist/bench/${name}.mjs`;
  await build({
    entryPoints: [`bench/${name}.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // playwright-core and esbuild (the E2E bridge, bench/first-screen.ts) load files of their own.
    external: ['better-sqlite3-multiple-ciphers', 'smartcard', 'playwright-core', 'esbuild'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return outfile;
}

/** Runs one benchmark, echoing its output, and resolves with its result lines and exit code. */
async function run(name) {
  const outfile = await bundle(name);
  const needsPcsc =
    /^(pcsc|card)-/.test(name) ||
    /startPcscd|pcsc-namespace/.test(readFileSync(`bench/${name}.ts`, 'utf8'));
  const command = needsPcsc
    ? ['bash', 'test/harness/pcsc-namespace.sh', 'node', outfile, ...passed]
    : ['node', outfile, ...passed];
  const child = spawn(command[0], command.slice(1), { stdio: ['inherit', 'pipe', 'inherit'] });
  const results = [];
  let pending = '';
  const take = (text) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith(RESULT_PREFIX)) {
        process.stdout.write(`${line}\n`);
        continue;
      }
      try {
        results.push(JSON.parse(line.slice(RESULT_PREFIX.length)));
      } catch {
        process.stdout.write(`${line}   <- unreadable result line\n`);
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', take);
  const code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  take('\n');
  return { results, code };
}

const cell = (v) => String(v ?? '').replaceAll('|', '\\|');
const ratioText = (r) => (typeof r === 'number' ? `${r.toFixed(2)}x` : '');
const verdict = (p) => (p === true ? 'pass' : p === false ? 'FAIL' : 'n/a');

const rows = [];
for (const name of names.length > 0 ? names : all) {
  process.stdout.write(`\n=== bench ${name}\n`);
  const started = Date.now();
  let outcome;
  try {
    outcome = await run(name);
  } catch (error) {
    outcome = { results: [], code: 1, error: String(error) };
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  for (const r of outcome.results) {
    rows.push([r.name, r.figure, r.baseline, ratioText(r.ratio), r.goal, verdict(r.pass)]);
  }
  if (outcome.code !== 0) {
    rows.push([
      name,
      `failed (exit ${outcome.code}${outcome.error ? `: ${outcome.error}` : ''})`,
      '',
      '',
      '',
      'FAIL',
    ]);
  } else if (outcome.results.length === 0) {
    rows.push([name, 'no result', '', '', '', 'n/a']);
  }
  process.stdout.write(`=== bench ${name}: ${seconds} s\n`);
}

const header = ['benchmark', 'figure', 'baseline', 'ratio', 'goal', 'pass/fail'];
const table = [header, header.map(() => '---'), ...rows]
  .map((row) => `| ${row.map(cell).join(' | ')} |`)
  .join('\n');
const context = `${new Date().toISOString()}, node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
  .map((l) => l.toFixed(1))
  .join(' ')}`;
process.stdout.write(`\n${table}\n\n${context}\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/latest.md',
  `# Benchmark results\n\nWritten by \`npm run bench${names.length > 0 ? ` -- ${names.join(' ')}` : ''}\` (scripts/bench.mjs); ${context}.\n\n${table}\n`,
);
process.exit(rows.some((row) => row[5] === 'FAIL') ? 1 : 0);
