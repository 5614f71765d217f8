// Test support: a store WITHOUT encryption, configured exactly as openStore configures the
// real one. Only for tests that must read what the key holder could read in the raw file
// (free pages, the WAL), which page encryption hides from a plain grep. Never in product code.

import Database from 'better-sqlite3-multiple-ciphers';
import { configureStore, type Db } from './open';

export function openUnencryptedStoreForTest(path: string): Db {
  const db = new Database(path);
  try {
    configureStore(db, {});
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
