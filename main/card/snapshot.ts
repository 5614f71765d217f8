// Reader snapshots are values: built once, frozen, compared by content. The manager publishes
// a new one only when it differs, so a listener (and the renderer behind it) hears of every
// change exactly once, however often PC/SC wakes us.

import type { ReaderInfo, ReaderSnapshot } from '../../preload/contract';

export function serviceUnavailable(): ReaderSnapshot {
  return freeze({ service: 'unavailable', readers: [] });
}

export function serviceRunning(readers: readonly ReaderInfo[]): ReaderSnapshot {
  return freeze({ service: 'running', readers: readers.map((reader) => ({ ...reader })) });
}

/** Same service state and the same readers in the same order, each with the same card. */
export function sameSnapshot(a: ReaderSnapshot, b: ReaderSnapshot): boolean {
  return a.service === b.service && sameReaders(a.readers, b.readers);
}

/** The same readers in the same order, each with the same card. */
export function sameReaders(a: readonly ReaderInfo[], b: readonly ReaderInfo[]): boolean {
  return a.length === b.length && a.every((reader, index) => sameReader(reader, b[index]));
}

function sameReader(a: ReaderInfo, b: ReaderInfo | undefined): boolean {
  return b !== undefined && a.name === b.name && a.card === b.card && a.atr === b.atr;
}

function freeze(snapshot: ReaderSnapshot): ReaderSnapshot {
  snapshot.readers.forEach((reader) => Object.freeze(reader));
  Object.freeze(snapshot.readers);
  return Object.freeze(snapshot);
}
