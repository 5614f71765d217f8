import { describe, expect, it } from 'vitest';
import { answer, PLACEHOLDER_AID, PLACEHOLDER_ATR } from './placeholder-card';
import { encodeFrame, FrameDecoder } from '../../main/card/virtual/vpcd-protocol';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('vpcd framing', () => {
  it('prefixes each payload with its 2-byte big-endian length', () => {
    expect(encodeFrame(hex('00 A4 04 00'))).toEqual(hex('0004 00A40400'));
    expect(encodeFrame(Buffer.alloc(0x0123)).subarray(0, 2)).toEqual(hex('0123'));
  });

  it('refuses a payload that does not fit the length field', () => {
    expect(() => encodeFrame(Buffer.alloc(0x10000))).toThrow(RangeError);
  });

  it('reads a 1-byte payload as a control code and a longer one as an APDU', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(hex('0001 04  0005 00A4040C00'))).toEqual([
      { kind: 'control', code: 4 },
      { kind: 'apdu', apdu: hex('00A4040C00') },
    ]);
  });

  it('reassembles frames split anywhere by TCP, even inside the length', () => {
    const stream = Buffer.concat([encodeFrame(hex('01')), encodeFrame(hex('00A4040C02AABB'))]);
    const decoder = new FrameDecoder();
    const messages = [...stream].flatMap((byte) => decoder.push(Buffer.from([byte])));
    expect(messages).toEqual([
      { kind: 'control', code: 1 },
      { kind: 'apdu', apdu: hex('00A4040C02AABB') },
    ]);
  });
});

describe('the placeholder card', () => {
  const select = (aid: Buffer, le = ''): Buffer =>
    Buffer.concat([hex('00A4040C'), Buffer.from([aid.length]), aid, hex(le)]);

  it('answers 9000 to a SELECT of its own AID, with or without Le', () => {
    expect(answer(select(PLACEHOLDER_AID))).toEqual(hex('9000'));
    expect(answer(select(PLACEHOLDER_AID, '00'))).toEqual(hex('9000'));
  });

  it('answers 6A82 to a SELECT of another application, such as the JPKI AP', () => {
    expect(answer(select(hex('D392F000260100000001')))).toEqual(hex('6A82'));
  });

  it('answers 6700 to a SELECT whose Lc does not match its data', () => {
    expect(answer(hex('00A4040C0AF04D41'))).toEqual(hex('6700'));
  });

  it('answers 6D00 to any other command', () => {
    expect(answer(hex('00B0000004'))).toEqual(hex('6D00'));
    expect(answer(hex('00A4020C020001'))).toEqual(hex('6D00'));
  });

  it('has a well-formed T=1 ATR: its check byte makes T0..TCK XOR to zero', () => {
    expect(PLACEHOLDER_ATR[0]).toBe(0x3b);
    expect(PLACEHOLDER_ATR.subarray(1).reduce((xor, byte) => xor ^ byte, 0)).toBe(0);
    const historical = (PLACEHOLDER_ATR[1] as number) & 0x0f;
    expect(PLACEHOLDER_ATR.length).toBe(2 + 1 + historical + 1); // TS T0 TD1 hist TCK
  });
});
