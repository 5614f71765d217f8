// The download streams (docs/sync-protocol.md §4): per-office pages with an opaque cursor
// (central's stream position), and the revocation list as a signed head, signed deltas and a
// paged snapshot whose signed header carries the digest of every entry.

import type { KeyObject } from 'node:crypto';
import { WRAP_LABELS, wrapSecret } from '../sync/card-secret';
import {
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  MAX_SNAPSHOT_PAGE_LIMIT,
  PROTOCOL_VERSION,
  type ApplicationItem,
  type ApplicationsPage,
  type CardItem,
  type CardsPage,
  type CardStatusItem,
  type CardStatusPage,
  type RevocationDelta,
  type RevocationHead,
  type RevocationSnapshotHeader,
  type RevocationSnapshotPage,
  type RevocationsPage,
  type TrustRootsPage,
} from '../sync/protocol';
import {
  RevocationDigest,
  signRevocationDelta,
  signRevocationHead,
  signSnapshotHeader,
  signTrustRoot,
} from '../sync/signing';
import { syncError } from './ingest';
import type { CentralStore, TerminalRecord } from './store/central-store';

export interface StreamContext {
  store: CentralStore;
  signingKey: KeyObject;
  now: () => Date;
  /** How long a terminal may go before asking again (next_update = now + this). */
  revocationRefreshMs: number;
  /** How long any copy of the list may be relied on. */
  revocationMaxAgeMs: number;
}

export const DEFAULT_REVOCATION_REFRESH_MS = 60 * 60 * 1000;
export const DEFAULT_REVOCATION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export function pageLimit(raw: string | null, max: number = MAX_PAGE_LIMIT): number {
  if (raw === null) return Math.min(DEFAULT_PAGE_LIMIT, max);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1)
    throw syncError(400, 'protocol', 'limit must be a positive integer.');
  return Math.min(n, max);
}

function cursorPos(after: string | null): number {
  if (after === null || after === '') return 0;
  const n = Number(after);
  if (!Number.isSafeInteger(n) || n < 0)
    throw syncError(400, 'protocol', 'after must be a cursor this central gave.');
  return n;
}

function readRows(
  ctx: StreamContext,
  terminal: TerminalRecord,
  stream: 'applications' | 'cards' | 'card_status',
  after: string | null,
  limit: number,
) {
  const rows = ctx.store.readStream(terminal.officeId, stream, cursorPos(after), limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    page,
    next_cursor: last ? String(last.pos) : (after ?? '0'),
    up_to_date: rows.length <= limit,
  };
}

export function applicationsPage(
  ctx: StreamContext,
  terminal: TerminalRecord,
  after: string | null,
  limit: number,
): ApplicationsPage {
  const { page, next_cursor, up_to_date } = readRows(ctx, terminal, 'applications', after, limit);
  const items: ApplicationItem[] = [];
  for (const row of page) {
    const application = ctx.store.getApplication(row.key);
    const person = application?.personId ? ctx.store.getPerson(application.personId) : undefined;
    // Terminal-reported applications have no person at central: nothing to send down.
    if (!application || !person) continue;
    items.push({
      application_id: application.applicationId,
      office_id: application.officeId,
      kind: application.kind,
      channel: application.channel,
      received_at: application.receivedAt,
      status: application.status,
      version: application.version,
      cancel_reason: application.cancelReason,
      person: {
        person_id: person.personId,
        name_kanji: person.nameKanji,
        name_kana: person.nameKana,
        alias: person.alias,
        name_latin: person.nameLatin,
        birth_date: person.birthDate,
        sex: person.sex,
        address: person.address,
        overseas: person.overseas,
        my_number: person.myNumber,
      },
    });
  }
  return {
    protocol: PROTOCOL_VERSION,
    stream: 'applications',
    items,
    next_cursor,
    up_to_date,
    server_time: ctx.now().toISOString(),
  };
}

export function cardsPage(
  ctx: StreamContext,
  terminal: TerminalRecord,
  after: string | null,
  limit: number,
): CardsPage {
  const { page, next_cursor, up_to_date } = readRows(ctx, terminal, 'cards', after, limit);
  const items: CardItem[] = [];
  for (const row of page) {
    const card = ctx.store.getCard(row.key);
    if (!card || !card.secret || !card.dispatchedAt) continue;
    items.push({
      card_serial: card.cardSerial,
      application_id: card.applicationId,
      office_id: card.officeId,
      expiry_date: card.expiryDate,
      dispatched_at: card.dispatchedAt,
      // Wrapped afresh for this terminal: only its X25519 key opens it.
      wrapped_secret: wrapSecret(
        card.secret,
        terminal.encryptionPublicKey,
        WRAP_LABELS.cardSecret,
        card.cardSerial,
      ),
    });
  }
  return {
    protocol: PROTOCOL_VERSION,
    stream: 'cards',
    items,
    next_cursor,
    up_to_date,
    server_time: ctx.now().toISOString(),
  };
}

export function cardStatusPage(
  ctx: StreamContext,
  terminal: TerminalRecord,
  after: string | null,
  limit: number,
): CardStatusPage {
  const { page, next_cursor, up_to_date } = readRows(ctx, terminal, 'card_status', after, limit);
  return {
    protocol: PROTOCOL_VERSION,
    stream: 'card_status',
    items: page.map((row) => JSON.parse(row.item) as CardStatusItem),
    next_cursor,
    up_to_date,
    server_time: ctx.now().toISOString(),
  };
}

