// Runs a benchmark from bench/: `npm run bench -- NAME`. Bundles bench/NAME.ts with esbuild
// (native modules external) and runs it with Node; card benchmarks run inside the private
// PC/SC namespace of test/harness/pcsc-namespace.sh. Each benchmark prints its figures and a
// ratio against a baseline measured in the same run.

import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';

const name = process.argv[2];
if (!name || !existsSync(`bench/${name}.ts`)) {
  process.stderr.write('usage: npm run bench -- NAME   (a file bench/NAME.ts)\n');
  process.exit(2);
}
mkdirSync('dist/bench', { recursive: true });
const outfile = `dist/bench/${name}.mjs`;
await build({
  entryPoints: [`bench/${name}.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3-multiple-ciphers', 'smartcard'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
const command = /^(pcsc|card)-/.test(name)
  ? ['bash', 'test/harness/pcsc-namespace.sh', 'node', outfile]
  : ['node', outfile];
const run = spawnSync(command[0], command.slice(1), { stdio: 'inherit' });
process.exit(run.status ?? 1);
