// The sync wire protocol between a terminal and the central service: every message as a zod
// schema and a type, the paths, the limits and the error codes. Shared by main/sync (the
// terminal) and central/ (the reference central service); docs/sync-protocol.md is the
// specification this file implements, and says why each rule is what it is
// (reference/sync-protocol.md §3 is where most of them come from).
//
// Pure TypeScript and zod: no Node, no SQLite. The byte encodings that are signed live in
// sync/signing.ts and sync/events.ts, which need node:crypto.
//
// Conventions on the wire: JSON bodies, UTF-8; binary values (hashes, signatures, keys,
// ciphertexts) are standard base64 with padding; times are ISO 8601 UTC strings
// ("2026-11-22T01:02:03.456Z"); sequence numbers are JSON integers (safe integers).

import { z } from 'zod';

/** Bumped on any incompatible change of a message or of a signed encoding. */
export const PROTOCOL_VERSION = 1 as const;

/** Upload batch limits (reference/sync-protocol.md §3.3): whichever is reached first. */
export const MAX_BATCH_EVENTS = 200;
export const MAX_BATCH_BYTES = 1024 * 1024;
/**
 * A single local transaction larger than the limits may still be sent whole (a transaction is
 * never split): the server accepts a batch up to this size when it is one transaction group.
 */
export const MAX_BATCH_BYTES_HARD = 8 * 1024 * 1024;
/** Stream paging. */
export const DEFAULT_PAGE_LIMIT = 500;
export const MAX_PAGE_LIMIT = 5000;
export const MAX_SNAPSHOT_PAGE_LIMIT = 50_000;

/** How long an enrollment code stays valid unless the admin says otherwise. */
export const ENROLLMENT_CODE_TTL_MS = 24 * 60 * 60 * 1000;
/** Claimed terminal time further than this from the server's estimate carries CLOCK_SKEW. */
export const CLOCK_SKEW_TOLERANCE_MS = 10 * 60 * 1000;

// ---------------------------------------------------------------------------------------
// Paths

export const SYNC_PREFIX = '/sync/v1';

export const paths = {
  enroll: (): string => `${SYNC_PREFIX}/enroll`,
  batch: (terminalId: string, fromSeq: number, toSeq: number): string =>
    `${SYNC_PREFIX}/terminals/${encodeURIComponent(terminalId)}/batches/${fromSeq}-${toSeq}`,
  /** GET: where central stands for this terminal (expected_seq, status), no side effects. */
  terminalState: (terminalId: string): string =>
    `${SYNC_PREFIX}/terminals/${encodeURIComponent(terminalId)}/state`,
  /** POST: one card's reset secret, wrapped to this terminal; central records the request. */
  resetSecret: (terminalId: string): string =>
    `${SYNC_PREFIX}/terminals/${encodeURIComponent(terminalId)}/reset-secret`,
  stream: (name: StreamName, after: string | null, limit?: number): string => {
    const query = new URLSearchParams();
    if (after !== null) query.set('after', after);
    if (limit !== undefined) query.set('limit', String(limit));
    const qs = query.toString();
    return `${SYNC_PREFIX}/streams/${name}${qs ? `?${qs}` : ''}`;
  },
  revocationSnapshot: (listVersion: number, after: string | null, limit?: number): string => {
    const query = new URLSearchParams();
    if (after !== null) query.set('after', after);
    if (limit !== undefined) query.set('limit', String(limit));
    const qs = query.toString();
    return `${SYNC_PREFIX}/revocations/snapshot/${listVersion}${qs ? `?${qs}` : ''}`;
  },
} as const;

/** The batch path's pattern, for the server's router. */
export const BATCH_PATH_PATTERN = /^\/sync\/v1\/terminals\/([^/]+)\/batches\/(\d+)-(\d+)$/;
export const TERMINAL_STATE_PATH_PATTERN = /^\/sync\/v1\/terminals\/([^/]+)\/state$/;
export const RESET_SECRET_PATH_PATTERN = /^\/sync\/v1\/terminals\/([^/]+)\/reset-secret$/;
export const STREAM_PATH_PATTERN = /^\/sync\/v1\/streams\/([a-z_]+)$/;
export const SNAPSHOT_PATH_PATTERN = /^\/sync\/v1\/revocations\/snapshot\/(\d+)$/;

