// `madoguchi db retention` and `madoguchi db purge`, as an IT administrator runs them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../db/open';
import { tempDir } from '../../../test/support/temp-dir';
import { cli } from '../testing';

async function seededTerminal(): Promise<{ dataDir: string; names: string[] }> {
  const dataDir = join(tempDir(), 'terminal');
  expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
  expect(
    (await cli('--data-dir', dataDir, 'db', 'seed', '--cases', '120', '--seed', '3')).code,
  ).toBe(0);
  const key = Buffer.from(readFileSync(join(dataDir, 'store.key'), 'utf8').trim(), 'hex');
  const db = openStore({ path: join(dataDir, 'store.db'), key, readonly: true });
  const names = db.prepare('SELECT name_kana FROM person').pluck().all() as string[];
  db.close();
  return { dataDir, names };
}

describe('madoguchi db retention and db purge', () => {
  it('shows and sets the retention period, refusing one too short to be safe', async () => {
    const { dataDir } = await seededTerminal();
    const shown = await cli('--data-dir', dataDir, 'db', 'retention');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('1826 days after the case closed (the default)');
    expect((await cli('--data-dir', dataDir, 'db', 'retention', '--days', '7')).stderr).toContain(
      'from 30 to 36525',
    );
    const set = await cli('--data-dir', dataDir, '--json', 'db', 'retention', '--days', '90');
    expect(JSON.parse(set.stdout)).toMatchObject({ ok: true, retentionDays: 90 });
  });

  it('counts what a dry run would purge, purges it with one audited event per case, prints no personal data, and the store stays sound', async () => {
    const { dataDir, names } = await seededTerminal();
    await cli('--data-dir', dataDir, 'db', 'retention', '--days', '30');
    const dry = await cli(
      '--data-dir',
      dataDir,
      '--json',
      'db',
      'purge',
      '--dry-run',
      '--as-of',
      '2026-06-01',
    );
    expect(dry.code).toBe(0);
    const wouldBe = JSON.parse(dry.stdout) as { casesPurged: number; dryRun: boolean };
    expect(wouldBe.dryRun).toBe(true);
    expect(wouldBe.casesPurged).toBeGreaterThan(50);

    const run = await cli('--data-dir', dataDir, 'db', 'purge', '--as-of', '2026-06-01');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Purged the personal data of ${wouldBe.casesPurged} closed case(s)`,
    );
    expect(run.stdout).toContain('WAL checkpoint: complete.');
    expect(names.filter((n) => run.stdout.includes(n) || dry.stdout.includes(n))).toEqual([]);

    const again = await cli(
      '--data-dir',
      dataDir,
      '--json',
      'db',
      'purge',
      '--as-of',
      '2026-06-01',
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ casesPurged: 0 });
    const check = await cli('--data-dir', dataDir, '--json', 'db', 'check');
    expect(check.code).toBe(0);
    const stats = await cli('--data-dir', dataDir, '--json', 'db', 'stats');
    const tables = (JSON.parse(stats.stdout) as { tables: Record<string, number> }).tables;
    expect(tables['application']).toBe(120);
    expect(tables['person']).toBe(120 - wouldBe.casesPurged);
  });

  it('refuses a purge counted to a future day, and says why', async () => {
    const { dataDir } = await seededTerminal();
    const run = await cli('--data-dir', dataDir, 'db', 'purge', '--as-of', '2999-01-01');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('use --dry-run to see what will be due then');
    const bad = await cli('--data-dir', dataDir, 'db', 'purge', '--as-of', 'tomorrow');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--as-of needs a date like 2026-04-01');
  });
});
