// The two-person rule (issue 7, Security 2): some steps need a supervisor on the same
// terminal, besides the member of staff whose session it is: a PIN reset, reinstating a
// suspended card, overriding a stale revocation list, a bulk export, a My Number shown outside
// a case. The supervisor types their staff ID and password and says why; this module checks
// them exactly as sign-in does (the same scrypt hashes, the same failed-attempt count and
// lockout on the supervisor's account) and returns an Approval. It never signs the supervisor
// in: the session stays the clerk's.
//
// The calling service records the Approval where its step is recorded, in the same transaction:
// approvalPayload() for its case event (both identities and the reason travel to central with
// the event), and recordApproval() for approval_log (migration 0090), which is also the audit
// record of a step without a case (the bulk export). A refused approval is logged at once.

import type {
  ApprovalAction,
  ApprovalRefusal,
} from '../../db/migrations/0090-second-person-and-arrival';
import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import type { ApprovalInput, ErrorCode } from '../../preload/contract';
import type { JsonObject } from '../audit/chain';
import { uuidv7 } from '../audit/event-id';
import { AppError } from '../core/errors';
import type { Logger } from '../log/logger';
import { LOCKOUT_MINUTES, MAX_FAILED_SIGN_INS } from './auth-service';
import { hashPassword, verifyPassword } from './passwords';
import { StaffRepo } from './staff-repo';

export type { ApprovalAction };

/** A supervisor's approval, checked on this terminal; record it with the step it approves. */
export interface Approval {
  readonly approvalId: string;
  readonly action: ApprovalAction;
  /** Whose session it is: the member of staff doing the step. */
  readonly staffId: string;
  /** Who approved it; always a supervisor, never the same person. */
  readonly supervisorId: string;
  readonly reason: string;
  /** ISO time the supervisor's password was checked. */
  readonly approvedAt: string;
}

export interface SecondPersonOptions {
  db: Db;
  log: Logger;
  now?: () => Date;
}

const REFUSAL_CODES: Readonly<Record<ApprovalRefusal, ErrorCode>> = {
  'invalid-credentials': 'SECOND_PERSON_REFUSED',
  'same-staff': 'SECOND_PERSON_SAME_STAFF',
  'not-supervisor': 'SECOND_PERSON_NOT_SUPERVISOR',
  'locked-out': 'SECOND_PERSON_LOCKED_OUT',
};

const REFUSAL_MESSAGES: Readonly<Record<ApprovalRefusal, string>> = {
  'invalid-credentials': "The supervisor's staff ID or password is not correct.",
  'same-staff':
    'The approval must come from a second person: another supervisor signs here, not the one whose session it is.',
  'not-supervisor': 'Only a supervisor can approve this step. Ask a supervisor.',
  'locked-out': `This supervisor account is locked after too many wrong passwords. Ask another supervisor, or wait ${LOCKOUT_MINUTES} minutes.`,
};

export class SecondPerson {
  readonly #db: Db;
  readonly #staff: StaffRepo;
  readonly #log: Logger;
  readonly #now: () => Date;
  /** A hash to verify against when the staff ID is unknown, so timing does not reveal it. */
  #decoyHash: Promise<string> | null = null;

  constructor(options: SecondPersonOptions) {
    this.#db = options.db;
    this.#staff = new StaffRepo(options.db);
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Checks the supervisor's credentials for `action` done by `staffId` (the session's staff).
   * Resolves with the Approval, or rejects with a SECOND_PERSON_* AppError after logging the
   * refusal. The password is never kept; a wrong one counts toward the supervisor's lockout.
   */
  async approve(
    input: ApprovalInput | undefined,
    action: ApprovalAction,
    staffId: string,
    subject: string | null = null,
  ): Promise<Approval> {
    if (!input) {
      throw new AppError(
        'SECOND_PERSON_REQUIRED',
        "This step needs a supervisor's approval: the supervisor enters their staff ID, password and the reason.",
      );
    }
    const reason = input.reason.trim();
    const now = this.#now();
    const refuse = (refusal: ApprovalRefusal, supervisorId: string): never => {
      this.#logAttempt({
        approvalId: uuidv7(),
        action,
        staffId,
        supervisorId,
        outcome: refusal,
        subject,
        reason: null,
        at: now.toISOString(),
      });
      this.#log.warn('second-person approval refused', { action, staffId, refusal });
      throw new AppError(REFUSAL_CODES[refusal], REFUSAL_MESSAGES[refusal]);
    };
    // Before any password check: the same person never approves their own step.
    if (input.supervisorId === staffId) return refuse('same-staff', input.supervisorId);
    const row = this.#staff.find(input.supervisorId);
    if (!row || row.active !== 1) {
      this.#decoyHash ??= hashPassword('decoy-password-for-timing');
      await verifyPassword(input.password, await this.#decoyHash);
      // The typed ID is not logged: it may be a mistyped password.
      return refuse('invalid-credentials', '-');
    }
    if (row.locked_until && new Date(row.locked_until) > now) {
      return refuse('locked-out', row.staff_id);
    }
    if (!(await verifyPassword(input.password, row.password_hash))) {
      const failures = row.failed_attempts + 1;
      const lockedUntil =
        failures >= MAX_FAILED_SIGN_INS
          ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString()
          : null;
      this.#staff.recordFailure(row.staff_id, lockedUntil);
      return refuse(lockedUntil ? 'locked-out' : 'invalid-credentials', row.staff_id);
    }
    this.#staff.recordSuccess(row.staff_id);
    // Checked after the password, so a role is not revealed to someone who does not know it.
    if (row.role !== 'supervisor') return refuse('not-supervisor', row.staff_id);
    this.#log.info('second-person approval given', {
      action,
      staffId,
      supervisorId: row.staff_id,
    });
    return {
      approvalId: uuidv7(),
      action,
      staffId,
      supervisorId: row.staff_id,
      reason,
      approvedAt: now.toISOString(),
    };
  }

  #logAttempt(row: ApprovalLogRow): void {
    insertApprovalLog(this.#db, row);
  }
}

interface ApprovalLogRow {
  approvalId: string;
  action: ApprovalAction;
  staffId: string;
  supervisorId: string;
  outcome: 'approved' | ApprovalRefusal;
  subject: string | null;
  reason: string | null;
  at: string;
}

function insertApprovalLog(db: Db, row: ApprovalLogRow): void {
  prepared(
    db,
    `INSERT INTO approval_log (approval_id, action, staff_id, supervisor_id, outcome, subject,
                               reason, at)
     VALUES (@approvalId, @action, @staffId, @supervisorId, @outcome, @subject, @reason, @at)`,
  ).run(row);
}

/**
 * Records a granted approval in approval_log. Call it in the transaction that records the
 * step it approved, so an approval whose step failed leaves no "approved" row behind.
 */
export function recordApproval(db: Db, approval: Approval, subject: string | null): void {
  insertApprovalLog(db, {
    approvalId: approval.approvalId,
    action: approval.action,
    staffId: approval.staffId,
    supervisorId: approval.supervisorId,
    outcome: 'approved',
    subject,
    reason: approval.reason,
    at: approval.approvedAt,
  });
}

/** The approval as it goes into the step's case event payload: both identities and the reason. */
export function approvalPayload(approval: Approval): JsonObject {
  return {
    approval: {
      approvalId: approval.approvalId,
      staffId: approval.staffId,
      supervisorId: approval.supervisorId,
      supervisorRole: 'supervisor',
      reason: approval.reason,
      approvedAt: approval.approvedAt,
    },
  };
}
