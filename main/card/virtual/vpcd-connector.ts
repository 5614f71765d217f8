// Inserts a virtual card into a vpcd reader: connects to the reader's TCP port (vpcd listens,
// the card connects; reference §9) and answers vpcd's control codes and APDUs until removed.
// Closing the connection is what vpcd reports to pcscd as "card removed".

import { connect, type Socket } from 'node:net';
import type { VirtualMyNumberCard } from './card';
import { encodeFrame, FrameDecoder, VPCD_CONTROL } from './vpcd-protocol';

export interface InsertedVirtualCard {
  /** Takes the card out: closes the connection and powers the card down. */
  remove(): Promise<void>;
  /** Resolves when the connection ends for any reason (removed, or vpcd/pcscd went away). */
  readonly closed: Promise<void>;
}

export interface VpcdAddress {
  port: number;
  /** 127.0.0.1, not localhost: the test namespace's quickack route is on the IPv4 loopback. */
  host?: string;
}

export function insertIntoVpcd(
  card: VirtualMyNumberCard,
  { port, host = '127.0.0.1' }: VpcdAddress,
): Promise<InsertedVirtualCard> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    const decoder = new FrameDecoder();
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('data', (chunk: Buffer) => {
      const messages = decoder.push(chunk);
      chunk.fill(0);
      for (const message of messages) {
        if (message.kind === 'apdu') {
          socket.write(encodeFrame(card.process(message.apdu)));
          // vpcd's buffer is ours to forget: wipe it (it may hold a PIN).
          message.apdu.fill(0);
        } else if (message.code === VPCD_CONTROL.getAtr) socket.write(encodeFrame(card.atr));
        else if (
          message.code === VPCD_CONTROL.powerOff ||
          message.code === VPCD_CONTROL.powerOn ||
          message.code === VPCD_CONTROL.reset
        ) {
          // Each is a power cycle or warm reset for the card: the security status is gone.
          card.reset();
        }
      }
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      // Once inserted, vpcd going away closes the socket; the card is then simply out.
      socket.on('error', () => undefined);
      socket.once('close', () => card.reset());
      resolve({ remove: () => close(socket), closed });
    });
  });
}

function close(socket: Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.destroy();
  });
}
