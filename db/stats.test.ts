import { describe, expect, it } from 'vitest';
import { tempStore } from '../test/support/store';
import { latestVersion } from './migrations';
import { foreignKeyProblems, integrityProblems, storeStats, tableRowCounts } from './stats';

describe('store statistics and checks', () => {
  it('describe the store by counts and sizes, never by what it holds', () => {
    const db = tempStore();
    db.prepare("INSERT INTO terminal_setting (key, value) VALUES ('marker', 'YAMADA-TARO')").run();
    const stats = storeStats(db, db.name);
    expect(stats.schemaVersion).toBe(latestVersion());
    expect(stats.appSchemaVersion).toBe(latestVersion());
    expect(stats.tables['terminal_setting']).toBe(1);
    expect(stats.tables['staff']).toBe(0);
    expect(Object.keys(stats.tables).some((t) => t.startsWith('sqlite_'))).toBe(false);
    expect(stats.pageCount).toBeGreaterThan(0);
    expect(stats.fileBytes).toBeGreaterThan(0);
    expect(stats.walBytes).toBeGreaterThan(0);
    expect(JSON.stringify(stats)).not.toContain('YAMADA');
  });

  it('find nothing wrong in a sound store', () => {
    const db = tempStore();
    expect(integrityProblems(db)).toEqual([]);
    expect(foreignKeyProblems(db)).toEqual([]);
  });

  it('name a row whose foreign key points at nothing, by table and rowid only', () => {
    const db = tempStore();
    db.exec(`
      CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT;
      CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id), note TEXT) STRICT;
    `);
    db.pragma('foreign_keys = OFF');
    db.prepare("INSERT INTO child (id, parent_id, note) VALUES (7, 42, 'SATO-HANAKO')").run();
    expect(foreignKeyProblems(db)).toEqual(['child row 7 refers to a missing parent row']);
    expect(tableRowCounts(db)).toMatchObject({ child: 1, parent: 0 });
  });
});
