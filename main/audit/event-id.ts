import { randomFillSync } from 'node:crypto';

/** Random bytes for 256 IDs at a time: one call into the CSPRNG instead of one per ID. */
const pool = Buffer.alloc(16 * 256);
let used = pool.length;

/**
 * A UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then randomness. Event IDs sort
 * roughly by creation time, which keeps central's UNIQUE index on them append-friendly.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = pool.subarray(used, used + 16);
  used += 16;
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
