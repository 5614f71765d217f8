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
import type { Actor } from '../domain/case-lifecycle';

/** Upper bound for any free-text field crossing the bridge: bad input fails early. */
export const MAX_TEXT = 200;

export const LANGUAGES = ['ja', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Staff roles; each is an actor of the card lifecycle table (domain/case-lifecycle.ts). */
export const ROLES = ['clerk', 'supervisor', 'administrator'] as const satisfies readonly Actor[];
export type Role = (typeof ROLES)[number];

/**
 * What a call needs. `public` calls work before anyone signs in (first-run setup, sign-in,
 * language); `session` calls need a signed-in member of staff of any role. Later issues add
 * finer permissions; the role matrix lives in preload/permissions.ts next to this table.
 */
export const PERMISSIONS = ['public', 'session', 'staff.manage'] as const;
export type Permission = (typeof PERMISSIONS)[number];

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
  'reader.snapshot': call<ReaderSnapshot>()({ input: empty, permission: 'session' }),
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
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = Exclude<Events[E]['payload'], undefined>;

export const CALL_NAMES = Object.keys(calls) as CallName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** The IPC channel of a call or event. One place, so no string channel names elsewhere. */
export const callChannel = (name: CallName): string => `madoguchi:call:${name}`;
export const eventChannel = (name: EventName): string => `madoguchi:event:${name}`;
