import { describe, expect, it } from 'vitest';
import type { ReaderInfo } from '../../preload/contract';
import { sameSnapshot, serviceRunning, serviceUnavailable } from './snapshot';

const reader = (name: string, extra: Partial<ReaderInfo> = {}): ReaderInfo => ({
  name,
  card: 'empty',
  ...extra,
});
const withCard = (name: string, atr = '3B89'): ReaderInfo => reader(name, { card: 'present', atr });

describe('reader snapshots', () => {
  it('the same readers with the same cards are the same snapshot: no event for the clerk', () => {
    expect(
      sameSnapshot(
        serviceRunning([reader('A'), withCard('B')]),
        serviceRunning([reader('A'), withCard('B')]),
      ),
    ).toBe(true);
    expect(sameSnapshot(serviceUnavailable(), serviceUnavailable())).toBe(true);
  });

  it.each([
    ['a card inserted', [reader('A')], [withCard('A')]],
    ['another card (another ATR)', [withCard('A', '3B01')], [withCard('A', '3B02')]],
    ['a reader plugged in', [reader('A')], [reader('A'), reader('B')]],
    ['a reader unplugged', [reader('A'), reader('B')], [reader('B')]],
    ['a card that stopped answering', [withCard('A')], [reader('A', { card: 'unavailable' })]],
    ['readers in another order', [reader('A'), reader('B')], [reader('B'), reader('A')]],
  ])('%s is a change', (_, before, after) => {
    expect(sameSnapshot(serviceRunning(before), serviceRunning(after))).toBe(false);
  });

  it('the service stopping is a change even with no readers before', () => {
    expect(sameSnapshot(serviceRunning([]), serviceUnavailable())).toBe(false);
  });

  it('a snapshot handed to listeners cannot be altered by one of them', () => {
    const readers = [reader('A')];
    const snapshot = serviceRunning(readers);
    expect(() => (snapshot.readers as ReaderInfo[]).push(reader('B'))).toThrow(TypeError);
    expect(() => ((snapshot.readers[0] as ReaderInfo).card = 'present')).toThrow(TypeError);
    readers[0]!.card = 'present';
    expect(snapshot.readers[0]?.card).toBe('empty');
  });
});
