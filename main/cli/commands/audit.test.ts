import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../db/open';
import { tempDir } from '../../../test/support/temp-dir';
import { cli } from '../testing';

async function seededTerminal(): Promise<string> {
  const dataDir = join(tempDir(), 'terminal');
  expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
  expect((await cli('--data-dir', dataDir, 'db', 'seed', '--cases', '5', '--seed', '7')).code).toBe(
    0,
  );
  return dataDir;
}

describe('madoguchi audit verify', () => {
  it('reports an intact chain with its length', async () => {
    const dataDir = await seededTerminal();
    const { code, stdout } = await cli('--data-dir', dataDir, 'audit', 'verify');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Audit chain intact: \d+ event\(s\), last sequence \d+\.$/);
    const json = await cli('--data-dir', dataDir, '--json', 'audit', 'verify');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true });
  });

  it('names the first event an insider changed behind the app, and exits 1', async () => {
    const dataDir = await seededTerminal();
    const key = Buffer.from(readFileSync(join(dataDir, 'store.key'), 'utf8').trim(), 'hex');
    const insider = openStore({ path: join(dataDir, 'store.db'), key });
    insider.exec('DROP TRIGGER case_event_no_update');
    insider
      .prepare("UPDATE case_event SET terminal_time = '2020-01-01T00:00:00.000Z' WHERE seq = 3")
      .run();
    insider.close();
    const { code, stdout } = await cli('--data-dir', dataDir, 'audit', 'verify');
    expect(code).toBe(1);
    expect(stdout).toBe(
      'Audit chain BROKEN at event 3: the event was changed after it was written (hash differs).',
    );
  });

  it('exits 2 for anything but "verify"', async () => {
    expect((await cli('audit')).code).toBe(2);
    expect((await cli('audit', 'repair')).code).toBe(2);
  });
});
