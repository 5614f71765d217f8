import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir';
import { openStore } from '../open';
import m0010 from './0010-staff-and-settings';

describe('migration 0010: staff and settings', () => {
  const open = () =>
    openStore({ path: join(tempDir(), 'store.db'), key: randomBytes(32), migrations: [m0010] });

  it('creates STRICT tables that refuse an unknown role', () => {
    const db = open();
    const insert = db.prepare(
      "INSERT INTO staff (staff_id, display_name, role, password_hash, created_at) VALUES ('a1', 'A', ?, 'h', '2026-01-01')",
    );
    expect(() => insert.run('superuser')).toThrow(/CHECK constraint/);
    expect(() => insert.run('clerk')).not.toThrow();
    expect(() =>
      db.prepare("INSERT INTO terminal_setting (key, value) VALUES ('n', X'00')").run(),
    ).toThrow(/cannot store BLOB value in TEXT column/);
    db.close();
  });

  it('keeps one row per staff ID', () => {
    const db = open();
    const insert = db.prepare(
      "INSERT INTO staff (staff_id, display_name, role, password_hash, created_at) VALUES ('a1', 'A', 'clerk', 'h', '2026-01-01')",
    );
    insert.run();
    expect(() => insert.run()).toThrow(/UNIQUE constraint/);
    db.close();
  });
});
