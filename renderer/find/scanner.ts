// Barcode scanners at the counter are keyboard wedges: they "type" the notice's barcode much
// faster than a person can, then press Enter. This tells the two apart from the keystroke
// timing alone, so one search box serves both.
//
// A scanner sends a key every few ms (a busy terminal may hold one back now and then); a person
// averages 150-300 ms per key and even a fast typist cannot keep under 60 ms over a dozen keys.

/** The burst's average gap between keys must be at most this. */
export const SCAN_MEAN_GAP_MS = 45;
/** No single gap may exceed this: a longer pause means a person. */
export const SCAN_MAX_GAP_MS = 150;
/** Shorter bursts are chance (a fast double key), not a barcode. */
export const SCAN_MIN_LENGTH = 6;

export class WedgeDetector {
  #times: number[] = [];

  /** A printable key went into the box at `time` (ms). */
  key(time: number): void {
    const last = this.#times.at(-1);
    // A slow key starts a new burst: only the keys since then can be a scan.
    if (last !== undefined && time - last > SCAN_MAX_GAP_MS) this.#times = [];
    this.#times.push(time);
  }

  /** The box was cleared or edited otherwise: what follows starts afresh. */
  reset(): void {
    this.#times = [];
  }

  /** Enter at `time`: was the whole input one fast burst, i.e. a scan? Resets either way. */
  enter(time: number, inputLength: number): boolean {
    const times = this.#times;
    this.#times = [];
    const first = times[0];
    const last = times.at(-1);
    if (first === undefined || last === undefined) return false;
    return (
      times.length >= SCAN_MIN_LENGTH &&
      times.length === inputLength &&
      (last - first) / (times.length - 1) <= SCAN_MEAN_GAP_MS &&
      time - last <= SCAN_MAX_GAP_MS
    );
  }
}