/** The roots central trusts, for every office; each item signed on its own. */
export function trustRootsPage(
  ctx: StreamContext,
  after: string | null,
  limit: number,
): TrustRootsPage {
  const rows = ctx.store.readTrustRoots(cursorPos(after), limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    protocol: PROTOCOL_VERSION,
    stream: 'trust_roots',
    items: page.map((root) =>
      signTrustRoot(
        {
          fingerprint: root.fingerprint,
          der: root.der.toString('base64'),
          test: root.test,
          added_at: root.addedAt,
        },
        ctx.signingKey,
      ),
    ),
    next_cursor: last ? String(last.pos) : (after ?? '0'),
    up_to_date: rows.length <= limit,
    server_time: ctx.now().toISOString(),
  };
}

// ---------------------------------------------------------------------------------------
// Revocations

export function revocationHead(ctx: StreamContext): RevocationHead {
  const now = ctx.now();
  const current = ctx.store.currentRevocationVersion();
  return signRevocationHead(
    {
      list_version: current?.listVersion ?? 0,
      issued_at: current?.issuedAt ?? ctx.store.getMeta('created_at') ?? now.toISOString(),
      server_time: now.toISOString(),
      next_update: new Date(now.getTime() + ctx.revocationRefreshMs).toISOString(),
      max_age_ms: ctx.revocationMaxAgeMs,
    },
    ctx.signingKey,
  );
}

/** The signed header of the current snapshot; the digest is computed once per version. */
export function snapshotHeader(ctx: StreamContext): RevocationSnapshotHeader {
  const current = ctx.store.currentRevocationVersion();
  if (!current) {
    const empty = new RevocationDigest();
    return signSnapshotHeader(
      {
        list_version: 0,
        issued_at: ctx.store.getMeta('created_at') ?? ctx.now().toISOString(),
        entry_count: 0,
        entries_digest: empty.digest(),
      },
      ctx.signingKey,
    );
  }
  let digest = current.snapshotDigest;
  if (digest === null) {
    const running = new RevocationDigest();
    const chunk = [];
    for (const entry of ctx.store.iterateRevocationEntries()) {
      chunk.push(entry);
      if (chunk.length === 10_000) running.update(chunk.splice(0));
    }
    running.update(chunk);
    digest = running.digest();
    ctx.store.cacheSnapshotDigest(current.listVersion, digest);
  }
  return signSnapshotHeader(
    {
      list_version: current.listVersion,
      issued_at: current.issuedAt,
      entry_count: current.entryCount,
      entries_digest: digest,
    },
    ctx.signingKey,
  );
}

export function revocationsPage(
  ctx: StreamContext,
  after: string | null,
  limitRaw: string | null,
): RevocationsPage {
  const held = cursorPos(after);
  const limit = pageLimit(limitRaw, 1000);
  const head = revocationHead(ctx);
  const base = {
    protocol: PROTOCOL_VERSION,
    stream: 'revocations' as const,
    head,
    server_time: head.server_time,
  };
  const current = head.list_version;
  if (held >= current) {
    // Up to date, or the terminal is ahead (central restored from a backup): the terminal's
    // rollback check refuses the older head; central never pretends otherwise.
    return {
      ...base,
      deltas: [],
      snapshot_required: null,
      next_cursor: String(held),
      up_to_date: true,
    };
  }
  if (held === 0 || held + 1 < ctx.store.oldestRevocationDelta()) {
    const header = snapshotHeader(ctx);
    return {
      ...base,
      deltas: [],
      snapshot_required: header,
      next_cursor: String(header.list_version),
      up_to_date: true,
    };
  }
  const deltas: RevocationDelta[] = [];
  const to = Math.min(current, held + limit);
  for (let version = held + 1; version <= to; version += 1) {
    const record = ctx.store.getRevocationVersion(version);
    if (!record) break;
    deltas.push(
      signRevocationDelta(
        {
          from_version: version - 1,
          to_version: version,
          issued_at: record.issuedAt,
          entries: ctx.store.revocationChanges(version),
        },
        ctx.signingKey,
      ),
    );
  }
  const reached = deltas.at(-1)?.to_version ?? held;
  return {
    ...base,
    deltas,
    snapshot_required: null,
    next_cursor: String(reached),
    up_to_date: reached >= current,
  };
}

export function revocationSnapshotPage(
  ctx: StreamContext,
  listVersion: number,
  after: string | null,
  limitRaw: string | null,
): RevocationSnapshotPage {
  const header = snapshotHeader(ctx);
  if (header.list_version !== listVersion) {
    throw syncError(
      410,
      'snapshot_gone',
      `Snapshot ${listVersion} is no longer served; the current list is version ${header.list_version}.`,
    );
  }
  const limit = pageLimit(limitRaw, MAX_SNAPSHOT_PAGE_LIMIT);
  const entries = ctx.store.revocationEntries(after, limit + 1);
  const page = entries.slice(0, limit);
  return {
    protocol: PROTOCOL_VERSION,
    header,
    entries: page,
    next_after: entries.length > limit ? (page.at(-1)?.card_serial ?? null) : null,
  };
}
