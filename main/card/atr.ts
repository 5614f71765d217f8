// What a card's answer-to-reset says about extended-length APDUs (ISO/IEC 7816-3 §8.2 for the
// ATR layout, 7816-4 §8.1.1 for the historical bytes): the "card capabilities" object
// (compact-TLV tag 7) carries, in its third byte, bit b7 = "extended Lc and Le fields".
// A My Number Card ATR such as 3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B
// ends its historical bytes with 73 C6 01 C0: C0 = command chaining + extended length.

/** The historical bytes of an ATR, or null when the ATR is malformed. */
export function historicalBytes(atr: Uint8Array): Uint8Array | null {
  if (atr.length < 2) return null;
  const t0 = atr[1] as number;
  const count = t0 & 0x0f;
  let y = t0 >> 4;
  let at = 2;
  for (;;) {
    at += (y & 1) + ((y >> 1) & 1) + ((y >> 2) & 1);
    if ((y & 8) === 0) break;
    if (at >= atr.length) return null;
    y = (atr[at] as number) >> 4;
    at += 1;
  }
  if (at + count > atr.length) return null;
  return atr.subarray(at, at + count);
}

/** True only when the card's ATR declares extended Lc/Le; false when it says nothing. */
export function atrDeclaresExtendedLength(atr: Uint8Array): boolean {
  const historical = historicalBytes(atr);
  if (!historical || historical.length === 0) return false;
  const category = historical[0];
  // 80: compact-TLV objects follow; 00: compact-TLV objects, then a 3-byte status indicator.
  if (category !== 0x80 && category !== 0x00) return false;
  const end = category === 0x00 ? historical.length - 3 : historical.length;
  let at = 1;
  while (at < end) {
    const tag = (historical[at] as number) >> 4;
    const length = (historical[at] as number) & 0x0f;
    if (at + 1 + length > end) return false;
    if (tag === 0x7 && length >= 3) return ((historical[at + 3] as number) & 0x40) !== 0;
    at += 1 + length;
  }
  return false;
}
