// Builds every process: main (Electron entry), the sandboxed preload and the CLI with
// esbuild; the renderer with Vite. `--node-only` skips the renderer (used by `prepare`, so
// `npx madoguchi` works right after `npm ci`).
//
// Why esbuild + Vite rather than electron-vite: electron-vite's releases lag Vite's majors
// (Vite 8 here), and the main/preload/CLI bundles need nothing but esbuild's bundling with
// the native modules kept external. One small script, no plugin layer to keep in step.

import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const nodeOnly = process.argv.includes('--node-only');
const NATIVE = ['better-sqlite3-multiple-ciphers', 'smartcard', 'electron'];
const common = { bundle: true, sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };

rmSync('dist/main', { recursive: true, force: true });
rmSync('dist/preload', { recursive: true, force: true });
rmSync('dist/cli', { recursive: true, force: true });
rmSync('dist/central', { recursive: true, force: true });

await Promise.all([
  build({
    ...common,
    entryPoints: { madoguchi: 'main/cli/main.ts' },
    outdir: 'dist/cli',
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: NATIVE,
    // Bundled CommonJS dependencies may call require(); give ESM output one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  }),
  // The reference central service (central/), bundled like the CLI.
  build({
    ...common,
    entryPoints: { 'madoguchi-central': 'central/main.ts' },
    outdir: 'dist/central',
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: NATIVE,
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  }),
  build({
    ...common,
    entryPoints: { app: 'main/app/electron/main.ts' },
    outdir: 'dist/main',
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: NATIVE,
  }),
  build({
    ...common,
    // A sandboxed preload cannot require anything but 'electron': bundle everything else.
    entryPoints: { index: 'preload/index.ts' },
    outdir: 'dist/preload',
    outExtension: { '.js': '.cjs' },
    platform: 'browser',
    format: 'cjs',
    target: 'chrome140',
    external: ['electron'],
  }),
]);

if (!nodeOnly) {
  const vite = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}
