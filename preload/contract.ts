// The one contract between the renderer and main.
//
// Every call the renderer may make is one row of `calls`: its zod input schema, the
// permission main checks before the service runs, and (as a phantom type) its result.
// Every event main may push is one row of `events`. main/app registers each call from this
// table (main/core/dispatch.ts), preload/index.ts exposes one named function per row
// (preload/client.ts), and the E2E bridge registers the very same table in Playwright.
//
// Adding a call = one row here + one handler in main/core/handlers.ts. The type system makes
// a missing handler a compile error.

import { z } from 'zod';
import {
  APPLICATION_KINDS,
  type Actor,
  type ApplicationKind,
  type CardState,
  type Requirement,
} from '../domain/case-lifecycle';
import { myNumberProblem } from '../domain/my-number';
import { CARD_SECRET_NAMES, type ArrivalOutcome, type CardSecretName } from './values';
import { PHOTO_REQUIREMENTS } from '../domain/application-photo';
import type { OverseasIneligibility } from '../domain/overseas-eligibility';
import {
  HANDOVER_ATTENDEES,
  IDENTITY_DOCUMENT_TYPES,
  type HandoverAttendee,
  type IdentityDocumentType,
  LANGUAGES,
  LOSS_REASONS,
  PRINT_DOCUMENTS,
  REVEAL_REASONS,
  REVIEW_REJECT_REASONS,
  ROLES,
  SEXES,
  type Language,
  type LossReason,
  type Permission,
  type Role,
  type Sex,
} from './values';

export * from './values';

/** Upper bound for any free-text field crossing the bridge: bad input fails early. */
export const MAX_TEXT = 200;

/** Stable error codes. The renderer translates them; the English message is for logs and CLI. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNKNOWN_CALL',
  'FORBIDDEN_ORIGIN',
  'NOT_SIGNED_IN',
  'PERMISSION_DENIED',
  'SETUP_REQUIRED',
  'SETUP_ALREADY_DONE',
  'AUTH_INVALID_CREDENTIALS',
  'AUTH_LOCKED_OUT',
  'PASSWORD_POLICY',
  'STAFF_ID_TAKEN',
  'STORE_UNAVAILABLE',
  'CASE_NOT_FOUND',
  'CASE_VERSION_STALE',
  'CARD_STEP_NOT_ALLOWED',
  'CARD_STEP_REQUIREMENTS_MISSING',
  'MY_NUMBER_INVALID',
  'APPLICATION_ID_TAKEN',
  'CARD_SERIAL_TAKEN',
  'SESSION_LOCKED',
  'SEARCH_QUERY_EMPTY',
  'SEARCH_BAD_CURSOR',
  'NO_CARD_TO_SUSPEND',
  'PRINT_UNAVAILABLE',
  'SYNC_NOT_ENROLLED',
  'SYNC_REVIEW_INVALID',
  // The consular review of overseas applications (main/counter/overseas-review.ts).
  'REVIEW_NOT_ACCEPTABLE',
  'REVIEW_ALREADY_DECIDED',
  // The two-person rule (main/auth/second-person.ts): a supervisor's approval on this terminal.
  'SECOND_PERSON_REQUIRED',
  'SECOND_PERSON_REFUSED',
  'SECOND_PERSON_SAME_STAFF',
  'SECOND_PERSON_NOT_SUPERVISOR',
  'SECOND_PERSON_LOCKED_OUT',
  // A PIN reset needs the card's reset secret from central (main/counter/pin-reset.ts).
  'RESET_SECRET_UNAVAILABLE',
  // Asked live from central (main/sync/reset-secret.ts): offline, or the card refused there.
  'RESET_SECRET_OFFLINE',
  'RESET_SECRET_CARD_UNKNOWN',
  'RESET_SECRET_OTHER_OFFICE',
  'RESET_SECRET_NOT_RESETTABLE',
  // Card and reader failures (main/card/errors.ts CARD_ERROR_CODES, same codes and order),
  // crossing the bridge from the card steps (main/counter/card-access.ts cardCallError).
  'READER_SERVICE_UNAVAILABLE',
  'NO_READER',
  'NO_CARD',
  'CARD_REMOVED',
  'READER_BUSY',
  'UNKNOWN_CARD',
  'CARD_UNRESPONSIVE',
  'READER_ERROR',
  'WRONG_PIN',
  'PIN_BLOCKED',
  'PIN_REQUIRED',
  'CARD_DATA_INVALID',
  'CARD_COMMAND_REFUSED',
  'CERTIFICATE_UNTRUSTED',
  'CARD_KEY_MISMATCH',
  'PIN_NOT_SET',
  'PIN_ALREADY_SET',
  'PIN_FORMAT_INVALID',
  'ISSUANCE_SECRET_REJECTED',
  // Handover (main/counter/handover-service.ts): the card's setup secret has not come by sync.
  'CARD_SECRET_MISSING',
  'WRONG_CARD',
  // The store's disk failing under a call (main/core/errors.ts storeFaultError).
  'STORE_FULL',
  'STORE_READ_ONLY',
  'STORE_IO_ERROR',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface CallError {
  code: ErrorCode;
  message: string;
  /** Field-level details for validation errors: path and reason, never the rejected value. */
  details?: { path: string; reason: string }[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: CallError };

