// Command APDU decoding, card side (ISO/IEC 7816-3 12.1 cases 1-4, short and extended), and
// the status words the virtual card answers with (reference §3.2).

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** The command data; empty for cases 1 and 2. */
  readonly data: Uint8Array;
  /** Ne: how many bytes the terminal expects (256 for short Le 00, 65 536 for extended 0000); null when absent. */
  readonly ne: number | null;
  readonly extended: boolean;
}

/** The APDU's parts, or null when its length fits none of the four cases (answer 6700). */
export function decodeCommand(apdu: Uint8Array): CommandApdu | null {
  if (apdu.length < 4) return null;
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = apdu;
  const header = { cla, ins, p1, p2 };
  if (apdu.length === 4) return { ...header, data: new Uint8Array(0), ne: null, extended: false };
  const b5 = apdu[4] ?? 0;
  if (apdu.length === 5) {
    return { ...header, data: new Uint8Array(0), ne: b5 === 0 ? 256 : b5, extended: false };
  }
  if (b5 !== 0) {
    const data = apdu.subarray(5, 5 + b5);
    if (apdu.length === 5 + b5) return { ...header, data, ne: null, extended: false };
    if (apdu.length === 6 + b5) {
      const le = apdu[5 + b5] ?? 0;
      return { ...header, data, ne: le === 0 ? 256 : le, extended: false };
    }
    return null;
  }
  // b5 = 00 and more bytes follow: extended length.
  if (apdu.length < 7) return null;
  const n = ((apdu[5] ?? 0) << 8) | (apdu[6] ?? 0);
  if (apdu.length === 7) {
    return { ...header, data: new Uint8Array(0), ne: n === 0 ? 65536 : n, extended: true };
  }
  if (n === 0) return null;
  const data = apdu.subarray(7, 7 + n);
  if (apdu.length === 7 + n) return { ...header, data, ne: null, extended: true };
  if (apdu.length === 9 + n) {
    const le = ((apdu[7 + n] ?? 0) << 8) | (apdu[8 + n] ?? 0);
    return { ...header, data, ne: le === 0 ? 65536 : le, extended: true };
  }
  return null;
}

export const SW = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  /** Logical channel not supported (only channel 0 works). */
  CHANNEL_NOT_SUPPORTED: 0x6881,
  SECURE_MESSAGING_NOT_SUPPORTED: 0x6882,
  CHAINING_NOT_SUPPORTED: 0x6884,
  INCOMPATIBLE_FILE_STRUCTURE: 0x6981,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  /** Reference data not usable: the key is blocked (the card's lock SW, reference §3.2). */
  BLOCKED: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  NO_CURRENT_EF: 0x6986,
  /** SM data objects incorrect: the card's answer to an SM CLA on READ/VERIFY (reference §3.2). */
  SM_REFUSED: 0x69fc,
  WRONG_DATA: 0x6a80,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  WRONG_P1P2: 0x6a86,
  REFERENCED_DATA_NOT_FOUND: 0x6a88,
  OFFSET_OUT_OF_FILE: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

/** 63Cx: a wrong secret with x tries left, or the answer to a status query. */
export function triesLeftSw(tries: number): number {
  return 0x63c0 | Math.min(Math.max(tries, 0), 0x0f);
}

export function response(sw: number, data?: Uint8Array): Uint8Array {
  const out = new Uint8Array((data?.length ?? 0) + 2);
  if (data) out.set(data);
  out[out.length - 2] = sw >> 8;
  out[out.length - 1] = sw & 0xff;
  return out;
}
