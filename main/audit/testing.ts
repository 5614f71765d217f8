// Test support for the audit log and the case store: a real encrypted store whose file and
// key the test knows, so it can read the raw file or open a second connection as an
// attacker holding the key would.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { openStore, type Db } from '../../db/open';
import { tempDir } from '../../test/support/temp-dir';

export interface KnownStore {
  db: Db;
  path: string;
  /** A second connection with the key: what someone holding the store key can do. */
  openWithKey(): Db;
  /** A read-only connection, as `madoguchi db check` opens the store. */
  openReadOnly(): Db;
}

export function knownStore(): KnownStore {
  const path = join(tempDir(), 'store.db');
  const key = randomBytes(32);
  const opened: Db[] = [];
  const open = (readonly = false): Db => {
    const db = openStore({ path, key, readonly });
    opened.push(db);
    return db;
  };
  onTestFinished(() => {
    for (const db of opened) if (db.open) db.close();
  });
  return { db: open(), path, openWithKey: () => open(), openReadOnly: () => open(true) };
}