// ---- value types crossing the bridge -------------------------------------------------------

export interface AppInfo {
  name: string;
  version: string;
  /** 'electron' in the real app, 'test-bridge' under Playwright. */
  host: 'electron' | 'test-bridge';
  /** 'training': a separate practice store; every screen and printout says so. */
  mode: 'live' | 'training';
}

export interface SetupStatus {
  /** True until the first administrator account exists. */
  needsFirstAdministrator: boolean;
}

export interface StaffSession {
  staffId: string;
  displayName: string;
  role: Role;
  signedInAt: string;
  /**
   * Locked by the idle policy or by the clerk: only the same member of staff can unlock
   * (auth.unlock), anyone else signs out first. Main refuses every other call meanwhile.
   */
  locked: boolean;
  /** When main locks the session if nothing happens before (ISO); null while locked. */
  idleLockAt: string | null;
  /** The idle policy, so the screen can say how long it is. */
  idleLockSeconds: number;
}

export interface Settings {
  language: Language;
}

export type ReaderCardState = 'empty' | 'present' | 'unavailable';

export interface ReaderInfo {
  name: string;
  card: ReaderCardState;
  /** Answer-to-reset of the card in the reader, hex, when a card is present. */
  atr?: string;
}

export interface ReaderSnapshot {
  /** 'running' when pcscd answers; 'unavailable' when the smart-card service is not running. */
  service: 'running' | 'unavailable';
  readers: ReaderInfo[];
}

export type SearchKind = 'my-number' | 'identifier' | 'birth-date' | 'kana' | 'latin' | 'kanji';

/** One application found by the search box. The My Number only as its last four digits. */
export interface CaseHit {
  applicationId: string;
  nameKanji: string;
  nameKana: string;
  nameLatin: string | null;
  /** ISO date. */
  birthDate: string;
  myNumberLast4: string;
  card: { serial: string; state: CardState } | null;
}

export interface CasePage {
  kind: SearchKind;
  hits: CaseHit[];
  nextCursor: string | null;
}

/** Whether central has acknowledged an event of this terminal's outbox yet. */
export type SyncMark = 'pending' | 'acknowledged' | 'rejected';

export interface CaseEventView {
  seq: number;
  type: string;
  actorRole: Actor;
  actorStaffId: string | null;
  terminalTime: string;
  sync: SyncMark;
}

export interface SuspensionView {
  suspensionId: string;
  cardSerial: string;
  reason: LossReason;
  occurredOn: string | null;
  place: string | null;
  policeReportNumber: string | null;
  suspendedAt: string;
  /** The outbox state of the suspension event: effective centrally only once acknowledged. */
  sync: SyncMark;
}

export interface CaseDetail {
  applicationId: string;
  kind: ApplicationKind;
  channel: string;
  status: string;
  receivedAt: string;
  version: number;
  person: {
    personId: string;
    nameKanji: string;
    nameKana: string;
    alias: string | null;
    nameLatin: string | null;
    birthDate: string;
    sex: Sex;
    address: string;
    overseas: boolean;
    myNumberLast4: string;
  };
  cards: { cardSerial: string; state: CardState; expiryDate: string | null; version: number }[];
  suspensions: SuspensionView[];
  events: CaseEventView[];
}

