import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir';
import { storeFaultError } from './errors';

/** What better-sqlite3 throws: an Error whose `code` is SQLite's extended result code name. */
const sqliteError = (code: string) => Object.assign(new Error('raw SQLite text'), { code });

describe('store faults become typed errors the clerk can act on', () => {
  it.each([
    ['SQLITE_FULL', 'STORE_FULL'],
    ['SQLITE_READONLY', 'STORE_READ_ONLY'],
    ['SQLITE_READONLY_DBMOVED', 'STORE_READ_ONLY'],
    ['SQLITE_IOERR_WRITE', 'STORE_IO_ERROR'],
    ['SQLITE_IOERR_FSYNC', 'STORE_IO_ERROR'],
  ])('%s -> %s, saying nothing was saved and what to do', (sqlite, code) => {
    const error = storeFaultError(sqliteError(sqlite), tempDir());
    expect(error?.toCallError()).toEqual({
      code,
      message: expect.stringMatching(/not saved\. Everything saved before is safe\. .*again\.$/),
    });
    // Never the raw SQLite text.
    expect(error?.message).not.toContain('raw SQLite text');
  });

  it('leaves every other error alone', () => {
    expect(storeFaultError(sqliteError('SQLITE_CONSTRAINT_UNIQUE'))).toBeNull();
    expect(storeFaultError(new Error('x'))).toBeNull();
    expect(storeFaultError('text')).toBeNull();
  });
});
