// Counter work for the reliability harnesses (crash loop, soak): a terminal's store with the
// real counter services on it (CaseStore, the handover step machine of main/counter/handover.ts
// with an in-process virtual card, loss reports of main/counter/loss.ts, the sync engine), and
// the checks every harness runs on a store afterwards. No vitest here, and nothing of central
// (office.ts has that): the crash child bundles this module and must start fast.

import { createPrivateKey, verify, type KeyObject } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Db } from '../../db/open';
import type { CaseEvent, Requirement } from '../../domain/case-lifecycle';
import { myNumberCheckDigit } from '../../domain/my-number';
import { eventHash, GENESIS_HASH, type CaseEventRow } from '../../main/audit/chain';
import { publicKeyFromRaw, storedPublicKey } from '../../main/audit/terminal-key';
import { verifyAuditChain, type AuditChainResult } from '../../main/audit/verify';
import { MyNumberCard } from '../../main/card/mynumber/client';
import { loadCardProfile, type CardProfile } from '../../main/card/virtual/profile';
import { VirtualMyNumberCard } from '../../main/card/virtual/card';
import { virtualCardChannel } from '../../main/card/virtual/channel';
import {
  createTestJpki,
  directoryKeys,
  issueCardCredentials,
  type CardCredentials,
} from '../../main/card/virtual/test-jpki';
import { CaseStore } from '../../main/cases/case-store';
import { caseEventProblems } from '../../main/cases/consistency';
import { application, central, person } from '../../main/cases/testing';
import { HandoverSteps } from '../../main/counter/handover';
import { reportLoss } from '../../main/counter/loss';
import { createLogger, type Logger } from '../../main/log/logger';
import { SyncEngine } from '../../main/sync/engine';
import { backlog } from '../../main/sync/outbox';

export const OFFICE = '131016';
export const silent: Logger = createLogger({ sink: () => undefined, level: 'error' });
export const counterClerk = { staffId: 'clerk-01', role: 'clerk' as const };

// test/fixtures/cards/new-card.json: a card fresh from production. Each handover gets a fresh
// card object from it with the case's My Number (the chip's certificates are issued once).
const CARD_BIRTH_DATE = '1992-11-03';
const SECRETS = {
  'signature-password': 'MADO2026GUCHI',
  'user-authentication-pin': '4826',
  'resident-registry-pin': '4826',
  'card-info-input-pin': '4826',
} as const;

/** A valid My Number made of a 5-digit run (a process, a terminal) and a 6-digit counter. */
export function myNumberFor(run: number, n: number): string {
  const first11 = `${String(run % 100_000).padStart(5, '0')}${String(n % 1_000_000).padStart(6, '0')}`;
  return `${first11}${myNumberCheckDigit(first11)}`;
}

/**
 * Cards for the handovers. Keys (copied from test/fixtures/card-keys) and the card's
 * certificates live in `keysDir`: the first process to ask issues the certificates, every
 * later one (a restarted crash child) only reads them.
 */
export class CardMaker {
  readonly #profile: CardProfile;
  readonly #credentials: CardCredentials;

  private constructor(profile: CardProfile, credentials: CardCredentials) {
    this.#profile = profile;
    this.#credentials = credentials;
  }

