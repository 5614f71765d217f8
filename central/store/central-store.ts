// What the central service needs from storage, as one interface, so the SQLite store here can
// be replaced by PostgreSQL for national scale without touching ingest, streams or the HTTP
// layer (docs/sync-protocol.md §8). Methods are synchronous because better-sqlite3 is; a
// PostgreSQL store would make them async and run `transaction` as BEGIN ... COMMIT on one
// pooled connection, locking the terminal row with SELECT ... FOR UPDATE.

import type {
  Outcome,
  ReasonCode,
  RevocationEntry,
  RevocationStatus,
  StreamName,
} from '../../sync/protocol';

export type TerminalStatus = 'active' | 'revoked' | 'quarantined';

export interface TerminalRecord {
  terminalId: string;
  officeId: string;
  mission: boolean;
  status: TerminalStatus;
  statusReason: string | null;
  epoch: number;
  signingPublicKey: Buffer;
  encryptionPublicKey: Buffer;
  certificatePem: string;
  certificateSerial: string;
  label: string | null;
  lastSeq: number;
  /** Hash of event lastSeq; 32 zero bytes before the first. */
  lastHash: Buffer;
  enrolledAt: string;
}

export interface EnrollmentCodeRecord {
  codeHash: string;
  officeId: string;
  mission: boolean;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedBy: string | null;
}

export interface StoredEvent {
  serverSeq: number;
  terminalId: string;
  seq: number;
  eventId: string;
  hash: Buffer;
  tx: number;
  outcome: Outcome;
  reasons: ReasonCode[];
  reviewId: string | null;
}

export interface NewEvent {
  terminalId: string;
  seq: number;
  eventId: string;
  tx: number;
  actorStaffId: string | null;
  actorRole: string;
  caseRef: string;
  type: string;
  payload: string;
  caseVersionSeen: number | null;
  terminalTime: string;
  prevHash: Buffer;
  hash: Buffer;
  signature: Buffer;
  receivedAt: string;
  batchId: number;
}

export interface ReviewItemRecord {
  reviewId: string;
  serverSeq: number;
  terminalId: string;
  reason: ReasonCode;
  outcome: Outcome;
  caseRef: string;
  cardSerial: string | null;
  /** No personal data: codes, states, IDs. */
  detail: string;
  state: 'open' | 'resolved';
  createdAt: string;
}

export interface PersonRecord {
  personId: string;
  nameKanji: string;
  nameKana: string;
  alias: string | null;
  nameLatin: string | null;
  birthDate: string;
  sex: 'male' | 'female';
  address: string;
  overseas: boolean;
  myNumber: string;
}

export type ApplicationStatus = 'received' | 'card-ordered' | 'rejected' | 'withdrawn';

export interface ApplicationRecord {
  applicationId: string;
  officeId: string;
  personId: string | null;
  kind: 'new' | 'renewal' | 'reissue-loss' | 'reissue-damage' | 'overseas';
  channel: 'counter' | 'mail' | 'online' | 'overseas-online';
  receivedAt: string;
  status: ApplicationStatus;
  version: number;
  cancelReason: string | null;
  /** 'central' when seeded or created centrally, else the terminal that reported it. */
  origin: string;
}

export interface CardRecord {
  cardSerial: string;
  applicationId: string;
  officeId: string;
  state: string;
  expiryDate: string | null;
  version: number;
  /** The card's initialization secret (never leaves central unwrapped). */
  secret: Buffer | null;
  /** The card's reset secret: served, wrapped, per request (never in the dispatch record). */
  resetSecret: Buffer | null;
  dispatchedAt: string | null;
  /** The server_seq of the first handover central accepted, if any. */
  handedOverServerSeq: number | null;
}

/** One terminal's request for a card's reset secret, as central recorded it (write-once). */
export interface ResetSecretRequestRecord {
  requestId: number;
  terminalId: string;
  officeId: string;
  cardSerial: string;
  /** A RESET_SECRET_REASONS code; no personal data. */
  reason: string;
  outcome: 'served' | 'refused';
  /** The error code when refused. */
  refusal: string | null;
  requestedAt: string;
}

export interface StreamRow {
  pos: number;
  key: string;
  item: string;
}

/** A JPKI root certificate central's administrators trust, for every terminal. */
export interface TrustRootRecord {
  /** Position in the trust_roots stream. */
  pos: number;
  /** SHA-256 of the DER, lower-case hex. */
  fingerprint: string;
  der: Buffer;
  /** A test or training root: terminals use it only in training mode. */
  test: boolean;
  subject: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  addedAt: string;
}

export interface RevocationVersionRecord {
  listVersion: number;
  issuedAt: string;
  entryCount: number;
  /** Cached snapshot digest of the list at this version, when computed. */
  snapshotDigest: string | null;
}