export interface MyNumberReveal {
  myNumber: string;
  /** The screen hides the number again at this time (ISO). */
  visibleUntil: string;
}

export interface ApplicationRecorded {
  applicationId: string;
  personId: string;
  seq: number;
}

export interface SuspensionRecorded {
  suspensionId: string;
  state: CardState;
  seq: number;
}

export interface DayEventRow {
  seq: number;
  type: string;
  applicationId: string;
  cardSerial: string | null;
  actorStaffId: string | null;
  terminalTime: string;
}

export interface UncollectedCard {
  applicationId: string;
  cardSerial: string;
  nameKanji: string;
  nameKana: string;
  address: string;
  /** ISO date the card passed its arrival check (entered custody). */
  inCustodySince: string;
  /** ISO date: the collection deadline, in business days after custody began. */
  deadline: string;
  reminderSentOn: string | null;
  /** Reminder sent and its own deadline passed: the card goes on the return list. */
  toReturn: boolean;
}

export interface Reconciliation {
  reconciliationId: string;
  /** Cards in custody according to the store when the count was recorded. */
  expected: number;
  counted: number;
  difference: number;
  staffId: string;
  recordedAt: string;
}

export interface DayEndSummary {
  /** ISO date of the office day (terminal's local time). */
  date: string;
  applications: DayEventRow[];
  handovers: DayEventRow[];
  suspensions: DayEventRow[];
  inCustody: number;
  reconciliations: Reconciliation[];
  uncollected: UncollectedCard[];
  /** Events of this terminal central has not acknowledged yet. */
  unsyncedEvents: number;
}

export interface SavedFile {
  fileName: string;
  /** Where main wrote it, for the clerk to find it. */
  path: string;
  bytes: number;
}

/**
 * The terminal's sync as the status bar and the sync screen show it (main/sync/service.ts
 * SyncStatus): ages in milliseconds, times ISO. Counts and codes only, never personal data.
 */
export interface SyncStatusView {
  enrolled: boolean;
  terminalId: string | null;
  officeCode: string | null;
  standing: 'active' | 'revoked' | 'quarantined' | null;
  state: 'not-enrolled' | 'stopped' | 'idle' | 'running' | 'backoff' | 'parked' | 'halted';
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  consecutiveFailures: number;
  lastError: { code: string; message: string } | null;
  pendingEvents: number;
  oldestPendingAgeMs: number | null;
  revocation: {
    /** 'warn' after the offline policy's warning days, 'stale' when handovers need an override. */
    level: 'fresh' | 'warn' | 'stale';
    listVersion: number | null;
    receivedAt: string | null;
    ageMs: number | null;
  };
  openReviewItems: number;
  alerts: string[];
}

/** One sync run (sync_run): what started it, how it ended, how much moved. */
export interface SyncRunView {
  runId: number;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  result: 'ok' | 'failed' | 'partial' | null;
  uploaded: number;
  downloaded: number;
  errorCode: string | null;
}

/** A conflict or rejection central acknowledged, or a handover override, for a supervisor. */
export interface SyncReviewItemView {
  reviewId: string;
  seq: number | null;
  kind: 'applied-with-conflict' | 'rejected' | 'handover-override';
  /** Reason codes, comma-separated (sync/protocol.ts REASON_CODES). */
  reason: string;
  createdAt: string;
  state: 'open' | 'resolved';
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolution: string | null;
}

/** An overseas online application waiting for the consular review (main/counter/overseas-review.ts). */
export interface OverseasReviewItem {
  applicationId: string;
  kind: ApplicationKind;
  receivedAt: string;
  version: number;
  nameKanji: string;
  nameKana: string;
  nameLatin: string | null;
  /** ISO date. */
  birthDate: string;
  sex: Sex;
  address: string;
  myNumberLast4: string;
  /**
   * The application photo, when central's stream carries one. The applications stream has no
   * photo today (sync/protocol.ts ApplicationItem), so this is always false: the reviewer
   * checks the photo in central's viewer and records the checklist.
   */
  photoAvailable: boolean;
}

