// `madoguchi trust add | list` on a real encrypted store, with J-LIS's published roots.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp-dir';
import { cli } from '../testing';

const ROOTS = join(import.meta.dirname, '../../../../shared/fixtures/jpki-roots');

async function terminal(): Promise<string> {
  const dataDir = join(tempDir(), 'terminal');
  expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
  return dataDir;
}

describe('madoguchi trust', () => {
  it('adds J-LIS roots and lists them with serial and validity', async () => {
    const dataDir = await terminal();
    const added = await cli('--data-dir', dataDir, 'trust', 'add', join(ROOTS, 'auth_ca_2023.pem'));
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toBe(
      'Added: C=JP, O=JPKI, OU=JPKI for user authentication, OU=Japan Agency for Local Authority Information Systems, serial 06D18006, valid 2023-07-16 to 2033-07-15.',
    );
    await cli('--data-dir', dataDir, 'trust', 'add', join(ROOTS, 'auth_ca_2015.pem'));
    const again = await cli('--data-dir', dataDir, 'trust', 'add', join(ROOTS, 'auth_ca_2023.pem'));
    expect(again.stdout).toMatch(/^Already trusted: /);

    const text = await cli('--data-dir', dataDir, 'trust', 'list');
    expect(text.stdout).toMatch(/SERIAL.*VALID FROM.*VALID TO/);
    expect(text.stdout).toMatch(/ 01 .*2015-10-20 .*2025-10-19 .*administrator/);

    const json = JSON.parse((await cli('--data-dir', dataDir, '--json', 'trust', 'list')).stdout);
    expect(
      json.anchors.map((a: { serial: string; notAfter: string }) => [a.serial, a.notAfter]),
    ).toEqual([
      ['01', '2025-10-19T14:59:59.000Z'],
      ['06D18006', '2033-07-15T14:59:59.000Z'],
    ]);
  });

  it('refuses a file that is not a root certificate, and adds nothing', async () => {
    const dataDir = await terminal();
    const bad = join(tempDir(), 'bad.pem');
    writeFileSync(bad, 'hello');
    const result = await cli('--data-dir', dataDir, '--json', 'trust', 'add', bad);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr).error.code).toBe('TRUST_NOT_A_CERTIFICATE');
    expect((await cli('--data-dir', dataDir, 'trust', 'list')).stdout).toMatch(/holds no root/);
  });

  it('says how to call it', async () => {
    expect((await cli('trust')).code).toBe(2);
    expect((await cli('trust', 'add')).code).toBe(2);
  });
});
