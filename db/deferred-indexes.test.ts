import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/support/temp-dir';
import { deferIndexes, restoreDeferredIndexes } from './deferred-indexes';
import { openStore } from './open';

describe('indexes deferred by a bulk load', () => {
  it('come back on the next read-write open when the load never rebuilt them', () => {
    const path = join(tempDir(), 'store.db');
    const key = randomBytes(32);
    const db = openStore({ path, key });
    const names = () =>
      db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name").pluck().all();
    const before = names();
    expect(deferIndexes(db, ['person', 'case_event'])).toBeGreaterThan(3);
    const during = names();
    // The UNIQUE ones stay: they are constraints the load relies on.
    expect(during).toContain('person_by_my_number_hmac');
    expect(during).not.toContain('person_by_kana_norm');
    db.close(); // as if the load was killed here

    const reopened = openStore({ path, key });
    expect(
      reopened
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name")
        .pluck()
        .all(),
    ).toEqual(before);
    expect(restoreDeferredIndexes(reopened)).toBe(0);
    reopened.close();
  });
});
