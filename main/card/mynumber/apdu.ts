// Command APDUs for the My Number Card and the one place responses come back through: status
// words are split off, 61xx / 6Cxx are handled the ISO 7816-4 way, every exchange is counted,
// and (debug only) logged with secrets and personal data masked.
//
// Byte layouts: reference mynumber-card-protocol.md §3.1. SELECT always with P2=0C (no FCI).

import type { CardChannel } from '../channel';
import { CardError } from '../errors';
import { hex, invalid } from './tlv';

export const SW_OK = 0x9000;

export interface Response {
  readonly data: Uint8Array;
  readonly sw: number;
}

export function selectApplication(aid: Uint8Array): Uint8Array {
  return Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, aid.length, ...aid]);
}

export function selectFile(fid: number): Uint8Array {
  return Uint8Array.from([0x00, 0xa4, 0x02, 0x0c, 0x02, (fid >> 8) & 0xff, fid & 0xff]);
}

/** VERIFY with no data: answers 63Cx (x tries left) without spending a try. */
export function verifyStatus(sfi: number): Uint8Array {
  return Uint8Array.from([0x00, 0x20, 0x00, 0x80 | sfi]);
}

/** VERIFY of the PIN object with short EF identifier `sfi` (no prior SELECT needed). */
export function verify(sfi: number, secret: Uint8Array): Uint8Array {
  if (secret.length === 0 || secret.length > 0xff) throw new RangeError('bad secret length');
  return Uint8Array.from([0x00, 0x20, 0x00, 0x80 | sfi, secret.length, ...secret]);
}

/** Largest response data one READ BINARY may ask for. */
export const SHORT_LE_MAX = 256;
export const EXTENDED_LE_MAX = 65536;

/**
 * READ BINARY. With `sfi`, P1 = 80|SFI and an 8-bit offset (and the EF becomes current);
 * without, the current EF at a 15-bit offset. `le` up to 256 (short) or 65536 (extended).
 */
export function readBinary(options: {
  sfi?: number;
  offset: number;
  le: number;
  extended: boolean;
}): Uint8Array {
  const { sfi, offset, le, extended } = options;
  let p1: number;
  let p2: number;
  if (sfi !== undefined) {
    if (offset > 0xff) throw new RangeError('an SFI read starts within the first 256 bytes');
    p1 = 0x80 | sfi;
    p2 = offset;
  } else {
    if (offset > 0x7fff) throw new RangeError('READ BINARY offset beyond 15 bits');
    p1 = offset >> 8;
    p2 = offset & 0xff;
  }
  if (!extended || le <= SHORT_LE_MAX) {
    if (le > SHORT_LE_MAX) throw new RangeError('short Le above 256');
    return Uint8Array.from([0x00, 0xb0, p1, p2, le & 0xff]);
  }
  const l = le === EXTENDED_LE_MAX ? 0 : le;
  return Uint8Array.from([0x00, 0xb0, p1, p2, 0x00, (l >> 8) & 0xff, l & 0xff]);
}

/** COMPUTE DIGITAL SIGNATURE with the key of the current key IEF (JPKI: PKCS#1 v1.5 type 01). */
export function computeSignature(digestInfo: Uint8Array): Uint8Array {
  if (digestInfo.length === 0 || digestInfo.length > 245) throw new RangeError('bad input length');
  return Uint8Array.from([0x80, 0x2a, 0x00, 0x80, digestInfo.length, ...digestInfo, 0x00]);
}

function getResponse(le: number): Uint8Array {
  return Uint8Array.from([0x00, 0xc0, 0x00, 0x00, le & 0xff]);
}

/** Where APDU debug lines go (off unless given). Lines never hold secrets or personal data. */
export type ApduLog = (line: string) => void;

/** INS whose command data is a secret: VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER. */
const SECRET_INS = new Set([0x20, 0x24, 0x2c]);

export function describeCommand(command: Uint8Array): string {
  if (command.length <= 5 || !SECRET_INS.has(command[1] as number)) {
    return [...command].map(hex).join(' ');
  }
  const header = [...command.subarray(0, 5)].map(hex).join(' ');
  return `${header} [${command.length - 5} bytes masked]`;
}

/** Response data may be a My Number, a name, a photo or a certificate with an address. */
export function describeResponse(response: Response): string {
  const sw = response.sw.toString(16).toUpperCase().padStart(4, '0');
  return response.data.length === 0 ? sw : `[${response.data.length} bytes masked] ${sw}`;
}

/** Bounds the 61xx GET RESPONSE loop against a card that never stops answering 61xx. */
const MAX_CHAINED_RESPONSES = 300;

export class ApduTransport {
  /** APDUs exchanged with the card so far (GET RESPONSE and 6Cxx resends included). */
  count = 0;

  constructor(
    readonly channel: CardChannel,
    private readonly log?: ApduLog,
  ) {}

  /** Sends `command` and returns data and status word; rejects only with a CardError. */
  async send(command: Uint8Array): Promise<Response> {
    let response = await this.exchange(command);
    // 6Cxx: wrong Le; resend with Le = xx (case 2 short commands only, where Le is last).
    if (response.sw >> 8 === 0x6c && command.length === 5) {
      const resent = Uint8Array.from(command);
      resent[4] = response.sw & 0xff;
      response = await this.exchange(resent);
    }
    if (response.sw >> 8 !== 0x61) return response;
    const parts: Uint8Array[] = [response.data];
    for (let i = 0; response.sw >> 8 === 0x61; i += 1) {
      if (i >= MAX_CHAINED_RESPONSES) throw invalid('the card never ended its 61xx response chain');
      response = await this.exchange(getResponse(response.sw & 0xff));
      parts.push(response.data);
    }
    return { data: concat(parts), sw: response.sw };
  }

  private async exchange(command: Uint8Array): Promise<Response> {
    this.count += 1;
    this.log?.(`> ${describeCommand(command)}`);
    let raw: Uint8Array;
    try {
      raw = await this.channel.transmit(command);
    } catch (error) {
      throw error instanceof CardError
        ? error
        : new CardError('READER_ERROR', String(error), { cause: error });
    }
    if (raw.length < 2) throw invalid(`response of ${raw.length} bytes has no status word`);
    const response = {
      data: raw.subarray(0, raw.length - 2),
      sw: ((raw[raw.length - 2] as number) << 8) | (raw[raw.length - 1] as number),
    };
    this.log?.(`< ${describeResponse(response)}`);
    return response;
  }
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

export function swText(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}
