// Sign-in, first-run enrolment of the first administrator, and the terminal's session.
// The session lives here in main, never in the renderer: the renderer only asks for it.

import type { Permission, Role, StaffSession } from '../../preload/contract';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/event-bus';
import type { Logger } from '../log/logger';
import { hashPassword, passwordPolicyViolation, verifyPassword } from './passwords';
import { StaffRepo } from './staff-repo';
import type { Db } from '../../db/open';

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;

/** Which roles hold which permission. `public` needs no session. */
const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  clerk: ['session'],
  supervisor: ['session'],
  administrator: ['session', 'staff.manage'],
};

export function roleHolds(role: Role, permission: Permission): boolean {
  return permission === 'public' || ROLE_PERMISSIONS[role].includes(permission);
}

export interface AuthServiceOptions {
  db: Db;
  bus: EventBus;
  log: Logger;
  now?: () => Date;
}

export class AuthService {
  readonly #staff: StaffRepo;
  readonly #db: Db;
  readonly #bus: EventBus;
  readonly #log: Logger;
  readonly #now: () => Date;
  #session: StaffSession | null = null;
  /** A hash to verify against when the staff ID is unknown, so timing does not reveal it. */
  #decoyHash: Promise<string> | null = null;

  constructor(options: AuthServiceOptions) {
    this.#db = options.db;
    this.#staff = new StaffRepo(options.db);
    this.#bus = options.bus;
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
  }

  needsFirstAdministrator(): boolean {
    return this.#staff.count() === 0;
  }

  session(): StaffSession | null {
    return this.#session;
  }

  authorize(permission: Permission): void {
    if (permission === 'public') return;
    const session = this.#session;
    if (!session) throw new AppError('NOT_SIGNED_IN', 'Sign in first.');
    if (!roleHolds(session.role, permission)) {
      throw new AppError('PERMISSION_DENIED', 'Your role does not allow this action.');
    }
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
      throw invalidCredentials();
    }
    if (row.locked_until && new Date(row.locked_until) > now) {
      this.#log.warn('sign-in refused: account locked', { staffId: row.staff_id });
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
      if (lockedUntil) throw lockedOut(lockedUntil);
      throw invalidCredentials();
    }
    this.#staff.recordSuccess(row.staff_id);
    return this.#begin({ staffId: row.staff_id, displayName: row.display_name, role: row.role });
  }

  signOut(): null {
    if (this.#session) {
      this.#log.info('signed out', { staffId: this.#session.staffId });
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

  #begin(who: Omit<StaffSession, 'signedInAt'>): StaffSession {
    const session: StaffSession = { ...who, signedInAt: this.#now().toISOString() };
    this.#session = session;
    this.#log.info('signed in', { staffId: session.staffId, role: session.role });
    this.#bus.emit('session.changed', session);
    return session;
  }
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
