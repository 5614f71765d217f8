import { defineConfig } from 'vitest/config';

// Three projects, one runner:
// - unit: pure Node tests next to the code (domain, db on the real encrypted SQLite, services);
// - pcsc: tests against the real pcscd + vpcd, run by scripts/test.mjs inside a private
//   namespace started by test/harness/pcsc-namespace.sh;
// - e2e: Playwright driving Debian's Chromium against the built renderer and the real
//   services, also inside that namespace (so the reader indicator sees real card events).
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Property tests and scrypt hashes on a loaded 2-core CI machine: generous, not tight.
          testTimeout: 20_000,
          include: [
            '{domain,db,main,preload,renderer,sync,central,test/harness,test/sync,test/reliability,scripts}/**/*.test.ts',
            'test/*.test.ts',
          ],
          exclude: ['**/*.pcsc.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'pcsc',
          include: ['**/*.pcsc.test.ts'],
          exclude: ['**/node_modules/**'],
          fileParallelism: false,
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
