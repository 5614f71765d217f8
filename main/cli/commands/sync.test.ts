import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp-dir';
import { cli } from '../testing';

async function terminal(): Promise<string> {
  const dataDir = join(tempDir(), 'terminal');
  expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
  return dataDir;
}

describe('madoguchi terminal and sync before enrolment', () => {
  it('says the terminal is not enrolled and how to enrol it', async () => {
    const dataDir = await terminal();
    const status = await cli('--data-dir', dataDir, 'terminal', 'status');
    expect(status).toMatchObject({ code: 0 });
    expect(status.stdout).toContain('madoguchi terminal enroll --central URL --code CODE');
    const json = await cli('--data-dir', dataDir, '--json', 'sync', 'status');
    expect(JSON.parse(json.stdout)).toMatchObject({
      enrolled: false,
      state: 'not-enrolled',
      pendingEvents: 0,
      alerts: ['NOT_ENROLLED'],
      revocation: { level: 'stale', reasons: ['NO_LIST'] },
    });
  });

  it('refuses to sync or export with a code an admin can look up', async () => {
    const dataDir = await terminal();
    const run = await cli('--data-dir', dataDir, '--json', 'sync', 'run');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      outcome: { ok: false, code: 'SYNC_NOT_ENROLLED' },
    });
    const exported = await cli(
      '--data-dir',
      dataDir,
      '--json',
      'sync',
      'export',
      '--out',
      join(dataDir, 'x.json'),
    );
    expect(exported.code).toBe(1);
    expect(JSON.parse(exported.stderr)).toMatchObject({ error: { code: 'SYNC_NOT_ENROLLED' } });
  });

  it('refuses a malformed enrolment code before contacting anyone', async () => {
    const dataDir = await terminal();
    const result = await cli(
      '--data-dir',
      dataDir,
      '--json',
      'terminal',
      'enroll',
      '--central',
      'https://127.0.0.1:1',
      '--code',
      'not-a-code',
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toMatchObject({
      error: { code: 'SYNC_ENROLLMENT_CODE_INVALID' },
    });
    expect((await cli('--data-dir', dataDir, 'terminal', 'enroll')).code).toBe(2);
  });
});
