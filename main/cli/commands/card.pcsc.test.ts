// `madoguchi card readers | read` through the real pcscd+vpcd, with a virtual card inserted,
// as an administrator runs them (in-process, environment given explicitly).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPcscd, type PcscdHandle } from '../../../test/harness/pcscd';
import { tempDir } from '../../../test/support/temp-dir';
import { fixtureCard } from '../../card/mynumber/testing';
import { createSmartcardPort } from '../../card/smartcard-port';
import { processTestJpki } from '../../card/virtual/test-jpki';
import { insertIntoVpcd, type InsertedVirtualCard } from '../../card/virtual/vpcd-connector';
import { runCli } from '../madoguchi';

let pcscd: PcscdHandle;
const cards: InsertedVirtualCard[] = [];

beforeAll(async () => {
  pcscd = await startPcscd();
});
afterEach(async () => {
  await Promise.all(cards.splice(0).map((c) => c.remove()));
  await untilReader(0, (card) => card === 'empty');
});
afterAll(async () => {
  await pcscd?.stop();
});

async function run(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

async function untilReader(
  index: number,
  wanted: (card: string | undefined) => boolean,
): Promise<void> {
  const session = await createSmartcardPort().open();
  try {
    for (let i = 0; i < 250; i += 1) {
      if (wanted(session.readers()[index]?.card)) return;
      await session.waitForChange(20);
    }
  } finally {
    await session.close();
  }
  throw new Error('reader state not reached');
}

async function insertIssued(): Promise<void> {
  cards.push(await insertIntoVpcd(await fixtureCard('issued'), { port: pcscd.ports[0] as number }));
  await untilReader(0, (card) => card === 'present');
}

/** A terminal whose trust store holds the test JPKI's roots (training mode only). */
async function trainingTerminal(): Promise<string> {
  const dataDir = join(tempDir(), 'terminal');
  expect((await run({}, '--data-dir', dataDir, 'db', 'init')).code).toBe(0);
  const jpki = await processTestJpki();
  const file = join(tempDir(), 'test-auth-root.pem');
  writeFileSync(file, jpki.authRoot.toString('pem'));
  expect((await run({}, '--data-dir', dataDir, 'trust', 'add', file, '--test')).code).toBe(0);
  return dataDir;
}

describe('madoguchi card, with the real pcscd', () => {
  it('lists the readers and the card in one of them', async () => {
    await insertIssued();
    const result = await run({}, '--json', 'card', 'readers');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).readers).toEqual([
      { name: 'Virtual PCD 00 00', card: 'present', atr: '3BDA13FF8131FB468012392F31C173C601C03B' },
      { name: 'Virtual PCD 00 01', card: 'empty' },
    ]);
  });

  it('reads the card: counters, certificate chained to a trusted root, masked My Number and basic four', async () => {
    const dataDir = await trainingTerminal();
    await insertIssued();
    const result = await run(
      { CARD_PIN: '4826' },
      '--data-dir',
      dataDir,
      'card',
      'read',
      '--pin-env',
      'CARD_PIN',
      '--auth-pin-env',
      'CARD_PIN',
      '--training',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Reader:       Virtual PCD 00 00');
    expect(result.stdout).toContain('user-authentication PIN: 3 tries left');
    expect(result.stdout).toContain('signature password: 5 tries left');
    expect(result.stdout).toMatch(/Chain: +valid/);
    expect(result.stdout).toContain('the card proved it holds the key');
    expect(result.stdout).toContain('My Number:    ••••  ••••  0013');
    expect(result.stdout).not.toContain('100000000013');
    expect(result.stdout).toContain('Name:         試験\u3000花子');
    expect(result.stdout).toContain('Birth date:   1980-02-17');

    const revealed = await run(
      { CARD_PIN: '4826' },
      '--data-dir',
      dataDir,
      '--json',
      'card',
      'read',
      '--pin-env',
      'CARD_PIN',
      '--reveal',
      '--training',
    );
    expect(JSON.parse(revealed.stdout).personal.myNumber).toBe('100000000013');
  });

  it('exits 1 when the certificate does not chain to a trusted root (production mode)', async () => {
    const dataDir = await trainingTerminal();
    await insertIssued();
    const result = await run({}, '--data-dir', dataDir, 'card', 'read');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Chain: +NOT valid: it was issued by a test root/);
  });

  it('exits 1 with a clear message for a wrong PIN, and never takes a PIN from the command line', async () => {
    await insertIssued();
    const wrong = await run({ CARD_PIN: '0000' }, 'card', 'read', '--pin-env', 'CARD_PIN');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/The PIN is wrong: 2 tries left/);
    const missing = await run({}, 'card', 'read', '--pin-env', 'CARD_PIN');
    expect(missing.code).toBe(2);
    expect((await run({}, 'card', 'read', '--pin', '4826')).code).toBe(2);
  });

  it('asks which reader when cards are in both', async () => {
    await insertIssued();
    cards.push(
      await insertIntoVpcd(await fixtureCard('new-card'), { port: pcscd.ports[1] as number }),
    );
    await untilReader(1, (card) => card === 'present');
    const result = await run({}, 'card', 'read');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('name one with --reader NAME');
    await Promise.all(cards.splice(0).map((c) => c.remove()));
    await untilReader(1, (card) => card === 'empty');
  });

  it('exits 1 saying there is no card', async () => {
    const result = await run({}, '--json', 'card', 'read', '--reader', 'Virtual PCD 00 01');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr).error).toMatchObject({
      code: 'NO_CARD',
      message: expect.stringContaining('There is no card in the reader'),
    });
  });
});