// ---------------------------------------------------------------------------------------
// Building blocks

const base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
  .refine((s) => s.length % 4 === 0, 'base64 length');
/** base64 of exactly `n` bytes. */
const base64Bytes = (n: number) =>
  base64.refine((s) => Math.floor((s.length * 3) / 4) - (s.match(/=+$/)?.[0].length ?? 0) === n, {
    message: `must be ${n} bytes`,
  });
const isoTime = z.iso.datetime({ offset: false });
const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const seqOrZero = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const terminalId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9A-Za-z-]+$/);
const officeId = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[0-9A-Za-z_-]+$/);
const cardSerial = z.string().min(1).max(32);

export const Base64Schema = base64;
export const IsoTimeSchema = isoTime;
export const TerminalIdSchema = terminalId;
export const OfficeIdSchema = officeId;

// ---------------------------------------------------------------------------------------
// Enrollment: POST /sync/v1/enroll, HTTPS with server authentication only (the terminal has
// no certificate yet); the one-time code authorizes it.

/**
 * An enrollment code as printed by `madoguchi-central terminal code`: the single-use secret,
 * a dot, and the pin of the central CA (first 16 bytes of SHA-256 over the CA certificate's
 * DER, hex), so the terminal can check whom it talks to on first contact.
 * Example: `K7QM-2XPD-9HVA-WJ4T.3f1c0d9e8b7a65544332211000ffeedd`.
 */
export const ENROLLMENT_CODE_PATTERN = /^([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})\.([0-9a-f]{32})$/;

export interface EnrollmentCode {
  secret: string;
  caPin: string;
}

export function parseEnrollmentCode(code: string): EnrollmentCode | null {
  const match = ENROLLMENT_CODE_PATTERN.exec(code.trim());
  return match ? { secret: match[1] as string, caPin: match[2] as string } : null;
}

export const EnrollmentRequestSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  /** The secret part of the enrollment code (before the dot). */
  code: z.string().min(1).max(64),
  /** The terminal's ID: terminal_signing_key.terminal_id, which every event carries. */
  terminal_id: terminalId,
  /** Raw 32-byte Ed25519 public key that signs every case event (main/audit/terminal-key.ts). */
  signing_public_key: base64Bytes(32),
  /** Raw 32-byte X25519 public key: card initialization secrets are wrapped to it. */
  encryption_public_key: base64Bytes(32),
  /**
   * The TLS client key: a PKCS#10 CSR (PEM) for an ECDSA P-256 key. Central ignores the
   * subject and writes its own (CN = terminal_id, O = office).
   */
  csr_pem: z.string().min(1).max(16_384),
  /** Free text shown to admins, e.g. the machine name. No personal data. */
  label: z.string().max(200).optional(),
  app_version: z.string().max(64).optional(),
});
export type EnrollmentRequest = z.infer<typeof EnrollmentRequestSchema>;

export const EnrollmentResponseSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  terminal_id: terminalId,
  office_id: officeId,
  /** True for a consular mission (long offline periods expected). */
  mission: z.boolean(),
  /** The terminal's TLS client certificate (PEM), issued by the central CA. */
  certificate_pem: z.string().min(1),
  /** The central CA (PEM): pin it; it signs the server's and every terminal's certificate. */
  ca_certificate_pem: z.string().min(1),
  /** Raw Ed25519 public key that signs receipts and revocation lists: pin it. */
  central_signing_public_key: base64Bytes(32),
  /** Raw X25519 public key that export files are encrypted to. */
  central_encryption_public_key: base64Bytes(32),
  central_name: z.string().min(1).max(200),
  /** Increases when the same terminal_id is enrolled again; carried by every batch. */
  epoch: z.number().int().min(1),
  /** The next seq central expects from this terminal (1 for a new terminal). */
  expected_seq: seq,
  server_time: isoTime,
});
export type EnrollmentResponse = z.infer<typeof EnrollmentResponseSchema>;

// ---------------------------------------------------------------------------------------
// Upload: PUT /sync/v1/terminals/{terminal_id}/batches/{from_seq}-{to_seq}, mTLS.

