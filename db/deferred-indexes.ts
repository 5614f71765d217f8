// Bulk loads (`madoguchi db seed` of many cases) insert faster without the secondary indexes,
// which take every row in random order and make every batch rewrite pages all over the file;
// CREATE INDEX afterwards sorts once. UNIQUE indexes stay (they are constraints, and a load
// may rely on them), except those the caller names because its rows are unique by
// construction: CREATE UNIQUE INDEX afterwards still checks them, once. The dropped definitions are kept in terminal_setting in the same
// transaction as the drop, so a load killed half-way leaves a store that gets its indexes
// back: on the next read-write open (configureStore) or the next load.

import type { Db } from './open';

const SETTING = 'deferred_indexes';

interface IndexDefinition {
  name: string;
  sql: string;
}

/**
 * Drops the non-unique indexes of `tables`, and the UNIQUE indexes named in `unique`,
 * remembering them; returns how many.
 */
export function deferIndexes(
  db: Db,
  tables: readonly string[],
  unique: readonly string[] = [],
): number {
  return db.transaction(() => {
    restoreDeferredIndexes(db);
    const list = (values: readonly string[]) => values.map(() => '?').join(', ') || 'NULL';
    const indexes = db
      .prepare(
        `SELECT name, sql FROM sqlite_schema
         WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${list(tables)})
           AND (sql NOT LIKE 'CREATE UNIQUE%' OR name IN (${list(unique)}))`,
      )
      .all(...tables, ...unique) as IndexDefinition[];
    if (indexes.length === 0) return 0;
    db.prepare('INSERT INTO terminal_setting (key, value) VALUES (?, ?)').run(
      SETTING,
      JSON.stringify(indexes),
    );
    for (const index of indexes) db.exec(`DROP INDEX "${index.name.replaceAll('"', '""')}"`);
    return indexes.length;
  })();
}

/** Recreates indexes a bulk load deferred, if any; returns how many. */
export function restoreDeferredIndexes(db: Db): number {
  const hasSettings = db
    .prepare(
      "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'terminal_setting'",
    )
    .pluck()
    .get() as number;
  if (hasSettings === 0) return 0;
  const row = db.prepare('SELECT value FROM terminal_setting WHERE key = ?').get(SETTING) as
    { value: string } | undefined;
  if (!row) return 0;
  const indexes = JSON.parse(row.value) as IndexDefinition[];
  // The sorts of CREATE INDEX stay in memory (temp_store, db/open.ts configureStore).
  db.transaction(() => {
    for (const index of indexes) db.exec(index.sql);
    db.prepare('DELETE FROM terminal_setting WHERE key = ?').run(SETTING);
  })();
  return indexes.length;
}
