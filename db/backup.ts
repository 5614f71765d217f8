// Backing up and restoring the encrypted case store (docs/architecture.md, Storage).
//
// Backups use VACUUM INTO, because SQLite's online backup API refuses an encrypted source
// ("backup is not supported with incompatible source and target databases"). With
// SQLite3MultipleCiphers, VACUUM INTO a plain file name writes the copy with the source's
// cipher (db/open.ts STORE_CIPHERS) and key: db/backup.test.ts proves that the raw bytes of a backup
// hold no plain text, that it opens with the key only, and that it comes out in rollback-
// journal mode (no -wal/-shm files to carry around). A URI target with key parameters is not
// needed (and better-sqlite3 does not enable URI file names, so it fails to open).
//
// Every backup is verified before it is put in place, and every restore verifies the backup
// before touching the current store: an administrator learns that a backup is bad when it is
// made, not on the day it is needed.

import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3-multiple-ciphers';
import { latestVersion } from './migrations';
import { openKeyed, openStore, schemaVersion, StoreError, type Db } from './open';
import { integrityProblems, openFailure, tableRowCounts } from './stats';

export type BackupErrorCode =
  | 'BACKUP_TARGET_EXISTS'
  | 'BACKUP_TARGET_IS_STORE'
  | 'BACKUP_NOT_FOUND'
  | 'BACKUP_UNREADABLE'
  | 'BACKUP_DAMAGED'
  | 'BACKUP_FROM_NEWER_VERSION'
  | 'BACKUP_MISMATCH'
  | 'STORE_IN_USE';

/** A backup or restore refused or failed, with a message an administrator can act on. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
  readonly code: BackupErrorCode;
  /** SQLite's own findings (integrity_check lines), never stored values. */
  readonly problems: readonly string[];
  constructor(code: BackupErrorCode, message: string, problems: readonly string[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
  }
}

/** What a verified backup holds: no stored values, only its shape. */
export interface BackupFacts {
  path: string;
  bytes: number;
  schemaVersion: number;
  tables: Record<string, number>;
}

export interface BackupOptions {
  /** Replace an existing file at `out` (otherwise refused). */
  force?: boolean;
}

/**
 * Writes a verified, encrypted copy of the open store `db` to `out`. The copy is written to
 * a temporary file next to `out`, reopened with `key` and checked (integrity_check, schema
 * version and row counts equal to the source), flushed to disk and only then renamed into
 * place; on any failure the temporary file is removed, so `out` is either absent, the old
 * file (never overwritten without `force`) or a complete verified backup.
 *
 * The row counts are compared with the source right after the copy: if the app writes in
 * between, the backup is refused as a mismatch and can simply be made again.
 */
