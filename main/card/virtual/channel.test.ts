import { describe, expect, it } from 'vitest';
import { CardError } from '../errors';
import { virtualCardChannel } from './channel';
import { fixtureCard } from '../../../test/harness/card-keys';
import { loadCardProfile } from './profile';

const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const sw = (out: Uint8Array): string => Buffer.from(out.subarray(-2)).toString('hex').toUpperCase();
const SELECT_TEXT = hex('00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08');
const VERIFY_TEXT_PIN = hex(`00 20 00 91 04 ${Buffer.from('4826').toString('hex')}`);
const READ_MY_NUMBER = hex('00 B0 81 00 11');

async function issuedCard(atr?: 'jpki-legacy') {
  const profile = await loadCardProfile('test/fixtures/cards/issued.json');
  return fixtureCard(atr ? { ...profile, atr } : profile);
}

async function removedCode(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CardError);
  return (error as CardError).code;
}

describe('the in-process channel to a virtual card', () => {
  it('offers extended length exactly when the card ATR declares it', async () => {
    expect(virtualCardChannel(await issuedCard()).extendedLength).toBe(true);
    expect(virtualCardChannel(await issuedCard('jpki-legacy')).extendedLength).toBe(false);
  });

  it('a pulled card fails every later command with CARD_REMOVED and forgets its PIN state', async () => {
    const card = await issuedCard();
    const channel = virtualCardChannel(card, 'Training reader');
    expect(channel.readerName).toBe('Training reader');
    await channel.transmit(SELECT_TEXT);
    expect(sw(await channel.transmit(VERIFY_TEXT_PIN))).toBe('9000');
    channel.pull();
    expect(await removedCode(channel.transmit(READ_MY_NUMBER))).toBe('CARD_REMOVED');
    card.process(SELECT_TEXT);
    expect(sw(card.process(READ_MY_NUMBER))).toBe('6982');
  });

  it('pullAfter(n) lets n commands through, then the card is gone', async () => {
    const channel = virtualCardChannel(await issuedCard());
    channel.pullAfter(2);
    await channel.transmit(SELECT_TEXT);
    await channel.transmit(VERIFY_TEXT_PIN);
    expect(await removedCode(channel.transmit(READ_MY_NUMBER))).toBe('CARD_REMOVED');
    expect(channel.transmitted).toBe(2);
  });

  it('closing resets the card, as the PC/SC channel does, and the channel is done', async () => {
    const card = await issuedCard();
    const channel = virtualCardChannel(card);
    await channel.transmit(SELECT_TEXT);
    await channel.transmit(VERIFY_TEXT_PIN);
    await channel.close();
    expect(await removedCode(channel.transmit(READ_MY_NUMBER))).toBe('READER_ERROR');
    // Without the reset the TEXT AP would still be selected, with its PIN verified.
    const next = virtualCardChannel(card);
    expect(sw(await next.transmit(READ_MY_NUMBER))).toBe('6A82');
  });
});
