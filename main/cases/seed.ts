// `madoguchi db seed`: a deterministic synthetic case load for training terminals, demos and
// the store benchmarks. Each case is imported at its final state, as a case taken over from
// the system an office used before: the rows CaseStore.importCase writes (the person insert
// with the search forms, the application, the card) and ONE signed `case-imported` event
// holding the card's steps, each checked against the transition table of
// domain/case-lifecycle. So the audit chain of a seeded store is a real one and
// `madoguchi db check` verifies it. (Until 0040 every step was its own event, about six per
// case: at ~80 µs per Ed25519 signature on this hardware that alone kept 1,000,000 cases
// far beyond the benchmark's three minutes.)
//
// Deterministic: case i of a run seeded with S draws only from mulberry32(mixSeed(S, i)) and
// its clock is derived from i and that PRNG, never from the wall clock. What still differs
// between two stores seeded alike is what each store makes for itself at random: person IDs
// and event IDs (UUIDv7), the terminal's signing key (so terminal_id, hashes, signatures) and
// the My Number lookup secret (so my_number_hmac). seededDataDigest() leaves exactly those out.
//
// Speed: see seedCases. Batches of 4000 cases (20,000 from 20,000 cases on), one transaction
// each, signed on worker threads while the previous batch is written; a 128 MiB page cache,
// synchronous=NORMAL and a 64 MiB WAL checkpoint interval for the duration of the seed only;
// from 20,000 cases on, the secondary indexes built once at the end.

import { createHash } from 'node:crypto';
import { type ApplicationKind, type CardState, type CaseEvent } from '../../domain/case-lifecycle';
import { myNumberCheckDigit } from '../../domain/my-number';
import { normalizeKana, normalizeKanji, normalizeLatin } from '../../domain/name-normalize';
import type { Db } from '../../db/open';
import type { ApplicationChannel, Sex } from '../../db/migrations/0020-cases';
import { deferIndexes, restoreDeferredIndexes } from '../../db/deferred-indexes';
import { prepared } from '../../db/statements';
import { INSERT_EVENT_POSITIONAL, type EventActor } from '../audit/append';
import { canonicalJson, eventHash, GENESIS_HASH, type CaseEventRow } from '../audit/chain';
import { uuidv7 } from '../audit/event-id';
import { terminalSigningKey } from '../audit/terminal-key';
import {
  checkImportedHistory,
  importEventPayload,
  INSERT_IMPORTED_APPLICATION,
  INSERT_IMPORTED_CARD,
  INSERT_PERSON,
  personValues,
  type NameForms,
  type PersonInput,
  type ApplicationInput,
  type ImportedCard,
} from './case-store';
import { myNumberHmac, myNumberHmacSecret } from './my-number-index';
import { FIND_PERSON_BY_MY_NUMBER_HMAC } from './queries';
import { createSigner } from './seed-signer';
import {
  createRng,
  domesticAddress,
  foreignName,
  japaneseName,
  mixSeed,
  OVERSEAS_ADDRESSES,
  type Rng,
} from './synthetic-names';

export interface SeedOptions {
  cases: number;
  seed: number;
  /** Add to a store that already has applications (case numbers continue after them). */
  append?: boolean;
  /** Cases per transaction. */
  batchSize?: number;
  /** Worker threads that sign (default: one per core; 0 signs on the calling thread). */
  signingThreads?: number;
  /** Called after each committed batch with the number of cases seeded so far. */
  onBatch?: (done: number) => void;
}

export interface SeedSummary {
  cases: number;
  /** The case number of the first seeded case (0 unless appending). */
  firstCase: number;
  events: number;
  /** How many seeded cards ended in each state; 'none' counts applications without a card. */
  cardStates: Partial<Record<CardState | 'none', number>>;
}

export class SeedRefused extends Error {
  override readonly name = 'SeedRefused';
}

export const DEFAULT_BATCH_SIZE = 4000;
/**
 * Cases per transaction from DEFER_INDEXES_FROM cases on. Every commit writes each page it
 * changed once: a random-order UNIQUE index (application IDs) has a page or so changed per
 * case in a small batch, and at most all of its pages in a large one, so larger batches write
 * far less. Two batches are in memory at a time: measured at 100,000 cases, peak RSS 374 MiB
 * with batches of 5000 and 573 MiB with batches of 20,000 (page cache then 256 MiB).
 */
