// The vpcd wire protocol, card side (vsmartcard src/vpcd/vpcd.c; docs/reference
// pcsc-test-harness.md): every message, both ways, is a 2-byte big-endian length and then the
// payload. A 1-byte payload from vpcd is a control code; anything longer is a command APDU.

export const VPCD_CONTROL = {
  powerOff: 0x00,
  powerOn: 0x01,
  reset: 0x02,
  /** vpcd asks for the ATR; the answer is the ATR bytes as an ordinary frame. */
  getAtr: 0x04,
} as const;

export type VpcdMessage = { kind: 'control'; code: number } | { kind: 'apdu'; apdu: Buffer };

const MAX_PAYLOAD = 0xffff;

export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_PAYLOAD) {
    throw new RangeError(`vpcd frame payload too long: ${payload.length} bytes`);
  }
  const frame = Buffer.alloc(2 + payload.length);
  frame.writeUInt16BE(payload.length, 0);
  frame.set(payload, 2);
  return frame;
}

/** Reassembles frames from TCP chunks, which may split or join frames anywhere. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /**
   * The frames completed by `chunk`. A frame may hold a PIN (VERIFY data), so every byte is
   * wiped here once it has been copied on: the messages returned are the only copies.
   */
  push(chunk: Uint8Array): VpcdMessage[] {
    const joined =
      this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    this.pending.fill(0);
    this.pending = joined;
    const messages: VpcdMessage[] = [];
    while (this.pending.length >= 2) {
      const length = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + length) break;
      const payload = this.pending.subarray(2, 2 + length);
      this.pending = this.pending.subarray(2 + length);
      messages.push(toMessage(payload));
      payload.fill(0);
    }
    return messages;
  }
}

function toMessage(payload: Buffer): VpcdMessage {
  if (payload.length === 1) return { kind: 'control', code: payload[0] as number };
  return { kind: 'apdu', apdu: Buffer.from(payload) };
}
