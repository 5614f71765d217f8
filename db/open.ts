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
  const db = openKeyed(options.path, options.key, { readonly: options.readonly ?? false });
  if (!db) {
    throw new StoreError(
      'STORE_WRONG_KEY',
      'The case store cannot be decrypted with this terminal key (wrong key or not a Madoguchi store).',
    );
  }
  try {
    // Owner-only from the first byte; SQLite gives the -wal and -shm files the same mode.
    if (creating && process.platform !== 'win32') chmodSync(options.path, 0o600);
    configureStore(db, options);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * The page ciphers of SQLite3MultipleCiphers a store may use, the first for new stores.
 * AEGIS-256 (authenticated, AES-round based: hardware AES where the CPU has it) costs a
 * fraction of what ChaCha20-Poly1305, the library's default, costs per page: on this
 * project's machines a write-heavy load spent ~8% more CPU than unencrypted with AEGIS
 * against ~130% more with ChaCha20 (bench/store-write measures the handover transaction).
 * Stores made before this change are ChaCha20-Poly1305 and keep opening; both
 * authenticate every page, so a tampered page fails to decrypt either way.
 */
export const STORE_CIPHERS = ['aegis', 'chacha20'] as const;

/**
 * A connection to `path` with `key` applied and checked (page 1 decrypts), trying each of
 * STORE_CIPHERS in turn on a fresh connection; null when none decrypts it. `errors` receives
 * each failed attempt's SQLite error, for callers that tell a wrong key from a damaged file.
 */
export function openKeyed(
  path: string,
  key: Buffer,
  options: Database.Options = {},
  errors: unknown[] = [],
): Db | null {
  for (const cipher of STORE_CIPHERS) {
    const db = new Database(path, options);
    try {
      db.pragma(`cipher='${cipher}'`);
      db.pragma(`hexkey='${key.toString('hex')}'`);
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
      return db;
    } catch (error) {
      errors.push(error);
      db.close();
    }
  }
  return null;
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
  // SQLite3MultipleCiphers encrypts the database and its WAL, not temporary files, and this
  // build puts them on disk by default (SQLITE_TEMP_STORE=1): a large sort (an index build
  // after a bulk seed, a big ORDER BY) would write names in clear to the temp directory.
  // In memory instead (an index build at 1,000,000 people sorts tens of MB).
  db.pragma('temp_store = MEMORY');
  if (!options.readonly) {
    migrate(db, migrations);
    // A bulk load killed before it rebuilt its indexes (db/deferred-indexes.ts).
    restoreDeferredIndexes(db);
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