export interface ReviewDecided {
  applicationId: string;
  decision: 'accepted' | 'rejected';
  /** The application's status after the decision. */
  status: 'received' | 'rejected';
  version: number;
  seq: number;
  /** What the eligibility rules said about the recorded facts (empty when eligible). */
  ineligible: OverseasIneligibility[];
}

/** Handover (交付): the draft as the clerk's stepper shows it (main/counter/handover-service.ts). */
export interface HandoverView {
  cardSerial: string;
  applicationId: string;
  kind: ApplicationKind;
  person: { nameKanji: string; nameKana: string; birthDate: string };
  attendee: HandoverAttendee | null;
  documents: IdentityDocumentType[];
  faceCompared: boolean;
  cardProved: boolean;
  pinsSet: boolean;
  rechecked: boolean;
  oldCardCollected: boolean | null;
  /** Renewal or reissue: the previous card must be taken back before the handover. */
  oldCardRequired: boolean;
  /** What the commit still needs (domain/case-lifecycle.ts requirements). */
  missing: Requirement[];
  /** The revocation list's freshness now; 'stale' means the commit needs a supervisor. */
  revocation: 'fresh' | 'warn' | 'stale';
  overrideRequired: boolean;
  /** Where the applicant window is with this card's secrets. */
  applicant: ApplicantState;
}

/** The card's face record (VISUAL AP) as images the screen can show; null where it cannot. */
export interface CardFaceView {
  /** data: URL of the face photo when JPEG or PNG; null for JPEG 2000 (no decoder here). */
  photo: string | null;
  photoFormat: 'jp2' | 'j2k' | 'jpeg' | 'png' | 'unknown';
  nameImage: string | null;
  addressImage: string | null;
}

export type ApplicantState = 'idle' | 'waiting' | 'setting' | 'set' | 'failed';

/** The applicant window's progress, as the clerk's screen sees it: never a digit. */
export interface ApplicantProgress {
  cardSerial: string | null;
  state: ApplicantState;
  /** Why the last attempt failed (an ERROR_CODES code), for the clerk's message. */
  code: ErrorCode | null;
}

/** What the applicant window needs to explain the rules (no name, no number). */
export interface ApplicantRequest {
  state: ApplicantState;
  /** ISO date, for the "not from your birth date" rule while entering. */
  birthDate: string | null;
  /** Whether the signature certificate is issued (not to under-15s). */
  signatureCertificate: boolean;
}

export interface HandoverCommitted {
  seq: number;
  cardSerial: string;
  applicationId: string;
  attendee: HandoverAttendee;
  documents: IdentityDocumentType[];
  oldCardCollected: boolean;
  handedOverAt: string;
  handedOverBy: string;
  /** The supervisor who let it go ahead on a stale revocation list, if any. */
  overriddenBy: string | null;
}

/** One card of a shipment at the arrival check (main/counter/arrival.ts). */
export interface ShipmentItemView {
  cardSerial: string;
  /** On the delivery list (scanned at the start), or found in the box without being listed. */
  listed: boolean;
  outcome: ArrivalOutcome;
  /** The case the serial belongs to, when the store knows it. */
  applicationId: string | null;
}

export interface ShipmentView {
  shipmentId: string;
  startedAt: string;
  /** Closed: listed cards never checked were flagged missing. */
  closedAt: string | null;
  items: ShipmentItemView[];
}

/** The holder's card on the reader, proved to be the case's card: each PIN's tries left. */
export interface CardPinStatusView {
  cardSerial: string;
  applicationId: string;
  /** The resident-registry PIN is not listed: its application is not read by the client. */
  pins: { secret: CardSecretName; triesLeft: number | null; blocked: boolean }[];
}

export interface PinResetDone {
  cardSerial: string;
  secret: CardSecretName;
  seq: number;
  /** Tries left after the new PIN was verified once (full), null when it cannot be counted. */
  triesLeft: number | null;
}

export interface ReinstatementDone {
  cardSerial: string;
  state: CardState;
  version: number;
  seq: number;
}

export interface ArrivalCheckResult {
  cardSerial: string;
  outcome: ArrivalOutcome;
  shipment: ShipmentView;
}

// ---- input schemas ---------------------------------------------------------------------------

const staffId = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, underscore or hyphen');
const displayName = z.string().trim().min(1).max(MAX_TEXT);
/** Length limits only: the password policy itself is enforced (and explained) in main/auth. */
const password = z.string().min(1).max(256);
const empty = z.strictObject({});