  static async create(keysDir: string): Promise<CardMaker> {
    mkdirSync(keysDir, { recursive: true });
    const profile = await loadCardProfile(join(process.cwd(), 'test/fixtures/cards/new-card.json'));
    // The issued credentials are kept too: a restarted crash child reads them, signs nothing.
    const saved = join(keysDir, 'credentials.json');
    if (existsSync(saved)) {
      const text = JSON.parse(readFileSync(saved, 'utf8')) as Record<string, string>;
      const der = (name: string) => Buffer.from(text[name] ?? '', 'base64');
      const pem = (name: string) => createPrivateKey(text[name] ?? '');
      return new CardMaker(profile, {
        authCertificate: der('authCertificate'),
        authCaCertificate: der('authCaCertificate'),
        signCertificate: der('signCertificate'),
        signCaCertificate: der('signCaCertificate'),
        authKey: pem('authKey'),
        signKey: pem('signKey'),
        recordKey: pem('recordKey'),
      });
    }
    // The committed test keys (test/fixtures/card-keys): no RSA key is generated.
    cpSync(join(process.cwd(), 'test/fixtures/card-keys'), keysDir, { recursive: true });
    const keys = directoryKeys(keysDir);
    const credentials = await issueCardCredentials(profile, await createTestJpki(keys), keys);
    const text: Record<string, string> = {};
    for (const [name, value] of Object.entries(credentials) as [string, unknown][]) {
      text[name] =
        value instanceof Uint8Array
          ? Buffer.from(value).toString('base64')
          : ((value as KeyObject).export({ type: 'pkcs8', format: 'pem' }) as string);
    }
    writeFileSync(saved, JSON.stringify(text), { mode: 0o600 });
    return new CardMaker(profile, credentials);
  }

