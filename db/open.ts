// Opening the case store: the encrypted SQLite file, its pragmas, and its migrations.
// See docs/architecture.md (Storage) for why each pragma is set.

import Database from 'better-sqlite3-multiple-ciphers';
import { chmodSync, existsSync } from 'node:fs';
import { restoreDeferredIndexes } from './deferred-indexes';
import { StoreError } from './errors';
import { assertKnownVersion, migrate, type Migration, MIGRATIONS } from './migrations';

export { StoreError } from './errors';

export type Db = Database.Database;

export const KEY_BYTES = 32;

export interface OpenOptions {
  /** The store file. Always a real file: SQLite3MultipleCiphers cannot key in-memory databases. */
  path: string;
  /** The random 256-bit key. */
  key: Buffer;
  readonly?: boolean;
  migrations?: readonly Migration[];
}

/**
 * Opens (creating if needed) the store, applies the key, checks the key is right, sets the
 * durability pragmas and runs pending migrations. Throws StoreError with a code the doctor
 * and the app can explain.
 */
export function openStore(options: OpenOptions): Db {
  if (options.key.length !== KEY_BYTES) {
    throw new StoreError('STORE_BAD_KEY', `The store key must be ${KEY_BYTES} bytes.`);
  }
  const creating = !options.readonly && !existsSync(options.path);
  const db = new Database(options.path, { readonly: options.readonly ?? false });
  try {
    // Owner-only from the first byte; SQLite gives the -wal and -shm files the same mode.
    if (creating && process.platform !== 'win32') chmodSync(options.path, 0o600);
    // SQLite3MultipleCiphers' default cipher (ChaCha20-Poly1305): authenticated encryption of
    // every page, so a copied file is unreadable and a tampered page fails to decrypt.
    db.pragma(`hexkey='${options.key.toString('hex')}'`);
    try {
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
    } catch {
      throw new StoreError(
        'STORE_WRONG_KEY',
        'The case store cannot be decrypted with this terminal key (wrong key or not a Madoguchi store).',
      );
    }
    configureStore(db, options);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Everything openStore does after the key: version check, pragmas, migrations. */
export function configureStore(
  db: Db,
  options: { readonly?: boolean; migrations?: readonly Migration[] },
): void {
  const migrations = options.migrations ?? MIGRATIONS;
  // Before anything writes: a store from a newer version is left exactly as it was.
  // (Read-only opens may inspect it: the doctor reports its version.)
  if (!options.readonly) assertKnownVersion(db, migrations);
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    // FULL: a committed handover survives a power cut (WAL + NORMAL may lose the last commit).
    db.pragma('synchronous = FULL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Deleted content is overwritten with zeros, not left in free space: a purged person
  // (main/cases/retention.ts) must not stay readable to whoever holds the key.
  db.pragma('secure_delete = ON');
  if (!options.readonly) {
    migrate(db, migrations);
    // A bulk load killed before it rebuilt its indexes (db/deferred-indexes.ts).
    restoreDeferredIndexes(db);
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