/**
 * The two-person rule's input, the same for every call that needs it (PIN reset, reinstating a
 * suspended card, a stale revocation-list override, bulk export, a My Number shown outside a
 * case): a supervisor signs on this terminal with staff ID and password and says why. Main
 * checks it (main/auth/second-person.ts); the service records both identities and the reason.
 */
export const approvalInput = z.strictObject({
  supervisorId: staffId,
  password,
  reason: z.string().trim().min(3).max(MAX_TEXT),
});
export type ApprovalInput = z.input<typeof approvalInput>;

const isoDate = z
  .string()
  .min(1)
  .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'YYYY-MM-DD')
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && isRealDate(text), {
    message: 'not a calendar date',
  });

function isRealDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const applicationId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9A-Za-z-]+$/, 'letters, digits and hyphens');
const cardSerial = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[0-9A-Za-z-]+$/, 'letters, digits and hyphens');
const version = z.number().int().min(1);
/** A reader's name as PC/SC reports it. */
const readerName = z.string().min(1).max(200);

/** Full-width katakana, the long-vowel mark, the middle dot and spaces (氏名のフリガナ). */
const KANA = /^[\u30A1-\u30FA\u30FC\u30FB\u3000 ]+$/u;
/** The Latin name as on a passport: letters, spaces, hyphens, apostrophes, commas. */
const LATIN = /^[A-Za-z][A-Za-z ,.'-]*$/u;

const personInput = z.strictObject({
  nameKanji: z.string().trim().min(1).max(MAX_TEXT),
  nameKana: z.string().trim().min(1).max(MAX_TEXT).regex(KANA, 'katakana'),
  alias: z.string().trim().max(MAX_TEXT).optional(),
  nameLatin: z
    .string()
    .trim()
    .max(MAX_TEXT)
    .regex(LATIN, 'latin')
    .transform((text) => text.toUpperCase())
    .optional(),
  birthDate: isoDate.refine((text) => text <= new Date().toISOString().slice(0, 10), {
    message: 'in the future',
  }),
  sex: z.enum(SEXES),
  address: z.string().trim().min(1).max(400),
  overseas: z.boolean(),
  myNumber: z
    .string()
    .min(1)
    .regex(/^[0-9]{12}$/, '12 digits')
    .refine((text) => myNumberProblem(text) === null, { message: 'check digit' }),
});
export type PersonFormInput = z.input<typeof personInput>;

/**
 * What the reviewer established about an overseas applicant, checked against the 戸籍の附票
 * (domain/overseas-eligibility.ts OverseasApplication, which main evaluates).
 */
const overseasFacts = z.discriminatedUnion('nationality', [
  z.strictObject({ nationality: z.literal('foreign'), expressIssuance: z.boolean() }),
  z.strictObject({
    nationality: z.literal('japanese'),
    residentRecordInJapan: z.boolean(),
    onKosekiFuhyo: z.boolean(),
    leftJapanOn: z.union([isoDate, z.enum(['never-resident', 'unknown'])]),
    honsekiKnown: z.boolean(),
    expressIssuance: z.boolean(),
  }),
]);
export type OverseasFactsInput = z.input<typeof overseasFacts>;

/** An empty optional text field arrives as '' from a form: treat it as absent. */
const optionalText = (schema: z.ZodString) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

// ---- the call table --------------------------------------------------------------------------

interface CallDef<S extends z.ZodType, R> {
  input: S;
  permission: Permission;
  /** Phantom: carries the result type; never read at run time. */
  result?: R;
}

function call<R>() {
  return <S extends z.ZodType>(def: { input: S; permission: Permission }): CallDef<S, R> => def;
}

export const calls = {
  'app.info': call<AppInfo>()({ input: empty, permission: 'public' }),
  'setup.status': call<SetupStatus>()({ input: empty, permission: 'public' }),
  'setup.createFirstAdministrator': call<StaffSession>()({
    input: z.strictObject({ staffId, displayName, password }),
    permission: 'public',
  }),
  'auth.signIn': call<StaffSession>()({
    input: z.strictObject({ staffId, password }),
    permission: 'public',
  }),
  'auth.signOut': call<null>()({ input: empty, permission: 'public' }),
  'auth.session': call<StaffSession | null>()({ input: empty, permission: 'public' }),
  'settings.get': call<Settings>()({ input: empty, permission: 'public' }),
  'settings.setLanguage': call<Settings>()({
    input: z.strictObject({ language: z.enum(LANGUAGES) }),
    permission: 'public',
  }),
  'staff.create': call<{ staffId: string; displayName: string; role: Role }>()({
    input: z.strictObject({ staffId, displayName, role: z.enum(ROLES), password }),
    permission: 'staff.manage',
  }),
  'auth.keepAlive': call<StaffSession>()({ input: empty, permission: 'session' }),
  'auth.lock': call<StaffSession>()({ input: empty, permission: 'session' }),
  'auth.unlock': call<StaffSession>()({
    input: z.strictObject({ password }),
    permission: 'session.resume',
  }),
  'reader.snapshot': call<ReaderSnapshot>()({ input: empty, permission: 'session' }),
  'cases.search': call<CasePage>()({
    input: z.strictObject({
      query: z.string().max(MAX_TEXT),
      cursor: z.string().max(1000).nullable().optional(),
      limit: z.number().int().min(1).max(200).optional(),
    }),
    permission: 'case.read',
  }),
  'cases.get': call<CaseDetail>()({
    input: z.strictObject({ applicationId }),
    permission: 'case.read',
  }),
  'cases.revealMyNumber': call<MyNumberReveal>()({
    input: z.strictObject({
      applicationId,
      reason: z.enum(REVEAL_REASONS),
      /** Needed when the reason is not about the applicant at the counter (REVEAL_IN_CASE). */
      approval: approvalInput.optional(),
    }),
    permission: 'case.revealMyNumber',
  }),
  'applications.record': call<ApplicationRecorded>()({
    input: z
      .strictObject({
        kind: z.enum(APPLICATION_KINDS),
        applicationId: optionalText(applicationId),
        /** The person's details as the form took them; or, instead, `personId`. */
        person: personInput.optional(),
        /** A person already on record (a renewal or reissue started from their case). */
        personId: z.string().min(1).max(64).optional(),
      })
      .refine((input) => (input.person === undefined) !== (input.personId === undefined), {
        message: 'either person or personId',
        path: ['person'],
      }),
    permission: 'application.record',
  }),
  'cards.reportLoss': call<SuspensionRecorded>()({
    input: z.strictObject({
      cardSerial,
      expectedVersion: version,
      reason: z.enum(LOSS_REASONS),
      occurredOn: isoDate.refine((text) => text <= new Date().toISOString().slice(0, 10), {
        message: 'in the future',
      }),
      place: z.string().trim().min(1).max(MAX_TEXT),
      policeReportNumber: optionalText(
        z
          .string()
          .trim()
          .max(32)
          .regex(/^[0-9A-Za-z\u3000-\u30FF\u4E00-\u9FFF\uFF10-\uFF5A-]+$/u, 'reference'),
      ),
    }),
    permission: 'card.suspend',
  }),
  'applications.reviewQueue': call<OverseasReviewItem[]>()({
    input: empty,
    permission: 'application.review',
  }),
  'applications.review': call<ReviewDecided>()({
    input: z
      .strictObject({
        applicationId,
        expectedVersion: version,
        decision: z.enum(['accept', 'reject']),
        facts: overseasFacts.optional(),
        /** The photo requirements the reviewer confirmed (domain/application-photo.ts). */
        photoChecks: z.array(z.enum(PHOTO_REQUIREMENTS)).max(PHOTO_REQUIREMENTS.length),
        reason: z.enum(REVIEW_REJECT_REASONS).optional(),
        note: optionalText(z.string().trim().max(MAX_TEXT)),
      })
      .refine((input) => input.decision === 'accept' || input.reason !== undefined, {
        message: 'required',
        path: ['reason'],
      })
      .refine((input) => input.decision === 'reject' || input.facts !== undefined, {
        message: 'required',
        path: ['facts'],
      })
      .refine((input) => input.reason !== 'other' || input.note !== undefined, {
        message: 'required',
        path: ['note'],
      }),
    permission: 'application.review',
  }),
  'dayEnd.summary': call<DayEndSummary>()({
    input: z.strictObject({ date: isoDate.optional() }),
    permission: 'dayEnd.read',
  }),
  'dayEnd.reconcile': call<Reconciliation>()({
    input: z.strictObject({ counted: z.number().int().min(0).max(1_000_000) }),
    permission: 'dayEnd.reconcile',
  }),
  'dayEnd.recordReminders': call<{ recorded: number }>()({
    input: z.strictObject({ cardSerials: z.array(cardSerial).min(1).max(10_000) }),
    permission: 'dayEnd.reconcile',
  }),
  'dayEnd.exportCsv': call<SavedFile>()({
    /** A bulk export of the day: a supervisor approves it (two-person rule). */
    input: z.strictObject({ date: isoDate.optional(), approval: approvalInput }),
    permission: 'dayEnd.read',
  }),
  'pinReset.status': call<CardPinStatusView>()({
    input: z.strictObject({ cardSerial, readerName: z.string().min(1).max(200).optional() }),
    permission: 'card.resetPin',
  }),
  'pinReset.reset': call<PinResetDone>()({
    input: z.strictObject({
      cardSerial,
      attendee: z.enum(HANDOVER_ATTENDEES),
      /** By type only: the store keeps no document number or image. */
      documents: z.array(z.enum(IDENTITY_DOCUMENT_TYPES)).min(1).max(10),
      secret: z.enum(CARD_SECRET_NAMES),
      /** Typed by the holder; main checks the PIN rules, sends it once and keeps nothing. */
      newValue: z.string().min(1).max(16),
      approval: approvalInput,
      readerName: z.string().min(1).max(200).optional(),
    }),
    permission: 'card.resetPin',
  }),
  'cards.reinstate': call<ReinstatementDone>()({
    input: z.strictObject({
      cardSerial,
      expectedVersion: version,
      attendee: z.enum(HANDOVER_ATTENDEES),
      documents: z.array(z.enum(IDENTITY_DOCUMENT_TYPES)).min(1).max(10),
      /** The holder proves the card's user-authentication PIN (the PINs are set and known). */
      pin: z.string().min(4).max(4),
      approval: approvalInput,
      readerName: z.string().min(1).max(200).optional(),
    }),
    permission: 'card.reinstate',
  }),
  'arrival.start': call<ShipmentView>()({
    /** The delivery list's card serials, scanned or typed. */
    input: z.strictObject({ cardSerials: z.array(cardSerial).min(1).max(1000) }),
    permission: 'card.arrival',
  }),
  'arrival.get': call<ShipmentView>()({
    input: z.strictObject({ shipmentId: z.string().min(1).max(64) }),
    permission: 'card.arrival',
  }),
  'arrival.check': call<ArrivalCheckResult>()({
    input: z.strictObject({
      shipmentId: z.string().min(1).max(64),
      /** The serial on the card's face, scanned or typed; the chip must agree. */
      cardSerial,
      /** The clerk looked at the face: no damage, no printing error. */
      faceIntact: z.boolean(),
      readerName: z.string().min(1).max(200).optional(),
    }),
    permission: 'card.arrival',
  }),
  'arrival.close': call<ShipmentView>()({
    input: z.strictObject({ shipmentId: z.string().min(1).max(64) }),
    permission: 'card.arrival',
  }),
  'print.toPdf': call<SavedFile>()({
    input: z.strictObject({ document: z.enum(PRINT_DOCUMENTS), date: isoDate }),
    permission: 'dayEnd.read',
  }),
  'handover.open': call<HandoverView>()({
    input: z.strictObject({ cardSerial }),
    permission: 'card.handover',
  }),
  'handover.get': call<HandoverView | null>()({
    input: z.strictObject({ cardSerial }),
    permission: 'card.handover',
  }),
  'handover.recordIdentity': call<HandoverView>()({
    input: z.strictObject({
      cardSerial,
      attendee: z.enum(HANDOVER_ATTENDEES),
      /** By type only: the store keeps no document number or image. */
      documents: z.array(z.enum(IDENTITY_DOCUMENT_TYPES)).min(1).max(10),
    }),
    permission: 'card.handover',
  }),
  'handover.proveCard': call<{ handover: HandoverView; face: CardFaceView | null }>()({
    input: z.strictObject({ cardSerial, readerName: readerName.optional() }),
    permission: 'card.handover',
  }),
  'handover.readCardFace': call<CardFaceView | null>()({
    input: z.strictObject({ cardSerial, readerName: readerName.optional() }),
    permission: 'card.handover',
  }),
  'handover.recordFace': call<HandoverView>()({
    input: z.strictObject({ cardSerial, matches: z.boolean() }),
    permission: 'card.handover',
  }),
  'handover.requestPins': call<HandoverView>()({
    input: z.strictObject({ cardSerial, readerName: readerName.optional() }),
    permission: 'card.handover',
  }),
  'handover.cancelPins': call<HandoverView>()({
    input: z.strictObject({ cardSerial }),
    permission: 'card.handover',
  }),
  'handover.progress': call<ApplicantProgress>()({ input: empty, permission: 'card.handover' }),
  'handover.recheck': call<HandoverView>()({
    input: z.strictObject({ cardSerial, readerName: readerName.optional() }),
    permission: 'card.handover',
  }),
  'handover.recordOldCard': call<HandoverView>()({
    input: z.strictObject({ cardSerial, collected: z.boolean() }),
    permission: 'card.handover',
  }),
  'handover.commit': call<HandoverCommitted>()({
    /** `override`: a supervisor's approval, required when the revocation list is stale. */
    input: z.strictObject({ cardSerial, override: approvalInput.optional() }),
    permission: 'card.handover',
  }),
  'handover.printReceipt': call<SavedFile>()({
    input: z.strictObject({ cardSerial }),
    permission: 'card.handover',
  }),
  /** The applicant window only (main/counter/applicant-window.ts checks the sender). */
  'applicant.request': call<ApplicantRequest>()({ input: empty, permission: 'card.handover' }),
  'applicant.setPins': call<ApplicantProgress>()({
    input: z.strictObject({
      secrets: z.strictObject({
        'signature-password': z.string().max(32),
        'user-authentication-pin': z.string().max(8),
        'resident-registry-pin': z.string().max(8),
        'card-info-input-pin': z.string().max(8),
      }),
    }),
    permission: 'card.handover',
  }),
  'sync.status': call<SyncStatusView>()({ input: empty, permission: 'sync.read' }),
  'sync.runNow': call<SyncStatusView>()({ input: empty, permission: 'sync.read' }),
  'sync.history': call<SyncRunView[]>()({
    input: z.strictObject({ limit: z.number().int().min(1).max(200).optional() }),
    permission: 'sync.read',
  }),
  'sync.reviewItems': call<SyncReviewItemView[]>()({
    input: z.strictObject({ state: z.enum(['open', 'resolved']).optional() }),
    permission: 'sync.read',
  }),
  'sync.resolveReviewItem': call<SyncReviewItemView>()({
    input: z.strictObject({
      reviewId: z.string().min(1).max(64),
      note: z.string().trim().min(3).max(MAX_TEXT),
    }),
    permission: 'sync.review',
  }),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
export type CallParsed<N extends CallName> = z.output<Calls[N]['input']>;
export type CallResult<N extends CallName> = Exclude<Calls[N]['result'], undefined>;

// ---- the event table -------------------------------------------------------------------------

function event<P>(): { payload?: P } {
  return {};
}

export const events = {
  /** Readers appeared or vanished, a card was inserted or removed, pcscd stopped or came back. */
  'reader.changed': event<ReaderSnapshot>(),
  /** Signed in, signed out, or locked. */
  'session.changed': event<StaffSession | null>(),
  'settings.changed': event<Settings>(),
  /** The sync status changed (a run started or ended, an event was committed, a minute passed). */
  'sync.changed': event<SyncStatusView>(),
  /** The applicant window's progress with the PINs (states and codes only, never a digit). */
  'handover.applicant': event<ApplicantProgress>(),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = Exclude<Events[E]['payload'], undefined>;

export const CALL_NAMES = Object.keys(calls) as CallName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** The IPC channel of a call or event. One place, so no string channel names elsewhere. */
export const callChannel = (name: CallName): string => `madoguchi:call:${name}`;
export const eventChannel = (name: EventName): string => `madoguchi:event:${name}`;
