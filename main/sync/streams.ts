// The download streams other than revocations (reference/sync-protocol.md §3.5): online
// applications for this office, cards dispatched to it (with their wrapped initialization
// secrets) and central's card status. Each page is applied with its cursor in ONE
// transaction, so a crash leaves either the whole page and the new cursor or neither
// (pouchdb#1240: a checkpoint written ahead of the data loses the data for good).
//
// These are central's facts, not the terminal's: they change the projection (person,
// application, card) directly and append no case_event, so the outbox carries only what
// this terminal did. A central version no newer than the terminal's is skipped: the
// terminal's own pending events will bring central forward, and central answers conflicts
// as review items, never by overwriting here.
//
// The configuration stream trust_roots brings the JPKI roots central's administrators trust:
// every item is checked against central's pinned key, then the page's roots go into the trust
// store with the cursor in one transaction, all or none.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import { normalizeKana, normalizeKanji, normalizeLatin } from '../../domain/name-normalize';
import {
  ApplicationsPageSchema,
  CardStatusPageSchema,
  CardsPageSchema,
  TrustRootsPageSchema,
  paths,
  type ApplicationItem,
  type CardItem,
  type CardStatusItem,
} from '../../sync/protocol';
import { verifyTrustRoot } from '../../sync/signing';
import { uuidv7 } from '../audit/event-id';
import { TrustError, TrustStore } from '../card/trust/trust-store';
import { myNumberHmac, myNumberHmacSecret } from '../cases/my-number-index';
import { SyncError } from './errors';
import { expectOk } from './http-errors';
import type { CentralClient } from './transport';

export type CaseStream = 'applications' | 'cards' | 'card_status';

export function streamCursor(db: Db, stream: string): string | null {
  return (
    (prepared(db, 'SELECT cursor FROM stream_cursor WHERE stream = ?').pluck().get(stream) as
      string | undefined) ?? null
  );
}

function saveCursor(db: Db, stream: string, cursor: string, upToDate: boolean, at: Date): void {
  prepared(
    db,
    `INSERT INTO stream_cursor (stream, cursor, up_to_date, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (stream) DO UPDATE SET cursor = excluded.cursor,
       up_to_date = excluded.up_to_date, updated_at = excluded.updated_at`,
  ).run(stream, cursor, upToDate ? 1 : 0, at.toISOString());
}

export interface StreamPull {
  pages: number;
  items: number;
  skipped: number;
}

const SCHEMAS = {
  applications: ApplicationsPageSchema,
  cards: CardsPageSchema,
  card_status: CardStatusPageSchema,
} as const;

/** Pulls one stream to its end, page by page. */
export async function pullStream(
  db: Db,
  client: CentralClient,
  stream: CaseStream,
  now: () => Date,
): Promise<StreamPull> {
  const out: StreamPull = { pages: 0, items: 0, skipped: 0 };
  for (let guard = 0; guard < 100_000; guard += 1) {
    const after = streamCursor(db, stream);
    const response = await client.json('GET', paths.stream(stream, after));
    const parsed = SCHEMAS[stream].safeParse(expectOk(response, now()));
    if (!parsed.success) {
      throw new SyncError(
        'SYNC_BAD_ANSWER',
        `Central sent a ${stream} page this terminal cannot read.`,
      );
    }
    const page = parsed.data;
    const at = now();
    const skipped = db.transaction(() => {
      let skip = 0;
      for (const item of page.items) {
        const applied =
          stream === 'applications'
            ? applyApplication(db, item as ApplicationItem, at)
            : stream === 'cards'
              ? applyCard(db, item as CardItem, at)
              : applyCardStatus(db, item as CardStatusItem);
        if (!applied) skip += 1;
      }
      saveCursor(db, stream, page.next_cursor, page.up_to_date, at);
      return skip;
    })();
    out.pages += 1;
    out.items += page.items.length;
    out.skipped += skipped;
    if (page.up_to_date || page.items.length === 0) return out;
  }
  throw new SyncError('SYNC_BAD_ANSWER', `Central kept sending ${stream} pages without end.`);
}

/**
 * Pulls the trust_roots stream to its end. A root central did not sign with the pinned key,
 * or that is not a root certificate, refuses its whole page: the roots held stay as they were
 * and the cursor does not move.
 */
