// The process boundaries are enforced by the linter; these tests prove each rule fires on a
// file placed where it would be in the tree (ESLint lints the text as if it lived there).

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImportErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('process boundaries', () => {
  it.each([
    ['db/example.ts', "import 'electron';"],
    ['db/example.ts', "import { app } from 'electron';"],
    ['domain/example.ts', "import { app } from 'electron';"],
    ['main/auth/example.ts', "import { ipcMain } from 'electron';"],
    ['main/core/example.ts', "export { BrowserWindow } from 'electron';"],
  ])("%s may not import 'electron' (%s)", async (file, code) => {
    expect(await restrictedImportErrors(file, code)).toEqual([
      expect.stringContaining("may import 'electron'"),
    ]);
  });

  it.each([
    ['renderer/home/Home.tsx', "import { openStore } from '../../db/open';"],
    ['renderer/home/Home.tsx', "import { AuthService } from '../../main/auth/auth-service';"],
    ['renderer/home/Home.tsx', "import { readFileSync } from 'node:fs';"],
    ['renderer/home/Home.tsx', "import { ipcRenderer } from 'electron';"],
    ['domain/example.ts', "import { readFileSync } from 'node:fs';"],
    ['domain/example.ts', "import type { Role } from '../preload/contract';"],
    ['preload/contract.ts', "import { openStore } from '../db/open';"],
    ['db/example.ts', "import { App } from '../renderer/app/App';"],
    ['main/auth/example.ts', "import Database from 'better-sqlite3-multiple-ciphers';"],
    ['main/card/reader-manager.ts', "import { Context } from 'smartcard';"],
    ['db/example.ts', "import { Context } from 'smartcard';"],
    ['central/ingest.ts', "import Database from 'better-sqlite3-multiple-ciphers';"],
    ['sync/protocol.ts', "import Database from 'better-sqlite3-multiple-ciphers';"],
  ])('%s may not import across the boundary: %s', async (file, code) => {
    expect(await restrictedImportErrors(file, code)).toHaveLength(1);
  });

  it.each([
    ['main/app/electron/main.ts', "import { app } from 'electron';"],
    ['preload/index.ts', "import { contextBridge } from 'electron';"],
    ['renderer/home/Home.tsx', "import type { ReaderSnapshot } from '../../preload/contract';"],
    ['main/auth/example.ts', "import { openStore } from '../../db/open';"],
    ['db/open.ts', "import Database from 'better-sqlite3-multiple-ciphers';"],
    ['main/card/smartcard-port.ts', "import type { Context } from 'smartcard';"],
    ['central/store/sqlite-store.ts', "import Database from 'better-sqlite3-multiple-ciphers';"],
  ])('%s may import what its process owns: %s', async (file, code) => {
    expect(await restrictedImportErrors(file, code)).toEqual([]);
  });
});
