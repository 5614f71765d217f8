// The My Number Card client through the real pcscd and vpcd, with the virtual card inserted
// into a virtual reader: the same flows as client.test.ts, plus what only a real stack does
// (card pulled mid-read, pcscd restarted, two readers used at once). Runs in the private
// namespace of test/harness/pcsc-namespace.sh.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPcscd, type PcscdHandle } from '../../../test/harness/pcscd';
import type { CardChannel } from '../channel';
import { CardError } from '../errors';
import { openChannel } from '../reader-manager';
import type { ReaderPort } from '../reader-port';
import { createSmartcardPort } from '../smartcard-port';
import type { VirtualMyNumberCard } from '../virtual/card';
import { insertIntoVpcd, type InsertedVirtualCard } from '../virtual/vpcd-connector';
import { MyNumberCard } from './client';
import { identifyCard, type IdentifyOptions } from './identify';
import { ascii, fixtureCard, testAnchors } from './testing';

const PIN = '4826';
const AT = new Date('2026-11-22T10:00:00Z');

let pcscd: PcscdHandle;
const port: ReaderPort = createSmartcardPort();
const inserted: InsertedVirtualCard[] = [];
const channels: CardChannel[] = [];
let options: IdentifyOptions;

beforeAll(async () => {
  pcscd = await startPcscd();
  options = { anchors: await testAnchors(), at: AT, mode: 'training' };
});

afterEach(removeAll);

afterAll(async () => {
  await pcscd?.stop();
});

function reader(index: number): { name: string; port: number } {
  const found = pcscd.readers[index];
  if (!found) throw new Error(`no reader ${index}`);
  return found;
}

/** Waits (on pcscd's own word) until the reader's card state satisfies `wanted`. */
async function readerState(
  name: string,
  wanted: (info: { card: string; atr?: string } | undefined) => boolean,
): Promise<void> {
  const session = await port.open();
  let last: unknown;
  try {
    for (let i = 0; i < 250; i += 1) {
      last = session.readers().find((r) => r.name === name);
      if (wanted(last as never)) return;
      await session.waitForChange(20);
    }
  } finally {
    await session.close();
  }
  throw new Error(
    `reader ${name} not in the expected state (${JSON.stringify(last)}); pcscd said:\n${pcscd.output()}`,
  );
}

/** Inserts the card and waits until the reader shows THIS card (by its ATR). */
async function insert(card: VirtualMyNumberCard, index = 0): Promise<InsertedVirtualCard> {
  const { name, port: tcp } = reader(index);
  const handle = await insertIntoVpcd(card, { port: tcp });
  inserted.push(handle);
  const atr = Buffer.from(card.atr).toString('hex').toUpperCase();
  await readerState(name, (r) => r?.card === 'present' && r.atr === atr);
  return handle;
}

/** Takes every card out and waits until both readers are empty. */
async function removeAll(): Promise<void> {
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await Promise.all(inserted.splice(0).map((c) => c.remove()));
  for (const { name } of pcscd.readers) await readerState(name, (r) => r?.card === 'empty');
}

async function connect(index = 0): Promise<MyNumberCard> {
  const channel = await openChannel(port, reader(index).name);
  channels.push(channel);
  return new MyNumberCard(channel);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CardError) return error.code;
    throw error;
  }
  return 'resolved';
}

