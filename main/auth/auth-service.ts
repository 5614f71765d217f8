// Sign-in, first-run enrolment of the first administrator, and the terminal's session.
// The session lives here in main, never in the renderer: the renderer only asks for it.
//
// Idle lock: the session locks itself after `idleLockSeconds` without a call from the clerk
// (every authorized call counts, and the screen sends auth.keepAlive while the clerk types).
// A locked session refuses every call but unlock and sign-out, so a walk-away terminal shows
// nothing even if the page were tampered with. Only the same member of staff unlocks it; a
// colleague signs the first one out and signs in. Every sign-in, refusal, lock and unlock is
// written to the append-only session_log (migration 0070).

import type { SessionLogKind } from '../../db/migrations/0070-counter';
import { prepared } from '../../db/statements';
import type { Permission, Role, StaffSession } from '../../preload/contract';
import { roleHolds } from '../../preload/permissions';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/event-bus';
import type { Logger } from '../log/logger';
import { hashPassword, passwordPolicyViolation, verifyPassword } from './passwords';
import { StaffRepo } from './staff-repo';
import type { Db } from '../../db/open';

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;
/** The idle policy: a counter terminal left alone for 5 minutes locks. */
export const DEFAULT_IDLE_LOCK_SECONDS = 300;

export { roleHolds };

/** OS events that lock the session (Electron's powerMonitor 'suspend' and 'lock-screen'). */
export const SYSTEM_LOCK_CAUSES = ['suspend', 'lock-screen'] as const;
export type SystemLockCause = (typeof SYSTEM_LOCK_CAUSES)[number];

export interface AuthServiceOptions {
  db: Db;
  bus: EventBus;
  log: Logger;
  now?: () => Date;
  idleLockSeconds?: number;
}

export class AuthService {
  readonly #staff: StaffRepo;
  readonly #db: Db;
  readonly #bus: EventBus;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #idleLockMs: number;
  #session: StaffSession | null = null;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** A hash to verify against when the staff ID is unknown, so timing does not reveal it. */
  #decoyHash: Promise<string> | null = null;

  constructor(options: AuthServiceOptions) {
    this.#db = options.db;
    this.#staff = new StaffRepo(options.db);
    this.#bus = options.bus;
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
    this.#idleLockMs = (options.idleLockSeconds ?? DEFAULT_IDLE_LOCK_SECONDS) * 1000;
  }

  /** Who is signed in, for services that record the actor: throws unless signed in and unlocked. */
  actor(): { staffId: string; role: Role } {
    const session = this.#session;
    if (!session) throw new AppError('NOT_SIGNED_IN', 'Sign in first.');
    if (session.locked) throw sessionLocked();
    return { staffId: session.staffId, role: session.role };
  }

  needsFirstAdministrator(): boolean {
    return this.#staff.count() === 0;
  }

  session(): StaffSession | null {
    return this.#session;
  }

  authorize(permission: Permission): void {
    if (permission === 'public') return;
    this.checkIdle();
    const session = this.#session;
    if (!session) throw new AppError('NOT_SIGNED_IN', 'Sign in first.');
    if (session.locked && permission !== 'session.resume') throw sessionLocked();
    if (!roleHolds(session.role, permission)) {
      throw new AppError('PERMISSION_DENIED', 'Your role does not allow this action.');
    }
    // Any authorized call is activity: the idle clock starts again.
    if (!session.locked) this.#touch(session);
  }

  /** The clerk is active (typing, pointing): push the idle lock back. */
  keepAlive(): StaffSession {
    const session = this.#session;
    if (!session) throw new AppError('NOT_SIGNED_IN', 'Sign in first.');
    if (session.locked) throw sessionLocked();
    return this.#touch(session);
  }

  /** Locks now (the clerk steps away), or when the idle deadline has passed. */
  lock(reason: 'locked' | 'idle-locked' = 'locked'): StaffSession {
    const session = this.#session;
    if (!session) throw new AppError('NOT_SIGNED_IN', 'Sign in first.');
    if (session.locked) return session;
    this.#clearTimer();
    const locked: StaffSession = { ...session, locked: true, idleLockAt: null };
    this.#session = locked;
    this.#logSession(session.staffId, reason);
    this.#log.info('session locked', { staffId: session.staffId, reason });
    this.#bus.emit('session.changed', locked);
    return locked;
  }