  /** A new card, as it comes from production, holding `myNumber`. */
  card(myNumber: string): MyNumberCard {
    const chip = new VirtualMyNumberCard({ ...this.#profile, myNumber }, this.#credentials);
    return new MyNumberCard(virtualCardChannel(chip));
  }
}

export interface Terminal {
  db: Db;
  store: CaseStore;
  handover: HandoverSteps;
  engine: SyncEngine;
  cards: CardMaker;
  close(): void;
}

export function openTerminal(
  path: string,
  key: Buffer,
  cards: CardMaker,
  log: Logger = silent,
): Terminal {
  const db = openStore({ path, key });
  const now = () => new Date();
  const store = new CaseStore({ db, log, now });
  const engine = new SyncEngine({ db, log, timeouts: { requestMs: 10_000, connectMs: 5_000 } });
  return {
    db,
    store,
    handover: new HandoverSteps({ db, store, now, log }),
    engine,
    cards,
    close() {
      engine.close();
      db.close();
    },
  };
}

/** Durations (ms) of the steps of one handover, for the soak's p99s. */
export type StepTimes = Record<HandoverStep, number>;
export const HANDOVER_STEPS = [
  'case',
  'start',
  'identity',
  'proveCard',
  'setPins',
  'recheck',
  'commit',
] as const;
export type HandoverStep = (typeof HANDOVER_STEPS)[number];

/**
 * An application received at the counter and its card brought to custody through the real
 * transitions (as main/counter/testing.ts caseWithCard does), with a card serial unique
 * across processes: derived from the applicant's My Number, itself unique per run.
 */
export function caseInCustody(store: CaseStore, myNumber: string): string {
  const { applicationId } = store.receiveApplication(
    application({ person: person({ myNumber, birthDate: CARD_BIRTH_DATE }) }),
    counterClerk,
  );
  const cardSerial = `R${myNumber}`;
  store.orderCard(applicationId, { cardSerial, expiryDate: '2036-01-01' }, central, 1);
  let version = 1;
  for (const [event, requires] of CUSTODY_PATH) {
    const actor = event === 'start-production' || event === 'dispatch' ? central : counterClerk;
    version = store.recordCardTransition(
      cardSerial,
      event,
      actor,
      new Set(requires),
      version,
    ).version;
  }
  return cardSerial;
}

const CUSTODY_PATH: readonly (readonly [CaseEvent, Requirement[]])[] = [
  ['start-production', []],
  ['dispatch', []],
  ['receive', ['card-in-hand']],
  ['arrival-check-pass', ['card-read-matches-case', 'card-face-intact', 'jpki-function-checked']],
];

/**
 * One applicant: their application received and their card brought to custody (the factory
 * walks the real transitions), then handed over step by step through HandoverSteps with a
 * virtual card holding their My Number. Every step is its own transaction, as at the counter.
 */
export async function handOverOne(
  t: Terminal,
  myNumber: string,
): Promise<{ cardSerial: string; times: StepTimes }> {
  const times = {} as StepTimes;
  let at = performance.now();
  const lap = (step: HandoverStep): void => {
    const end = performance.now();
    times[step] = end - at;
    at = end;
  };
  const cardSerial = caseInCustody(t.store, myNumber);
  lap('case');
  t.handover.start(cardSerial, counterClerk);
  lap('start');
  t.handover.recordIdentity(cardSerial, {
    attendee: 'holder',
    documents: ['a-driving-licence'],
    faceCompared: true,
  });
  lap('identity');
  await finishHandover(t, cardSerial, myNumber, lap);
  return { cardSerial, times };
}

async function finishHandover(
  t: Terminal,
  cardSerial: string,
  myNumber: string,
  lap: (step: HandoverStep) => void = () => undefined,
): Promise<void> {
  const card = t.cards.card(myNumber);
  await t.handover.proveCard(cardSerial, card);
  lap('proveCard');
  await t.handover.setPins(cardSerial, card, Buffer.from(INITIALIZATION_SECRET, 'hex'), SECRETS);
  lap('setPins');
  await t.handover.recheck(cardSerial, card);
  lap('recheck');
  t.handover.commit(cardSerial, counterClerk, true);
  lap('commit');
}

const INITIALIZATION_SECRET = '00112233445566778899aabbccddeeff';

/**
 * Handovers left half done by a crash: the draft says how far it got; the applicant is still
 * at the counter with a new card, so the card steps are done again and the handover committed.
 */
export async function resumeDrafts(t: Terminal): Promise<number> {
  const drafts = t.db
    .prepare(
      `SELECT d.card_serial AS serial, p.my_number AS myNumber FROM handover_draft AS d
       JOIN application AS a ON a.application_id = d.application_id
       JOIN person AS p ON p.person_id = a.person_id`,
    )
    .all() as { serial: string; myNumber: string }[];
  for (const draft of drafts) {
    const resumed = t.handover.start(draft.serial, counterClerk);
    if (!resumed.attendee) {
      t.handover.recordIdentity(draft.serial, {
        attendee: 'holder',
        documents: ['a-driving-licence'],
        faceCompared: true,
      });
    }
    await finishHandover(t, draft.serial, draft.myNumber);
  }
  return drafts.length;
}

/** A handed-over card reported lost at the counter (one transaction, two events). */
export function reportLost(t: Terminal, cardSerial: string): void {
  const card = t.store.getCard(cardSerial);
  if (!card) throw new Error('no such card');
  reportLoss(
    t.db,
    t.store,
    {
      cardSerial,
      expectedVersion: card.version,
      reason: 'loss',
      occurredOn: new Date().toISOString().slice(0, 10),
      place: '駅前',
    },
    counterClerk,
    () => new Date(),
    silent,
  );
}

/**
 * What must hold in a terminal's store at any moment, even just after a kill -9: the file is
 * sound, the audit chain intact, every state with its event and every event with its state
 * (main/cases/consistency.ts), every committed handover with its hand-over event and the other
 * way round, every loss report with its suspension and events. Returns the problems found.
 */
export function storeProblems(db: Db, chainTail?: ChainTail): string[] {
  const problems: string[] = [];
  const integrity = db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
  const fk = db.pragma('foreign_key_check') as unknown[];
  if (fk.length > 0) problems.push(`foreign_key_check: ${fk.length} rows`);
  const chain = chainTail ? chainTail.check(db) : verifyAuditChain(db);
  if (!chain.ok) problems.push(`audit chain: ${JSON.stringify(chain)}`);
  for (const p of caseEventProblems(db)) problems.push(`${p.kind}: ${p.ref}`);
  const list = (sql: string): string[] => db.prepare(sql).pluck().all() as string[];
  // NOT IN (subquery): SQLite builds the subquery's set once, so each check stays linear in
  // the store (a correlated json_extract per row made the crash loop's checks quadratic).
  const handoverEvents = `SELECT json_extract(payload, '$.cardSerial') FROM case_event
                          WHERE type = 'hand-over'`;
  const lossEvents = `SELECT json_extract(payload, '$.suspensionId') FROM case_event
                      WHERE type = 'loss-reported'`;
  for (const serial of list(
    `SELECT card_serial FROM handover WHERE card_serial NOT IN (${handoverEvents})`,
  )) {
    problems.push(`handover without its event: ${serial}`);
  }
  for (const serial of list(
    `${handoverEvents} AND json_extract(payload, '$.cardSerial') NOT IN
       (SELECT card_serial FROM handover)`,
  )) {
    problems.push(`hand-over event without its handover: ${serial}`);
  }
  for (const serial of list(
    `SELECT card_serial FROM suspension
     WHERE suspension_id NOT IN (SELECT suspension_id FROM loss_report)
        OR suspension_id NOT IN (${lossEvents})`,
  )) {
    problems.push(`suspension without its report or event: ${serial}`);
  }
  for (const id of list(
    `${lossEvents} AND json_extract(payload, '$.suspensionId') NOT IN
       (SELECT suspension_id FROM suspension)`,
  )) {
    problems.push(`loss event without its suspension: ${id}`);
  }
  return problems;
}

/**
 * The audit chain checked from where the last check stopped, with the same rules as
 * main/audit/verify.ts (no gap, each event linked to the one before, its hash, its signature):
 * a kill can only leave its mark after the last event already checked, and integrity_check
 * covers the pages below. The crash loop checks the tail after every kill and the whole chain
 * with verifyAuditChain every so often and at the end, so its checks stay linear.
 */
export class ChainTail {
  #seq = 0;
  #hash: Buffer = GENESIS_HASH;

  check(db: Db): AuditChainResult {
    const stored = storedPublicKey(db);
    const publicKey = stored && publicKeyFromRaw(stored.publicKey);
    const rows = db
      .prepare('SELECT * FROM case_event WHERE seq > ? ORDER BY seq')
      .all(this.#seq) as CaseEventRow[];
    for (const row of rows) {
      if (row.seq !== this.#seq + 1) return { ok: false, seq: this.#seq + 1, reason: 'gap' };
      if (!this.#hash.equals(row.prev_hash)) {
        return { ok: false, seq: row.seq, reason: 'prev-hash-mismatch' };
      }
      if (!eventHash(row).equals(row.hash)) {
        return { ok: false, seq: row.seq, reason: 'hash-mismatch' };
      }
      if (!publicKey || !signatureValid(publicKey, row)) {
        return { ok: false, seq: row.seq, reason: 'bad-signature' };
      }
      this.#seq = row.seq;
      this.#hash = row.hash;
    }
    return { ok: true, events: this.#seq, lastSeq: this.#seq };
  }
}

function signatureValid(publicKey: KeyObject, row: CaseEventRow): boolean {
  try {
    return verify(null, row.hash, publicKey, row.signature);
  } catch {
    return false;
  }
}

export function counts(db: Db): { events: number; handovers: number; losses: number } {
  const one = (sql: string): number => db.prepare(sql).pluck().get() as number;
  return {
    events: one('SELECT count(*) FROM case_event'),
    handovers: one('SELECT count(*) FROM handover'),
    losses: one('SELECT count(*) FROM loss_report'),
  };
}

/** Syncs until the outbox is empty (or `attempts` runs), as the scheduler would. */
export async function syncUntilEmpty(engine: SyncEngine, db: Db, attempts = 20): Promise<void> {
  let last = '';
  for (let i = 0; i < attempts; i += 1) {
    const report = await engine.run('demand');
    if (report.outcome.ok && backlog(db).pending === 0) return;
    last = JSON.stringify(report.outcome);
  }
  throw new Error(`sync did not empty the outbox in ${attempts} runs: ${last}`);
}

export function terminalIdOf(db: Db): string {
  return db.prepare('SELECT terminal_id FROM sync_identity WHERE id = 1').pluck().get() as string;
}