export async function pullTrustRoots(
  db: Db,
  client: CentralClient,
  centralKey: Buffer,
  now: () => Date,
): Promise<StreamPull> {
  const out: StreamPull = { pages: 0, items: 0, skipped: 0 };
  const trust = new TrustStore(db, now);
  for (let guard = 0; guard < 100_000; guard += 1) {
    const after = streamCursor(db, 'trust_roots');
    const response = await client.json('GET', paths.stream('trust_roots', after));
    const parsed = TrustRootsPageSchema.safeParse(expectOk(response, now()));
    if (!parsed.success) {
      throw new SyncError(
        'SYNC_BAD_ANSWER',
        'Central sent a trust_roots page this terminal cannot read.',
      );
    }
    const page = parsed.data;
    if (!page.items.every((item) => verifyTrustRoot(item, centralKey))) {
      throw new SyncError(
        'SYNC_BAD_ANSWER',
        'Central sent a trust root not signed with the key pinned at enrollment; the trusted roots are unchanged.',
      );
    }
    const at = now();
    let added: number;
    try {
      added = db.transaction(() => {
        const imported = trust.importFromCentral(
          page.items.map((item) => ({ der: Buffer.from(item.der, 'base64'), test: item.test })),
        );
        saveCursor(db, 'trust_roots', page.next_cursor, page.up_to_date, at);
        return imported.added;
      })();
    } catch (error) {
      if (!(error instanceof TrustError)) throw error;
      throw new SyncError(
        'SYNC_BAD_ANSWER',
        `Central sent a trust root this terminal refuses (${error.code}); the trusted roots are unchanged.`,
      );
    }
    out.pages += 1;
    out.items += added;
    out.skipped += page.items.length - added;
    if (page.up_to_date || page.items.length === 0) return out;
  }
  throw new SyncError('SYNC_BAD_ANSWER', 'Central kept sending trust_roots pages without end.');
}

/** An online application (and its person, unless the My Number is known here). */
export function applyApplication(db: Db, item: ApplicationItem, at: Date): boolean {
  const local = prepared(db, 'SELECT version FROM application WHERE application_id = ?').get(
    item.application_id,
  ) as { version: number } | undefined;
  if (local) {
    if (item.version <= local.version) return false;
    prepared(db, 'UPDATE application SET status = ?, version = ? WHERE application_id = ?').run(
      item.status,
      item.version,
      item.application_id,
    );
    return true;
  }
  const p = item.person;
  const hmac = myNumberHmac(
    myNumberHmacSecret(db, () => at),
    p.my_number,
  );
  const known = prepared(db, 'SELECT person_id FROM person WHERE my_number_hmac = ?')
    .pluck()
    .get(hmac) as string | undefined;
  let personId = known;
  if (!personId) {
    const taken = prepared(db, 'SELECT 1 FROM person WHERE person_id = ?').get(p.person_id);
    personId = taken ? uuidv7() : p.person_id;
    prepared(
      db,
      `INSERT INTO person (person_id, name_kanji, name_kana, alias, name_latin, birth_date, sex,
         address, overseas, my_number, my_number_hmac, created_at, kana_norm, kanji_norm, latin_norm)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      personId,
      p.name_kanji,
      p.name_kana,
      p.alias,
      p.name_latin,
      p.birth_date,
      p.sex,
      p.address,
      p.overseas ? 1 : 0,
      p.my_number,
      hmac,
      at.toISOString(),
      normalizeKana(p.name_kana),
      normalizeKanji(p.name_kanji),
      p.name_latin === null ? null : normalizeLatin(p.name_latin),
    );
  }
  prepared(
    db,
    `INSERT INTO application (application_id, person_id, kind, channel, received_at, office_code,
       status, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    item.application_id,
    personId,
    item.kind,
    item.channel,
    item.received_at,
    item.office_id,
    item.status,
    item.version,
  );
  return true;
}

/** A card dispatched to this office, and its wrapped initialization secret. */
export function applyCard(db: Db, item: CardItem, at: Date): boolean {
  const application = prepared(db, 'SELECT 1 FROM application WHERE application_id = ?').get(
    item.application_id,
  );
  if (!application) return false;
  prepared(
    db,
    `INSERT INTO card (card_serial, application_id, state, expiry_date)
     VALUES (?, ?, 'dispatched', ?) ON CONFLICT (card_serial) DO NOTHING`,
  ).run(item.card_serial, item.application_id, item.expiry_date);
  prepared(
    db,
    `INSERT INTO sync_card_secret (card_serial, wrapped_secret, received_at) VALUES (?, ?, ?)
     ON CONFLICT (card_serial) DO UPDATE SET wrapped_secret = excluded.wrapped_secret`,
  ).run(item.card_serial, JSON.stringify(item.wrapped_secret), at.toISOString());
  return true;
}

/** Central's state of a card, when newer than the terminal's. */
export function applyCardStatus(db: Db, item: CardStatusItem): boolean {
  const local = prepared(db, 'SELECT version, state FROM card WHERE card_serial = ?').get(
    item.card_serial,
  ) as { version: number; state: string } | undefined;
  if (!local) {
    const application = prepared(db, 'SELECT 1 FROM application WHERE application_id = ?').get(
      item.application_id,
    );
    if (!application) return false;
    prepared(
      db,
      'INSERT INTO card (card_serial, application_id, state, version) VALUES (?, ?, ?, ?)',
    ).run(item.card_serial, item.application_id, item.state, item.version);
    return true;
  }
  if (item.version <= local.version) return false;
  prepared(db, 'UPDATE card SET state = ?, version = ? WHERE card_serial = ?').run(
    item.state,
    item.version,
    item.card_serial,
  );
  return true;
}