/** What central answered for one uploaded event (same spellings as outbox_ack.outcome). */
export const OUTCOMES = ['applied', 'duplicate', 'applied-with-conflict', 'rejected'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * One case_event row as stored on the terminal, column for column, so central recomputes the
 * hash with main/audit/chain.ts's encoding and checks the signature against the key pinned
 * at enrollment. `payload` is the stored text (canonical JSON), sent as a string so the hashed
 * bytes travel unchanged.
 */
export const WireEventSchema = z.object({
  seq,
  event_id: z.string().min(1).max(64),
  terminal_id: terminalId,
  actor_staff_id: z.string().min(1).max(64).nullable(),
  actor_role: z.string().min(1).max(32),
  case_ref: z.string().min(1).max(64),
  type: z.string().min(1).max(64),
  payload: z.string().min(2).max(MAX_BATCH_BYTES_HARD),
  case_version_seen: z.number().int().nullable(),
  terminal_time: z.string().min(1).max(40),
  prev_hash: base64Bytes(32),
  hash: base64Bytes(32),
  signature: base64Bytes(64),
  /**
   * The local transaction this event was written in: events of one transaction share the
   * value (any integer the terminal chooses, e.g. the seq of the transaction's first event).
   * Not hashed. The terminal never splits a group across batches; central records it and
   * refuses a batch that starts or ends inside a group it can see (docs/sync-protocol.md).
   */
  tx: z.number().int().min(0),
});
export type WireEvent = z.infer<typeof WireEventSchema>;

export const UploadBatchSchema = z
  .object({
    protocol: z.literal(PROTOCOL_VERSION),
    terminal_id: terminalId,
    epoch: z.number().int().min(1),
    app_version: z.string().max(64).optional(),
    from_seq: seq,
    to_seq: seq,
    /** Hash of event from_seq - 1 (32 zero bytes when from_seq = 1): the chain anchor. */
    prev_hash: base64Bytes(32),
    events: z.array(WireEventSchema).min(1),
    /**
     * The terminal's newest revocation list version when it sent the batch (informational:
     * what a handover consulted is in the handover's own payload).
     */
    revocation_list_version: seqOrZero.optional(),
  })
  .superRefine((batch, ctx) => {
    if (batch.to_seq < batch.from_seq) {
      ctx.addIssue({ code: 'custom', message: 'to_seq before from_seq', path: ['to_seq'] });
    }
    if (batch.events.length !== batch.to_seq - batch.from_seq + 1) {
      ctx.addIssue({ code: 'custom', message: 'events do not cover from_seq..to_seq' });
      return;
    }
    batch.events.forEach((event, i) => {
      if (event.seq !== batch.from_seq + i) {
        ctx.addIssue({ code: 'custom', message: 'events out of order', path: ['events', i] });
      }
      if (event.terminal_id !== batch.terminal_id) {
        ctx.addIssue({ code: 'custom', message: 'foreign terminal_id', path: ['events', i] });
      }
    });
  });
export type UploadBatch = z.infer<typeof UploadBatchSchema>;

/** Why an event got a conflict or was rejected. Stable codes: never reworded, only added. */
export const REASON_CODES = [
  /** §3.7 A: handover of a card central had suspended or revoked before. */
  'HANDOVER_OF_SUSPENDED_CARD',
  /** §3.7 C: handover with a stale revocation list under a supervisor override. */
  'STALE_REVOCATION_OVERRIDE',
  /** §3.7 D: a second handover of the same card (another terminal, or the same twice). */
  'DUPLICATE_HANDOVER',
  /** §3.7 E: a step on an application central had cancelled; recorded, no state change. */
  'APPLIED_TO_CANCELLED_CASE',
  /** §3.7 F: the transition is not allowed from central's state of the card. */
  'ILLEGAL_TRANSITION',
  /** §3.7 G: the terminal saw an older version than central holds; both values kept. */
  'CASE_VERSION_CONFLICT',
  /** The event names an application or card central does not know. */
  'UNKNOWN_CASE',
  /** An event type this central does not know (a newer terminal). */
  'UNKNOWN_EVENT_TYPE',
  /** The payload is not what this event type needs. */
  'INVALID_PAYLOAD',
  /** A role that a terminal cannot act as (e.g. 'central'), or a staff ID missing. */
  'ACTOR_NOT_ALLOWED',
  /** Only a flag: the claimed terminal time is far from the server's estimate. */
  'CLOCK_SKEW',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const EventResultSchema = z.object({
  seq,
  event_id: z.string(),
  outcome: z.enum(OUTCOMES),
  /** Central's global order of ingest; for a duplicate, the original's. */
  server_seq: seq,
  /** Reason codes, most important first; empty for a plain applied. */
  reasons: z.array(z.enum(REASON_CODES)),
  /** The review item a person resolves, for applied-with-conflict and rejected. */
  review_id: z.string().nullable(),
});
export type EventResult = z.infer<typeof EventResultSchema>;

/** The body of a 200 answer to a batch: the signed receipt. */
export const UploadAckSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  terminal_id: terminalId,
  epoch: z.number().int().min(1),
  from_seq: seq,
  to_seq: seq,
  /** Every seq up to here is durably at central (cumulative; 0 = nothing yet). */
  acked_through_seq: seqOrZero,
  /** The seq central wants next: acked_through_seq + 1. */
  expected_seq: seq,
  /** One result per event of this batch that central processed, ascending by seq. */
  results: z.array(EventResultSchema),
  /** Central stopped before to_seq: why (else null). */
  stopped: z.enum(['gap']).nullable(),
  server_time: isoTime,
  /** Ed25519 by the central signing key over the receipt encoding (sync/signing.ts). */
  receipt_signature: base64Bytes(64),
});
export type UploadAck = z.infer<typeof UploadAckSchema>;
export type UnsignedUploadAck = Omit<UploadAck, 'receipt_signature'>;

