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

const noElectron = { paths: [ELECTRON] };

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
  {
    files: ['db/**', 'main/**', 'central/**'],
    ignores: ['main/app/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noElectron,
          patterns: [
            { group: ['**/renderer/**'], message: 'main and db never import the renderer.' },
          ],
        },
      ],
    },
  },
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
