// The virtual card behind the real pcscd and vpcd, driven through our PC/SC port (the
// binding the app uses): what a counter terminal sees of a card, APDU by APDU.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPcscd, type PcscdHandle } from '../../../test/harness/pcscd';
import {
  exampleProfile,
  insertVirtualCard,
  untilReaderShows,
  type InsertedMyNumberCard,
} from '../../../test/harness/virtual-card';
import type { CardChannel } from '../channel';
import { CardError } from '../errors';
import {
  parseManagementSecret,
  resetSecretCommand,
  secretStatusCommand,
  selectApplication,
  SECRET_LOCATIONS,
  setSecretCommand,
} from '../issuance-profile';
import type { ReaderSession } from '../reader-port';
import { createSmartcardPort } from '../smartcard-port';
import { AIDS } from './card';

const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const ascii = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'ascii'));

async function sw(channel: CardChannel, apdu: string | Uint8Array): Promise<string> {
  const out = await channel.transmit(typeof apdu === 'string' ? hex(apdu) : apdu);
  return Buffer.from(out.subarray(-2)).toString('hex').toUpperCase();
}

const SELECT_JPKI = `00 A4 04 0C 0A ${AIDS.jpki}`;
const SELECT_TEXT = `00 A4 04 0C 0A ${AIDS.text}`;

describe('the virtual card through pcscd and vpcd', () => {
  let pcscd: PcscdHandle;
  let session: ReaderSession;
  const inReader = new Map<number, InsertedMyNumberCard>();

  beforeAll(async () => {
    pcscd = await startPcscd();
    session = await createSmartcardPort().open();
  });

  afterAll(async () => {
    await session?.close();
    for (const card of inReader.values()) await card.remove();
    await pcscd?.stop();
  });

  async function insert(
    readerIndex: number,
    profile: string,
    atr?: 'jpki-legacy',
  ): Promise<CardChannel> {
    const reader = pcscd.readers[readerIndex]!;
    const inserted = await insertVirtualCard(
      reader,
      await exampleProfile(profile, atr ? { atr } : {}),
    );
    inReader.set(readerIndex, inserted);
    return session.connect(reader.name);
  }

  async function pull(readerIndex: number): Promise<void> {
    const reader = pcscd.readers[readerIndex]!;
    const inserted = inReader.get(readerIndex);
    inReader.delete(readerIndex);
    await untilReaderShows(reader, 'empty', async () => {
      await inserted?.remove();
    });
  }

  it('reads the auth certificate in one extended READ BINARY when the ATR allows, in chunks otherwise', async () => {
    const channel = await insert(0, 'issued');
    expect(channel.extendedLength).toBe(true);
    expect(await sw(channel, SELECT_JPKI)).toBe('9000');
    expect(await sw(channel, '00 A4 02 0C 02 00 0A')).toBe('9000');
    const whole = await channel.transmit(hex('00 B0 00 00 00 00 00'));
    expect(whole.length).toBeGreaterThan(1000);
    expect(Buffer.from(whole.subarray(-2)).toString('hex')).toBe('9000');
    await channel.close();
    await pull(0);

    const legacy = await insert(0, 'issued', 'jpki-legacy');
    expect(legacy.extendedLength).toBe(false);
    await sw(legacy, SELECT_JPKI);
    await sw(legacy, '00 A4 02 0C 02 00 0A');
    const chunk = await legacy.transmit(hex('00 B0 00 00 00'));
    expect(chunk.length).toBe(258);
    expect(Buffer.from(chunk.subarray(0, 256))).toEqual(Buffer.from(whole.subarray(0, 256)));
    await legacy.close();
    await pull(0);
  });

  it('wrong PINs count down and block; the status query uses no try', async () => {
    const channel = await insert(0, 'issued');
    await sw(channel, SELECT_JPKI);
    await sw(channel, '00 A4 02 0C 02 00 18');
    expect(await sw(channel, '00 20 00 80')).toBe('63C3');
    expect(await sw(channel, '00 20 00 80')).toBe('63C3');
    for (const [pin, expected] of [
      ['0000', '63C2'],
      ['0001', '63C1'],
      ['0002', '63C0'],
      ['4826', '6984'],
    ] as const) {
      expect(await sw(channel, Uint8Array.from([0, 0x20, 0, 0x80, 4, ...ascii(pin)]))).toBe(
        expected,
      );
    }
    expect(await sw(channel, '00 20 00 80')).toBe('63C0');
    await channel.close();
    await pull(0);
  });

  it('closing the connection resets the card: a verified PIN opens nothing for the next one', async () => {
    const channel = await insert(0, 'issued');
    await sw(channel, SELECT_TEXT);
    await sw(channel, `00 20 00 91 04 ${Buffer.from('4826').toString('hex')}`);
    expect(await sw(channel, '00 B0 81 00 11')).toBe('9000');
    await channel.close();
    const next = await session.connect(pcscd.readers[0]!.name);
    await sw(next, SELECT_TEXT);
    expect(await sw(next, '00 B0 81 00 11')).toBe('6982');
    await next.close();
    await pull(0);
  });

  it('sets the four secrets of a new card and resets a blocked one, per our issuance profile', async () => {
    const profile = await exampleProfile('new-card');
    const init = parseManagementSecret(profile.issuance.initializationSecret);
    const channel = await insert(0, 'new-card');
    const values = {
      'signature-password': 'NEWPASS9',
      'user-authentication-pin': '3817',
      'card-info-input-pin': '5093',
      'resident-registry-pin': '7264',
    } as const;
    for (const [secret, value] of Object.entries(values) as [keyof typeof values, string][]) {
      await sw(channel, selectApplication(SECRET_LOCATIONS[secret]));
      expect(await sw(channel, secretStatusCommand(secret))).toBe('6A88');
      const apdu = setSecretCommand(secret, init, ascii(value));
      expect(await sw(channel, apdu)).toBe('9000');
      apdu.fill(0);
    }
    // Block the TEXT PIN, then reset it with the reset secret.
    await sw(channel, selectApplication(SECRET_LOCATIONS['card-info-input-pin']));
    for (let i = 0; i < 3; i += 1)
      await sw(channel, `00 20 00 91 04 ${Buffer.from('0000').toString('hex')}`);
    expect(await sw(channel, secretStatusCommand('card-info-input-pin'))).toBe('63C0');
    const reset = resetSecretCommand(
      'card-info-input-pin',
      parseManagementSecret(profile.issuance.resetSecret),
      ascii('6150'),
    );
    expect(await sw(channel, reset)).toBe('9000');
    expect(await sw(channel, secretStatusCommand('card-info-input-pin'))).toBe('63C3');
    await channel.close();
    await pull(0);
  });

  it('a card pulled mid-session fails the next command with CARD_REMOVED', async () => {
    const channel = await insert(0, 'issued');
    expect(await sw(channel, SELECT_JPKI)).toBe('9000');
    await pull(0);
    const error: unknown = await channel
      .transmit(hex('00 A4 02 0C 02 00 0A'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardError);
    expect((error as CardError).code).toBe('CARD_REMOVED');
    await channel.close();
  });

  it('two cards in two readers answer independently', async () => {
    const clerk = await insert(0, 'issued');
    const applicant = await insert(1, 'blocked-pins');
    await sw(clerk, SELECT_JPKI);
    await sw(applicant, SELECT_JPKI);
    expect(await sw(clerk, '00 20 00 98')).toBe('63C3');
    expect(await sw(applicant, '00 20 00 98')).toBe('63C0');
    await clerk.close();
    await applicant.close();
  });
});
