// Lint: typescript-eslint's recommended rules plus the process boundaries of
// docs/architecture.md. The boundaries are errors, so CI fails when, for example, a file
// under db/ imports 'electron' or the renderer reaches into main/ (test/lint-boundaries.test.ts
// proves each rule fires).

import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ELECTRON = {
  name: 'electron',
  message: "Only main/app/electron and preload/index.ts may import 'electron'.",
};
const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'net',
  'http',
  'https',
  'url',
  'util',
  'module',
  'process',
  'worker_threads',
];
const NATIVE = ['better-sqlite3-multiple-ciphers', 'smartcard'];

const NATIVE_OWNERS = {
  'better-sqlite3-multiple-ciphers': 'Only db/ opens SQLite: use db/open.ts.',
  smartcard: 'Only main/card/smartcard-port.ts touches the PC/SC binding: use the ReaderPort.',
};

/** no-restricted-imports for main-side files; later blocks override earlier ones per file. */
function mainSideBlocks(blocks) {
  return blocks.map(({ files, allow }) => ({
    files,
    ignores: ['main/app/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ELECTRON,
            ...Object.entries(NATIVE_OWNERS)
              .filter(([name]) => !allow.includes(name))
              .map(([name, message]) => ({ name, message })),
          ],
          patterns: [
            { group: ['**/renderer/**'], message: 'main and db never import the renderer.' },
          ],
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Scripts and the bin shim talk to a terminal; they are not product code.
    files: ['scripts/**', 'bin/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  // Each native binding has one owner, so the rest of the code never sees it: the store's
  // SQLite only in db/, the PC/SC binding only behind main/card's reader port.
  ...mainSideBlocks([
    { files: ['db/**', 'main/**', 'sync/**', 'central/**', 'test/**', 'bench/**'], allow: [] },
    { files: ['db/**'], allow: ['better-sqlite3-multiple-ciphers'] },
    // The reference central service has its own store, behind central/store's interface.
    { files: ['central/store/**'], allow: ['better-sqlite3-multiple-ciphers'] },
    { files: ['main/card/smartcard-port.ts'], allow: ['smartcard'] },
    // The PC/SC transport benchmark measures the binding itself.
    { files: ['bench/pcsc-*.ts'], allow: ['smartcard'] },
  ]),
  {
    files: ['domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON],
          patterns: [
            { group: NODE_BUILTINS, message: 'domain/ is pure: no Node.' },
            {
              group: [
                '**/main/**',
                '**/db/**',
                '**/preload/**',
                '**/renderer/**',
                'react',
                'react-dom',
                ...NATIVE,
              ],
              message: 'domain/ imports nothing of ours.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/contract.ts', 'preload/client.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON],
          patterns: [
            {
              group: [...NODE_BUILTINS, '**/main/**', '**/db/**', ...NATIVE],
              message: 'The contract is shared by every process: types and zod only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON],
          patterns: [
            {
              group: ['**/main/**', '**/db/**', '**/central/**'],
              message:
                'The renderer talks to main only through the contract (preload/contract.ts).',
            },
            {
              group: ['**/preload/index', '**/preload/index.ts'],
              message: 'The preload runs in its own context; use window.madoguchi.',
            },
            {
              group: [...NODE_BUILTINS, ...NATIVE],
              message: 'The renderer has no Node: ask main through the contract.',
            },
          ],
        },
      ],
    },
  },
);
