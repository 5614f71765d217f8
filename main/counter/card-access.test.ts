// The workflows' card seam over training mode's in-process readers: the named card (or the only
// one present) as a MyNumberCard, released after each step, failures as the card's typed codes
// and, at the contract, as AppErrors with the same code.

import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../preload/contract';
import { CARD_ERROR_CODES, CardError } from '../card/errors';
import { fixtureCard } from '../card/mynumber/testing';
import { TRAINING_READERS, TrainingReaderPort } from '../card/virtual/training-port';
import { AppError } from '../core/errors';
import { cardCallError, createCardAccess, portConnector } from './card-access';

const [CLERK, APPLICANT] = TRAINING_READERS as [string, string];

describe('the card access seam', () => {
  it('opens the card in the named reader, or the only card present, and releases it after the step', async () => {
    const port = new TrainingReaderPort();
    port.insert(APPLICANT, await fixtureCard('new-card'));
    const access = createCardAccess(portConnector(port));

    const named = await access.withCard(APPLICANT, async (card) => {
      expect(card.channel.readerName).toBe(APPLICANT);
      return card.triesLeft('jpkiAuth');
    });
    expect(named).toBe('not-set');
    const only = await access.withCard(undefined, async (card) => card.channel.readerName);
    expect(only).toBe(APPLICANT);
  });

  it('says which reader problem it met, with the codes the clerk screen translates', async () => {
    const port = new TrainingReaderPort();
    const access = createCardAccess(portConnector(port));
    await expect(access.open(CLERK)).rejects.toMatchObject({ code: 'NO_CARD' });
    await expect(access.open()).rejects.toMatchObject({ code: 'NO_CARD' });
    await expect(access.open('no such reader')).rejects.toMatchObject({ code: 'NO_READER' });

    port.insert(CLERK, await fixtureCard('new-card'));
    port.insert(APPLICANT, await fixtureCard('issued'));
    await expect(access.open()).rejects.toMatchObject({ code: 'READER_BUSY' });

    const pulled = access.withCard(CLERK, async (card) => {
      port.remove(CLERK);
      return card.triesLeft('jpkiAuth');
    });
    await expect(pulled).rejects.toMatchObject({ code: 'CARD_REMOVED' });
  });

  it('turns a card error into an AppError with the same code and no PC/SC detail', () => {
    const error = cardCallError(
      new CardError('WRONG_PIN', 'wrong PIN (SW 63C2)', { triesLeft: 2 }),
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).toCallError()).toEqual({
      code: 'WRONG_PIN',
      message: expect.stringContaining('2 tries left'),
      details: [{ path: 'triesLeft', reason: '2' }],
    });
    expect(JSON.stringify((error as AppError).toCallError())).not.toContain('SW');
    const other = new Error('x');
    expect(cardCallError(other)).toBe(other);
  });

  it('every card error code is a contract error code', () => {
    for (const code of CARD_ERROR_CODES) expect(ERROR_CODES).toContain(code);
  });
});
