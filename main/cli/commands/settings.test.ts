// Content protection, from the administrator's command to what the app gives its window:
// `madoguchi settings content-protection on|off` writes the terminal setting into the store,
// and the services the Electron main creates read it back (main/app/electron/main.ts passes
// services.settings.contentProtection() to createMainWindow, which calls setContentProtection).

import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp-dir';
import { keyFileProvider } from '../../config/key-file';
import { createCounterServices } from '../../core/services';
import { createLogger } from '../../log/logger';
import { cli } from '../testing';

async function appContentProtection(dataDir: string): Promise<boolean> {
  const services = await createCounterServices({
    dataDir,
    keyProvider: keyFileProvider(dataDir, {}),
    host: 'test-bridge',
    log: createLogger({ sink: () => undefined }),
    trustedOrigins: ['app://counter'],
    readers: {
      start: () => undefined,
      stop: () => undefined,
      snapshot: () => ({ service: 'running', readers: [] }),
      onChange: () => () => undefined,
      connect: () => Promise.reject(new Error('no reader in this test')),
    },
  });
  try {
    return services.settings.contentProtection();
  } finally {
    await services.close();
  }
}

describe('content protection of the counter window', () => {
  it('is off by default, and the administrator turns it on and off for the next start', async () => {
    const dataDir = tempDir();
    expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
    expect(
      JSON.parse((await cli('--data-dir', dataDir, '--json', 'settings')).stdout),
    ).toMatchObject({ contentProtection: false });
    expect(await appContentProtection(dataDir)).toBe(false);

    const on = await cli('--data-dir', dataDir, 'settings', 'content-protection', 'on');
    expect(on).toMatchObject({ code: 0, stdout: expect.stringContaining('next starts') });
    expect(await appContentProtection(dataDir)).toBe(true);
    expect((await cli('--data-dir', dataDir, 'settings')).stdout).toMatch(
      /content protection\s+on/,
    );

    await cli('--data-dir', dataDir, 'settings', 'content-protection', 'off');
    expect(await appContentProtection(dataDir)).toBe(false);
  });

  it('refuses anything but on or off, and changes nothing', async () => {
    const dataDir = tempDir();
    await cli('--data-dir', dataDir, 'db', 'init');
    await cli('--data-dir', dataDir, 'settings', 'content-protection', 'on');
    for (const args of [['content-protection', 'yes'], ['content-protection'], ['colour', 'on']]) {
      const { code, stderr } = await cli('--data-dir', dataDir, 'settings', ...args);
      expect(code).toBe(2);
      expect(stderr).toContain('Usage: madoguchi settings');
    }
    expect(await appContentProtection(dataDir)).toBe(true);
  });
});
