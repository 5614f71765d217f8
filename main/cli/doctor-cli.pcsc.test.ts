// `madoguchi doctor` as an administrator runs it: the built command in a child process,
// against the real pcscd of the test namespace and a terminal the app has started once.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkPcsc } from '../card/pcsc-check';
import { insertPlaceholderCard } from '../../test/harness/placeholder-card';
import { startPcscd, type PcscdHandle } from '../../test/harness/pcscd';
import { keyFileProvider } from '../config/key-file';
import { openStore } from '../../db/open';

const run = promisify(execFile);

interface Report {
  ok: boolean;
  checks: { id: string; status: string; detail: string; facts?: Record<string, unknown> }[];
}

async function doctor(dataDir: string): Promise<{ code: number; report: Report }> {
  try {
    const { stdout } = await run(
      'node',
      ['bin/madoguchi.mjs', '--data-dir', dataDir, 'doctor', '--json'],
      {
        env: { ...process.env, MADOGUCHI_DB_KEY: '' },
      },
    );
    return { code: 0, report: JSON.parse(stdout) as Report };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, report: JSON.parse(failed.stdout) as Report };
  }
}

describe('madoguchi doctor, with the real pcscd', () => {
  let pcscd: PcscdHandle;
  let dataDir: string;

  beforeAll(async () => {
    pcscd = await startPcscd();
    dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-doctor-'));
    const key = await keyFileProvider(dataDir, {}).getOrCreateKey();
    openStore({ path: join(dataDir, 'store.db'), key }).close();
  });

  afterAll(async () => {
    await pcscd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints valid JSON describing each check, and exits 0 on a healthy terminal', async () => {
    const card = await insertPlaceholderCard(pcscd.ports[0] ?? 0);
    try {
      // vpcd accepted the card; wait until pcscd reports it too.
      await vi.waitFor(
        async () => expect((await checkPcsc(1000)).readers.some((r) => r.cardPresent)).toBe(true),
        {
          timeout: 5000,
          interval: 50,
        },
      );
      const { code, report } = await doctor(dataDir);
      expect(code).toBe(0);
      expect(report.ok).toBe(true);
      const pcsc = report.checks.find((c) => c.id === 'pcscd');
      expect(pcsc).toMatchObject({ status: 'ok' });
      expect(pcsc?.detail).toContain('Virtual PCD 00 00 (card present)');
      expect(report.checks.find((c) => c.id === 'store')).toMatchObject({ status: 'ok' });
    } finally {
      await card.remove();
    }
  });

  it('exits 1 and says so when the smart-card service is down', async () => {
    await pcscd.stop();
    try {
      const { code, report } = await doctor(dataDir);
      expect(code).toBe(1);
      expect(report.ok).toBe(false);
      expect(report.checks.find((c) => c.id === 'pcscd')).toMatchObject({ status: 'fail' });
    } finally {
      await pcscd.start();
    }
  });
});