  /**
   * The operating system is suspending or locking its screen (main/app/system-lock.ts): lock
   * the session as if the clerk had, so a laptop that wakes up elsewhere shows nothing. No
   * session, or already locked: nothing to do.
   */
  lockForSystem(cause: SystemLockCause): StaffSession | null {
    const session = this.#session;
    if (!session || session.locked) return session;
    this.#log.info('locking for the operating system', { cause });
    return this.lock('locked');
  }

  /** Locks the session if its idle deadline has passed (the timer calls this; so does authorize). */
  checkIdle(): void {
    const session = this.#session;
    if (!session || session.locked || session.idleLockAt === null) return;
    const remaining = Date.parse(session.idleLockAt) - this.#now().getTime();
    if (remaining <= 0) this.lock('idle-locked');
    else this.#schedule(remaining);
  }

  /** Only the member of staff whose session it is: their password, with the sign-in lockout. */
  async unlock(input: { password: string }): Promise<StaffSession> {
    const session = this.#session;
    if (!session) throw new AppError('NOT_SIGNED_IN', 'Sign in first.');
    if (!session.locked) return session;
    const row = this.#staff.find(session.staffId);
    const now = this.#now();
    if (!row || row.active !== 1) {
      this.signOut();
      throw new AppError('NOT_SIGNED_IN', 'Sign in first.');
    }
    if (row.locked_until && new Date(row.locked_until) > now) {
      this.#endLockedOut(row.staff_id, row.locked_until);
    }
    if (!(await verifyPassword(input.password, row.password_hash))) {
      const failures = row.failed_attempts + 1;
      const lockedUntil =
        failures >= MAX_FAILED_SIGN_INS
          ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString()
          : null;
      this.#staff.recordFailure(row.staff_id, lockedUntil);
      this.#logSession(row.staff_id, 'unlock-refused');
      if (lockedUntil) this.#endLockedOut(row.staff_id, lockedUntil);
      throw new AppError('AUTH_INVALID_CREDENTIALS', 'The password is not correct.');
    }
    this.#staff.recordSuccess(row.staff_id);
    this.#logSession(row.staff_id, 'unlocked');
    const unlocked = this.#touch({ ...session, locked: false });
    this.#log.info('session unlocked', { staffId: session.staffId });
    this.#bus.emit('session.changed', unlocked);
    return unlocked;
  }

  /** Ends timers; the services call this when they close. */
  stop(): void {
    this.#clearTimer();
  }

