import type { Migration } from './index';

/** Staff accounts (sign-in) and terminal settings (language, central URL). */
const migration: Migration = {
  version: 10,
  name: 'staff-and-settings',
  up(db) {
    db.exec(`
      CREATE TABLE staff (
        staff_id        TEXT PRIMARY KEY,
        display_name    TEXT NOT NULL,
        role            TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'administrator')),
        password_hash   TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
        locked_until    TEXT,
        active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at      TEXT NOT NULL
      ) STRICT;

      CREATE TABLE terminal_setting (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
  },
};

export default migration;
