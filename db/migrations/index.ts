// Numbered migrations, applied in one transaction. Versions go up in steps of 10 so a
// hotfix can slot in between. A store written by a newer Madoguchi is refused, never
// "migrated down": a downgraded terminal must not corrupt what a newer one wrote.

import type Database from 'better-sqlite3-multiple-ciphers';
import { StoreError } from '../errors';
import m0010 from './0010-staff-and-settings';
import m0020 from './0020-cases';
import m0030 from './0030-name-search';
import m0040 from './0040-retention';
import m0050 from './0050-trust-anchors';
import m0060 from './0060-sync';
import m0070 from './0070-counter';
import m0080 from './0080-event-transactions';
import m0090 from './0090-second-person-and-arrival';
import m0100 from './0100-overseas-review';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  m0010,
  m0020,
  m0030,
  m0040,
  m0050,
  m0060,
  m0070,
  m0080,
  m0090,
  m0100,
];

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0;
}

/** Refuses a store written by a newer Madoguchi than this one. */
export function assertKnownVersion(db: Database.Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestVersion(migrations);
  if (current > latest) {
    throw new StoreError(
      'STORE_FROM_NEWER_VERSION',
      `The case store was written by a newer Madoguchi (schema ${current}, this version knows ${latest}). Install the newer version.`,
    );
  }
}

export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i += 1) {
    const prev = migrations[i - 1];
    const next = migrations[i];
    if (prev && next && next.version <= prev.version) {
      throw new Error(`Migrations out of order: ${prev.version} then ${next.version}`);
    }
  }
  assertKnownVersion(db, migrations);
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestVersion(migrations);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) migration.up(db);
    db.pragma(`user_version = ${latest}`);
  })();
}