  async createFirstAdministrator(input: {
    staffId: string;
    displayName: string;
    password: string;
  }): Promise<StaffSession> {
    if (!this.needsFirstAdministrator()) {
      throw new AppError(
        'SETUP_ALREADY_DONE',
        'This terminal already has an administrator. Sign in instead.',
      );
    }
    this.#assertPolicy(input.password, input.staffId);
    const passwordHash = await hashPassword(input.password);
    const created = this.#db.transaction(() => {
      // Checked again inside the transaction: two first-run forms must not both win.
      if (this.#staff.count() !== 0) return false;
      this.#staff.insert({
        staff_id: input.staffId,
        display_name: input.displayName,
        role: 'administrator',
        password_hash: passwordHash,
        created_at: this.#now().toISOString(),
      });
      return true;
    })();
    if (!created) {
      throw new AppError(
        'SETUP_ALREADY_DONE',
        'This terminal already has an administrator. Sign in instead.',
      );
    }
    this.#log.info('first administrator enrolled', { staffId: input.staffId });
    return this.#begin({
      staffId: input.staffId,
      displayName: input.displayName,
      role: 'administrator',
    });
  }

  /** An administrator enrols a member of staff (contract call staff.create, staff.manage). */
  async createStaff(input: {
    staffId: string;
    displayName: string;
    role: Role;
    password: string;
  }): Promise<{ staffId: string; displayName: string; role: Role }> {
    this.#assertPolicy(input.password, input.staffId);
    const passwordHash = await hashPassword(input.password);
    if (this.#staff.find(input.staffId)) {
      throw new AppError('STAFF_ID_TAKEN', 'This staff ID is already in use.', [
        { path: 'staffId', reason: 'taken' },
      ]);
    }
    this.#staff.insert({
      staff_id: input.staffId,
      display_name: input.displayName,
      role: input.role,
      password_hash: passwordHash,
      created_at: this.#now().toISOString(),
    });
    this.#log.info('staff enrolled', { staffId: input.staffId, role: input.role });
    return { staffId: input.staffId, displayName: input.displayName, role: input.role };
  }

  async signIn(input: { staffId: string; password: string }): Promise<StaffSession> {
    if (this.needsFirstAdministrator()) {
      throw new AppError(
        'SETUP_REQUIRED',
        'Create the first administrator account before signing in.',
      );
    }
    const row = this.#staff.find(input.staffId);
    const now = this.#now();
    if (!row || row.active !== 1) {
      this.#decoyHash ??= hashPassword('decoy-password-for-timing');
      await verifyPassword(input.password, await this.#decoyHash);
      this.#log.info('sign-in refused: unknown or inactive staff ID');
      // The typed ID is not logged: it may be a mistyped password or someone's name.
      this.#logSession(null, 'sign-in-refused');
      throw invalidCredentials();
    }
    if (row.locked_until && new Date(row.locked_until) > now) {
      this.#log.warn('sign-in refused: account locked', { staffId: row.staff_id });
      this.#logSession(row.staff_id, 'sign-in-refused');
      throw lockedOut(row.locked_until);
    }
    if (!(await verifyPassword(input.password, row.password_hash))) {
      const failures = row.failed_attempts + 1;
      const lockedUntil =
        failures >= MAX_FAILED_SIGN_INS
          ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString()
          : null;
      this.#staff.recordFailure(row.staff_id, lockedUntil);
      this.#log.warn('sign-in refused: wrong password', { staffId: row.staff_id, failures });
      this.#logSession(row.staff_id, lockedUntil ? 'locked-out' : 'sign-in-refused');
      if (lockedUntil) throw lockedOut(lockedUntil);
      throw invalidCredentials();
    }
    this.#staff.recordSuccess(row.staff_id);
    return this.#begin({ staffId: row.staff_id, displayName: row.display_name, role: row.role });
  }

  signOut(): null {
    if (this.#session) {
      this.#clearTimer();
      this.#log.info('signed out', { staffId: this.#session.staffId });
      this.#logSession(this.#session.staffId, 'signed-out');
      this.#session = null;
      this.#bus.emit('session.changed', null);
    }
    return null;
  }

  #assertPolicy(password: string, staffId: string): void {
    const violation = passwordPolicyViolation(password, staffId);
    if (violation) {
      throw new AppError('PASSWORD_POLICY', violation.message, [
        { path: 'password', reason: violation.reason },
      ]);
    }
  }

  #begin(who: Pick<StaffSession, 'staffId' | 'displayName' | 'role'>): StaffSession {
    this.#clearTimer();
    const session = this.#touch({
      ...who,
      signedInAt: this.#now().toISOString(),
      locked: false,
      idleLockAt: null,
      idleLockSeconds: this.#idleLockMs / 1000,
    });
    this.#logSession(session.staffId, 'signed-in');
    this.#log.info('signed in', { staffId: session.staffId, role: session.role });
    this.#bus.emit('session.changed', session);
    return session;
  }

  /** A new idle deadline from now; the session object is replaced, never mutated. */
  #touch(session: StaffSession): StaffSession {
    const touched: StaffSession = {
      ...session,
      idleLockAt: new Date(this.#now().getTime() + this.#idleLockMs).toISOString(),
    };
    this.#session = touched;
    this.#schedule(this.#idleLockMs);
    return touched;
  }

  #schedule(ms: number): void {
    this.#clearTimer();
    this.#idleTimer = setTimeout(() => this.checkIdle(), ms);
    // The lock timer alone must not keep a CLI or test process alive.
    this.#idleTimer.unref?.();
  }

  #clearTimer(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }

  /** Too many wrong passwords at the lock screen: the session ends, as a sign-in lockout would. */
  #endLockedOut(staffId: string, until: string): never {
    this.#logSession(staffId, 'locked-out');
    this.signOut();
    throw lockedOut(until);
  }

  #logSession(staffId: string | null, kind: SessionLogKind): void {
    prepared(this.#db, 'INSERT INTO session_log (staff_id, kind, at) VALUES (?, ?, ?)').run(
      staffId,
      kind,
      this.#now().toISOString(),
    );
  }
}

function sessionLocked(): AppError {
  return new AppError(
    'SESSION_LOCKED',
    'The session is locked. The same member of staff unlocks it with their password.',
  );
}

function invalidCredentials(): AppError {
  return new AppError('AUTH_INVALID_CREDENTIALS', 'The staff ID or password is not correct.');
}

function lockedOut(until: string): AppError {
  return new AppError(
    'AUTH_LOCKED_OUT',
    `Too many failed sign-ins. This account is locked until ${until}. A supervisor can help.`,
  );
}
