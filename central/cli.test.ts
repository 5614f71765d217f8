import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/support/temp-dir';
import { sealExportFile } from '../sync/export-file';
import { AckFileSchema, parseEnrollmentCode } from '../sync/protocol';
import { verifyReceipt } from '../sync/signing';
import { TestTerminal } from '../sync/testing';
import { runCentralCli } from './cli';
import { loadCentralFiles, openCentralStore } from './data-dir';
import { caPin } from './pki';

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCentralCli(args, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

async function initialized(): Promise<string> {
  const dir = join(tempDir('madoguchi-central-'), 'central');
  expect((await cli(['init', '--data-dir', dir, '--name', 'Test central'])).code).toBe(0);
  return dir;
}

function enrollDirect(dir: string, terminal: TestTerminal): void {
  const store = openCentralStore(dir);
  try {
    store.saveEnrollment({
      terminalId: terminal.terminalId,
      officeId: '131016',
      mission: true,
      signingPublicKey: terminal.signingPublicKey,
      encryptionPublicKey: terminal.encryptionPublicKey,
      certificatePem: 'test',
      certificateSerial: 'test',
      label: null,
      enrolledAt: new Date().toISOString(),
    });
  } finally {
    store.close();
  }
}

describe('madoguchi-central', () => {
  it('prints a single-use enrollment code carrying the CA pin', async () => {
    const dir = await initialized();
    const result = await cli([
      'terminal',
      'code',
      '--data-dir',
      dir,
      '--office',
      'EMB-001',
      '--mission',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { code: string; mission: boolean };
    expect(printed.mission).toBe(true);
    expect(parseEnrollmentCode(printed.code)?.caPin).toBe(caPin(loadCentralFiles(dir).caCertPem));
  });

  it('seeds the same office the same way twice and refuses more cards than applications', async () => {
    const dir = await initialized();
    const args = [
      'seed',
      '--data-dir',
      dir,
      '--office',
      '131016',
      '--applications',
      '4',
      '--cards',
      '2',
      '--seed',
      '9',
      '--json',
    ];
    expect(JSON.parse((await cli(args)).stdout)).toEqual({ applications: 4, cards: 2 });
    expect(JSON.parse((await cli(args)).stdout)).toEqual({ applications: 0, cards: 0 });
    const bad = await cli([
      'seed',
      '--data-dir',
      dir,
      '--office',
      '131016',
      '--applications',
      '1',
      '--cards',
      '2',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/more cards than applications/);
  });

  it('imports an air-gapped export once: a second import changes nothing', async () => {
    const dir = await initialized();
    const terminal = new TestTerminal();
    enrollDirect(dir, terminal);
    for (let i = 1; i <= 5; i += 1) {
      terminal.append({
        type: 'application-received',
        caseRef: `APP-M-${i}`,
        payload: {
          kind: 'overseas',
          channel: 'counter',
          officeCode: 'EMB-001',
          receivedAt: '2026-11-01T00:00:00.000Z',
        },
      });
    }
    const files = loadCentralFiles(dir);
    const file = sealExportFile({
      terminalId: terminal.terminalId,
      epoch: 1,
      batches: [terminal.batch(1, 3), terminal.batch(4, 5)],
      terminalSigningKey: terminal.signingKey,
      centralEncryptionPublicKey: files.encryptionPublicKey,
    });
    const path = join(tempDir(), 'export.json');
    writeFileSync(path, JSON.stringify(file));
    const ackPath = join(tempDir(), 'ack.json');

    const first = await cli(['import', path, '--data-dir', dir, '--ack-out', ackPath, '--json']);
    expect(JSON.parse(first.stdout)).toMatchObject({ events: 5, applied: 5, duplicates: 0 });
    const acks = AckFileSchema.parse(
      JSON.parse((await import('node:fs')).readFileSync(ackPath, 'utf8')),
    );
    expect(acks.acks.every((a) => verifyReceipt(a, files.signingPublicKey))).toBe(true);

    const before = JSON.parse((await cli(['stats', '--data-dir', dir, '--json'])).stdout) as {
      events: number;
    };
    const second = await cli(['import', path, '--data-dir', dir, '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ events: 5, applied: 0, duplicates: 5 });
    const after = JSON.parse((await cli(['stats', '--data-dir', dir, '--json'])).stdout) as {
      events: number;
      duplicatesRefused: number;
      duplicatesApplied: number;
      terminals: { events: number; lastSeq: number }[];
    };
    expect(after.events).toBe(before.events);
    expect(after).toMatchObject({ events: 5, duplicatesRefused: 5, duplicatesApplied: 0 });
    expect(after.terminals).toEqual([expect.objectContaining({ events: 5, lastSeq: 5 })]);
  });

  it('refuses an export signed by another key, with a clear error', async () => {
    const dir = await initialized();
    const terminal = new TestTerminal();
    enrollDirect(dir, terminal);
    terminal.append({ type: 'receive', caseRef: 'A', payload: {} });
    const forged = sealExportFile({
      terminalId: terminal.terminalId,
      epoch: 1,
      batches: [terminal.batch(1)],
      terminalSigningKey: new TestTerminal().signingKey,
      centralEncryptionPublicKey: loadCentralFiles(dir).encryptionPublicKey,
    });
    const path = join(tempDir(), 'export.json');
    writeFileSync(path, JSON.stringify(forged));
    const result = await cli(['import', path, '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/EXPORT_FILE_SIGNATURE/);
  });

  it('suspends a card into a new revocation list version and reports it in stats', async () => {
    const dir = await initialized();
    const suspended = await cli([
      'suspend',
      '--data-dir',
      dir,
      '--card',
      'C-1',
      '--card',
      'C-2',
      '--json',
    ]);
    expect(JSON.parse(suspended.stdout)).toEqual({ listVersion: 1 });
    const stats = JSON.parse((await cli(['stats', '--data-dir', dir, '--json'])).stdout) as {
      revocationListVersion: number;
    };
    expect(stats.revocationListVersion).toBe(1);
  });

  it('lists open review items and resolves one, which closes the conflict in stats', async () => {
    const dir = await initialized();
    const terminal = new TestTerminal();
    enrollDirect(dir, terminal);
    terminal.append({
      type: 'receive',
      caseRef: 'APP-X',
      payload: { cardSerial: 'NOPE', from: 'dispatched', to: 'received' },
    });
    const files = loadCentralFiles(dir);
    const path = join(tempDir(), 'export.json');
    writeFileSync(
      path,
      JSON.stringify(
        sealExportFile({
          terminalId: terminal.terminalId,
          epoch: 1,
          batches: [terminal.batch(1)],
          terminalSigningKey: terminal.signingKey,
          centralEncryptionPublicKey: files.encryptionPublicKey,
        }),
      ),
    );
    expect(
      JSON.parse((await cli(['import', path, '--data-dir', dir, '--json'])).stdout),
    ).toMatchObject({ rejected: 1 });
    const open = JSON.parse(
      (await cli(['review', 'list', '--open', '--data-dir', dir, '--json'])).stdout,
    ) as {
      reviewId: string;
      reason: string;
    }[];
    expect(open).toEqual([expect.objectContaining({ reason: 'UNKNOWN_CASE' })]);
    const resolved = await cli([
      'review',
      'resolve',
      open[0]!.reviewId,
      '--by',
      'ops-01',
      '--data-dir',
      dir,
    ]);
    expect(resolved.code).toBe(0);
    expect(
      (await cli(['review', 'resolve', open[0]!.reviewId, '--by', 'ops-01', '--data-dir', dir]))
        .code,
    ).toBe(1);
    const stats = JSON.parse((await cli(['stats', '--data-dir', dir, '--json'])).stdout) as {
      reviewItems: { open: number; resolved: number };
    };
    expect(stats.reviewItems).toEqual({ open: 0, resolved: 1 });
  });

  it('explains a data directory that was never initialized', async () => {
    const result = await cli(['stats', '--data-dir', join(tempDir(), 'nothing')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/CENTRAL_NOT_INITIALIZED: .* Run: madoguchi-central init/);
  });
});
