// The client against the in-process virtual card (main/card/virtual/): every counter flow,
// byte for byte the same APDUs as through PC/SC (client.pcsc.test.ts runs them there).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CardChannel } from '../channel';
import { CardError } from '../errors';
import { virtualCardChannel } from '../virtual/channel';
import { MyNumberCard } from './client';
import { identifyCard } from './identify';
import { ascii, fixtureCard, testAnchors } from './testing';

const AT = new Date('2026-11-22T10:00:00Z');
const PIN = '4826';

async function training(): Promise<{
  anchors: Awaited<ReturnType<typeof testAnchors>>;
  at: Date;
  mode: 'training';
}> {
  return { anchors: await testAnchors(), at: AT, mode: 'training' };
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

describe('identifying an issued card', () => {
  it('shows the PIN counters, the trusted authentication certificate, the proof of its key, the My Number and the basic four', async () => {
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('issued')));
    const identity = await identifyCard(card, {
      ...(await training()),
      authPin: ascii(PIN),
      textPin: ascii(PIN),
    });
    expect(identity).toMatchObject({
      pins: { jpkiAuth: 3, jpkiSign: 5, textPin: 3 },
      authCertificate: { chain: { valid: true }, issuer: expect.stringContaining('O=JPKI-TEST') },
      possession: 'proven',
      personal: {
        myNumber: '100000000013',
        basicFour: {
          name: '試験\u3000花子',
          address: 'テスト県見本市架空町一丁目２番３号',
          birthDate: { year: 1980, month: 2, day: 17 },
          sex: 'female',
        },
      },
    });
  });

  it('does not trust the test JPKI outside training mode', async () => {
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('issued')));
    const identity = await identifyCard(card, { ...(await training()), mode: 'production' });
    expect(identity.authCertificate.chain).toEqual({
      valid: false,
      problem: 'test-anchor-in-production',
    });
  });

  it('finds a card from an unknown CA (same names, other keys) untrusted', async () => {
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('unknown-ca')));
    const identity = await identifyCard(card, await training());
    expect(identity.authCertificate.chain).toEqual({ valid: false, problem: 'bad-signature' });
  });

  it('catches a card whose key does not match its certificate', async () => {
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('forged-key')));
    expect(await codeOf(identifyCard(card, { ...(await training()), authPin: ascii(PIN) }))).toBe(
      'CARD_KEY_MISMATCH',
    );
  });

  it('reads a certificate in one READ BINARY when the card and reader take extended length, else in 256-byte chunks', async () => {
    const extended = virtualCardChannel(
      await fixtureCard('issued', (p) => ({ ...p, atr: 'mynumber-contact-a' })),
    );
    const short = virtualCardChannel(
      await fixtureCard('issued', (p) => ({ ...p, atr: 'jpki-legacy' })),
    );
    expect([extended.extendedLength, short.extendedLength]).toEqual([true, false]);
    const counts = [];
    for (const channel of [extended, short]) {
      const card = new MyNumberCard(channel);
      await card.select('jpki');
      const before = card.apduCount;
      const { der } = await card.readCertificate('auth');
      counts.push({ apdus: card.apduCount - before, chunks: Math.ceil(der.length / 256) });
    }
    expect(counts[0]?.apdus).toBe(1);
    expect(counts[1]?.apdus).toBe(counts[1]?.chunks);
  });
});

describe('the JPKI certificates', () => {
  it('reads the CA certificates freely and the signature certificate only with the signature password', async () => {
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('issued')));
    const authCa = await card.readCertificate('authCa');
    const signCa = await card.readCertificate('signCa');
    expect([authCa.certificate.ca, signCa.certificate.ca]).toEqual([true, true]);
    expect(
      await codeOf(card.readFile({ app: 'jpki', fid: 0x01, label: 'signature certificate' })),
    ).toBe('PIN_REQUIRED');
    expect(await codeOf(card.readCertificate('sign'))).toBe('PIN_REQUIRED');
    await expect(card.readCertificate('sign', ascii('WRONG999'))).rejects.toMatchObject({
      code: 'WRONG_PIN',
      triesLeft: 4,
    });
    const sign = await card.readCertificate('sign', ascii('TEST2026'));
    expect(sign.certificate.issuer).toBe(signCa.certificate.subject);
  });
});

