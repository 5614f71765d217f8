// BER-TLV as the My Number Card writes it (reference mynumber-card-protocol.md §5.1): tags of
// one to three bytes (the 券面 APs use private-class "FF xx" / "DF xx"), definite lengths in
// short form or 81 / 82 / 83 long form. Every read is bounds-checked: a length that runs past
// the bytes we have is the card's fault and becomes CARD_DATA_INVALID, never a short slice.

import { CardError } from '../errors';

export interface Tlv {
  /** The tag bytes as one number, e.g. 0xFF20, 0xDF21, 0x30. */
  readonly tag: number;
  /** Offset of the first tag byte in the buffer parsed. */
  readonly start: number;
  /** Offset of the first value byte. */
  readonly valueStart: number;
  /** Offset just after the value (= start of whatever follows). */
  readonly end: number;
}

/** Largest object we accept: READ BINARY offsets are 15 bits, so no EF is larger. */
export const MAX_TLV_LENGTH = 0x7fff;

export function invalid(detail: string): CardError {
  return new CardError('CARD_DATA_INVALID', detail);
}

/** Tag and length at `offset`; the value may lie beyond `bytes` (headers of partial reads). */
export function readHeader(
  bytes: Uint8Array,
  offset: number,
  limit = bytes.length,
): { tag: number; valueStart: number; length: number } {
  let at = offset;
  const next = (): number => {
    if (at >= limit) throw invalid(`TLV header cut short at offset ${at}`);
    return bytes[at++] as number;
  };
  const first = next();
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    // High tag number: more bytes while bit 8 is set; we accept at most two more.
    let more = 0;
    let byte: number;
    do {
      byte = next();
      tag = tag * 256 + byte;
      more += 1;
      if (more > 2) throw invalid(`TLV tag longer than 3 bytes at offset ${offset}`);
    } while ((byte & 0x80) !== 0);
  }
  const lengthByte = next();
  let length: number;
  if (lengthByte < 0x80) length = lengthByte;
  else if (lengthByte >= 0x81 && lengthByte <= 0x83) {
    length = 0;
    for (let i = 0; i < lengthByte - 0x80; i += 1) length = length * 256 + next();
  } else {
    throw invalid(`TLV length form 0x${hex(lengthByte)} at offset ${offset} is not definite`);
  }
  if (length > MAX_TLV_LENGTH) throw invalid(`TLV length ${length} is larger than any card file`);
  return { tag, valueStart: at, length };
}

/** One whole TLV at `offset`, its value inside [offset, limit). */
export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv {
  const { tag, valueStart, length } = readHeader(bytes, offset, limit);
  const end = valueStart + length;
  if (end > limit) {
    throw invalid(
      `TLV 0x${tag.toString(16)} claims ${length} bytes, only ${limit - valueStart} there`,
    );
  }
  return { tag, start: offset, valueStart, end };
}

/** The TLVs that exactly fill [start, end) (the value of a constructed object). */
export function readChildren(bytes: Uint8Array, start: number, end: number): Tlv[] {
  const children: Tlv[] = [];
  let at = start;
  while (at < end) {
    const child = readTlv(bytes, at, end);
    children.push(child);
    at = child.end;
  }
  return children;
}

export function valueOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.valueStart, tlv.end);
}

/** Total size (header + value) announced by the header at the start of a file. */
export function announcedSize(header: Uint8Array): number {
  const { valueStart, length } = readHeader(header, 0);
  return valueStart + length;
}

export function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