describe('a My Number Card through pcscd', () => {
  it('is identified: PIN counters, trusted certificate, key proven, My Number and basic four; extended length in one READ BINARY per file', async () => {
    await insert(await fixtureCard('issued', (p) => ({ ...p, atr: 'mynumber-contact-a' })));
    const card = await connect();
    expect(card.channel.extendedLength).toBe(true);
    const identity = await identifyCard(card, {
      ...options,
      authPin: ascii(PIN),
      textPin: ascii(PIN),
    });
    expect(identity).toMatchObject({
      readerName: reader(0).name,
      atr: '3BDA13FF8131FB468012392F31C173C601C03B',
      pins: { jpkiAuth: 3, jpkiSign: 5, textPin: 3 },
      authCertificate: { chain: { valid: true } },
      possession: 'proven',
      personal: { myNumber: '100000000013', basicFour: { name: '試験\u3000花子' } },
    });
    // select, 2 PIN counters, certificate, verify + select key + sign, select, counter,
    // verify + 2 records.
    expect(identity.apdus).toBe(12);
  });

  it('is read in 256-byte chunks when its ATR does not offer extended length', async () => {
    await insert(await fixtureCard('issued', (p) => ({ ...p, atr: 'jpki-legacy' })));
    const card = await connect();
    expect(Buffer.from(card.channel.atr).toString('hex')).toBe('3be000ff8131fe4514');
    expect(card.channel.extendedLength).toBe(false);
    await card.select('jpki');
    const before = card.apduCount;
    const { der } = await card.readCertificate('auth');
    expect(card.apduCount - before).toBe(Math.ceil(der.length / 256));
  });

  it('reads the PIN counters without spending tries, then locks a PIN after its last wrong try', async () => {
    await insert(await fixtureCard('issued'));
    const card = await connect();
    for (let i = 0; i < 3; i += 1) expect(await card.triesLeft('jpkiAuth')).toBe(3);
    const codes = [];
    for (let i = 0; i < 4; i += 1) {
      codes.push(
        await card.verify('jpkiAuth', ascii('0000')).then(
          () => 'ok',
          (e: CardError) => `${e.code} ${e.triesLeft}`,
        ),
      );
    }
    expect(codes).toEqual(['WRONG_PIN 2', 'WRONG_PIN 1', 'PIN_BLOCKED 0', 'PIN_BLOCKED 0']);
    expect(await card.triesLeft('jpkiAuth')).toBe(0);
  });

  it('sets the PINs of a new card, and resets a blocked one', async () => {
    await insert(await fixtureCard('new-card'));
    const card = await connect();
    const init = () => Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));
    const reset = () => Uint8Array.from(Buffer.from('ffeeddccbbaa99887766554433221100', 'hex'));
    expect(await card.triesLeft('textPin')).toBe('not-set');
    await card.setSecret('signature-password', init(), ascii('MADO2026'));
    await card.setSecret('user-authentication-pin', init(), ascii('5937'));
    await card.setSecret('card-info-input-pin', init(), ascii('5937'));
    await card.setSecret('resident-registry-pin', init(), ascii('5937'));
    expect([
      await card.triesLeft('jpkiSign'),
      await card.triesLeft('jpkiAuth'),
      await card.triesLeft('textPin'),
    ]).toEqual([5, 3, 3]);

    for (let i = 0; i < 3; i += 1)
      await card.verify('textPin', ascii('0000')).catch(() => undefined);
    expect(await card.triesLeft('textPin')).toBe(0);
    await card.resetSecret('card-info-input-pin', reset(), ascii('6048'));
    expect(await card.triesLeft('textPin')).toBe(3);
    const { myNumber } = await card.readPersonalRecords(ascii('6048'));
    expect(myNumber).toMatch(/^[0-9]{12}$/);
  });

  it('fails the possession proof of a card whose key does not match its certificate', async () => {
    await insert(await fixtureCard('forged-key'));
    const card = await connect();
    expect(await codeOf(identifyCard(card, { ...options, authPin: ascii(PIN) }))).toBe(
      'CARD_KEY_MISMATCH',
    );
  });

  it('does not trust a certificate from an unknown CA', async () => {
    await insert(await fixtureCard('unknown-ca'));
    const identity = await identifyCard(await connect(), options);
    expect(identity.authCertificate.chain).toEqual({ valid: false, problem: 'bad-signature' });
  });
});

describe('a card pulled out during a read, through pcscd', () => {
  it('gives a typed error at every step and never an identity', async () => {
    const total = 12;
    const seen = new Set<string>();
    for (let step = 1; step <= total; step += 1) {
      const card = await fixtureCard('issued', (p) => ({ ...p, atr: 'mynumber-contact-a' }));
      const handle = await insert(card);
      // The card leaves the reader as the step-th APDU arrives, before it answers.
      let count = 0;
      const answer = card.process.bind(card);
      card.process = (apdu) => {
        count += 1;
        if (count === step) void handle.remove();
        return answer(apdu);
      };
      const client = await connect();
      seen.add(
        await codeOf(
          identifyCard(client, { ...options, authPin: ascii(PIN), textPin: ascii(PIN) }),
        ),
      );
      await removeAll();
      // vpcd keeps a reader whose card vanished mid-exchange empty for a long while; a fresh
      // daemon gives the next step a clean reader.
      await pcscd.restart();
    }
    expect([...seen]).toEqual(['CARD_REMOVED']);
  }, 60_000);
});

describe('pcscd restarted and two readers, through pcscd', () => {
  it('reports the stopped service as a typed error, and reads the card again once pcscd is back', async () => {
    await insert(await fixtureCard('issued'));
    const card = await connect();
    expect(await card.triesLeft('jpkiAuth')).toBe(3);
    await pcscd.restart('SIGKILL');
    expect(await codeOf(card.triesLeft('textPin'))).toMatch(
      /READER_SERVICE_UNAVAILABLE|CARD_REMOVED|READER_ERROR/,
    );
    // The old card connection died with the daemon; the card is inserted again (vpcd
    // reconnects only a new card) and a new connection reads it.
    await removeAll();
    await insert(await fixtureCard('issued'));
    expect(await (await connect()).triesLeft('jpkiAuth')).toBe(3);
  });

  it('reads a clerk card and an applicant card in two readers at the same time', async () => {
    await insert(await fixtureCard('issued'), 0);
    await insert(await fixtureCard('new-card'), 1);
    const [clerk, applicant] = await Promise.all([connect(0), connect(1)]);
    const [a, b] = await Promise.all([
      identifyCard(clerk, options),
      identifyCard(applicant, options),
    ]);
    expect([a.readerName, a.pins.jpkiAuth]).toEqual([reader(0).name, 3]);
    expect([b.readerName, b.pins.jpkiAuth]).toEqual([reader(1).name, 'not-set']);
  });
});

describe('connecting, through pcscd', () => {
  it('says which reader does not exist, and that a reader is empty', async () => {
    expect(await codeOf(openChannel(port, 'No Such Reader 00 00'))).toBe('NO_READER');
    expect(await codeOf(openChannel(port, reader(1).name))).toBe('NO_CARD');
  });
});
