// The suspension and revocation list on the terminal (reference/sync-protocol.md §3.5):
// central's signed snapshot plus signed deltas, checked against the key pinned at enrolment,
// never rolled back, and a freshness verdict the handover screen obeys.
//
// Applying: each delta page in one transaction with the version it reaches; a snapshot
// page by page into revocation_staging, hashed as it arrives (sync/signing.ts
// RevocationDigest), and swapped in only when the whole set matches the signed digest. A
// crash mid-snapshot leaves the old list in force; the next sync starts the snapshot again.
//
// Freshness, MOSIP style (configurable): fresh; warn after N days without a fresh list;
// stale after M days, past central's next_update (+ grace), past max_age, with no list at
// all, or when the terminal's clock went backwards: then a handover needs a supervisor's
// override with a reason, recorded for review.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import {
  RevocationSnapshotPageSchema,
  RevocationsPageSchema,
  paths,
  type RevocationEntry,
  type RevocationHead,
  type RevocationSnapshotHeader,
} from '../../sync/protocol';
import {
  checkSnapshotComplete,
  RevocationDigest,
  RevocationListError,
  verifyRevocationDelta,
  verifyRevocationHead,
  verifySnapshotHeader,
} from '../../sync/signing';
import type { CentralClient } from './transport';
import { SyncError } from './errors';
import { expectOk } from './http-errors';

export interface RevocationMeta {
  listVersion: number;
  issuedAt: string;
  nextUpdate: string;
  maxAgeMs: number;
  serverTime: string;
  entries: number;
  receivedAt: string;
}

interface MetaRow {
  list_version: number;
  issued_at: string;
  next_update: string;
  max_age_ms: number;
  server_time: string;
  entries: number;
  received_at: string;
}

export function revocationMeta(db: Db): RevocationMeta | null {
  const row = prepared(db, 'SELECT * FROM revocation_meta WHERE id = 1').get() as
    MetaRow | undefined;
  return row
    ? {
        listVersion: row.list_version,
        issuedAt: row.issued_at,
        nextUpdate: row.next_update,
        maxAgeMs: row.max_age_ms,
        serverTime: row.server_time,
        entries: row.entries,
        receivedAt: row.received_at,
      }
    : null;
}

export function heldListVersion(db: Db): number {
  return (
    (prepared(db, 'SELECT list_version FROM revocation_meta WHERE id = 1').pluck().get() as
      number | undefined) ?? 0
  );
}

/** The list's entry for a card, or null when the card is not listed (or was reinstated). */
export function revocationOf(
  db: Db,
  cardSerial: string,
): { status: 'suspended' | 'revoked'; effectiveAt: string; listVersion: number } | null {
  const row = prepared(
    db,
    "SELECT status, effective_at, list_version FROM revocation_entry WHERE card_serial = ? AND status != 'reinstated'",
  ).get(cardSerial) as
    { status: 'suspended' | 'revoked'; effective_at: string; list_version: number } | undefined;
  return row
    ? { status: row.status, effectiveAt: row.effective_at, listVersion: row.list_version }
    : null;
}

const UPSERT_ENTRY = `INSERT INTO revocation_entry (card_serial, status, effective_at, list_version)
  VALUES (@card_serial, @status, @effective_at, @list_version)
  ON CONFLICT (card_serial) DO UPDATE SET status = excluded.status,
    effective_at = excluded.effective_at, list_version = excluded.list_version`;

function writeMeta(db: Db, head: RevocationHead, listVersion: number, receivedAt: Date): void {
  const entries = prepared(db, 'SELECT count(*) FROM revocation_entry').pluck().get() as number;
  prepared(
    db,
    `INSERT INTO revocation_meta (id, list_version, issued_at, next_update, max_age_ms,
       server_time, head_signature, entries, received_at)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET list_version = excluded.list_version,
       issued_at = excluded.issued_at, next_update = excluded.next_update,
       max_age_ms = excluded.max_age_ms, server_time = excluded.server_time,
       head_signature = excluded.head_signature, entries = excluded.entries,
       received_at = excluded.received_at`,
  ).run(
    listVersion,
    head.issued_at,
    head.next_update,
    head.max_age_ms,
    head.server_time,
    head.signature,
    entries,
    receivedAt.toISOString(),
  );
}

export interface RevocationPull {
  listVersion: number;
  deltasApplied: number;
  snapshotEntries: number | null;
}

/**
 * Brings the list up to central's head: deltas, or a snapshot when central asks for one.
 * The freshness timestamp moves only when the terminal holds the head's version.
 */
