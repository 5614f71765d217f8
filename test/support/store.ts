import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openStore, type Db } from '../../db/open';
import { tempDir } from './temp-dir';
import { onTestFinished } from 'vitest';

/** A real encrypted store in a temporary directory, closed when the test finishes. */
export function tempStore(): Db {
  const db = openStore({ path: join(tempDir(), 'store.db'), key: randomBytes(32) });
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return db;
}