export interface CentralStats {
  terminals: {
    terminalId: string;
    officeId: string;
    status: TerminalStatus;
    lastSeq: number;
    events: number;
  }[];
  events: number;
  outcomes: Record<Outcome, number>;
  duplicatesRefused: number;
  duplicatesApplied: number;
  conflictsOpen: number;
  reviewItems: { open: number; resolved: number };
  rawBatches: number;
  revocationListVersion: number;
}

export interface CentralStore {
  close(): void;
  /** Runs fn as one atomic unit; a nested call joins the outer one. */
  transaction<T>(fn: () => T): T;

  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;

  insertEnrollmentCode(code: Omit<EnrollmentCodeRecord, 'usedAt' | 'usedBy'>): void;
  getEnrollmentCode(codeHash: string): EnrollmentCodeRecord | undefined;
  /** Marks the code used; false if it was used already (single use). */
  useEnrollmentCode(codeHash: string, terminalId: string, at: string): boolean;

  getTerminal(terminalId: string): TerminalRecord | undefined;
  listTerminals(): TerminalRecord[];
  /** New terminal, or a known one enrolled again (epoch + 1, keys and certificate replaced). */
  saveEnrollment(
    terminal: Omit<TerminalRecord, 'status' | 'statusReason' | 'lastSeq' | 'lastHash' | 'epoch'>,
  ): TerminalRecord;
  setTerminalStatus(terminalId: string, status: TerminalStatus, reason: string | null): boolean;
  advanceTerminal(terminalId: string, lastSeq: number, lastHash: Buffer): void;

  /** Write-once: the raw request body as received. Returns its batch_id. */
  insertRawBatch(batch: {
    terminalId: string;
    fromSeq: number;
    toSeq: number;
    receivedAt: string;
    source: 'upload' | 'import';
    body: Buffer;
  }): number;

  getEventBySeq(terminalId: string, seq: number): StoredEvent | undefined;
  eventIdTaken(eventId: string): boolean;
  /** Stores an event; returns its server_seq. */
  insertEvent(event: NewEvent): number;
  insertOutcome(
    serverSeq: number,
    outcome: Outcome,
    reasons: ReasonCode[],
    reviewId: string | null,
  ): void;
  insertReviewItem(item: ReviewItemRecord): void;
  listReviewItems(state?: 'open' | 'resolved'): ReviewItemRecord[];
  /** Closes an open review item; false if there is none open with this ID. */
  resolveReviewItem(reviewId: string, resolvedBy: string, at: string): boolean;
  bumpCounter(name: string, by?: number): void;

  getPerson(personId: string): PersonRecord | undefined;
  insertPerson(person: PersonRecord): void;
  getApplication(applicationId: string): ApplicationRecord | undefined;
  saveApplication(application: ApplicationRecord): void;
  getCard(cardSerial: string): CardRecord | undefined;
  /** Inserts or updates a card; handedOverServerSeq is only ever set by markHandedOver. */
  saveCard(card: CardRecord): void;
  /** Records a request for a card's reset secret; returns its request_id. */
  insertResetSecretRequest(request: Omit<ResetSecretRequestRecord, 'requestId'>): number;
  /** The requests recorded, oldest first (all, or one card's). */
  listResetSecretRequests(cardSerial?: string): ResetSecretRequestRecord[];
  /** Records the first accepted handover; false if one was recorded already. */
  markHandedOver(cardSerial: string, serverSeq: number): boolean;

  appendStream(
    officeId: string,
    stream: Exclude<StreamName, 'revocations'>,
    key: string,
    item: string,
  ): number;
  readStream(
    officeId: string,
    stream: Exclude<StreamName, 'revocations'>,
    afterPos: number,
    limit: number,
  ): StreamRow[];
  recordCursor(terminalId: string, stream: StreamName, cursor: string, at: string): void;

  getRevocationEntry(cardSerial: string): RevocationEntry | undefined;
  currentRevocationVersion(): RevocationVersionRecord | undefined;
  getRevocationVersion(listVersion: number): RevocationVersionRecord | undefined;
  /** Publishes a new list version with these changes; returns it. */
  addRevocationVersion(
    changes: { cardSerial: string; status: RevocationStatus; effectiveAt: string }[],
    issuedAt: string,
  ): RevocationVersionRecord;
  /** The entries that version listVersion changed (its delta), in card serial order. */
  revocationChanges(listVersion: number): RevocationEntry[];
  /** The current list, in card serial order, after a serial (paging). */
  revocationEntries(afterSerial: string | null, limit: number): RevocationEntry[];
  /** Iterates the current list in card serial order (digest computation). */
  iterateRevocationEntries(): Iterable<RevocationEntry>;
  cacheSnapshotDigest(listVersion: number, digest: string): void;
  /** The oldest version whose delta is still kept. */
  oldestRevocationDelta(): number;

  /** Adds a root once (by fingerprint); `added` is false when it was there already. */
  addTrustRoot(root: Omit<TrustRootRecord, 'pos'>): { record: TrustRootRecord; added: boolean };
  /** The roots after a stream position, in position order. */
  readTrustRoots(afterPos: number, limit: number): TrustRootRecord[];

  stats(): CentralStats;
}
