// The central store on SQLite (better-sqlite3-multiple-ciphers), encrypted like the
// terminal's with a random 256-bit key kept in the data directory (central/data-dir.ts). The
// key beside the file protects copies and backups of the file, not a compromised host: a
// production central keeps the key in its KMS or HSM. WAL + synchronous=FULL: an ack is only
// sent after the batch is durable (reference/sync-protocol.md §3.1 rule 1).
//
// Append-only tables (raw_batch, event, outcome, revocation_change) refuse UPDATE and DELETE
// with triggers, so no code path can rewrite what a terminal sent or what central answered.

import Database from 'better-sqlite3-multiple-ciphers';
import { chmodSync, existsSync } from 'node:fs';
import type {
  Outcome,
  ReasonCode,
  RevocationEntry,
  RevocationStatus,
  StreamName,
} from '../../sync/protocol';
import type {
  ApplicationRecord,
  CardRecord,
  CentralStats,
  CentralStore,
  EnrollmentCodeRecord,
  NewEvent,
  PersonRecord,
  ResetSecretRequestRecord,
  ReviewItemRecord,
  RevocationVersionRecord,
  StoredEvent,
  StreamRow,
  TerminalRecord,
  TerminalStatus,
  TrustRootRecord,
} from './central-store';

const SCHEMA_VERSION = 3;