// ---------------------------------------------------------------------------------------
// Errors: every non-2xx answer has this body. Codes are stable.

export const ERROR_CODES = [
  /** 409: nothing could be applied: the batch starts after central's expected_seq. */
  'gap',
  /** 409: a seq central holds arrives with a different hash: a fork; terminal quarantined. */
  'seq_conflict',
  /** 409: the batch's epoch is not the terminal's current one (re-enrolled elsewhere). */
  'epoch_mismatch',
  /** 403: the terminal is revoked or quarantined centrally. */
  'terminal_revoked',
  /** 403: the client certificate names another terminal than the path. */
  'terminal_mismatch',
  /** 401: no client certificate, or not one central issued. */
  'unauthenticated',
  /** 404: the terminal, stream or snapshot version does not exist. */
  'not_found',
  /** 404: central knows no card with this serial (reset secret request). */
  'card_unknown',
  /** 403: the card belongs to another office than the terminal's (reset secret request). */
  'card_other_office',
  /** 409: the card is not handed over and in use, so nothing on it may be reset. */
  'card_not_resettable',
  /** 422: an event fails its hash, chain or signature check; nothing applied. */
  'bad_event',
  /** 400/422: malformed request, path and body disagree, unknown protocol version. */
  'protocol',
  /** 413: the batch is over the limits. */
  'too_large',
  /** 400/403/410: the enrollment code is unknown, used or expired. */
  'enrollment_code_invalid',
  /** 410: the snapshot version asked for is no longer served; start again from the head. */
  'snapshot_gone',
  /** 429: too many requests; honour Retry-After. */
  'rate_limited',
  /** 503: central cannot take it now; honour Retry-After. Nothing was applied. */
  'unavailable',
  /** 500: a bug at central. Nothing was applied. */
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    /** For an IT admin; never personal data. */
    message: z.string(),
    /** gap, seq_conflict: where central stands. */
    expected_seq: seq.optional(),
    /** seq_conflict, bad_event: the offending seq. */
    seq: seq.optional(),
    /** bad_event: hash-mismatch | bad-signature | prev-hash-mismatch | chain-anchor. */
    reason: z.string().optional(),
    /** rate_limited, unavailable: seconds, also sent as the Retry-After header. */
    retry_after_s: z.number().int().min(0).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Where central stands for a terminal: GET /sync/v1/terminals/{id}/state. */
export const TerminalStateSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  terminal_id: terminalId,
  office_id: officeId,
  status: z.enum(['active', 'revoked', 'quarantined']),
  epoch: z.number().int().min(1),
  acked_through_seq: seqOrZero,
  expected_seq: seq,
  server_time: isoTime,
});
export type TerminalState = z.infer<typeof TerminalStateSchema>;

