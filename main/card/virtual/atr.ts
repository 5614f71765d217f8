// What an ATR says about extended-length APDUs (ISO/IEC 7816-4 8.1.1.2.7: the third software
// function table byte of the "card capabilities" data object, compact-TLV tag 7, bit 7).
// The contact My Number Card ATRs differ here (reference §6): 3B DA 13 … 73 C6 01 C0 declares
// extended length, 3B E0 00 FF 81 31 FE 45 14 has no historical bytes and so declares nothing.

/** The historical bytes of an ATR, or null when the ATR is malformed. */
export function historicalBytes(atr: Uint8Array): Uint8Array | null {
  if (atr.length < 2) return null;
  const t0 = atr[1] ?? 0;
  const count = t0 & 0x0f;
  let indicator = t0;
  let at = 2;
  for (;;) {
    const present = [0x10, 0x20, 0x40].filter((bit) => (indicator & bit) !== 0).length;
    at += present;
    if ((indicator & 0x80) === 0) break;
    if (at >= atr.length) return null;
    indicator = atr[at] ?? 0;
    at += 1;
  }
  if (at + count > atr.length) return null;
  return atr.subarray(at, at + count);
}

/** Whether the card declares extended Lc/Le support in its ATR. */
export function atrDeclaresExtendedLength(atr: Uint8Array): boolean {
  const history = historicalBytes(atr);
  if (!history || history.length === 0) return false;
  const category = history[0];
  // 80: compact-TLV objects follow; 00: the same, with 3 status bytes at the end.
  if (category !== 0x80 && category !== 0x00) return false;
  const end = category === 0x00 ? history.length - 3 : history.length;
  for (let at = 1; at < end;) {
    const tag = (history[at] ?? 0) >> 4;
    const length = (history[at] ?? 0) & 0x0f;
    if (tag === 0x7 && length >= 3) return ((history[at + 3] ?? 0) & 0x40) !== 0;
    at += 1 + length;
  }
  return false;
}