const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;

  CREATE TABLE enrollment_code (
    code_hash  TEXT PRIMARY KEY,
    office_id  TEXT NOT NULL,
    mission    INTEGER NOT NULL CHECK (mission IN (0, 1)),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    used_by    TEXT
  ) STRICT;

  CREATE TABLE terminal (
    terminal_id           TEXT PRIMARY KEY,
    office_id             TEXT NOT NULL,
    mission               INTEGER NOT NULL CHECK (mission IN (0, 1)),
    status                TEXT NOT NULL CHECK (status IN ('active', 'revoked', 'quarantined')),
    status_reason         TEXT,
    epoch                 INTEGER NOT NULL CHECK (epoch >= 1),
    signing_public_key    BLOB NOT NULL CHECK (length(signing_public_key) = 32),
    encryption_public_key BLOB NOT NULL CHECK (length(encryption_public_key) = 32),
    certificate_pem       TEXT NOT NULL,
    certificate_serial    TEXT NOT NULL,
    label                 TEXT,
    last_seq              INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_hash             BLOB NOT NULL CHECK (length(last_hash) = 32),
    enrolled_at           TEXT NOT NULL
  ) STRICT;

  CREATE TABLE raw_batch (
    batch_id    INTEGER PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    from_seq    INTEGER NOT NULL,
    to_seq      INTEGER NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('upload', 'import')),
    received_at TEXT NOT NULL,
    body        BLOB NOT NULL
  ) STRICT;

  CREATE TABLE event (
    server_seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    terminal_id       TEXT NOT NULL,
    seq               INTEGER NOT NULL CHECK (seq >= 1),
    event_id          TEXT NOT NULL UNIQUE,
    tx                INTEGER NOT NULL,
    actor_staff_id    TEXT,
    actor_role        TEXT NOT NULL,
    case_ref          TEXT NOT NULL,
    type              TEXT NOT NULL,
    payload           TEXT NOT NULL,
    case_version_seen INTEGER,
    terminal_time     TEXT NOT NULL,
    prev_hash         BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash              BLOB NOT NULL CHECK (length(hash) = 32),
    signature         BLOB NOT NULL CHECK (length(signature) = 64),
    received_at       TEXT NOT NULL,
    batch_id          INTEGER NOT NULL REFERENCES raw_batch (batch_id),
    UNIQUE (terminal_id, seq)
  ) STRICT;
  CREATE INDEX event_by_case ON event (case_ref);

  CREATE TABLE outcome (
    server_seq INTEGER PRIMARY KEY REFERENCES event (server_seq),
    outcome    TEXT NOT NULL CHECK (outcome IN ('applied', 'applied-with-conflict', 'rejected')),
    reasons    TEXT NOT NULL,
    review_id  TEXT
  ) STRICT;

  CREATE TABLE review_item (
    review_id   TEXT PRIMARY KEY,
    server_seq  INTEGER NOT NULL REFERENCES event (server_seq),
    terminal_id TEXT NOT NULL,
    reason      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    case_ref    TEXT NOT NULL,
    card_serial TEXT,
    detail      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
    created_at  TEXT NOT NULL,
    resolved_by TEXT,
    resolved_at TEXT
  ) STRICT;
  CREATE INDEX review_item_by_state ON review_item (state);

  CREATE TABLE person (
    person_id  TEXT PRIMARY KEY,
    name_kanji TEXT NOT NULL,
    name_kana  TEXT NOT NULL,
    alias      TEXT,
    name_latin TEXT,
    birth_date TEXT NOT NULL,
    sex        TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    address    TEXT NOT NULL,
    overseas   INTEGER NOT NULL CHECK (overseas IN (0, 1)),
    my_number  TEXT NOT NULL UNIQUE
  ) STRICT;

  CREATE TABLE application (
    application_id TEXT PRIMARY KEY,
    office_id      TEXT NOT NULL,
    person_id      TEXT REFERENCES person (person_id),
    kind           TEXT NOT NULL,
    channel        TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('received', 'card-ordered', 'rejected', 'withdrawn')),
    version        INTEGER NOT NULL CHECK (version >= 1),
    cancel_reason  TEXT,
    origin         TEXT NOT NULL
  ) STRICT;

  CREATE TABLE card (
    card_serial            TEXT PRIMARY KEY,
    application_id         TEXT NOT NULL REFERENCES application (application_id),
    office_id              TEXT NOT NULL,
    state                  TEXT NOT NULL,
    expiry_date            TEXT,
    version                INTEGER NOT NULL CHECK (version >= 1),
    secret                 BLOB,
    dispatched_at          TEXT,
    handed_over_server_seq INTEGER
  ) STRICT;
  CREATE INDEX card_by_application ON card (application_id);

  -- Per-office download streams: one row per change, read in pos order.
  CREATE TABLE stream_item (
    pos       INTEGER PRIMARY KEY AUTOINCREMENT,
    office_id TEXT NOT NULL,
    stream    TEXT NOT NULL CHECK (stream IN ('applications', 'cards', 'card_status')),
    key       TEXT NOT NULL,
    item      TEXT NOT NULL
  ) STRICT;
  CREATE INDEX stream_item_by_office ON stream_item (office_id, stream, pos);

  -- Where each terminal last read each stream (monitoring; the terminal owns its cursor).
  CREATE TABLE stream_cursor (
    terminal_id TEXT NOT NULL,
    stream      TEXT NOT NULL,
    cursor      TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (terminal_id, stream)
  ) STRICT;

  CREATE TABLE revocation_version (
    list_version    INTEGER PRIMARY KEY CHECK (list_version >= 1),
    issued_at       TEXT NOT NULL,
    entry_count     INTEGER NOT NULL,
    snapshot_digest TEXT
  ) STRICT;
  CREATE TABLE revocation_change (
    list_version INTEGER NOT NULL REFERENCES revocation_version (list_version),
    card_serial  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('suspended', 'revoked', 'reinstated')),
    effective_at TEXT NOT NULL,
    PRIMARY KEY (list_version, card_serial)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE revocation_entry (
    card_serial  TEXT PRIMARY KEY,
    status       TEXT NOT NULL CHECK (status IN ('suspended', 'revoked', 'reinstated')),
    effective_at TEXT NOT NULL,
    list_version INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
`;

/** Version 2: the JPKI roots of the trust_roots configuration stream, added and never changed. */
const SCHEMA_V2 = `
  CREATE TABLE trust_root (
    pos         INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint TEXT NOT NULL UNIQUE CHECK (length(fingerprint) = 64),
    der         BLOB NOT NULL,
    test        INTEGER NOT NULL CHECK (test IN (0, 1)),
    subject     TEXT NOT NULL,
    serial      TEXT NOT NULL,
    not_before  TEXT NOT NULL,
    not_after   TEXT NOT NULL,
    added_at    TEXT NOT NULL
  ) STRICT;
`;

/**
 * Version 3: each card's reset secret (docs/card-issuance-profile.md), and every request a
 * terminal made for one (who, when, which card, served or why refused), added and never changed.
 */
const SCHEMA_V3 = `
  ALTER TABLE card ADD COLUMN reset_secret BLOB;
  CREATE TABLE reset_secret_request (
    request_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    terminal_id  TEXT NOT NULL,
    office_id    TEXT NOT NULL,
    card_serial  TEXT NOT NULL,
    reason       TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('served', 'refused')),
    refusal      TEXT,
    requested_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX reset_secret_request_by_card ON reset_secret_request (card_serial, request_id);
`;

const APPEND_ONLY = [
  'raw_batch',
  'event',
  'outcome',
  'revocation_change',
  'trust_root',
  'reset_secret_request',
];

export interface SqliteStoreOptions {
  path: string;
  /** 32 random bytes. */
  key: Buffer;
}

type Row = Record<string, unknown>;

export class SqliteCentralStore implements CentralStore {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(options: SqliteStoreOptions) {
    if (options.key.length !== 32) throw new Error('the central store key must be 32 bytes');
    const creating = !existsSync(options.path);
    this.#db = new Database(options.path);
    try {
      if (creating && process.platform !== 'win32') chmodSync(options.path, 0o600);
      this.#db.pragma(`hexkey='${options.key.toString('hex')}'`);
      try {
        this.#db.prepare('SELECT count(*) FROM sqlite_schema').get();
      } catch {
        throw new Error(
          'The central store cannot be decrypted with the key in the data directory.',
        );
      }
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = FULL');
      this.#db.pragma('foreign_keys = ON');
      this.#db.pragma('busy_timeout = 5000');
      const version = this.#db.pragma('user_version', { simple: true }) as number;
      if (version === 0) {
        this.#db.transaction(() => {
          this.#db.exec(SCHEMA);
          this.#db.exec(SCHEMA_V2);
          this.#db.exec(SCHEMA_V3);
          for (const table of APPEND_ONLY) this.#appendOnly(table);
          this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
        })();
      } else if (version === 1) {
        this.#db.transaction(() => {
          this.#db.exec(SCHEMA_V2);
          this.#appendOnly('trust_root');
          this.#db.exec(SCHEMA_V3);
          this.#appendOnly('reset_secret_request');
          this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
        })();
      } else if (version === 2) {
        this.#db.transaction(() => {
          this.#db.exec(SCHEMA_V3);
          this.#appendOnly('reset_secret_request');
          this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
        })();
      } else if (version !== SCHEMA_VERSION) {
        throw new Error(
          `The central store has schema version ${version}; this build knows ${SCHEMA_VERSION}.`,
        );
      }
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  #appendOnly(table: string): void {
    this.#db.exec(`
      CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${table} is write-once'); END;
      CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${table} is write-once'); END;
    `);
  }

  addTrustRoot(root: Omit<TrustRootRecord, 'pos'>): { record: TrustRootRecord; added: boolean } {
    const added =
      this.#s(
        `INSERT INTO trust_root (fingerprint, der, test, subject, serial, not_before, not_after, added_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO NOTHING`,
      ).run(
        root.fingerprint,
        root.der,
        root.test ? 1 : 0,
        root.subject,
        root.serial,
        root.notBefore,
        root.notAfter,
        root.addedAt,
      ).changes === 1;
    const row = this.#s('SELECT * FROM trust_root WHERE fingerprint = ?').get(root.fingerprint);
    return { record: trustRootOf(row as Row), added };
  }

  readTrustRoots(afterPos: number, limit: number): TrustRootRecord[] {
    return (
      this.#s('SELECT * FROM trust_root WHERE pos > ? ORDER BY pos LIMIT ?').all(
        afterPos,
        limit,
      ) as Row[]
    ).map(trustRootOf);
  }

  #s(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  transaction<T>(fn: () => T): T {
    if (this.#db.inTransaction) return fn();
    return this.#db.transaction(fn).immediate();
  }

  getMeta(key: string): string | undefined {
    return (
      this.#s('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined
    )?.value;
  }

  setMeta(key: string, value: string): void {
    this.#s(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
  }

  insertEnrollmentCode(code: Omit<EnrollmentCodeRecord, 'usedAt' | 'usedBy'>): void {
    this.#s(
      'INSERT INTO enrollment_code (code_hash, office_id, mission, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ).run(code.codeHash, code.officeId, code.mission ? 1 : 0, code.createdAt, code.expiresAt);
  }

  getEnrollmentCode(codeHash: string): EnrollmentCodeRecord | undefined {
    const row = this.#s('SELECT * FROM enrollment_code WHERE code_hash = ?').get(codeHash) as
      Row | undefined;
    return (
      row && {
        codeHash: row.code_hash as string,
        officeId: row.office_id as string,
        mission: row.mission === 1,
        createdAt: row.created_at as string,
        expiresAt: row.expires_at as string,
        usedAt: row.used_at as string | null,
        usedBy: row.used_by as string | null,
      }
    );
  }

  useEnrollmentCode(codeHash: string, terminalId: string, at: string): boolean {
    return (
      this.#s(
        'UPDATE enrollment_code SET used_at = ?, used_by = ? WHERE code_hash = ? AND used_at IS NULL',
      ).run(at, terminalId, codeHash).changes === 1
    );
  }

  getTerminal(terminalId: string): TerminalRecord | undefined {
    const row = this.#s('SELECT * FROM terminal WHERE terminal_id = ?').get(terminalId) as
      Row | undefined;
    return row && toTerminal(row);
  }

  listTerminals(): TerminalRecord[] {
    return (this.#s('SELECT * FROM terminal ORDER BY terminal_id').all() as Row[]).map(toTerminal);
  }

  saveEnrollment(
    t: Omit<TerminalRecord, 'status' | 'statusReason' | 'lastSeq' | 'lastHash' | 'epoch'>,
  ): TerminalRecord {
    this.#s(
      `INSERT INTO terminal (terminal_id, office_id, mission, status, epoch, signing_public_key,
         encryption_public_key, certificate_pem, certificate_serial, label, last_seq, last_hash, enrolled_at)
       VALUES (@terminalId, @officeId, @mission, 'active', 1, @signingPublicKey, @encryptionPublicKey,
         @certificatePem, @certificateSerial, @label, 0, zeroblob(32), @enrolledAt)
       ON CONFLICT (terminal_id) DO UPDATE SET
         office_id = excluded.office_id, mission = excluded.mission, epoch = epoch + 1,
         encryption_public_key = excluded.encryption_public_key,
         certificate_pem = excluded.certificate_pem, certificate_serial = excluded.certificate_serial,
         label = excluded.label, enrolled_at = excluded.enrolled_at`,
    ).run({ ...t, mission: t.mission ? 1 : 0 });
    const saved = this.getTerminal(t.terminalId);
    if (!saved) throw new Error('terminal not saved');
    return saved;
  }

  setTerminalStatus(terminalId: string, status: TerminalStatus, reason: string | null): boolean {
    return (
      this.#s('UPDATE terminal SET status = ?, status_reason = ? WHERE terminal_id = ?').run(
        status,
        reason,
        terminalId,
      ).changes === 1
    );
  }

  advanceTerminal(terminalId: string, lastSeq: number, lastHash: Buffer): void {
    this.#s('UPDATE terminal SET last_seq = ?, last_hash = ? WHERE terminal_id = ?').run(
      lastSeq,
      lastHash,
      terminalId,
    );
  }

  insertRawBatch(b: {
    terminalId: string;
    fromSeq: number;
    toSeq: number;
    receivedAt: string;
    source: 'upload' | 'import';
    body: Buffer;
  }): number {
    return Number(
      this.#s(
        'INSERT INTO raw_batch (terminal_id, from_seq, to_seq, source, received_at, body) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(b.terminalId, b.fromSeq, b.toSeq, b.source, b.receivedAt, b.body).lastInsertRowid,
    );
  }

  getEventBySeq(terminalId: string, seq: number): StoredEvent | undefined {
    const row = this.#s(
      `SELECT e.server_seq, e.terminal_id, e.seq, e.event_id, e.hash, e.tx, o.outcome, o.reasons, o.review_id
         FROM event e JOIN outcome o USING (server_seq) WHERE e.terminal_id = ? AND e.seq = ?`,
    ).get(terminalId, seq) as Row | undefined;
    return (
      row && {
        serverSeq: row.server_seq as number,
        terminalId: row.terminal_id as string,
        seq: row.seq as number,
        eventId: row.event_id as string,
        hash: row.hash as Buffer,
        tx: row.tx as number,
        outcome: row.outcome as Outcome,
        reasons: JSON.parse(row.reasons as string) as ReasonCode[],
        reviewId: row.review_id as string | null,
      }
    );
  }

  eventIdTaken(eventId: string): boolean {
    return this.#s('SELECT 1 FROM event WHERE event_id = ?').get(eventId) !== undefined;
  }

  insertEvent(e: NewEvent): number {
    return Number(
      this.#s(
        `INSERT INTO event (terminal_id, seq, event_id, tx, actor_staff_id, actor_role, case_ref, type,
           payload, case_version_seen, terminal_time, prev_hash, hash, signature, received_at, batch_id)
         VALUES (@terminalId, @seq, @eventId, @tx, @actorStaffId, @actorRole, @caseRef, @type, @payload,
           @caseVersionSeen, @terminalTime, @prevHash, @hash, @signature, @receivedAt, @batchId)`,
      ).run(e).lastInsertRowid,
    );
  }

  insertOutcome(
    serverSeq: number,
    outcome: Outcome,
    reasons: ReasonCode[],
    reviewId: string | null,
  ): void {
    this.#s(
      'INSERT INTO outcome (server_seq, outcome, reasons, review_id) VALUES (?, ?, ?, ?)',
    ).run(serverSeq, outcome, JSON.stringify(reasons), reviewId);
  }

  insertReviewItem(item: ReviewItemRecord): void {
    this.#s(
      `INSERT INTO review_item (review_id, server_seq, terminal_id, reason, outcome, case_ref, card_serial,
         detail, state, created_at)
       VALUES (@reviewId, @serverSeq, @terminalId, @reason, @outcome, @caseRef, @cardSerial, @detail, @state, @createdAt)`,
    ).run(item);
  }

  listReviewItems(state?: 'open' | 'resolved'): ReviewItemRecord[] {
    const rows = (
      state
        ? this.#s('SELECT * FROM review_item WHERE state = ? ORDER BY server_seq').all(state)
        : this.#s('SELECT * FROM review_item ORDER BY server_seq').all()
    ) as Row[];
    return rows.map((row) => ({
      reviewId: row.review_id as string,
      serverSeq: row.server_seq as number,
      terminalId: row.terminal_id as string,
      reason: row.reason as ReasonCode,
      outcome: row.outcome as Outcome,
      caseRef: row.case_ref as string,
      cardSerial: row.card_serial as string | null,
      detail: row.detail as string,
      state: row.state as 'open' | 'resolved',
      createdAt: row.created_at as string,
    }));
  }

  resolveReviewItem(reviewId: string, resolvedBy: string, at: string): boolean {
    return (
      this.#s(
        "UPDATE review_item SET state = 'resolved', resolved_by = ?, resolved_at = ? WHERE review_id = ? AND state = 'open'",
      ).run(resolvedBy, at, reviewId).changes === 1
    );
  }

  bumpCounter(name: string, by = 1): void {
    this.#s(
      'INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value',
    ).run(name, by);
  }

  getPerson(personId: string): PersonRecord | undefined {
    const row = this.#s('SELECT * FROM person WHERE person_id = ?').get(personId) as
      Row | undefined;
    return (
      row && {
        personId: row.person_id as string,
        nameKanji: row.name_kanji as string,
        nameKana: row.name_kana as string,
        alias: row.alias as string | null,
        nameLatin: row.name_latin as string | null,
        birthDate: row.birth_date as string,
        sex: row.sex as 'male' | 'female',
        address: row.address as string,
        overseas: row.overseas === 1,
        myNumber: row.my_number as string,
      }
    );
  }

  insertPerson(p: PersonRecord): void {
    this.#s(
      `INSERT INTO person (person_id, name_kanji, name_kana, alias, name_latin, birth_date, sex, address,
         overseas, my_number)
       VALUES (@personId, @nameKanji, @nameKana, @alias, @nameLatin, @birthDate, @sex, @address, @overseas, @myNumber)`,
    ).run({ ...p, overseas: p.overseas ? 1 : 0 });
  }

  getApplication(applicationId: string): ApplicationRecord | undefined {
    const row = this.#s('SELECT * FROM application WHERE application_id = ?').get(applicationId) as
      Row | undefined;
    return (
      row && {
        applicationId: row.application_id as string,
        officeId: row.office_id as string,
        personId: row.person_id as string | null,
        kind: row.kind as ApplicationRecord['kind'],
        channel: row.channel as ApplicationRecord['channel'],
        receivedAt: row.received_at as string,
        status: row.status as ApplicationRecord['status'],
        version: row.version as number,
        cancelReason: row.cancel_reason as string | null,
        origin: row.origin as string,
      }
    );
  }

  saveApplication(a: ApplicationRecord): void {
    this.#s(
      `INSERT INTO application (application_id, office_id, person_id, kind, channel, received_at, status,
         version, cancel_reason, origin)
       VALUES (@applicationId, @officeId, @personId, @kind, @channel, @receivedAt, @status, @version,
         @cancelReason, @origin)
       ON CONFLICT (application_id) DO UPDATE SET status = excluded.status, version = excluded.version,
         cancel_reason = excluded.cancel_reason`,
    ).run(a);
  }

  getCard(cardSerial: string): CardRecord | undefined {
    const row = this.#s('SELECT * FROM card WHERE card_serial = ?').get(cardSerial) as
      Row | undefined;
    return (
      row && {
        cardSerial: row.card_serial as string,
        applicationId: row.application_id as string,
        officeId: row.office_id as string,
        state: row.state as string,
        expiryDate: row.expiry_date as string | null,
        version: row.version as number,
        secret: row.secret as Buffer | null,
        resetSecret: (row.reset_secret as Buffer | null | undefined) ?? null,
        dispatchedAt: row.dispatched_at as string | null,
        handedOverServerSeq: row.handed_over_server_seq as number | null,
      }
    );
  }

  saveCard(c: CardRecord): void {
    this.#s(
      `INSERT INTO card (card_serial, application_id, office_id, state, expiry_date, version, secret,
         reset_secret, dispatched_at, handed_over_server_seq)
       VALUES (@cardSerial, @applicationId, @officeId, @state, @expiryDate, @version, @secret,
         @resetSecret, @dispatchedAt, @handedOverServerSeq)
       ON CONFLICT (card_serial) DO UPDATE SET state = excluded.state, version = excluded.version,
         dispatched_at = excluded.dispatched_at`,
    ).run(c);
  }

  insertResetSecretRequest(request: Omit<ResetSecretRequestRecord, 'requestId'>): number {
    return Number(
      this.#s(
        `INSERT INTO reset_secret_request (terminal_id, office_id, card_serial, reason, outcome,
           refusal, requested_at)
         VALUES (@terminalId, @officeId, @cardSerial, @reason, @outcome, @refusal, @requestedAt)`,
      ).run(request).lastInsertRowid,
    );
  }

  listResetSecretRequests(cardSerial?: string): ResetSecretRequestRecord[] {
    const rows = (
      cardSerial === undefined
        ? this.#s('SELECT * FROM reset_secret_request ORDER BY request_id').all()
        : this.#s(
            'SELECT * FROM reset_secret_request WHERE card_serial = ? ORDER BY request_id',
          ).all(cardSerial)
    ) as Row[];
    return rows.map((row) => ({
      requestId: row.request_id as number,
      terminalId: row.terminal_id as string,
      officeId: row.office_id as string,
      cardSerial: row.card_serial as string,
      reason: row.reason as string,
      outcome: row.outcome as 'served' | 'refused',
      refusal: row.refusal as string | null,
      requestedAt: row.requested_at as string,
    }));
  }

  markHandedOver(cardSerial: string, serverSeq: number): boolean {
    return (
      this.#s(
        'UPDATE card SET handed_over_server_seq = ? WHERE card_serial = ? AND handed_over_server_seq IS NULL',
      ).run(serverSeq, cardSerial).changes === 1
    );
  }

  appendStream(
    officeId: string,
    stream: Exclude<StreamName, 'revocations'>,
    key: string,
    item: string,
  ): number {
    return Number(
      this.#s('INSERT INTO stream_item (office_id, stream, key, item) VALUES (?, ?, ?, ?)').run(
        officeId,
        stream,
        key,
        item,
      ).lastInsertRowid,
    );
  }

  readStream(
    officeId: string,
    stream: Exclude<StreamName, 'revocations'>,
    afterPos: number,
    limit: number,
  ): StreamRow[] {
    return this.#s(
      'SELECT pos, key, item FROM stream_item WHERE office_id = ? AND stream = ? AND pos > ? ORDER BY pos LIMIT ?',
    ).all(officeId, stream, afterPos, limit) as StreamRow[];
  }

  recordCursor(terminalId: string, stream: StreamName, cursor: string, at: string): void {
    this.#s(
      `INSERT INTO stream_cursor (terminal_id, stream, cursor, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (terminal_id, stream) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
    ).run(terminalId, stream, cursor, at);
  }

  getRevocationEntry(cardSerial: string): RevocationEntry | undefined {
    const row = this.#s('SELECT * FROM revocation_entry WHERE card_serial = ?').get(cardSerial) as
      RevocationEntry | undefined;
    return row && { ...row };
  }

  currentRevocationVersion(): RevocationVersionRecord | undefined {
    const row = this.#s(
      'SELECT * FROM revocation_version ORDER BY list_version DESC LIMIT 1',
    ).get() as Row | undefined;
    return row && toVersion(row);
  }

  getRevocationVersion(listVersion: number): RevocationVersionRecord | undefined {
    const row = this.#s('SELECT * FROM revocation_version WHERE list_version = ?').get(
      listVersion,
    ) as Row | undefined;
    return row && toVersion(row);
  }

  addRevocationVersion(
    changes: { cardSerial: string; status: RevocationStatus; effectiveAt: string }[],
    issuedAt: string,
  ): RevocationVersionRecord {
    return this.transaction(() => {
      const version = (this.currentRevocationVersion()?.listVersion ?? 0) + 1;
      this.#s(
        'INSERT INTO revocation_version (list_version, issued_at, entry_count) VALUES (?, ?, 0)',
      ).run(version, issuedAt);
      const change = this.#s(
        'INSERT INTO revocation_change (list_version, card_serial, status, effective_at) VALUES (?, ?, ?, ?)',
      );
      const entry = this.#s(
        `INSERT INTO revocation_entry (card_serial, status, effective_at, list_version) VALUES (?, ?, ?, ?)
         ON CONFLICT (card_serial) DO UPDATE SET status = excluded.status, effective_at = excluded.effective_at,
           list_version = excluded.list_version`,
      );
      for (const c of changes) {
        change.run(version, c.cardSerial, c.status, c.effectiveAt);
        entry.run(c.cardSerial, c.status, c.effectiveAt, version);
      }
      const count = (this.#s('SELECT count(*) AS n FROM revocation_entry').get() as { n: number })
        .n;
      this.#db
        .prepare('UPDATE revocation_version SET entry_count = ? WHERE list_version = ?')
        .run(count, version);
      return { listVersion: version, issuedAt, entryCount: count, snapshotDigest: null };
    });
  }

  revocationChanges(listVersion: number): RevocationEntry[] {
    return (
      this.#s(
        'SELECT card_serial, status, effective_at, list_version FROM revocation_change WHERE list_version = ? ORDER BY card_serial',
      ).all(listVersion) as RevocationEntry[]
    ).map((row) => ({ ...row }));
  }

  revocationEntries(afterSerial: string | null, limit: number): RevocationEntry[] {
    return (
      this.#s(
        'SELECT card_serial, status, effective_at, list_version FROM revocation_entry WHERE card_serial > ? ORDER BY card_serial LIMIT ?',
      ).all(afterSerial ?? '', limit) as RevocationEntry[]
    ).map((row) => ({ ...row }));
  }

  *iterateRevocationEntries(): Iterable<RevocationEntry> {
    const rows = this.#db
      .prepare(
        'SELECT card_serial, status, effective_at, list_version FROM revocation_entry ORDER BY card_serial',
      )
      .iterate() as Iterable<RevocationEntry>;
    for (const row of rows) yield { ...row };
  }

  cacheSnapshotDigest(listVersion: number, digest: string): void {
    this.#s('UPDATE revocation_version SET snapshot_digest = ? WHERE list_version = ?').run(
      digest,
      listVersion,
    );
  }

  oldestRevocationDelta(): number {
    return (
      (
        this.#s('SELECT min(list_version) AS v FROM revocation_version').get() as {
          v: number | null;
        }
      ).v ?? 1
    );
  }

  stats(): CentralStats {
    const counters = new Map(
      (this.#s('SELECT name, value FROM counter').all() as { name: string; value: number }[]).map(
        (r) => [r.name, r.value],
      ),
    );
    const perTerminal = new Map(
      (
        this.#s('SELECT terminal_id, count(*) AS n FROM event GROUP BY terminal_id').all() as {
          terminal_id: string;
          n: number;
        }[]
      ).map((r) => [r.terminal_id, r.n]),
    );
    const outcomes: Record<Outcome, number> = {
      applied: 0,
      duplicate: 0,
      'applied-with-conflict': 0,
      rejected: 0,
    };
    for (const row of this.#s(
      'SELECT outcome, count(*) AS n FROM outcome GROUP BY outcome',
    ).all() as {
      outcome: Outcome;
      n: number;
    }[]) {
      outcomes[row.outcome] = row.n;
    }
    outcomes.duplicate = counters.get('duplicates_refused') ?? 0;
    const reviews = { open: 0, resolved: 0 };
    for (const row of this.#s(
      'SELECT state, count(*) AS n FROM review_item GROUP BY state',
    ).all() as {
      state: 'open' | 'resolved';
      n: number;
    }[]) {
      reviews[row.state] = row.n;
    }
    // Two rows for one event_id, or two for one (terminal, seq), would be a duplicate applied;
    // the UNIQUE constraints make this 0, and stats proves it rather than assuming it.
    const duplicatesApplied = (
      this.#s(
        `SELECT (SELECT count(*) FROM event) - (SELECT count(DISTINCT event_id) FROM event)
              + (SELECT count(*) FROM event) - (SELECT count(*) FROM (SELECT DISTINCT terminal_id, seq FROM event)) AS n`,
      ).get() as { n: number }
    ).n;
    return {
      terminals: this.listTerminals().map((t) => ({
        terminalId: t.terminalId,
        officeId: t.officeId,
        status: t.status,
        lastSeq: t.lastSeq,
        events: perTerminal.get(t.terminalId) ?? 0,
      })),
      events: (this.#s('SELECT count(*) AS n FROM event').get() as { n: number }).n,
      outcomes,
      duplicatesRefused: counters.get('duplicates_refused') ?? 0,
      duplicatesApplied,
      conflictsOpen: (
        this.#s(
          "SELECT count(*) AS n FROM review_item WHERE state = 'open' AND outcome = 'applied-with-conflict'",
        ).get() as {
          n: number;
        }
      ).n,
      reviewItems: reviews,
      rawBatches: (this.#s('SELECT count(*) AS n FROM raw_batch').get() as { n: number }).n,
      revocationListVersion: this.currentRevocationVersion()?.listVersion ?? 0,
    };
  }
}