export const BULK_BATCH_SIZE = 20_000;
/** From this many cases a seed defers the secondary indexes. */
const DEFER_INDEXES_FROM = 20_000;
const SEEDED_TABLES = ['person', 'application', 'card', 'case_event'] as const;

/** Where seeded cases end, in proportion to a working office's mix (weights, not percents). */
const TARGETS = {
  none: 40,
  ordered: 30,
  cancelled: 15,
  'in-production': 40,
  dispatched: 40,
  received: 20,
  'arrival-check-failed': 5,
  'destroyed-after-check': 10,
  'in-custody': 100,
  'returned-uncollected': 10,
  'destroyed-uncollected': 10,
  'handed-over': 560,
  reinstated: 10,
  suspended: 30,
  'revoked-after-suspension': 20,
  'revoked-replaced': 50,
  'revoked-destroyed': 10,
} as const;
type Target = keyof typeof TARGETS;

const KINDS: Readonly<Record<ApplicationKind, number>> = {
  new: 55,
  renewal: 25,
  'reissue-loss': 8,
  'reissue-damage': 7,
  overseas: 5,
};

const DOMESTIC_CHANNELS = { counter: 40, mail: 25, online: 35 } as const;

const CENTRAL: EventActor = { staffId: null, role: 'central' };
/** Seeded cases are imported by the app itself, as cases taken over from another system are. */
const SYSTEM: EventActor = { staffId: null, role: 'system' };
const CLERKS = ['clerk-01', 'clerk-02', 'clerk-03', 'clerk-04', 'clerk-05'] as const;
const SUPERVISORS = ['super-01', 'super-02'] as const;

/** Card steps from 'ordered', with who records each. */
const TO_CUSTODY: readonly (readonly [CaseEvent, 'central' | 'clerk'])[] = [
  ['start-production', 'central'],
  ['dispatch', 'central'],
  ['receive', 'clerk'],
  ['arrival-check-pass', 'clerk'],
];

/** The steps after orderCard that take a card to `target`. */
function pathTo(
  target: Target,
): readonly (readonly [CaseEvent, 'central' | 'clerk' | 'supervisor'])[] {
  const upTo = (n: number) => TO_CUSTODY.slice(0, n);
  switch (target) {
    case 'none':
    case 'ordered':
      return [];
    case 'cancelled':
      return [['cancel', 'supervisor']];
    case 'in-production':
      return upTo(1);
    case 'dispatched':
      return upTo(2);
    case 'received':
      return upTo(3);
    case 'arrival-check-failed':
      return [...upTo(3), ['arrival-check-fail', 'clerk']];
    case 'destroyed-after-check':
      return [...upTo(3), ['arrival-check-fail', 'clerk'], ['destroy', 'supervisor']];
    case 'in-custody':
      return upTo(4);
    case 'returned-uncollected':
      return [...upTo(4), ['return-uncollected', 'clerk']];
    case 'destroyed-uncollected':
      return [...upTo(4), ['return-uncollected', 'clerk'], ['destroy', 'supervisor']];
    case 'handed-over':
      return [...upTo(4), ['hand-over', 'clerk']];
    case 'reinstated':
      return [...upTo(4), ['hand-over', 'clerk'], ['suspend', 'central'], ['reinstate', 'clerk']];
    case 'suspended':
      return [...upTo(4), ['hand-over', 'clerk'], ['suspend', 'central']];
    case 'revoked-after-suspension':
      return [...upTo(4), ['hand-over', 'clerk'], ['suspend', 'clerk'], ['revoke', 'supervisor']];
    case 'revoked-replaced':
      return [...upTo(4), ['hand-over', 'clerk'], ['revoke', 'central']];
    case 'revoked-destroyed':
      return [...upTo(4), ['hand-over', 'clerk'], ['revoke', 'central'], ['destroy', 'supervisor']];
  }
}

const DAY_MS = 86_400_000;
/** Case 0 of every run is received here; case i about i minutes later. */
const FIRST_CASE_MS = Date.parse('2024-04-01T00:00:00.000Z');
/** Ages are counted at this date, so birth dates do not move with the wall clock. */
const AGE_REFERENCE_YEAR = 2026;

