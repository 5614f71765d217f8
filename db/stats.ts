// Looking at a store without changing it: the facts an administrator asks for (`madoguchi db
// stats`) and the structural checks (`madoguchi db check`, backup and restore verification).
// Nothing here returns a stored value: counts, sizes and SQLite's own diagnostics only, so
// the output can be pasted into a ticket without leaking personal data.

import { existsSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3-multiple-ciphers';
import { latestVersion } from './migrations';
import { openKeyed, schemaVersion, type Db } from './open';

export interface StoreStats {
  schemaVersion: number;
  appSchemaVersion: number;
  fileBytes: number;
  walBytes: number;
  pageSize: number;
  pageCount: number;
  freePages: number;
  /** Rows per table, tables in name order. */
  tables: Record<string, number>;
}

/** The store's own tables (SQLite's internal sqlite_* tables left out), in name order. */
export function tableNames(db: Db): string[] {
  const rows = db
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .all() as { name: string }[];
  return rows.map((r) => r.name);
}

export function tableRowCounts(db: Db): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of tableNames(db)) {
    const quoted = `"${name.replaceAll('"', '""')}"`;
    const row = db.prepare(`SELECT count(*) AS n FROM ${quoted}`).get() as { n: number };
    counts[name] = row.n;
  }
  return counts;
}

export function storeStats(db: Db, path: string): StoreStats {
  const wal = `${path}-wal`;
  return {
    schemaVersion: schemaVersion(db),
    appSchemaVersion: latestVersion(),
    fileBytes: statSync(path).size,
    walBytes: existsSync(wal) ? statSync(wal).size : 0,
    pageSize: db.pragma('page_size', { simple: true }) as number,
    pageCount: db.pragma('page_count', { simple: true }) as number,
    freePages: db.pragma('freelist_count', { simple: true }) as number,
    tables: tableRowCounts(db),
  };
}

/**
 * The full PRAGMA integrity_check (every page, index and constraint, unlike quick_check).
 * Returns the problems found; an empty list means "ok". A page that fails to decrypt (the
 * cipher authenticates every page) makes SQLite throw instead of listing: that is reported
 * as a problem too, never thrown.
 */
export function integrityProblems(db: Db): string[] {
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const messages = rows.map((r) => r.integrity_check);
    return messages.length === 1 && messages[0] === 'ok' ? [] : messages;
  } catch (error) {
    return [`The store could not be read to the end: ${messageOf(error)}`];
  }
}

/** Rows whose foreign key points at nothing (table, rowid and parent table; no values). */
export function foreignKeyProblems(db: Db): string[] {
  try {
    const rows = db.pragma('foreign_key_check') as {
      table: string;
      rowid: number | null;
      parent: string;
    }[];
    return rows.map(
      (r) => `${r.table} row ${r.rowid ?? '(without rowid)'} refers to a missing ${r.parent} row`,
    );
  } catch (error) {
    return [`The foreign keys could not be checked: ${messageOf(error)}`];
  }
}

/**
 * Why a store file does not open with a key. openStore reports every failure of its first
 * read as STORE_WRONG_KEY; SQLite's code says a little more: SQLITE_NOTADB when page 1 does
 * not decrypt (a wrong key, not a store at all, or page 1 altered: with authenticated
 * encryption these look the same), SQLITE_CORRUPT when it decrypts but the file does not
 * hang together (truncated, or a later page altered).
 */
export function openFailure(path: string, key: Buffer): 'undecryptable' | 'damaged' | 'other' {
  const errors: unknown[] = [];
  let db: Database.Database | null = null;
  try {
    db = openKeyed(path, key, { readonly: true, fileMustExist: true }, errors);
  } catch (error) {
    errors.push(error);
  } finally {
    db?.close();
  }
  if (db) return 'other';
  const codes = errors.map((e) => (e as { code?: unknown }).code);
  // Tried with every store cipher: one that decrypts page 1 but finds damage says damaged.
  if (codes.includes('SQLITE_CORRUPT')) return 'damaged';
  if (codes.length > 0 && codes.every((c) => c === 'SQLITE_NOTADB')) return 'undecryptable';
  return 'other';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