function toTerminal(row: Row): TerminalRecord {
  return {
    terminalId: row.terminal_id as string,
    officeId: row.office_id as string,
    mission: row.mission === 1,
    status: row.status as TerminalStatus,
    statusReason: row.status_reason as string | null,
    epoch: row.epoch as number,
    signingPublicKey: row.signing_public_key as Buffer,
    encryptionPublicKey: row.encryption_public_key as Buffer,
    certificatePem: row.certificate_pem as string,
    certificateSerial: row.certificate_serial as string,
    label: row.label as string | null,
    lastSeq: row.last_seq as number,
    lastHash: row.last_hash as Buffer,
    enrolledAt: row.enrolled_at as string,
  };
}

function toVersion(row: Row): RevocationVersionRecord {
  return {
    listVersion: row.list_version as number,
    issuedAt: row.issued_at as string,
    entryCount: row.entry_count as number,
    snapshotDigest: row.snapshot_digest as string | null,
  };
}

function trustRootOf(row: Row): TrustRootRecord {
  return {
    pos: row['pos'] as number,
    fingerprint: row['fingerprint'] as string,
    der: row['der'] as Buffer,
    test: row['test'] === 1,
    subject: row['subject'] as string,
    serial: row['serial'] as string,
    notBefore: row['not_before'] as string,
    notAfter: row['not_after'] as string,
    addedAt: row['added_at'] as string,
  };
}