/** Below this, offset + caseNumber * stride of syntheticMyNumber is below 2^53. */
const SAFE_CASE_NUMBERS = 100_000_000;

/** A valid 12-digit My Number, distinct for each case number of a run (a stride permutation). */
export function syntheticMyNumber(seed: number, caseNumber: number): string {
  const modulus = 100_000_000_000n;
  // Odd and not a multiple of 5, so coprime with 10^11: i -> offset + i * stride is one-to-one.
  const stride = 73_939_133n;
  const offset = BigInt(mixSeed(seed, 0x7fffffff)) * 23n;
  // The same value in plain numbers while they stay exact (any realistic seed), else BigInt.
  const value =
    caseNumber < SAFE_CASE_NUMBERS
      ? (Number(offset) + caseNumber * Number(stride)) % Number(modulus)
      : (offset + BigInt(caseNumber) * stride) % modulus;
  const first11 = value.toString().padStart(11, '0');
  return `${first11}${myNumberCheckDigit(first11)}`;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** The UTC calendar day `days` after 1970-01-01 as YYYY-MM-DD (Hinnant's civil_from_days). */
function isoDay(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`;
}

/**
 * Date.prototype.toISOString for years 1000-9999, without a Date object: the seeder formats
 * about eight times per case (seed.test.ts compares the two over the years seeds use).
 */
export function isoTimestamp(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const t = ms - days * DAY_MS;
  const hour = Math.floor(t / 3_600_000);
  const minute = Math.floor(t / 60_000) % 60;
  const second = Math.floor(t / 1000) % 60;
  const milli = t % 1000;
  return `${isoDay(days)}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

function isoDate(ms: number): string {
  return isoDay(Math.floor(ms / DAY_MS));
}

interface SyntheticCase {
  application: ApplicationInput & { applicationId: string };
  cardSerial: string;
  expiryDate: string;
  target: Target;
  receivedMs: number;
  rng: Rng;
}

function syntheticCase(seed: number, caseNumber: number): SyntheticCase {
  const rng = createRng(mixSeed(seed, caseNumber));
  const kind = rng.weighted(KINDS);
  const overseas = kind === 'overseas';
  const sex: Sex = rng.next() < 0.5 ? 'male' : 'female';
  const foreign = !overseas && rng.next() < 0.03;
  const name = foreign ? foreignName(rng, sex) : japaneseName(rng, sex);
  // Ages 0-95, fewer of the very old; children's cards (under 18) expire after 5 years.
  const age = Math.floor(Math.min(rng.next(), rng.next() * 1.6) * 96);
  const birthMs = Date.UTC(AGE_REFERENCE_YEAR - age - 1, 0, 1) + rng.int(365) * DAY_MS;
  const domestic = domesticAddress(rng);
  const channel: ApplicationChannel = overseas
    ? 'overseas-online'
    : rng.weighted(DOMESTIC_CHANNELS);
  const receivedMs = FIRST_CASE_MS + caseNumber * 60_000 + rng.int(60_000);
  const receivedAt = isoTimestamp(receivedMs);
  const birthDate = isoDate(birthMs);
  const expiryYear = Number(receivedAt.slice(0, 4)) + (age < 18 ? 5 : 10) + 1;
  // Date.UTC rolls a 29 February birthday over to 1 March in a common year.
  const expiryDate = isoDate(
    Date.UTC(expiryYear, Number(birthDate.slice(5, 7)) - 1, Number(birthDate.slice(8, 10))),
  );
  const tag = String(mixSeed(seed, caseNumber) % 100_000_000_000).padStart(11, '0');
  const officeCode = overseas
    ? `EMB-${String(1 + rng.int(40)).padStart(3, '0')}`
    : `${String(domestic.prefectureIndex + 1).padStart(2, '0')}2010`;
  // Spelled out rather than spread from `name`: an object spread here was a third of the time
  // of building a case. Drawn in the same order as ever (officeCode, then an overseas address).
  const person: PersonInput = {
    nameKanji: name.nameKanji,
    nameKana: name.nameKana,
    nameLatin: name.nameLatin,
    birthDate,
    sex,
    address: overseas ? rng.pick(OVERSEAS_ADDRESSES) : domestic.address,
    overseas,
    myNumber: syntheticMyNumber(seed, caseNumber),
  };
  if (name.alias !== undefined) person.alias = name.alias;
  return {
    application: {
      // A 23-digit 申請書ID: 11 digits from the PRNG, then the case number.
      applicationId: `${tag}${String(caseNumber).padStart(12, '0')}`,
      kind,
      channel,
      receivedAt,
      officeCode,
      person,
    },
    cardSerial: `MC${String(caseNumber).padStart(10, '0')}${tag.slice(0, 4)}`,
    expiryDate,
    target: rng.weighted(TARGETS),
    receivedMs,
    rng,
  };
}

function memoize(f: (s: string) => string): (s: string) => string {
  const known = new Map<string, string>();
  return (s) => {
    let out = known.get(s);
    if (out === undefined) {
      out = f(s);
      known.set(s, out);
    }
    return out;
  };
}

export function countApplications(db: Db): number {
  return db.prepare('SELECT count(*) FROM application').pluck().get() as number;
}

/**
 * Case `caseNumber` of a run seeded with `seed`, as an import: the application, its card with
 * the steps that took it to its target state (who recorded each, and when), and who received
 * it. The same draws from the same PRNG as always, so a seed gives the same people and cards.
 */
export function syntheticImport(
  seed: number,
  caseNumber: number,
): {
  application: ApplicationInput & { applicationId: string };
  card: ImportedCard | null;
  receivedBy: EventActor;
} {
  const c = syntheticCase(seed, caseNumber);
  const { rng } = c;
  const clerk = (): EventActor => ({ staffId: rng.pick(CLERKS), role: 'clerk' });
  const actorFor = (who: 'central' | 'clerk' | 'supervisor'): EventActor =>
    who === 'central'
      ? CENTRAL
      : who === 'clerk'
        ? clerk()
        : { staffId: rng.pick(SUPERVISORS), role: 'supervisor' };
  const received = c.application.channel.endsWith('online') ? CENTRAL : clerk();
  let card: ImportedCard | null = null;
  if (c.target !== 'none') {
    let clock = c.receivedMs + DAY_MS * (1 + rng.int(3));
    const orderedAt = isoTimestamp(clock);
    const history: { event: CaseEvent; actor: EventActor; at: string }[] = [];
    for (const [event, who] of pathTo(c.target)) {
      // Days to weeks between steps; the applicant may take a month to come for the card.
      clock += DAY_MS * (1 + rng.int(event === 'hand-over' ? 30 : 10)) + rng.int(DAY_MS);
      history.push({ event, actor: actorFor(who), at: isoTimestamp(clock) });
    }
    card = { cardSerial: c.cardSerial, expiryDate: c.expiryDate, orderedAt, history };
  }
  return { application: c.application, card, receivedBy: received };
}

/** One seeded case, checked and ready to write except for its event's signature. */
interface BuiltCase {
  person: unknown[] | null;
  application: unknown[];
  card: unknown[] | null;
  /** INSERT_EVENT_POSITIONAL's values up to the hash; the signature and tx_seq follow. */
  event: unknown[];
  hash: Buffer;
  state: CardState | 'none';
}

/**
 * Seeds `cases` synthetic cases. Refuses a store that already has applications unless
 * `append` is set, so a real office's store is never mixed with synthetic cases by accident.
 *
 * Each case is imported at its final state with ONE signed `case-imported` event, exactly as
 * CaseStore.importCase records it (seed.test.ts compares the two): its steps checked against
 * the transition table, its rows and event written in the same transaction. Per batch, the
 * main thread builds the rows and hashes the events in chain order, worker threads sign them
 * (seed-signer.ts) while the main thread writes the previous batch. Each batch is one
 * transaction: a crash leaves whole batches, every case with its event.
 */
export async function seedCases(db: Db, options: SeedOptions): Promise<SeedSummary> {
  if (!Number.isSafeInteger(options.cases) || options.cases < 1) {
    throw new RangeError('the number of cases must be a positive integer');
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw new RangeError('the seed must be an integer from 0 to 4294967295');
  }
  const existing = countApplications(db);
  if (existing > 0 && !options.append) {
    throw new SeedRefused(
      `The store already holds ${existing} application(s); seed only an empty store, or pass --append to add synthetic cases to it.`,
    );
  }
  const batchSize =
    options.batchSize ??
    (options.cases >= DEFER_INDEXES_FROM ? BULK_BATCH_SIZE : DEFAULT_BATCH_SIZE);
  const firstMs = FIRST_CASE_MS;
  // The key and the lookup secret exist before the first batch (created now if needed).
  const { terminalId, secret } = db.transaction(() => ({
    terminalId: terminalSigningKey(db, () => new Date(firstMs)).terminalId,
    secret: myNumberHmacSecret(db, () => new Date(firstMs)),
  }))();
  const der = prepared(db, 'SELECT private_key FROM terminal_signing_key WHERE id = 1')
    .pluck()
    .get() as Buffer;
  const signer = createSigner(der, options.signingThreads);
  // Bulk load: a larger page cache for the random-order index inserts (bounded: 128 MiB; the
  // only one left at scale is the application IDs' primary key, about 45 MB at 1,000,000),
  // and NORMAL sync, under which WAL still never corrupts; restored afterwards.
  const previousCache = db.pragma('cache_size', { simple: true }) as number;
  const previousSync = db.pragma('synchronous', { simple: true }) as number;
  const previousCheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma('cache_size = -131072');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 16384');
  const last = prepared(db, 'SELECT seq, hash FROM case_event ORDER BY seq DESC LIMIT 1').get() as
    { seq: number; hash: Buffer } | undefined;
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const summary: SeedSummary = { cases: 0, firstCase: existing, events: 0, cardStates: {} };

  // A fresh store cannot know anyone yet, and the My Numbers of one run are all different
  // (syntheticMyNumber): only a store that already has people is asked for each number.
  const lookUp =
    (prepared(db, 'SELECT EXISTS (SELECT 1 FROM person)').pluck().get() as number) === 1;
  // Synthetic names repeat (small lists): each search form is computed once per name.
  const forms: NameForms = {
    kana: memoize(normalizeKana),
    kanji: memoize(normalizeKanji),
    latin: memoize(normalizeLatin),
  };

  const build = (caseNumber: number): BuiltCase => {
    const {
      application: input,
      card,
      receivedBy: received,
    } = syntheticImport(options.seed, caseNumber);
    const { state, lastAt, history } = checkImportedHistory(input.kind, input.receivedAt, card);
    const hmac = myNumberHmac(secret, input.person.myNumber);
    const known = lookUp
      ? (prepared(db, FIND_PERSON_BY_MY_NUMBER_HMAC).get(hmac) as { person_id: string } | undefined)
      : undefined;
    const personId = known?.person_id ?? uuidv7();
    seq += 1;
    const event: Omit<CaseEventRow, 'hash' | 'signature'> = {
      seq,
      event_id: uuidv7(),
      terminal_id: terminalId,
      actor_staff_id: SYSTEM.staffId,
      actor_role: SYSTEM.role,
      case_ref: input.applicationId,
      type: 'case-imported',
      payload: canonicalJson(
        importEventPayload(input, personId, !known, received, card, state, history),
      ),
      case_version_seen: null,
      terminal_time: lastAt,
      prev_hash: prevHash,
    };
    const hash = eventHash(event);
    prevHash = hash;
    return {
      person: known ? null : personValues(personId, input.person, hmac, input.receivedAt, forms),
      application: [
        input.applicationId,
        personId,
        input.kind,
        input.channel,
        input.receivedAt,
        input.officeCode,
        card ? 'card-ordered' : 'received',
        card ? 2 : 1,
      ],
      card: card
        ? [card.cardSerial, input.applicationId, state, card.expiryDate, 1 + card.history.length]
        : null,
      event: [
        event.seq,
        event.event_id,
        event.terminal_id,
        event.actor_staff_id,
        event.actor_role,
        event.case_ref,
        event.type,
        event.payload,
        event.case_version_seen,
        event.terminal_time,
        event.prev_hash,
        hash,
      ],
      hash,
      state: state ?? 'none',
    };
  };

  const write = (batch: readonly BuiltCase[], signatures: readonly Buffer[]): void => {
    db.transaction(() => {
      batch.forEach((b, i) => {
        if (b.person) prepared(db, INSERT_PERSON).run(...b.person);
        prepared(db, INSERT_IMPORTED_APPLICATION).run(...b.application);
        if (b.card) prepared(db, INSERT_IMPORTED_CARD).run(...b.card);
        prepared(db, INSERT_EVENT_POSITIONAL).run(...b.event, signatures[i], null);
      });
    })();
    for (const b of batch) {
      summary.cardStates[b.state] = (summary.cardStates[b.state] ?? 0) + 1;
    }
    summary.cases += batch.length;
    summary.events += batch.length;
    options.onBatch?.(summary.cases);
  };

  // Many cases: the secondary indexes are rebuilt once at the end instead of taking every
  // row in random order (db/deferred-indexes.ts; a killed seed gets them back on next open).
  // A fresh store also defers the My Number index: its keys are HMACs, so every insert lands
  // on a random page, and no number can repeat (see lookUp); CREATE UNIQUE INDEX at the end
  // still checks that. A store that already has people keeps it: the seed looks numbers up.
  const deferred =
    options.cases >= DEFER_INDEXES_FROM
      ? deferIndexes(db, SEEDED_TABLES, lookUp ? [] : ['person_by_my_number_hmac'])
      : 0;
  try {
    let pending: { batch: BuiltCase[]; signatures: Promise<Buffer[]> } | null = null;
    for (let start = 0; start < options.cases; start += batchSize) {
      const end = Math.min(options.cases, start + batchSize);
      const batch: BuiltCase[] = [];
      for (let i = start; i < end; i += 1) batch.push(build(existing + i));
      const signatures = signer.sign(batch.map((b) => b.hash));
      if (pending) write(pending.batch, await pending.signatures);
      pending = { batch, signatures };
    }
    if (pending) write(pending.batch, await pending.signatures);
    if (deferred > 0) {
      // The index builds sort in memory (restoreDeferredIndexes); the page cache gives back
      // what the load needed first, so the two together stay within the seed's memory.
      db.pragma(`cache_size = ${previousCache}`);
      restoreDeferredIndexes(db);
    }
  } finally {
    await signer.close();
    db.pragma(`cache_size = ${previousCache}`);
    db.pragma(`synchronous = ${previousSync}`);
    db.pragma(`wal_autocheckpoint = ${previousCheckpoint}`);
  }
  return summary;
}

/**
 * SHA-256 over everything a seed determines, so two stores seeded alike can be compared:
 * every column of person, application and card, and every event's seq, actor, case, type,
 * payload, case version and terminal time. Left out, because each store makes them itself at
 * random: person_id (replaced by the person's rank in My Number order, in person,
 * application and event payloads), my_number_hmac (per-store secret), and each event's
 * event_id, terminal_id, prev_hash, hash and signature (terminal key and UUIDv7).
 * Columns added by later migrations are included as they come (SELECT *).
 */
export function seededDataDigest(db: Db): string {
  const hash = createHash('sha256');
  const rank = new Map<string, number>();
  const line = (table: string, row: Record<string, unknown>) =>
    hash.update(`${table}\t${JSON.stringify(row)}\n`);
  for (const row of db.prepare('SELECT * FROM person ORDER BY my_number').iterate() as Iterable<
    Record<string, unknown>
  >) {
    const { person_id: personId, my_number_hmac: _hmac, ...rest } = row;
    rank.set(String(personId), rank.size);
    line('person', { ...rest, person: rank.get(String(personId)) });
  }
  for (const row of db
    .prepare('SELECT * FROM application ORDER BY application_id')
    .iterate() as Iterable<Record<string, unknown>>) {
    const { person_id: personId, ...rest } = row;
    line('application', { ...rest, person: rank.get(String(personId)) });
  }
  for (const row of db.prepare('SELECT * FROM card ORDER BY card_serial').iterate() as Iterable<
    Record<string, unknown>
  >) {
    line('card', row);
  }
  const events = db
    .prepare(
      `SELECT seq, actor_staff_id, actor_role, case_ref, type, payload, case_version_seen,
              terminal_time
       FROM case_event ORDER BY seq`,
    )
    .iterate() as Iterable<Record<string, unknown> & { payload: string }>;
  for (const row of events) {
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    if (typeof payload['personId'] === 'string') {
      payload['personId'] = rank.get(payload['personId']) ?? null;
    }
    line('case_event', { ...row, payload });
  }
  return hash.digest('hex');
}
