// The store key outside Electron (CLI, tests, automation): MADOGUCHI_DB_KEY (64 hex digits)
// or a key file readable only by its owner. Electron wraps the key with safeStorage instead
// (main/app/electron/keystore.ts).

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { KEY_BYTES } from '../../db/open';
import { KEY_FILE } from './data-dir';

export interface KeyProvider {
  /** A human-readable description of where the key comes from, for `madoguchi doctor`. */
  readonly source: string;
  getOrCreateKey(): Promise<Buffer>;
  /** The key if it exists already; never creates one (the doctor must not change anything). */
  existingKey(): Promise<Buffer | null>;
}

export class KeyError extends Error {
  override readonly name = 'KeyError';
}

function parseHexKey(hex: string, where: string): Buffer {
  const trimmed = hex.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    throw new KeyError(`${where} must hold exactly ${KEY_BYTES * 2} hexadecimal digits.`);
  }
  return Buffer.from(trimmed, 'hex');
}

export function keyFileProvider(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): KeyProvider {
  const fromEnv = env['MADOGUCHI_DB_KEY'];
  if (fromEnv) {
    const key = parseHexKey(fromEnv, 'MADOGUCHI_DB_KEY');
    return {
      source: 'environment variable MADOGUCHI_DB_KEY',
      getOrCreateKey: async () => key,
      existingKey: async () => key,
    };
  }
  const path = join(dataDir, KEY_FILE);
  const read = (): Buffer => {
    const mode = statSync(path).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new KeyError(
        `The key file ${path} is readable by other users (mode ${mode.toString(8)}). Run: chmod 600 ${path}`,
      );
    }
    return parseHexKey(readFileSync(path, 'utf8'), `The key file ${path}`);
  };
  return {
    source: `key file ${path}`,
    existingKey: async () => (existsSync(path) ? read() : null),
    getOrCreateKey: async () => {
      if (existsSync(path)) return read();
      const key = randomBytes(KEY_BYTES);
      // 'wx': never overwrite a key another process just wrote; losing a key loses the store.
      // Synced to the disk with its directory entry before the store is keyed with it: a disk
      // error or power cut must not leave a store whose key never reached the disk
      // (test/reliability/storage-faults.pcsc.test.ts lost it without this).
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeFileSync(fd, `${key.toString('hex')}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      syncDirectory(dataDir);
      return key;
    },
  };
}

/** fsync of a directory, so a file just created in it survives a crash (not on Windows). */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
