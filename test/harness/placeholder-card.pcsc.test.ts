// The placeholder card through the real stack, read by an independent PC/SC client
// (OpenSC's opensc-tool), so the card is checked by something other than our own code. Our
// ReaderManager only tells when pcscd has seen the card: opensc-tool's --wait prints no ATR.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../main/log/logger';
import { ReaderManager } from '../../main/card/reader-manager';
import { createSmartcardPort } from '../../main/card/smartcard-port';
import {
  insertPlaceholderCard,
  PLACEHOLDER_AID,
  PLACEHOLDER_ATR,
  type InsertedCard,
} from './placeholder-card';
import { startPcscd, type PcscdHandle } from './pcscd';

// Asynchronous on purpose: the card answers from this process's event loop, so a synchronous
// child process would wait for a card that cannot answer until it returns.
const run = promisify(execFile);

const spaced = (bytes: Buffer): string =>
  bytes
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');
const selectAid = (aid: Buffer): string =>
  `00 A4 04 0C ${spaced(Buffer.from([aid.length]))} ${spaced(aid)}`;

describe('the placeholder card behind vpcd and pcscd', () => {
  let pcscd: PcscdHandle;
  let card: InsertedCard;

  beforeAll(async () => {
    pcscd = await startPcscd();
    const manager = new ReaderManager({
      port: createSmartcardPort(),
      log: createMemoryLogger().log,
    });
    const seen = new Promise<void>((resolve) =>
      manager.onChange((snapshot) => snapshot.readers[0]?.card === 'present' && resolve()),
    );
    manager.start();
    card = await insertPlaceholderCard(pcscd.ports[0] as number);
    await seen;
    await manager.stop();
  });

  afterAll(async () => {
    await card?.remove();
    await pcscd?.stop();
  });

  it('gives its ATR, selects its own application and refuses everything else', async () => {
    const { stdout } = await run('opensc-tool', [
      '--reader',
      '0',
      '--atr',
      '--send-apdu',
      selectAid(PLACEHOLDER_AID),
      '--send-apdu',
      selectAid(Buffer.from('D392F000260100000001', 'hex')),
      '--send-apdu',
      '00 B0 00 00 04',
    ]);
    expect(stdout).toContain(PLACEHOLDER_ATR.toString('hex').replace(/(..)(?!$)/g, '$1:'));
    const statusWords = [...stdout.matchAll(/SW1=0x(..), SW2=0x(..)/g)].map(
      (m) => `${m[1]}${m[2]}`,
    );
    expect(statusWords).toEqual(['9000', '6A82', '6D00']);
  });
});
