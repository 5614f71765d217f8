import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/support/temp-dir';
import { backupStore, restoreStore, storeInUse, verifyBackupFile } from './backup';
import { latestVersion } from './migrations';
import { openStore, schemaVersion, type Db } from './open';

const MARKER = 'YAMADA-TARO-BACKUP-MARKER';

function storeWithMarker(dir = tempDir()): { db: Db; key: Buffer; path: string; dir: string } {
  const path = join(dir, 'store.db');
  const key = randomBytes(32);
  const db = openStore({ path, key });
  db.prepare('INSERT INTO terminal_setting (key, value) VALUES (?, ?)').run('marker', MARKER);
  return { db, key, path, dir };
}

function marker(db: Db): unknown {
  return db.prepare("SELECT value FROM terminal_setting WHERE key = 'marker'").pluck().get();
}

describe('backups made with VACUUM INTO', () => {
  it('are encrypted with the store key and cipher: no plain text, and no other key opens them', () => {
    const { db, key, dir } = storeWithMarker();
    const out = join(dir, 'backup.db');
    // The marker is still in the WAL only: the backup must see committed WAL frames too.
    expect(existsSync(`${db.name}-wal`)).toBe(true);
    backupStore(db, key, out);
    db.close();

    const raw = readFileSync(out);
    expect(raw.includes(MARKER)).toBe(false);
    expect(raw.subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    expect(() => openStore({ path: out, key: randomBytes(32), readonly: true })).toThrowError(
      expect.objectContaining({ code: 'STORE_WRONG_KEY' }),
    );
    const copy = openStore({ path: out, key, readonly: true });
    expect(marker(copy)).toBe(MARKER);
    // Rollback-journal mode: a backup is one self-contained file, no -wal/-shm beside it.
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    copy.close();
    expect(readdirSync(dir).sort()).toEqual(['backup.db', 'store.db']);
  });

  it('are needed because the online backup API refuses an encrypted store', async () => {
    const { db, dir } = storeWithMarker();
    await expect(db.backup(join(dir, 'api-backup.db'))).rejects.toThrow(
      /not supported with incompatible source and target/,
    );
    db.close();
  });

  it('never overwrite a file and leave nothing half-written when refused', () => {
    const { db, key, dir } = storeWithMarker();
    const out = join(dir, 'backup.db');
    writeFileSync(out, 'yesterday');
    expect(() => backupStore(db, key, out)).toThrowError(
      expect.objectContaining({ code: 'BACKUP_TARGET_EXISTS' }),
    );
    expect(() => backupStore(db, key, db.name, { force: true })).toThrowError(
      expect.objectContaining({ code: 'BACKUP_TARGET_IS_STORE' }),
    );
    expect(() => backupStore(db, key, join(dir, 'missing', 'backup.db'))).toThrowError(
      expect.objectContaining({ code: 'BACKUP_NOT_FOUND' }),
    );
    expect(readFileSync(out, 'utf8')).toBe('yesterday');
    backupStore(db, key, out, { force: true });
    db.close();
    expect(readdirSync(dir).sort()).toEqual(['backup.db', 'store.db']);
    expect(verifyBackupFile(out, key).tables['terminal_setting']).toBe(1);
  });

  it('are verified against the source before they are put in place', () => {
    const { db, key, dir } = storeWithMarker();
    const out = join(dir, 'backup.db');
    const facts = backupStore(db, key, out);
    expect(facts).toMatchObject({ path: out, schemaVersion: latestVersion() });
    expect(facts.tables).toMatchObject({ terminal_setting: 1, staff: 0 });
    db.close();
  });
});

describe('verifying a backup', () => {
  it('refuses an empty file, which SQLite would happily open as an empty database', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.db'), '');
    expect(() => verifyBackupFile(join(dir, 'empty.db'), randomBytes(32))).toThrowError(
      expect.objectContaining({ code: 'BACKUP_DAMAGED' }),
    );
  });
});

describe('restoring', () => {
  it('puts the backup in place and keeps the old store with its name stamped', () => {
    const { db, key, path, dir } = storeWithMarker();
    const out = join(tempDir(), 'backup.db');
    backupStore(db, key, out);
    db.prepare("UPDATE terminal_setting SET value = 'after the backup' WHERE key = 'marker'").run();
    db.close();

    const result = restoreStore({
      storePath: path,
      from: out,
      key,
      now: new Date('2026-05-01T09:30:15.123Z'),
    });
    expect(result.previous).toBe(`${path}.before-restore-20260501T093015Z`);
    const restored = openStore({ path, key });
    expect(marker(restored)).toBe(MARKER);
    expect(schemaVersion(restored)).toBe(latestVersion());
    restored.close();
    const previous = openStore({ path: result.previous ?? '', key, readonly: true });
    expect(marker(previous)).toBe('after the backup');
    previous.close();
    expect(readdirSync(dir).filter((f) => f.includes('.restore-'))).toEqual([]);
  });

  it('keeps the last transactions of a store left by a crash (still in its WAL)', () => {
    const { db, key } = storeWithMarker();
    const out = join(tempDir(), 'backup.db');
    backupStore(db, key, out);
    db.prepare("UPDATE terminal_setting SET value = 'only in the WAL' WHERE key = 'marker'").run();
    // What a power cut leaves: the main file and a WAL holding the last commits.
    const crashed = join(tempDir(), 'store.db');
    copyFileSync(db.name, crashed);
    copyFileSync(`${db.name}-wal`, `${crashed}-wal`);
    db.close();

    const { previous } = restoreStore({ storePath: crashed, from: out, key });
    expect(existsSync(`${crashed}-wal`)).toBe(false);
    const restored = openStore({ path: crashed, key, readonly: true });
    expect(marker(restored)).toBe(MARKER);
    restored.close();
    const kept = openStore({ path: previous ?? '', key, readonly: true });
    expect(marker(kept)).toBe('only in the WAL');
    kept.close();
  });

  it('refuses while the store is open elsewhere, and changes nothing', () => {
    const { db, key, path } = storeWithMarker();
    const out = join(tempDir(), 'backup.db');
    backupStore(db, key, out);
    expect(storeInUse(path, key)).toBe(true);
    expect(() => restoreStore({ storePath: path, from: out, key })).toThrowError(
      expect.objectContaining({ code: 'STORE_IN_USE' }),
    );
    db.close();
    expect(storeInUse(path, key)).toBe(false);
  });
});
