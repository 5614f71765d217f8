// Ed25519 signatures for the bulk seeder, computed on worker threads. Signing is the one step
// of an event that does not depend on the event before it (the chain links hashes, and the
// signature is over the hash alone: main/audit/chain.ts), so the seeder hashes in order on the
// main thread and has the signatures made on every core while it writes the previous batch.
// The private key is handed to the workers as PKCS#8 bytes: it stays inside this process.

import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPrivateKey, sign } = require('node:crypto');
const key = createPrivateKey({ key: Buffer.from(workerData.der), format: 'der', type: 'pkcs8' });
parentPort.on('message', ({ id, hashes }) => {
  const h = Buffer.from(hashes.buffer, hashes.byteOffset, hashes.byteLength);
  const n = h.length / 32;
  const out = new Uint8Array(n * 64);
  for (let i = 0; i < n; i += 1) out.set(sign(null, h.subarray(i * 32, i * 32 + 32), key), i * 64);
  parentPort.postMessage({ id, signatures: out }, [out.buffer]);
});
`;

export interface Signer {
  /** The signatures of `hashes` (32 bytes each), in order. */
  sign(hashes: readonly Buffer[]): Promise<Buffer[]>;
  close(): Promise<void>;
}

/** Signs on `threads` worker threads (default: one per core); 0 signs on this thread. */
export function createSigner(privateKeyDer: Buffer, threads = availableParallelism()): Signer {
  if (threads <= 0) {
    const key: KeyObject = createPrivateKey({ key: privateKeyDer, format: 'der', type: 'pkcs8' });
    return {
      sign: (hashes) => Promise.resolve(hashes.map((h) => sign(null, h, key))),
      close: () => Promise.resolve(),
    };
  }
  const der = new Uint8Array(privateKeyDer);
  const workers = Array.from(
    { length: threads },
    () => new Worker(WORKER_SOURCE, { eval: true, workerData: { der } }),
  );
  der.fill(0);
  let nextId = 0;
  const waiting = new Map<
    number,
    { resolve: (signatures: Uint8Array) => void; reject: (e: Error) => void }
  >();
  for (const worker of workers) {
    worker.on('message', ({ id, signatures }: { id: number; signatures: Uint8Array }) => {
      waiting.get(id)?.resolve(signatures);
      waiting.delete(id);
    });
    worker.on('error', (error) => {
      for (const w of waiting.values()) w.reject(error);
      waiting.clear();
    });
  }
  const signPart = (worker: Worker, part: readonly Buffer[]): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      const hashes = new Uint8Array(part.length * 32);
      part.forEach((h, i) => hashes.set(h, i * 32));
      worker.postMessage({ id, hashes }, [hashes.buffer]);
    });
  return {
    async sign(hashes) {
      const per = Math.ceil(hashes.length / workers.length);
      const parts = await Promise.all(
        workers.map((w, i) => signPart(w, hashes.slice(i * per, (i + 1) * per))),
      );
      const out: Buffer[] = [];
      for (const part of parts) {
        const bytes = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
        for (let i = 0; i < bytes.length; i += 64) out.push(bytes.subarray(i, i + 64));
      }
      return out;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