describe('PINs', () => {
  it('reads the counters without spending a try', async () => {
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('issued')));
    await expect(card.verify('textPin', ascii('0000'))).rejects.toMatchObject({
      code: 'WRONG_PIN',
      triesLeft: 2,
    });
    for (let i = 0; i < 5; i += 1) expect(await card.triesLeft('textPin')).toBe(2);
  });

  it('says how many tries are left after each wrong PIN, then that the PIN is locked', async () => {
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('issued')));
    const seen = [];
    for (let i = 0; i < 4; i += 1) {
      try {
        await card.verify('jpkiAuth', ascii('0000'));
      } catch (error) {
        const e = error as CardError;
        seen.push([e.code, e.triesLeft, e.message]);
      }
    }
    expect(seen).toEqual([
      ['WRONG_PIN', 2, expect.stringContaining('2 tries left')],
      ['WRONG_PIN', 1, expect.stringContaining('1 try left')],
      ['PIN_BLOCKED', 0, expect.stringContaining('locked')],
      ['PIN_BLOCKED', 0, expect.stringContaining('locked')],
    ]);
    // Even the right PIN no longer opens it.
    expect(await codeOf(card.verify('jpkiAuth', ascii(PIN)))).toBe('PIN_BLOCKED');
    expect(await card.triesLeft('jpkiAuth')).toBe(0);
  });

  it('zeroes the PIN bytes it was given, whether the PIN was right or wrong', async () => {
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('issued')));
    const right = ascii(PIN);
    const wrong = ascii('9999');
    await card.verify('textPin', right);
    await card.verify('textPin', wrong).catch(() => undefined);
    expect([...right, ...wrong].every((byte) => byte === 0)).toBe(true);
  });

  it('never writes a PIN or a record into the APDU log', async () => {
    const lines: string[] = [];
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('issued')), {
      log: (l) => lines.push(l),
    });
    await card.readPersonalRecords(ascii(PIN));
    const log = lines.join('\n');
    expect(log).toContain('00 20 00 91 04 [4 bytes masked]');
    expect(log).not.toMatch(/34 38 32 36|3438|4826/);
    expect(log).not.toMatch(/31 30 30 30|100000000013/);
    expect(log).toMatch(/< \[17 bytes masked\] 9000/);
  });

  it('sets the four secrets of a new card with its initialization secret', async () => {
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('new-card')));
    const init = () => Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));
    expect(await card.triesLeft('jpkiAuth')).toBe('not-set');
    expect(await codeOf(card.verify('jpkiAuth', ascii(PIN)))).toBe('PIN_NOT_SET');
    await card.setSecret('user-authentication-pin', init(), ascii('5937'));
    await card.setSecret('signature-password', init(), ascii('MADO2026'));
    await card.setSecret('card-info-input-pin', init(), ascii('5937'));
    await card.setSecret('resident-registry-pin', init(), ascii('5937'));
    expect(await card.triesLeft('jpkiAuth')).toBe(3);
    expect(await card.triesLeft('jpkiSign')).toBe(5);
    await card.verify('textPin', ascii('5937'));
    expect(await codeOf(card.setSecret('card-info-input-pin', init(), ascii('1111')))).toBe(
      'PIN_ALREADY_SET',
    );
  });

  it('refuses a wrong initialization secret and says the card did not accept it', async () => {
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('new-card')));
    const wrong = new Uint8Array(16).fill(7);
    await expect(
      card.setSecret('user-authentication-pin', wrong, ascii('5937')),
    ).rejects.toMatchObject({
      code: 'ISSUANCE_SECRET_REJECTED',
      triesLeft: 9,
    });
  });

  it('resets a blocked PIN with the reset secret', async () => {
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('blocked-pins')));
    expect(await card.triesLeft('jpkiAuth')).toBe(0);
    const reset = Uint8Array.from(Buffer.from('ffeeddccbbaa99887766554433221100', 'hex'));
    await card.resetSecret('user-authentication-pin', reset, ascii('7051'));
    expect(await card.triesLeft('jpkiAuth')).toBe(3);
    await card.verify('jpkiAuth', ascii('7051'));
  });
});

describe('the card face (VISUAL AP)', () => {
  it('reads the photo with collation number B, and refuses without it', async () => {
    const card = new MyNumberCard(virtualCardChannel(await fixtureCard('issued')));
    expect(await codeOf(card.readFile({ app: 'visual', fid: 0x02, label: 'card face' }))).toBe(
      'PIN_REQUIRED',
    );
    // 1980-02-17 = 昭和55年; expiry 2035; security code 2285 (reference §3.3 example).
    const face = await card.readCardFace(ascii('55021720352285'));
    expect(face.photo.length).toBeGreaterThan(0);
    expect(face).toMatchObject({
      birthDate: { year: 1980, month: 2, day: 17 },
      sex: 'female',
      expiry: { year: 2035 },
    });
  });
});

describe('a card pulled out during identification', () => {
  it('fails with CARD_REMOVED at every step, never with a partial identity', async () => {
    const options = { ...(await training()) };
    const full = new MyNumberCard(virtualCardChannel(await fixtureCard('issued')));
    const total = (
      await identifyCard(full, { ...options, authPin: ascii(PIN), textPin: ascii(PIN) })
    ).apdus;
    expect(total).toBeGreaterThan(10);
    for (let step = 0; step < total; step += 1) {
      const channel = virtualCardChannel(await fixtureCard('issued'));
      channel.pullAfter(step);
      const card = new MyNumberCard(channel);
      expect(
        await codeOf(identifyCard(card, { ...options, authPin: ascii(PIN), textPin: ascii(PIN) })),
      ).toBe('CARD_REMOVED');
    }
  });
});

/** A card that answers each command with arbitrary bytes. */
function hostileChannel(responses: Uint8Array[], extendedLength: boolean): CardChannel {
  let i = 0;
  return {
    readerName: 'hostile',
    atr: Uint8Array.from([0x3b, 0x00]),
    extendedLength,
    transmit: async () => responses[i++ % responses.length] ?? new Uint8Array(0),
    close: async () => undefined,
  };
}

describe('a hostile card', () => {
  it('gets a CardError for anything it answers, never another exception and never a record', async () => {
    const options = await training();
    const ok = Uint8Array.from([0x90, 0x00]);
    const response = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((data) => Uint8Array.from([...data, 0x90, 0x00])),
      fc.constant(ok),
      fc
        .constantFrom(0x61, 0x6c, 0x63)
        .chain((sw1) => fc.nat(255).map((sw2) => Uint8Array.from([sw1, sw2]))),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(response, { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        async (responses, extended) => {
          const card = new MyNumberCard(hostileChannel(responses, extended));
          try {
            const identity = await identifyCard(card, { ...options, textPin: ascii(PIN) });
            // Only a record that passed every check may come back, and it cannot be trusted.
            return identity.authCertificate.chain.valid === false;
          } catch (error) {
            return error instanceof CardError;
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