export async function pullRevocations(
  db: Db,
  client: CentralClient,
  centralKey: Buffer,
  now: () => Date,
): Promise<RevocationPull> {
  let deltasApplied = 0;
  let snapshotEntries: number | null = null;
  for (let pages = 0; pages < 10_000; pages += 1) {
    const held = heldListVersion(db);
    const response = await client.json('GET', paths.stream('revocations', String(held)));
    const page = parseOr(RevocationsPageSchema, expectOk(response, now()));
    guard(() => verifyRevocationHead(page.head, centralKey, held));
    let version = held;
    if (page.snapshot_required) {
      const header = page.snapshot_required;
      guard(() => verifySnapshotHeader(header, centralKey, held));
      snapshotEntries = await fetchSnapshot(db, client, centralKey, header, now);
      version = header.list_version;
    }
    const deltas = page.deltas;
    for (const delta of deltas) {
      guard(() => verifyRevocationDelta(delta, centralKey, version));
      version = delta.to_version;
    }
    db.transaction(() => {
      for (const delta of deltas) {
        for (const entry of delta.entries) prepared(db, UPSERT_ENTRY).run(entry);
      }
      // The head vouches for freshness only for the version it names.
      if (version >= page.head.list_version) writeMeta(db, page.head, version, now());
      else if (deltas.length > 0) writeMetaVersionOnly(db, version, page.head, now());
    })();
    deltasApplied += deltas.length;
    if (page.up_to_date || (deltas.length === 0 && !page.snapshot_required)) {
      return { listVersion: version, deltasApplied, snapshotEntries };
    }
  }
  throw new SyncError('SYNC_BAD_ANSWER', 'Central kept sending revocation pages without end.');
}

/** Behind the head: record the version reached, but not a new freshness time. */
function writeMetaVersionOnly(db: Db, version: number, head: RevocationHead, at: Date): void {
  const held = revocationMeta(db);
  if (held) {
    prepared(db, 'UPDATE revocation_meta SET list_version = ? WHERE id = 1').run(version);
    prepared(
      db,
      'UPDATE revocation_meta SET entries = (SELECT count(*) FROM revocation_entry) WHERE id = 1',
    ).run();
  } else {
    // First list ever, still catching up: freshness from the epoch, i.e. stale until caught up.
    writeMeta(db, { ...head, next_update: new Date(0).toISOString() }, version, at);
  }
}

async function fetchSnapshot(
  db: Db,
  client: CentralClient,
  centralKey: Buffer,
  header: RevocationSnapshotHeader,
  now: () => Date,
): Promise<number> {
  prepared(db, 'DELETE FROM revocation_staging').run();
  const digest = new RevocationDigest();
  let after: string | null = null;
  for (;;) {
    const response = await client.json(
      'GET',
      paths.revocationSnapshot(header.list_version, after, 50_000),
    );
    const page = parseOr(RevocationSnapshotPageSchema, expectOk(response, now()));
    if (
      page.header.list_version !== header.list_version ||
      page.header.signature !== header.signature
    ) {
      throw new SyncError(
        'SYNC_REVOCATION_REFUSED',
        'Central changed the revocation snapshot while it was being fetched; it will be fetched again.',
      );
    }
    guard(() => digest.update(page.entries));
    insertStaging(db, page.entries);
    if (page.next_after === null) break;
    after = page.next_after;
  }
  guard(() => checkSnapshotComplete(header, digest));
  verifySnapshotHeader(header, centralKey, heldListVersion(db));
  swapInSnapshot(db);
  return header.entry_count;
}

export function insertStaging(db: Db, entries: readonly RevocationEntry[]): void {
  db.transaction(() => {
    const insert = prepared(
      db,
      `INSERT INTO revocation_staging (card_serial, status, effective_at, list_version)
       VALUES (@card_serial, @status, @effective_at, @list_version)`,
    );
    for (const entry of entries) insert.run(entry);
  })();
}

/**
 * The staged snapshot becomes the list in one transaction, by renaming the table rather than
 * copying a million rows; an empty staging table takes its place (same shape as migration
 * 0060 creates).
 */
