import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir';
import { addTrustRoot } from '../admin';
import { SqliteCentralStore } from './sqlite-store';

const ROOTS_DIR = join(import.meta.dirname, '../../../shared/fixtures/jpki-roots');

describe('trusted roots in the central store', () => {
  it('a store of schema 1 gains them on opening, kept write-once', () => {
    const path = join(tempDir('madoguchi-central-store-'), 'central.db');
    const key = randomBytes(32);
    new SqliteCentralStore({ path, key }).close();
    // Back to what a build before the trust_roots stream left on disk.
    const raw = new Database(path);
    raw.pragma(`hexkey='${key.toString('hex')}'`);
    raw.exec(
      'DROP TRIGGER trust_root_no_update; DROP TRIGGER trust_root_no_delete; DROP TABLE trust_root',
    );
    // ... and before reset secrets (schema 3).
    raw.exec(`
      DROP TRIGGER reset_secret_request_no_update; DROP TRIGGER reset_secret_request_no_delete;
      DROP TABLE reset_secret_request; ALTER TABLE card DROP COLUMN reset_secret;`);
    raw.pragma('user_version = 1');
    raw.close();

    const store = new SqliteCentralStore({ path, key });
    try {
      const pem = readFileSync(join(ROOTS_DIR, 'auth_ca_2023.pem'), 'utf8');
      const first = addTrustRoot(store, pem, { test: false });
      expect(first).toMatchObject({
        added: true,
        root: { pos: 1, serial: '06D18006', test: false },
      });
      expect(addTrustRoot(store, pem, { test: false }).added).toBe(false);
      // The same root cannot become a test root afterwards (or the other way round).
      expect(() => addTrustRoot(store, pem, { test: true })).toThrow(/already trusted/);
      expect(store.readTrustRoots(0, 10)).toHaveLength(1);
      expect(store.readTrustRoots(1, 10)).toEqual([]);
    } finally {
      store.close();
    }
    const check = new Database(path);
    check.pragma(`hexkey='${key.toString('hex')}'`);
    expect(() => check.exec('UPDATE trust_root SET test = 1')).toThrow(/write-once/);
    expect(check.pragma('user_version', { simple: true })).toBe(3);
    check.close();
  });
});