// ---------------------------------------------------------------------------------------
// A card's reset secret: POST /sync/v1/terminals/{id}/reset-secret, mTLS. Asked only when a
// holder comes to have a secret reset (docs/card-issuance-profile.md); every request is
// recorded at central, served or refused. No personal data travels: the serial and a reason.

export const RESET_SECRET_REASONS = ['pin-blocked', 'pin-forgotten'] as const;
export type ResetSecretReason = (typeof RESET_SECRET_REASONS)[number];

export const ResetSecretRequestSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  card_serial: cardSerial,
  reason: z.enum(RESET_SECRET_REASONS),
});
export type ResetSecretRequest = z.infer<typeof ResetSecretRequestSchema>;

/** Wrapped as the cards stream wraps, with label madoguchi/reset-secret/v1, context the serial. */
export const ResetSecretAnswerSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  card_serial: cardSerial,
  /** Central's record of this request. */
  request_id: seq,
  wrapped_secret: z.lazy(() => WrappedSecretSchema),
  server_time: isoTime,
});
export type ResetSecretAnswer = z.infer<typeof ResetSecretAnswerSchema>;

// ---------------------------------------------------------------------------------------
// Download streams: GET /sync/v1/streams/{name}?after={cursor}&limit={n}, mTLS.
// The client applies a page's items and its next_cursor in one transaction.

export const STREAM_NAMES = [
  'revocations',
  'applications',
  'cards',
  'card_status',
  'trust_roots',
] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

/** An online application for the terminal's office, with the person it is for. */
export const ApplicationItemSchema = z.object({
  application_id: z.string().min(1).max(64),
  office_id: officeId,
  kind: z.enum(['new', 'renewal', 'reissue-loss', 'reissue-damage', 'overseas']),
  channel: z.enum(['counter', 'mail', 'online', 'overseas-online']),
  received_at: isoTime,
  /** 'withdrawn' / 'rejected' when central cancelled it (§3.7 E). */
  status: z.enum(['received', 'card-ordered', 'rejected', 'withdrawn']),
  /** Central's version of the application; increases with every central change. */
  version: z.number().int().min(1),
  /** Why central cancelled it, when it did. */
  cancel_reason: z.string().max(64).nullable(),
  person: z.object({
    person_id: z.string().min(1).max(64),
    name_kanji: z.string().min(1).max(200),
    name_kana: z.string().min(1).max(200),
    alias: z.string().min(1).max(200).nullable(),
    name_latin: z.string().min(1).max(200).nullable(),
    birth_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    sex: z.enum(['male', 'female']),
    address: z.string().min(1).max(400),
    overseas: z.boolean(),
    my_number: z.string().regex(/^\d{12}$/),
  }),
});
export type ApplicationItem = z.infer<typeof ApplicationItemSchema>;

/**
 * A card initialization secret wrapped to the terminal's X25519 key:
 * X25519(ephemeral, terminal) -> HKDF-SHA256(salt = epk || terminal key,
 * info = "madoguchi/card-secret/v1" 0x00 card_serial) -> AES-256-GCM key; AAD = card_serial.
 * sync/card-secret.ts wraps and unwraps.
 */
export const WrappedSecretSchema = z.object({
  alg: z.literal('X25519-HKDF-SHA256-A256GCM'),
  epk: base64Bytes(32),
  nonce: base64Bytes(12),
  /** Ciphertext followed by the 16-byte GCM tag. */
  ciphertext: base64,
});
export type WrappedSecret = z.infer<typeof WrappedSecretSchema>;

/** A card dispatched to the terminal's office, with its wrapped initialization secret. */
export const CardItemSchema = z.object({
  card_serial: cardSerial,
  application_id: z.string().min(1).max(64),
  office_id: officeId,
  expiry_date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  dispatched_at: isoTime,
  wrapped_secret: WrappedSecretSchema,
});
export type CardItem = z.infer<typeof CardItemSchema>;

