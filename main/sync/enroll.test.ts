// Enrollment sends its one-time code only to a server certified by the central CA the code
// pins: the pin is checked in a handshake that sends nothing, before any request.

import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCentralKeys } from '../../central/pki';
import { startCentral, type RunningCentral } from '../../central/server';
import { tempDir } from '../../test/support/temp-dir';
import { SyncError } from './errors';
import { caPinOf, probePinnedCa } from './transport';

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

async function central(): Promise<RunningCentral> {
  const started = await startCentral({ dataDir: tempDir('central-'), name: 'Probe test' });
  running.push(started);
  return started;
}

describe('finding the pinned central CA before the enrollment code is sent', () => {
  it('returns the CA of a real central service, whose pin the code carries', async () => {
    const c = await central();
    const found = await probePinnedCa(c.url, caPinOf(c.caCertPem));
    expect(caPinOf(found)).toBe(caPinOf(c.caCertPem));
  });

  it('refuses a server that cannot show the pinned CA, and sends it no request at all', async () => {
    const c = await central();
    // An impostor with a CA of its own and the same names.
    const impostorKeys = await createCentralKeys('Probe test');
    let requests = 0;
    const impostor = createServer(
      {
        key: impostorKeys.server.keyPem,
        cert: `${impostorKeys.server.certPem.trimEnd()}\n${impostorKeys.ca.certPem}`,
      },
      (_req, res) => {
        requests += 1;
        res.end('{}');
      },
    );
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    running.push({ close: () => new Promise((resolve) => impostor.close(() => resolve())) });
    const url = `https://127.0.0.1:${(impostor.address() as AddressInfo).port}`;

    const failure = await probePinnedCa(url, caPinOf(c.caCertPem)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SyncError);
    expect((failure as SyncError).code).toBe('SYNC_CA_PIN_MISMATCH');
    expect(requests).toBe(0);
  });
});
