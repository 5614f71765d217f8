// Training mode's readers: virtual cards in in-process readers, seen by the same ReaderManager
// and read by the same client as real cards through pcscd, with no PC/SC anywhere.

import { describe, expect, it } from 'vitest';
import { fixtureCard as fixtureKeyCard, fixtureJpki } from '../../../test/harness/card-keys';
import { createMemoryLogger } from '../../log/logger';
import { CardError } from '../errors';
import { MyNumberCard } from '../mynumber/client';
import { identifyCard } from '../mynumber/identify';
import { ascii, fixtureProfile, testAnchors } from '../mynumber/testing';
import { openChannel, ReaderManager } from '../reader-manager';
import type { ReaderSnapshot } from '../../../preload/contract';
import { TRAINING_READERS, TrainingReaderPort } from './training-port';

const [CLERK, APPLICANT] = TRAINING_READERS as [string, string];
const AT = new Date('2026-11-22T10:00:00Z');

const issuedCard = async () => fixtureKeyCard(await fixtureProfile('issued'));

function nextChange(manager: ReaderManager): Promise<ReaderSnapshot> {
  return new Promise((resolve) => {
    const stop = manager.onChange((snapshot) => {
      stop();
      resolve(snapshot);
    });
  });
}

describe('the training readers', () => {
  it('show up in the reader manager, and a card put in or taken out is seen like a real one', async () => {
    const port = new TrainingReaderPort();
    const manager = new ReaderManager({ port, log: createMemoryLogger().log, relistMs: 50 });
    const started = nextChange(manager);
    manager.start();
    try {
      expect(await started).toEqual({
        service: 'running',
        readers: [
          { name: CLERK, card: 'empty' },
          { name: APPLICANT, card: 'empty' },
        ],
      });
      const inserted = nextChange(manager);
      port.insert(APPLICANT, await issuedCard());
      expect((await inserted).readers[1]).toMatchObject({ name: APPLICANT, card: 'present' });
      const removed = nextChange(manager);
      port.remove(APPLICANT);
      expect((await removed).readers[1]).toEqual({ name: APPLICANT, card: 'empty' });
    } finally {
      await manager.stop();
    }
  });

  it('let the My Number Card client identify a training card, trusted in training mode only', async () => {
    const port = new TrainingReaderPort();
    port.insert(CLERK, await issuedCard());
    const anchors = await testAnchors(await fixtureJpki());

    const channel = await openChannel(port);
    try {
      const identity = await identifyCard(new MyNumberCard(channel), {
        anchors,
        at: AT,
        mode: 'training',
        authPin: ascii('4826'),
        textPin: ascii('4826'),
      });
      expect(identity).toMatchObject({
        readerName: CLERK,
        possession: 'proven',
        authCertificate: { chain: { valid: true } },
        personal: { myNumber: '100000000013' },
      });
    } finally {
      await channel.close();
    }

    const production = await openChannel(port, CLERK);
    try {
      const identity = await identifyCard(new MyNumberCard(production), {
        anchors,
        at: AT,
        mode: 'production',
      });
      expect(identity.authCertificate.chain).toEqual({
        valid: false,
        problem: 'test-anchor-in-production',
      });
    } finally {
      await production.close();
    }
  });

  it('fail a read with CARD_REMOVED when the card is taken out, and NO_CARD once the reader is empty', async () => {
    const port = new TrainingReaderPort();
    port.insert(CLERK, await issuedCard());
    const channel = await openChannel(port, CLERK);
    const card = new MyNumberCard(channel);
    await card.triesLeft('jpkiAuth');
    port.remove(CLERK);
    const failure = await card.triesLeft('jpkiAuth').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CardError);
    expect((failure as CardError).code).toBe('CARD_REMOVED');
    await channel.close();

    const empty = await openChannel(port, CLERK).catch((error: unknown) => error);
    expect((empty as CardError).code).toBe('NO_CARD');
    expect(() => port.insert('Some real reader', {} as never)).toThrow(RangeError);
  });
});
