// Issue 3, "Done when": `madoguchi db seed --cases 100000 --seed 1` twice gives identical data.
// Two terminals are seeded through the CLI exactly as an administrator would, and compared by
// seededDataDigest (main/cases/seed.ts): every column of every person, application and card,
// and every event's seq, actor, case, type, payload and times. Left out are only the values
// each store makes at random for itself, which must differ between two terminals: the
// terminal's signing key (so terminal_id, hashes and signatures), the My Number lookup secret
// (so my_number_hmac), and the UUIDv7 person and event IDs. Not a timed test: the seed's speed
// is measured by bench/store-seed.ts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../db/open';
import { seededDataDigest } from '../cases/seed';
import { tempDir } from '../../test/support/temp-dir';
import { cli } from './testing';

const CASES = 100_000;

async function seededTerminal(): Promise<{ digest: string; terminalId: string }> {
  const dataDir = join(tempDir(), 'terminal');
  expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
  const seeded = await cli(
    '--data-dir',
    dataDir,
    '--json',
    'db',
    'seed',
    '--cases',
    String(CASES),
    '--seed',
    '1',
  );
  expect(seeded.stderr).toBe('');
  expect(seeded.code).toBe(0);
  expect(JSON.parse(seeded.stdout)).toMatchObject({ ok: true, cases: CASES, events: CASES });
  const key = Buffer.from(readFileSync(join(dataDir, 'store.key'), 'utf8').trim(), 'hex');
  const db = openStore({ path: join(dataDir, 'store.db'), key, readonly: true });
  try {
    return {
      digest: seededDataDigest(db),
      terminalId: db
        .prepare('SELECT terminal_id FROM terminal_signing_key')
        .pluck()
        .get() as string,
    };
  } finally {
    db.close();
  }
}

describe('madoguchi db seed --cases 100000 --seed 1', () => {
  it(
    'gives two terminals identical data, each with its own terminal key',
    { timeout: 600_000 },
    async () => {
      const first = await seededTerminal();
      const second = await seededTerminal();
      expect(second.digest).toBe(first.digest);
      expect(second.terminalId).not.toBe(first.terminalId);
    },
  );
});
