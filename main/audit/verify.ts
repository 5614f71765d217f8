// Checking the local audit chain: the sequence has no holes, each event names its
// predecessor's hash, each hash matches the event's fields, each signature matches the
// terminal's public key. Used by `madoguchi db check` / `audit verify`.
//
// What it cannot see: a truncated tail. Deleting the newest events leaves a shorter chain
// that is still valid, because nothing after them refers to them. Only a record kept
// elsewhere catches that: central's acknowledged high-water mark (sync acknowledgement,
// reference/sync-protocol.md §3.4). Likewise a chain re-signed with a replaced key verifies
// here; central checks against the public key pinned at enrolment.

import { verify } from 'node:crypto';
import type { Db } from '../../db/open';
import { eventHash, GENESIS_HASH, type CaseEventRow } from './chain';
import { publicKeyFromRaw, storedPublicKey } from './terminal-key';

export type AuditChainResult =
  | { ok: true; events: number; lastSeq: number }
  | {
      ok: false;
      /** The first event that fails; for a gap, the first missing seq. */
      seq: number;
      reason: 'gap' | 'prev-hash-mismatch' | 'hash-mismatch' | 'bad-signature';
    };

export function verifyAuditChain(db: Db): AuditChainResult {
  // One read transaction: a consistent snapshot even while the app keeps appending.
  return db.transaction((): AuditChainResult => {
    const stored = storedPublicKey(db);
    const publicKey = stored && publicKeyFromRaw(stored.publicKey);
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    const rows = db
      .prepare('SELECT * FROM case_event ORDER BY seq')
      .iterate() as Iterable<CaseEventRow>;
    for (const row of rows) {
      if (row.seq !== expectedSeq) return { ok: false, seq: expectedSeq, reason: 'gap' };
      if (!prevHash.equals(row.prev_hash)) {
        return { ok: false, seq: row.seq, reason: 'prev-hash-mismatch' };
      }
      if (!eventHash(row).equals(row.hash)) {
        return { ok: false, seq: row.seq, reason: 'hash-mismatch' };
      }
      if (!publicKey || !signatureValid(publicKey, row)) {
        return { ok: false, seq: row.seq, reason: 'bad-signature' };
      }
      prevHash = row.hash;
      expectedSeq += 1;
    }
    return { ok: true, events: expectedSeq - 1, lastSeq: expectedSeq - 1 };
  })();
}

function signatureValid(
  publicKey: ReturnType<typeof publicKeyFromRaw>,
  row: CaseEventRow,
): boolean {
  try {
    return verify(null, row.hash, publicKey, row.signature);
  } catch {
    return false;
  }
}
