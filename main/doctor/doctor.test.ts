import { chmodSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openStore } from '../../db/open';
import { tempDir } from '../../test/support/temp-dir';
import { keyFileProvider } from '../config/key-file';
import { runDoctor, type PcscCheck } from './doctor';

const pcscRunning = async (): Promise<PcscCheck> => ({
  ok: true,
  service: 'running',
  readers: [{ name: 'Virtual PCD 00 00', cardPresent: false }],
  detail: '',
});

async function centralStub(status: number): Promise<string> {
  const server = createServer((req, res) =>
    res.writeHead(req.url === '/health' ? status : 404).end(),
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  onTestFinished(() => new Promise<void>((done) => server.close(() => done())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback URL where nothing listens any more. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}`;
}

async function terminalWithStore(): Promise<string> {
  const dataDir = join(tempDir(), 'terminal');
  mkdirSync(dataDir, { mode: 0o700 });
  const key = await keyFileProvider(dataDir, {}).getOrCreateKey();
  openStore({ path: join(dataDir, 'store.db'), key }).close();
  return dataDir;
}

describe('madoguchi doctor', () => {
  it('passes on a healthy terminal and reaches the central service', async () => {
    const dataDir = await terminalWithStore();
    const report = await runDoctor({
      dataDir,
      keyProvider: keyFileProvider(dataDir, {}),
      centralUrl: await centralStub(200),
      checkPcsc: pcscRunning,
    });
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['data-dir', 'ok'],
      ['store', 'ok'],
      ['pcscd', 'ok'],
      ['central', 'ok'],
    ]);
    expect(report.ok).toBe(true);
  });

  it('creates nothing on a terminal that was never started', async () => {
    const dataDir = join(tempDir(), 'not-yet');
    const report = await runDoctor({
      dataDir,
      keyProvider: keyFileProvider(dataDir, {}),
      centralUrl: null,
      checkPcsc: pcscRunning,
    });
    expect(report.checks.find((c) => c.id === 'data-dir')?.status).toBe('warn');
    expect(report.checks.find((c) => c.id === 'store')?.status).toBe('warn');
    expect(report.checks.find((c) => c.id === 'central')?.status).toBe('skip');
    expect(report.ok).toBe(true);
    await expect(import('node:fs').then((fs) => fs.existsSync(dataDir))).resolves.toBe(false);
  });

  it('fails the store check when the key file is gone, and says which key it looked for', async () => {
    const dataDir = await terminalWithStore();
    const { rmSync } = await import('node:fs');
    rmSync(join(dataDir, 'store.key'));
    const report = await runDoctor({
      dataDir,
      keyProvider: keyFileProvider(dataDir, {}),
      centralUrl: null,
      checkPcsc: pcscRunning,
    });
    const store = report.checks.find((c) => c.id === 'store');
    expect(store?.status).toBe('fail');
    expect(store?.detail).toContain('store.key');
    expect(report.ok).toBe(false);
  });

  it('fails the store check with a wrong key instead of reporting an empty store', async () => {
    const dataDir = await terminalWithStore();
    const report = await runDoctor({
      dataDir,
      keyProvider: keyFileProvider(dataDir, { MADOGUCHI_DB_KEY: 'ab'.repeat(32) }),
      centralUrl: null,
      checkPcsc: pcscRunning,
    });
    expect(report.checks.find((c) => c.id === 'store')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('cannot be decrypted'),
    });
  });

  it('warns when the data directory is open to other users', async () => {
    const dataDir = await terminalWithStore();
    chmodSync(dataDir, 0o755);
    const report = await runDoctor({
      dataDir,
      keyProvider: keyFileProvider(dataDir, {}),
      centralUrl: null,
      checkPcsc: pcscRunning,
    });
    expect(report.checks.find((c) => c.id === 'data-dir')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('chmod 700'),
    });
  });

  it('fails when the smart-card service is not running', async () => {
    const dataDir = await terminalWithStore();
    const report = await runDoctor({
      dataDir,
      keyProvider: keyFileProvider(dataDir, {}),
      centralUrl: null,
      checkPcsc: async () => ({
        ok: false,
        service: 'unavailable',
        readers: [],
        detail: 'pcscd is not running.',
      }),
    });
    expect(report.checks.find((c) => c.id === 'pcscd')).toMatchObject({
      status: 'fail',
      detail: 'pcscd is not running.',
    });
    expect(report.ok).toBe(false);
  });

  it('reports an unreachable or unhealthy central service, and that the counter keeps working offline', async () => {
    const dataDir = await terminalWithStore();
    const unhealthy = await runDoctor({
      dataDir,
      keyProvider: keyFileProvider(dataDir, {}),
      centralUrl: await centralStub(503),
      checkPcsc: pcscRunning,
    });
    expect(unhealthy.checks.find((c) => c.id === 'central')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('503'),
    });
    const unreachable = await runDoctor({
      dataDir,
      keyProvider: keyFileProvider(dataDir, {}),
      centralUrl: await closedPortUrl(),
      checkPcsc: pcscRunning,
    });
    expect(unreachable.checks.find((c) => c.id === 'central')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/unreachable: ECONNREFUSED\. Counter work continues offline/),
    });
  });
});
