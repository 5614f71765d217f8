import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/support/temp-dir';
import { latestVersion, MIGRATIONS, type Migration } from './migrations';
import { openStore, schemaVersion, STORE_CIPHERS } from './open';

describe('the case store', () => {
  it('is unreadable without its key: the file holds no plain text of what was written', () => {
    const path = join(tempDir(), 'store.db');
    const key = randomBytes(32);
    const db = openStore({ path, key });
    db.prepare(
      "INSERT INTO terminal_setting (key, value) VALUES ('marker', 'YAMADA-TARO-MARKER')",
    ).run();
    db.close();
    const raw = readFileSync(path);
    expect(raw.includes('YAMADA-TARO-MARKER')).toBe(false);
    expect(raw.subarray(0, 15).toString()).not.toBe('SQLite format 3');
  });

  it('makes new stores with AEGIS pages and still opens a store made with ChaCha20-Poly1305', () => {
    const key = randomBytes(32);
    const legacyPath = join(tempDir(), 'legacy.db');
    const legacy = new Database(legacyPath);
    legacy.pragma("cipher='chacha20'");
    legacy.pragma(`hexkey='${key.toString('hex')}'`);
    legacy.exec(
      "CREATE TABLE terminal_setting (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT; INSERT INTO terminal_setting VALUES ('marker', 'kept'); PRAGMA user_version = 10;",
    );
    legacy.close();
    const opened = openStore({ path: legacyPath, key });
    expect(
      opened.prepare("SELECT value FROM terminal_setting WHERE key = 'marker'").pluck().get(),
    ).toBe('kept');
    expect(schemaVersion(opened)).toBe(latestVersion());
    opened.close();

    const path = join(tempDir(), 'store.db');
    openStore({ path, key }).close();
    const readsWith = (cipher: string) => {
      const db = new Database(path, { readonly: true });
      try {
        db.pragma(`cipher='${cipher}'`);
        db.pragma(`hexkey='${key.toString('hex')}'`);
        db.prepare('SELECT count(*) FROM sqlite_schema').get();
        return true;
      } catch {
        return false;
      } finally {
        db.close();
      }
    };
    expect(STORE_CIPHERS[0]).toBe('aegis');
    expect(readsWith('aegis')).toBe(true);
    expect(readsWith('chacha20')).toBe(false);
  });

  it('is created readable by its owner only', () => {
    const path = join(tempDir(), 'store.db');
    openStore({ path, key: randomBytes(32) }).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('refuses a wrong key with a clear error instead of opening an empty store', () => {
    const path = join(tempDir(), 'store.db');
    openStore({ path, key: randomBytes(32) }).close();
    expect(() => openStore({ path, key: randomBytes(32) })).toThrowError(
      expect.objectContaining({ code: 'STORE_WRONG_KEY' }),
    );
  });

  it('refuses a file that is not a store at all', () => {
    const path = join(tempDir(), 'store.db');
    writeFileSync(path, 'not a database, just some text that someone copied here');
    expect(() => openStore({ path, key: randomBytes(32) })).toThrowError(
      expect.objectContaining({ code: 'STORE_WRONG_KEY' }),
    );
  });

  it('opens with WAL, synchronous FULL and foreign keys on, at the latest schema', () => {
    const db = openStore({ path: join(tempDir(), 'store.db'), key: randomBytes(32) });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(latestVersion());
    db.close();
  });

  it('keeps temporary tables and sorts in memory, read-write and read-only: temp files are not encrypted', () => {
    const path = join(tempDir(), 'store.db');
    const key = randomBytes(32);
    const db = openStore({ path, key });
    const reader = openStore({ path, key, readonly: true });
    // 2 = MEMORY; this build's default (1) would spill a big sort to a clear-text temp file.
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
    expect(reader.pragma('temp_store', { simple: true })).toBe(2);
    reader.close();
    db.close();
  });

  it('refuses a store written by a newer version and leaves it untouched', () => {
    const path = join(tempDir(), 'store.db');
    const key = randomBytes(32);
    const db = openStore({ path, key });
    db.pragma(`user_version = ${latestVersion() + 10}`);
    db.close();
    expect(() => openStore({ path, key })).toThrowError(
      expect.objectContaining({ code: 'STORE_FROM_NEWER_VERSION' }),
    );
    const again = openStore({ path, key, readonly: true });
    expect(schemaVersion(again)).toBe(latestVersion() + 10);
    again.close();
  });

  it('rolls back every migration of a run when one of them fails', () => {
    const path = join(tempDir(), 'store.db');
    const key = randomBytes(32);
    const broken: Migration = {
      version: latestVersion() + 10,
      name: 'broken',
      up(db) {
        db.exec('CREATE TABLE half_done (x TEXT) STRICT');
        throw new Error('disk full halfway');
      },
    };
    expect(() => openStore({ path, key, migrations: [...MIGRATIONS, broken] })).toThrow(
      'disk full halfway',
    );
    const db = openStore({ path, key, readonly: true });
    expect(schemaVersion(db)).toBe(0);
    expect(
      db
        .prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('staff', 'half_done')")
        .get(),
    ).toEqual({ n: 0 });
    db.close();
  });

  it('keeps migration versions strictly increasing', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });
});