/** Central's view of a card changed (production, dispatch, suspension, revocation, ...). */
export const CardStatusItemSchema = z.object({
  card_serial: cardSerial,
  application_id: z.string().min(1).max(64),
  /** A CARD_STATES value of domain/case-lifecycle.ts. */
  state: z.string().min(1).max(32),
  /** Central's version of the card. */
  version: z.number().int().min(1),
  /** The domain event that led here (e.g. 'suspend'), when there is one. */
  event: z.string().max(32).nullable(),
  reason: z.string().max(64).nullable(),
  changed_at: isoTime,
});
export type CardStatusItem = z.infer<typeof CardStatusItemSchema>;

/** The stream items: each item carries its stream position; the cursor is opaque. */
function pageSchema<T extends z.ZodType>(name: StreamName, item: T) {
  return z.object({
    protocol: z.literal(PROTOCOL_VERSION),
    stream: z.literal(name),
    items: z.array(item),
    /** Pass as ?after= for the next page; store it with the items in one transaction. */
    next_cursor: z.string(),
    /** No more items after this page right now. */
    up_to_date: z.boolean(),
    server_time: isoTime,
  });
}
export const ApplicationsPageSchema = pageSchema('applications', ApplicationItemSchema);
export const CardsPageSchema = pageSchema('cards', CardItemSchema);
export const CardStatusPageSchema = pageSchema('card_status', CardStatusItemSchema);
/**
 * Configuration: a JPKI root certificate central's administrators trust (`madoguchi-central
 * trust add`), for every terminal. Each item is signed by central on its own (tag
 * madoguchi/sync/trust-root/v1), so a terminal checks each against the pinned key before its
 * trust store takes it. `test`: a test or training root, used only in training mode.
 */
export const TrustRootItemSchema = z.object({
  /** SHA-256 of the DER, lower-case hex. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  /** The certificate, DER in base64. */
  der: base64.refine((s) => s.length > 0 && s.length <= 16_384, 'certificate size'),
  test: z.boolean(),
  added_at: isoTime,
  signature: base64Bytes(64),
});
export type TrustRootItem = z.infer<typeof TrustRootItemSchema>;
export const TrustRootsPageSchema = pageSchema('trust_roots', TrustRootItemSchema);
export type TrustRootsPage = z.infer<typeof TrustRootsPageSchema>;
export type ApplicationsPage = z.infer<typeof ApplicationsPageSchema>;
export type CardsPage = z.infer<typeof CardsPageSchema>;
export type CardStatusPage = z.infer<typeof CardStatusPageSchema>;

// ---------------------------------------------------------------------------------------
// The revocation list: a signed snapshot plus signed deltas, and a signed head saying how
// fresh it is. Card serials only: no My Number, no name.

export const REVOCATION_STATUSES = ['suspended', 'revoked', 'reinstated'] as const;
export type RevocationStatus = (typeof REVOCATION_STATUSES)[number];

export const RevocationEntrySchema = z.object({
  card_serial: cardSerial,
  status: z.enum(REVOCATION_STATUSES),
  /** When central decided it. */
  effective_at: isoTime,
  /** The list version that last changed this entry. */
  list_version: seq,
});
export type RevocationEntry = z.infer<typeof RevocationEntrySchema>;

/**
 * Signed freshness statement, re-signed on every request: "at server_time, list_version is
 * the newest list; fetch again before next_update". A terminal past next_update (+ its grace)
 * treats its list as stale (§3.5 freshness gate). max_age_ms bounds how long any copy may be
 * relied on, whatever next_update says.
 */
export const RevocationHeadSchema = z.object({
  list_version: seqOrZero,
  /** When list_version was issued. */
  issued_at: isoTime,
  server_time: isoTime,
  next_update: isoTime,
  max_age_ms: z.number().int().min(0),
  signature: base64Bytes(64),
});
export type RevocationHead = z.infer<typeof RevocationHeadSchema>;

/** Changes from from_version to to_version (= from_version + 1). Signed as a whole. */
export const RevocationDeltaSchema = z.object({
  from_version: seqOrZero,
  to_version: seq,
  issued_at: isoTime,
  entries: z.array(RevocationEntrySchema),
  signature: base64Bytes(64),
});
export type RevocationDelta = z.infer<typeof RevocationDeltaSchema>;

/**
 * The header of a full snapshot at list_version. The entries come in pages (the list can
 * hold millions); entries_digest = SHA-256 over every entry in card_serial order, each
 * encoded as canonical JSON followed by "\n" (sync/signing.ts revocationEntriesDigest), so
 * the client checks the whole set against the signed header before swapping it in.
 */
