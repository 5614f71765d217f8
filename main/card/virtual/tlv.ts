// BER-TLV and DER building blocks for the card's files (reference §5.1: private-class tags
// FF xx / DF xx, definite lengths 1 byte, 81 xx or 82 xx xx) and for the few certificate
// fields @peculiar/x509 has no builder for.

/** A tag as its bytes: 0x30 -> 30, 0xdf21 -> DF 21, 0x7f21 -> 7F 21. */
function tagBytes(tag: number): number[] {
  return tag > 0xff ? [tag >> 8, tag & 0xff] : [tag];
}

export function berLength(length: number): number[] {
  if (length < 0x80) return [length];
  if (length <= 0xff) return [0x81, length];
  if (length <= 0xffff) return [0x82, length >> 8, length & 0xff];
  throw new RangeError('TLV value too long');
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** One TLV object; a list of values is concatenated (a constructed object's children). */
export function tlv(tag: number, value: Uint8Array | readonly Uint8Array[]): Uint8Array {
  const body = value instanceof Uint8Array ? value : concat(value);
  return concat([Uint8Array.from([...tagBytes(tag), ...berLength(body.length)]), body]);
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (character) => character.charCodeAt(0) & 0x7f);
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** DER OBJECT IDENTIFIER value bytes for a dotted OID. */
export function oidBytes(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const out = [40 * first + second];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) groups.unshift((value & 0x7f) | 0x80);
    out.push(...groups);
  }
  return Uint8Array.from(out);
}

export function fill(length: number, byte: number): Uint8Array {
  return new Uint8Array(length).fill(byte);
}
