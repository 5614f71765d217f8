import { describe, expect, it } from 'vitest';
import { WedgeDetector } from './scanner';

function typed(detector: WedgeDetector, text: string, gapMs: number, start = 1000): number {
  let time = start;
  for (let i = 0; i < text.length; i += 1) {
    detector.key(time);
    time += gapMs;
  }
  return time;
}

describe('telling a barcode scanner from a clerk typing', () => {
  it('takes a fast burst ending in Enter for a scan', () => {
    const detector = new WedgeDetector();
    const end = typed(detector, 'MDG-20261120-0001', 4);
    expect(detector.enter(end, 17)).toBe(true);
  });

  it('forgives one delayed key of a busy terminal', () => {
    const detector = new WedgeDetector();
    const end = typed(detector, '0018351980', 8);
    detector.key(end + 60);
    const last = typed(detector, '2000000079252', 8, end + 68);
    expect(detector.enter(last, 24)).toBe(true);
  });

  it('takes typing at human speed for typing', () => {
    const detector = new WedgeDetector();
    const end = typed(detector, '123456789018', 120);
    expect(detector.enter(end, 12)).toBe(false);
  });

  it('does not call a short burst a scan, nor a burst after typed characters', () => {
    const short = new WedgeDetector();
    expect(short.enter(typed(short, 'abc', 4), 3)).toBe(false);
    const mixed = new WedgeDetector();
    const slowEnd = typed(mixed, 'ab', 150);
    const end = typed(mixed, 'MDG-0001-XYZ', 4, slowEnd + 200);
    // The box holds 14 characters, only 12 of which came in the burst.
    expect(mixed.enter(end, 14)).toBe(false);
  });
});
