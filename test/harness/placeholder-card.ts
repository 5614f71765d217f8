// A tiny virtual card for the reader tests, until the virtual My Number Card exists. It
// connects to a vpcd port (= inserted into that reader) and answers just enough to be driven
// through pcscd: a SELECT of its own AID, and "not supported" for everything else.

import { connect, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder, VPCD_CONTROL } from '../../main/card/virtual/vpcd-protocol';

/**
 * A plausible contact ATR that cannot be mistaken for a My Number Card: direct convention
 * (TS 3B), T0 89 = TD1 follows + 9 historical bytes, TD1 01 = T=1 only (like the real card's
 * contact interface), historical bytes "MADOGUCHI" (category 4D: proprietary, ISO 7816-4
 * 8.1.1), TCK DF = XOR of T0..last historical byte, required because T=1 is offered.
 */
export const PLACEHOLDER_ATR = Buffer.from('3B89014D41444F4755434849' + 'DF', 'hex');

/**
 * "F0" + "MADOGUCHI": a proprietary, unregistered AID (ISO 7816-5 category F) so it can never
 * collide with a real application.
 */
export const PLACEHOLDER_AID = Buffer.from('F04D41444F4755434849', 'hex');

const SW_OK = Buffer.from([0x90, 0x00]);
const SW_FILE_NOT_FOUND = Buffer.from([0x6a, 0x82]);
const SW_WRONG_LENGTH = Buffer.from([0x67, 0x00]);
const SW_INS_NOT_SUPPORTED = Buffer.from([0x6d, 0x00]);

export interface PlaceholderCardOptions {
  atr?: Buffer;
}

export interface InsertedCard {
  /** Closes the connection: vpcd reports the card as removed. */
  remove(): Promise<void>;
}

export function insertPlaceholderCard(
  port: number,
  options: PlaceholderCardOptions = {},
): Promise<InsertedCard> {
  const atr = options.atr ?? PLACEHOLDER_ATR;
  return new Promise((resolve, reject) => {
    // 127.0.0.1, not localhost: the quickack route is on the IPv4 loopback.
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      for (const message of decoder.push(chunk)) {
        if (message.kind === 'apdu') socket.write(encodeFrame(answer(message.apdu)));
        else if (message.code === VPCD_CONTROL.getAtr) socket.write(encodeFrame(atr));
        // Power on/off and reset need no answer: the placeholder keeps no state.
      }
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      // Once inserted, pcscd going away closes the socket; that is not a test failure.
      socket.on('error', () => undefined);
      resolve({ remove: () => close(socket) });
    });
  });
}

/** The placeholder's whole "file system": one application, selectable by its AID. */
export function answer(apdu: Buffer): Buffer {
  const isSelectByAid =
    apdu.length >= 5 && apdu[0] === 0x00 && apdu[1] === 0xa4 && apdu[2] === 0x04;
  if (!isSelectByAid) return SW_INS_NOT_SUPPORTED;
  const lc = apdu[4] as number;
  // Case 3 (header, Lc, data) or case 4 (the same plus one Le byte).
  if (apdu.length !== 5 + lc && apdu.length !== 6 + lc) return SW_WRONG_LENGTH;
  return apdu.subarray(5, 5 + lc).equals(PLACEHOLDER_AID) ? SW_OK : SW_FILE_NOT_FOUND;
}

function close(socket: Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    // destroy, not end: vpcd sees the FIN either way, and we need not wait for its reply.
    socket.destroy();
  });
}