export function backupStore(
  db: Db,
  key: Buffer,
  out: string,
  options: BackupOptions = {},
): BackupFacts {
  const target = resolve(out);
  if (sameFile(target, db.name)) {
    throw new BackupError(
      'BACKUP_TARGET_IS_STORE',
      `${target} is the case store itself; choose another file for the backup.`,
    );
  }
  if (!options.force && existsSync(target)) {
    throw new BackupError(
      'BACKUP_TARGET_EXISTS',
      `${target} already exists; choose another file or pass --force to replace it.`,
    );
  }
  const folder = dirname(target);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new BackupError('BACKUP_NOT_FOUND', `The folder ${folder} does not exist.`);
  }
  const temp = join(folder, `.${basename(target)}.partial-${randomBytes(6).toString('hex')}`);
  try {
    // Created empty and private (0600) first, as VACUUM INTO accepts an empty target: the
    // copy is never readable by other users, not even for a moment.
    closeSync(openSync(temp, 'wx', 0o600));
    db.prepare('VACUUM INTO ?').run(temp);
    const expected = { schemaVersion: schemaVersion(db), tables: tableRowCounts(db) };
    const facts = verifyBackupFile(temp, key);
    if (
      facts.schemaVersion !== expected.schemaVersion ||
      JSON.stringify(facts.tables) !== JSON.stringify(expected.tables)
    ) {
      throw new BackupError(
        'BACKUP_MISMATCH',
        'The copy does not match the store (schema version or row counts differ); was the app writing? Run the backup again.',
      );
    }
    fsyncFile(temp);
    if (options.force) renameSync(temp, target);
    else placeWithoutOverwriting(temp, target);
    fsyncFolder(folder);
    return { ...facts, path: target };
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Opens a backup with `key` (read-only) and checks it is a whole Madoguchi store: it
 * decrypts, passes the full integrity_check and has a schema. Throws BackupError otherwise.
 * (Whether this version can use its schema is for restoreStore to decide: a backup of a
 * store from a newer version is still a good backup.) Read-only opening of a rollback-journal file (what
 * VACUUM INTO writes) creates no file next to it.
 */
export function verifyBackupFile(path: string, key: Buffer): BackupFacts {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new BackupError('BACKUP_NOT_FOUND', `${path} does not exist or is not a file.`);
  }
  let db: Db;
  try {
    db = openStore({ path, key, readonly: true });
  } catch (error) {
    if (!(error instanceof StoreError && error.code === 'STORE_WRONG_KEY')) {
      throw new BackupError('BACKUP_UNREADABLE', `${path} cannot be opened: ${messageOf(error)}`);
    }
    if (openFailure(path, key) === 'damaged') {
      throw new BackupError(
        'BACKUP_DAMAGED',
        `${path} is damaged: it decrypts with this terminal's key but does not hang together (truncated or altered?).`,
      );
    }
    throw new BackupError(
      'BACKUP_UNREADABLE',
      `${path} cannot be decrypted with this terminal's key: it was made with another key, it is not a Madoguchi backup, or its first page is damaged.`,
    );
  }
  try {
    const problems = integrityProblems(db);
    if (problems.length > 0) {
      throw new BackupError(
        'BACKUP_DAMAGED',
        `${path} is damaged (integrity check failed; truncated or altered?).`,
        problems,
      );
    }
    const version = schemaVersion(db);
    if (version === 0) {
      throw new BackupError(
        'BACKUP_DAMAGED',
        `${path} holds no Madoguchi store (empty, or never set up).`,
      );
    }
    let tables: Record<string, number>;
    try {
      tables = tableRowCounts(db);
    } catch (error) {
      throw new BackupError('BACKUP_DAMAGED', `${path} is damaged: ${messageOf(error)}`);
    }
    return { path, bytes: statSync(path).size, schemaVersion: version, tables };
  } finally {
    db.close();
  }
}

export interface RestoreOptions {
  /** The terminal's store file (it may not exist yet, e.g. on a replacement machine). */
  storePath: string;
  /** The backup to restore. */
  from: string;
  key: Buffer;
  /** For the name of the kept store; defaults to now. */
  now?: Date;
}

export interface RestoreResult {
  restored: BackupFacts;
  /** Where the replaced store was kept, or null when there was none. */
  previous: string | null;
}

/**
 * Replaces the store with a verified copy of a backup. Assumes the app is closed on this
 * terminal (the CLI is run by an administrator at a closed counter); a store held open by
 * any process is detected and refused (STORE_IN_USE) rather than swapped under it.
 *
 * Order: copy the backup next to the store and verify that copy (the bytes that will be
 * used, not the source on a possibly flaky USB stick); refuse if the store is in use; keep
 * the current store; rename the copy into place. Any refusal before the last two steps leaves
 * the current store exactly as it was.
 */
