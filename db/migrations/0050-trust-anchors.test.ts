import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir';
import { openStore } from '../open';
import m0050 from './0050-trust-anchors';

describe('migration 0050: trust anchors', () => {
  const open = () =>
    openStore({ path: join(tempDir(), 'store.db'), key: randomBytes(32), migrations: [m0050] });
  const insert =
    "INSERT INTO trust_anchor (fingerprint, der, subject, serial, not_before, not_after, source, test, added_at) VALUES (?, X'30', 's', '01', 'a', 'b', ?, ?, 'now')";

  it('keeps one row per certificate fingerprint and refuses unknown sources and flags', () => {
    const db = open();
    const add = db.prepare(insert);
    const fingerprint = 'ab'.repeat(32);
    add.run(fingerprint, 'administrator', 0);
    expect(() => add.run(fingerprint, 'central', 0)).toThrow(/UNIQUE constraint/);
    expect(() => add.run('cd'.repeat(32), 'card', 0)).toThrow(/CHECK constraint/);
    expect(() => add.run('cd'.repeat(32), 'central', 2)).toThrow(/CHECK constraint/);
    expect(() => add.run('short', 'central', 1)).toThrow(/CHECK constraint/);
    db.close();
  });
});
