// `madoguchi cases search` as a supervisor runs it, in-process, on a real encrypted store.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../db/open';
import { tempDir } from '../../../test/support/temp-dir';
import { CaseStore } from '../../cases/case-store';
import { application, central, clerk, person } from '../../cases/testing';
import { createMemoryLogger } from '../../log/logger';
import { cli } from '../testing';

const YAMADA = person({
  nameKanji: '山田 太郎',
  nameKana: 'やまだ たろう',
  nameLatin: 'YAMADA TARO',
  birthDate: '1980-02-17',
});

/** A terminal after `db init`, with Yamada's application (card SN-0042 ordered) and 3 Satos. */
async function terminal(): Promise<string> {
  const dataDir = join(tempDir(), 'terminal');
  expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
  const key = Buffer.from(readFileSync(join(dataDir, 'store.key'), 'utf8').trim(), 'hex');
  const db = openStore({ path: join(dataDir, 'store.db'), key });
  const store = new CaseStore({ db, log: createMemoryLogger().log });
  store.receiveApplication(application({ applicationId: 'APP-1', person: YAMADA }), clerk);
  store.orderCard('APP-1', { cardSerial: 'SN-0042', expiryDate: null }, central, 1);
  for (const id of ['APP-2', 'APP-3', 'APP-4']) {
    store.receiveApplication(
      application({ applicationId: id, person: person({ nameKana: 'サトウ ハナコ' }) }),
      clerk,
    );
  }
  db.close();
  return dataDir;
}

describe('madoguchi cases search', () => {
  it('a clerk typing ﾔﾏﾀﾞ sees 山田 太郎 with the card, and the My Number masked', async () => {
    const dataDir = await terminal();
    const { code, stdout } = await cli('--data-dir', dataDir, 'cases', 'search', 'ﾔﾏﾀﾞ');
    expect(code).toBe(0);
    expect(stdout).toMatch(/APP-1 +やまだ たろう +山田 太郎 +YAMADA TARO +1980-02-17/);
    expect(stdout).toContain(`••••  ••••  ${YAMADA.myNumber.slice(-4)}`);
    expect(stdout).toMatch(/SN-0042 +ordered/);
    expect(stdout).not.toContain(YAMADA.myNumber);
  });

  it('finds by My Number and prints JSON without it', async () => {
    const dataDir = await terminal();
    const { code, stdout } = await cli(
      '--data-dir',
      dataDir,
      '--json',
      'cases',
      'search',
      YAMADA.myNumber,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      kind: 'my-number',
      hits: [{ applicationId: 'APP-1', myNumberLast4: YAMADA.myNumber.slice(-4) }],
      nextCursor: null,
    });
    expect(stdout).not.toContain(YAMADA.myNumber);
  });

  it('pages with --limit and --cursor', async () => {
    const dataDir = await terminal();
    const first = JSON.parse(
      (await cli('--data-dir', dataDir, 'cases', 'search', 'さとう', '--limit', '2', '--json'))
        .stdout,
    ) as { hits: { applicationId: string }[]; nextCursor: string };
    expect(first.hits.map((h) => h.applicationId)).toEqual(['APP-2', 'APP-3']);
    const second = JSON.parse(
      (
        await cli(
          '--data-dir',
          dataDir,
          '--json',
          'cases',
          'search',
          'さとう',
          '--cursor',
          first.nextCursor,
        )
      ).stdout,
    ) as { hits: { applicationId: string }[]; nextCursor: string | null };
    expect(second).toEqual({
      kind: 'kana',
      hits: [expect.objectContaining({ applicationId: 'APP-4' })],
      nextCursor: null,
    });
  });

  it.each([
    [['cases']],
    [['cases', 'find', 'x']],
    [['cases', 'search']],
    [['cases', 'search', 'a', 'b']],
    [['cases', 'search', 'x', '--limit', '0']],
    [['cases', 'search', 'x', '--limit', 'ten']],
    [['cases', 'search', 'x', '--cursor', 'bogus']],
    [['cases', 'search', '   ']],
    [['cases', 'search', 'x', '--sort', 'name']],
  ])('refuses %j as a usage error (exit 2)', async (argv) => {
    const dataDir = await terminal();
    const { code, stderr } = await cli('--data-dir', dataDir, ...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(/madoguchi:/);
  });

  it('fails (exit 1) with a code when there is no store', async () => {
    const dataDir = join(tempDir(), 'nothing');
    const { code, stderr } = await cli(
      '--data-dir',
      dataDir,
      '--json',
      'cases',
      'search',
      'ヤマダ',
    );
    expect(code).toBe(1);
    expect(JSON.parse(stderr)).toMatchObject({ error: { code: 'STORE_MISSING' } });
  });
});
