// The hash chain of case_event: what is hashed and signed, byte for byte. Central verifies
// every uploaded event with exactly this encoding (reference/sync-protocol.md §3.3-3.4), so
// changing it means a new version tag and a protocol version, never an edit in place.
//
// hash = SHA-256( prev_hash || TAG || seq || event_id || terminal_id || actor_staff_id
//                 || actor_role || case_ref || type || payload || case_version_seen
//                 || terminal_time )
// signature = Ed25519(terminal private key, hash)        (the 32 hash bytes are the message)
//
// where
//   prev_hash  the 32 raw bytes of the previous event's hash; 32 zero bytes before seq 1
//   TAG        the text field "madoguchi/case-event/v1"
//   a text field     0x02, then the UTF-8 byte length as uint32 big-endian, then the UTF-8
//                    bytes exactly as stored (no Unicode normalization)
//   an integer field 0x01, then the value as int64 big-endian two's complement
//   NULL             0x00 (actor_staff_id and case_version_seen may be NULL)
// seq and case_version_seen are integers; all other fields are text. payload is the stored
// text, which appendEvent writes as canonical JSON (RFC 8785 JCS: keys sorted by UTF-16 code
// units, no whitespace, ECMAScript number and string forms), so central can hash either the
// bytes it received or its own JCS re-serialization of the parsed payload.

import { createHash } from 'node:crypto';
import type { CaseEventType } from '../../db/migrations/0020-cases';
import type { Actor } from '../../domain/case-lifecycle';

export const HASH_BYTES = 32;
export const GENESIS_HASH: Buffer = Buffer.alloc(HASH_BYTES);
export const CHAIN_TAG = 'madoguchi/case-event/v1';

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One case_event row, as stored. */
export interface CaseEventRow {
  seq: number;
  event_id: string;
  terminal_id: string;
  actor_staff_id: string | null;
  actor_role: Actor;
  case_ref: string;
  type: CaseEventType;
  payload: string;
  case_version_seen: number | null;
  terminal_time: string;
  prev_hash: Buffer;
  hash: Buffer;
  signature: Buffer;
}

type Field = string | number | null;

/** The fields in the encoding above, written into one buffer (no buffer per field). */
function encodeFields(fields: readonly Field[]): Buffer {
  let size = 0;
  for (const value of fields) {
    size += value === null ? 1 : typeof value === 'number' ? 9 : 5 + Buffer.byteLength(value);
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const value of fields) {
    if (value === null) {
      out[at] = 0x00;
      at += 1;
    } else if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) {
        throw new RangeError('chain integers must be safe integers');
      }
      out[at] = 0x01;
      out.writeBigInt64BE(BigInt(value), at + 1);
      at += 9;
    } else {
      out[at] = 0x02;
      const length = out.write(value, at + 5, 'utf8');
      out.writeUInt32BE(length, at + 1);
      at += 5 + length;
    }
  }
  return out;
}

/** The hash of an event from its fields and its predecessor's hash (encoding above). */
export function eventHash(row: Omit<CaseEventRow, 'hash' | 'signature'>): Buffer {
  return createHash('sha256')
    .update(row.prev_hash)
    .update(
      encodeFields([
        CHAIN_TAG,
        row.seq,
        row.event_id,
        row.terminal_id,
        row.actor_staff_id,
        row.actor_role,
        row.case_ref,
        row.type,
        row.payload,
        row.case_version_seen,
        row.terminal_time,
      ]),
    )
    .digest();
}

/** RFC 8785 (JCS) serialization of JSON values: sorted keys, no whitespace. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new RangeError('JSON has no form for a non-finite number');
    }
    return JSON.stringify(value);
  }
  // Loops and string appends rather than map/join: the bulk seeder serializes a payload per case.
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i] as JsonValue);
    }
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  out = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    if (i > 0) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`;
  }
  return `${out}}`;
}