export const RevocationSnapshotHeaderSchema = z.object({
  list_version: seqOrZero,
  issued_at: isoTime,
  entry_count: seqOrZero,
  entries_digest: base64Bytes(32),
  signature: base64Bytes(64),
});
export type RevocationSnapshotHeader = z.infer<typeof RevocationSnapshotHeaderSchema>;

/**
 * GET /sync/v1/streams/revocations?after={list_version the terminal holds}&limit={deltas}.
 * `after` absent or "0" on a new terminal. When central no longer has every delta since
 * `after` (or the terminal has none), snapshot_required is set with the snapshot header to
 * fetch; deltas is then empty.
 */
export const RevocationsPageSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  stream: z.literal('revocations'),
  head: RevocationHeadSchema,
  deltas: z.array(RevocationDeltaSchema),
  snapshot_required: RevocationSnapshotHeaderSchema.nullable(),
  /** The list_version after applying these deltas (or the snapshot). */
  next_cursor: z.string(),
  up_to_date: z.boolean(),
  server_time: isoTime,
});
export type RevocationsPage = z.infer<typeof RevocationsPageSchema>;

/** GET /sync/v1/revocations/snapshot/{list_version}?after={card_serial}&limit={n}. */
export const RevocationSnapshotPageSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  header: RevocationSnapshotHeaderSchema,
  /** Ascending by card_serial (code unit order), strictly after `after`. */
  entries: z.array(RevocationEntrySchema),
  /** Pass as ?after= for the next page; null when this was the last page. */
  next_after: z.string().nullable(),
});
export type RevocationSnapshotPage = z.infer<typeof RevocationSnapshotPageSchema>;

// ---------------------------------------------------------------------------------------
// Air-gapped transfer. `madoguchi sync export --out FILE` writes an ExportFile;
// `madoguchi-central import FILE` ingests it through the same path as an upload and can
// write an AckFile that carries the signed receipts back.

/**
 * The plaintext inside an export: the pending batches exactly as they would be uploaded.
 */
export const ExportPayloadSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  terminal_id: terminalId,
  batches: z.array(z.unknown()).min(1),
});
export type ExportPayload = { protocol: 1; terminal_id: string; batches: UploadBatch[] };

/**
 * The file a courier carries. The payload (ExportPayload JSON, UTF-8) is encrypted to the
 * central's X25519 key with the same construction as a wrapped card secret
 * (info "madoguchi/export/v1" 0x00 terminal_id; AAD = terminal_id), and the terminal signs the
 * file (everything but `signature`) with its event-signing Ed25519 key.
 */
export const ExportFileSchema = z.object({
  format: z.literal('madoguchi-sync-export'),
  protocol: z.literal(PROTOCOL_VERSION),
  terminal_id: terminalId,
  epoch: z.number().int().min(1),
  created_at: isoTime,
  from_seq: seq,
  to_seq: seq,
  event_count: z.number().int().min(1),
  encrypted: WrappedSecretSchema,
  signature: base64Bytes(64),
});
export type ExportFile = z.infer<typeof ExportFileSchema>;
export type UnsignedExportFile = Omit<ExportFile, 'signature'>;

/** What `madoguchi-central import --ack-out` writes: the receipts, signed one by one. */
export const AckFileSchema = z.object({
  format: z.literal('madoguchi-sync-ack'),
  protocol: z.literal(PROTOCOL_VERSION),
  terminal_id: terminalId,
  created_at: isoTime,
  acks: z.array(UploadAckSchema),
});
export type AckFile = z.infer<typeof AckFileSchema>;

// ---------------------------------------------------------------------------------------
// What central reads from event payloads beyond the case store's own fields
// (docs/sync-protocol.md §5). A handover event records the revocation list it consulted and,
// when a supervisor overrode a stale list, who and why (§3.7 C).

export const HandoverAttestationSchema = z.object({
  revocationListVersion: seqOrZero.optional(),
  staleRevocationOverride: z
    .object({
      reason: z.string().min(1).max(64),
      supervisorStaffId: z.string().min(1).max(64),
    })
    .optional(),
});
export type HandoverAttestation = z.infer<typeof HandoverAttestationSchema>;
