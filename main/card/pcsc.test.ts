import { describe, expect, it } from 'vitest';
import { cardStateOf, READER_STATE } from './pcsc';

const { changed, empty, ignore, mute, present, unavailable, unknown } = READER_STATE;
/** pcsc-lite counts card events in the high word; it must not change the verdict. */
const events = (count: number): number => count << 16;

describe('what the reader indicator shows for a PC/SC reader state', () => {
  it.each([
    ['an empty reader', empty | changed, 'empty'],
    ['a card in the reader', present | events(3), 'present'],
    ['a card that gives no answer (upside down, dirty chip)', present | mute, 'unavailable'],
    ['a reader that was unplugged', unknown | unavailable, 'unavailable'],
    ['a reader the driver cannot reach', unavailable, 'unavailable'],
    ['an ignored reader', ignore | empty, 'unavailable'],
    ['no state at all', 0, 'unavailable'],
  ] as const)('%s: %s', (_, flags, shown) => {
    expect(cardStateOf(flags)).toBe(shown);
  });
});