export function swapInSnapshot(db: Db): void {
  db.transaction(() => {
    db.exec(`
      DROP TABLE revocation_entry;
      ALTER TABLE revocation_staging RENAME TO revocation_entry;
      CREATE TABLE revocation_staging (
        card_serial  TEXT PRIMARY KEY,
        status       TEXT NOT NULL CHECK (status IN ('suspended', 'revoked', 'reinstated')),
        effective_at TEXT NOT NULL,
        list_version INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  })();
}

/** Applies verified delta entries and records the version they reach (used by benchmarks). */
export function applyDeltaEntries(db: Db, entries: readonly RevocationEntry[]): void {
  db.transaction(() => {
    for (const entry of entries) prepared(db, UPSERT_ENTRY).run(entry);
  })();
}

function guard(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof RevocationListError) {
      throw new SyncError('SYNC_REVOCATION_REFUSED', `${error.message} The list held is kept.`);
    }
    throw error;
  }
}

function parseOr<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  value: unknown,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new SyncError(
      'SYNC_BAD_ANSWER',
      'Central sent a revocation page this terminal cannot read.',
    );
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------
// Freshness

export interface OfflinePolicy {
  /** Warn the clerk after this many days without a fresh list. */
  warnAfterDays: number;
  /** After this many days, a handover needs a supervisor's override with a reason. */
  blockAfterDays: number;
  /** Tolerance past central's next_update before the list counts as stale. */
  graceMs: number;
}

export const DEFAULT_OFFLINE_POLICY: OfflinePolicy = {
  warnAfterDays: 3,
  blockAfterDays: 14,
  graceMs: 24 * 3_600_000,
};

export type FreshnessReason =
  | 'NO_LIST'
  | 'OLDER_THAN_WARN_DAYS'
  | 'OLDER_THAN_BLOCK_DAYS'
  | 'PAST_NEXT_UPDATE'
  | 'PAST_MAX_AGE'
  | 'CLOCK_WENT_BACKWARDS';

export interface RevocationFreshness {
  level: 'fresh' | 'warn' | 'stale';
  /** What the handover screen does. */
  handover: 'allowed' | 'allowed-with-warning' | 'supervisor-override-required';
  reasons: FreshnessReason[];
  listVersion: number | null;
  receivedAt: string | null;
  ageMs: number | null;
  nextUpdate: string | null;
}

const DAY_MS = 86_400_000;
/** Clock noise tolerated before "the clock went backwards" (sync-protocol CLOCK_SKEW). */
const BACKWARDS_TOLERANCE_MS = 10 * 60_000;

export function revocationFreshness(
  db: Db,
  now: Date,
  policy: OfflinePolicy = DEFAULT_OFFLINE_POLICY,
  clockOffsetMs: number | null = null,
): RevocationFreshness {
  const meta = revocationMeta(db);
  if (!meta) {
    return {
      level: 'stale',
      handover: 'supervisor-override-required',
      reasons: ['NO_LIST'],
      listVersion: null,
      receivedAt: null,
      ageMs: null,
      nextUpdate: null,
    };
  }
  return freshnessOf(meta, now, policy, clockOffsetMs);
}

/** Pure: the verdict for a held list at `now` (the terminal's clock). */
export function freshnessOf(
  meta: Pick<RevocationMeta, 'listVersion' | 'receivedAt' | 'nextUpdate' | 'maxAgeMs'>,
  now: Date,
  policy: OfflinePolicy,
  clockOffsetMs: number | null,
): RevocationFreshness {
  const received = Date.parse(meta.receivedAt);
  const ageMs = now.getTime() - received;
  const reasons: FreshnessReason[] = [];
  let level: RevocationFreshness['level'] = 'fresh';
  const stale = (reason: FreshnessReason): void => {
    reasons.push(reason);
    level = 'stale';
  };
  // Both times are the terminal's own clock, so a constant skew cancels out; a clock set
  // back (to stretch an old list) does not.
  if (ageMs < -BACKWARDS_TOLERANCE_MS) stale('CLOCK_WENT_BACKWARDS');
  if (ageMs >= policy.blockAfterDays * DAY_MS) stale('OLDER_THAN_BLOCK_DAYS');
  if (meta.maxAgeMs > 0 && ageMs > meta.maxAgeMs) stale('PAST_MAX_AGE');
  // next_update is central's time: compare with central's time as estimated from the offset.
  const centralNow = now.getTime() + (clockOffsetMs ?? 0);
  if (centralNow > Date.parse(meta.nextUpdate) + policy.graceMs) stale('PAST_NEXT_UPDATE');
  if (level === 'fresh' && ageMs >= policy.warnAfterDays * DAY_MS) {
    reasons.push('OLDER_THAN_WARN_DAYS');
    level = 'warn';
  }
  const finalLevel = level as RevocationFreshness['level'];
  return {
    level: finalLevel,
    handover:
      finalLevel === 'fresh'
        ? 'allowed'
        : finalLevel === 'warn'
          ? 'allowed-with-warning'
          : 'supervisor-override-required',
    reasons,
    listVersion: meta.listVersion,
    receivedAt: meta.receivedAt,
    ageMs,
    nextUpdate: meta.nextUpdate,
  };
}

/**
 * A supervisor let a handover go ahead on a stale list: recorded as an open review item
 * (reference/sync-protocol.md §3.7 C). The handover event itself should carry the override
 * too, so central flags it as STALE_REVOCATION_OVERRIDE.
 */
export function recordStaleListOverride(
  db: Db,
  input: { supervisorStaffId: string; reason: string; cardSerial: string; at: Date },
): string {
  if (input.reason.trim().length < 3) {
    throw new SyncError(
      'SYNC_REVOCATION_STALE',
      'A supervisor override needs a reason (at least a few words).',
      'usage',
    );
  }
  const reviewId = `override/${input.cardSerial}/${input.at.toISOString()}`;
  prepared(
    db,
    `INSERT INTO sync_review_item (review_id, seq, event_id, kind, reason, created_at, resolution)
     VALUES (?, NULL, NULL, 'handover-override', 'STALE_REVOCATION_OVERRIDE', ?, ?)`,
  ).run(reviewId, input.at.toISOString(), `${input.supervisorStaffId}: ${input.reason.trim()}`);
  return reviewId;
}
