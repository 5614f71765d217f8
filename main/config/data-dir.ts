import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where this terminal keeps its store, key and logs when no --data-dir is given.
 * Electron passes app.getPath('userData') instead; the CLI and tests use this.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['MADOGUCHI_DATA_DIR']) return resolve(env['MADOGUCHI_DATA_DIR']);
  if (process.platform === 'win32' && env['APPDATA']) return join(env['APPDATA'], 'Madoguchi');
  const base = env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share');
  return join(base, 'madoguchi');
}

/** Creates the data directory private to this OS user (0700). */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory.`);
}

export const STORE_FILE = 'store.db';
export const KEY_FILE = 'store.key';
