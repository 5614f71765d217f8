// Prepared statements, compiled once per connection. better-sqlite3's prepare() parses and
// plans the SQL on every call; on the counter's hot paths (an event per state change, a
// lookup per keystroke of a search) that compile cost was larger than the query itself.

import type Database from 'better-sqlite3-multiple-ciphers';

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The statement for `sql` on `db`, prepared on first use and reused afterwards. */
export function prepared(db: Database.Database, sql: string): Database.Statement {
  let statements = cache.get(db);
  if (!statements) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