export function restoreStore(options: RestoreOptions): RestoreResult {
  const storePath = resolve(options.storePath);
  const from = resolve(options.from);
  if (sameFile(from, storePath)) {
    throw new BackupError('BACKUP_TARGET_IS_STORE', `${from} is the case store itself.`);
  }
  if (!existsSync(from) || !statSync(from).isFile()) {
    throw new BackupError('BACKUP_NOT_FOUND', `${from} does not exist or is not a file.`);
  }
  const version = verifyBackupFile(from, options.key).schemaVersion;
  if (version > latestVersion()) {
    throw new BackupError(
      'BACKUP_FROM_NEWER_VERSION',
      `${from} was written by a newer Madoguchi (schema ${version}, this version knows ${latestVersion()}). Install the newer version first.`,
    );
  }

  const folder = dirname(storePath);
  const temp = `${storePath}.restore-${randomBytes(6).toString('hex')}`;
  try {
    copyFileSync(from, temp);
    chmodSync(temp, 0o600);
    fsyncFile(temp);
    const facts = verifyBackupFile(temp, options.key);
    removeCompanions(temp);

    let previous: string | null = null;
    if (existsSync(storePath)) {
      if (storeInUse(storePath, options.key)) {
        throw new BackupError(
          'STORE_IN_USE',
          'The case store is open in another program (is Madoguchi running?). Close the app on this terminal and run the restore again.',
        );
      }
      // The replaced store is kept, never deleted: an administrator must be able to undo a
      // restore of the wrong backup (restore --from this file) and nothing recorded since the
      // backup may be lost silently — it may hold handovers not yet synced to the centre.
      previous = `${storePath}.before-restore-${stamp(options.now ?? new Date())}`;
      keepPrevious(storePath, previous);
    }
    // The restored file must never meet the old store's WAL: SQLite would replay the old
    // frames onto the new pages. keepPrevious has moved the -wal/-journal aside with the old
    // file and removed the -shm (an index SQLite rebuilds), so the rename below is the swap.
    renameSync(temp, storePath);
    fsyncFolder(folder);
    return { restored: { ...facts, path: from }, previous };
  } finally {
    rmSync(temp, { force: true });
    removeCompanions(temp);
  }
}

/**
 * Whether another connection (the app, a doctor run) holds the store open. An idle WAL
 * reader does not block BEGIN IMMEDIATE, but it does block the exclusive lock that
 * locking_mode=EXCLUSIVE takes on the first read, so that is the probe (busy_timeout 0:
 * answer now, never wait). A store that cannot be read at all counts as not in use: that is
 * typically why it is being restored.
 */
export function storeInUse(path: string, key: Buffer): boolean {
  let db: Database.Database | null;
  try {
    db = openKeyed(path, key, { fileMustExist: true });
  } catch {
    return false;
  }
  if (!db) return false;
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    db.exec('ROLLBACK');
    return false;
  } catch (error) {
    return (error as { code?: unknown }).code === 'SQLITE_BUSY';
  } finally {
    db.close();
  }
}

const COMPANIONS = ['-wal', '-journal'] as const;

function keepPrevious(storePath: string, previous: string): void {
  if (existsSync(previous)) {
    throw new BackupError(
      'BACKUP_TARGET_EXISTS',
      `${previous} already exists; wait a second and run the restore again.`,
    );
  }
  try {
    // A hard link keeps store.db in place until the final rename replaces it, so there is no
    // moment without a store file.
    linkSync(storePath, previous);
  } catch {
    renameSync(storePath, previous);
  }
  chmodSync(previous, 0o600);
  for (const suffix of COMPANIONS) {
    if (existsSync(`${storePath}${suffix}`))
      renameSync(`${storePath}${suffix}`, `${previous}${suffix}`);
  }
  rmSync(`${storePath}-shm`, { force: true });
}

function removeCompanions(path: string): void {
  for (const suffix of [...COMPANIONS, '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/** Links the finished file to its name only if that name is free, then drops the temp name. */
function placeWithoutOverwriting(temp: string, target: string): void {
  try {
    linkSync(temp, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BackupError(
        'BACKUP_TARGET_EXISTS',
        `${target} already exists; choose another file or pass --force to replace it.`,
      );
    }
    // No hard links on this file system (e.g. exFAT on a USB stick): check, then rename.
    if (existsSync(target)) {
      throw new BackupError(
        'BACKUP_TARGET_EXISTS',
        `${target} already exists; choose another file or pass --force to replace it.`,
      );
    }
    renameSync(temp, target);
  }
}

function sameFile(a: string, b: string): boolean {
  const real = (p: string): string => (existsSync(p) ? realpathSync(p) : resolve(p));
  return real(a) === real(b);
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename durable. Windows cannot open a folder for fsync; NTFS journals renames. */
function fsyncFolder(folder: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** 2026-05-01T09:30:15.123Z -> 20260501T093015Z (no colons: valid on every file system). */
function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
