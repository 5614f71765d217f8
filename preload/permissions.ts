// Who may do what: the role/permission matrix, next to the contract whose every call names one
// permission (preload/contract.ts). Main enforces it (main/auth/auth-service.ts authorize);
// the renderer reads it only to hide what a role cannot use, never to decide.
//
// Separation of duties follows domain/case-lifecycle.ts: an administrator manages staff and
// settings and records nothing on a case, so holds no case permission and never sees personal
// data. Clerks and supervisors do the counter's work; steps that need a second person (the
// two-person rule for reinstating a suspended card) name the supervisor in their own service.

import { PERMISSIONS, ROLES, type Permission, type Role } from './values';

/** Permissions every signed-in member of staff holds. */
const STAFF: readonly Permission[] = ['session.resume', 'session'];

const COUNTER: readonly Permission[] = [
  ...STAFF,
  'case.read',
  'case.revealMyNumber',
  'application.record',
  // Consular review of overseas online applications (main/counter/overseas-review.ts).
  'application.review',
  'card.suspend',
  // Handover (交付): the clerk walks it; a stale revocation list needs a supervisor's approval.
  'card.handover',
  // Arrival check, PIN reset, reinstatement: a clerk starts them; the PIN reset and the
  // reinstatement also need a supervisor's approval on the terminal (main/auth/second-person.ts).
  'card.arrival',
  'card.resetPin',
  'card.reinstate',
  'dayEnd.read',
  'dayEnd.reconcile',
  'sync.read',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  clerk: COUNTER,
  // Review items are closed by a supervisor with a note (sync conflicts, handover overrides).
  supervisor: [...COUNTER, 'sync.review'],
  // Sync status holds counts and codes only, no personal data: IT staff may read it.
  administrator: [...STAFF, 'staff.manage', 'sync.read'],
};

/** `public` needs no session; every other permission needs the role to hold it. */
export function roleHolds(role: Role, permission: Permission): boolean {
  return permission === 'public' || ROLE_PERMISSIONS[role].includes(permission);
}

/** The matrix as rows of [permission, ...one mark per role], for docs and the CLI. */
export function permissionMatrix(): { header: string[]; rows: string[][] } {
  return {
    header: ['permission', ...ROLES],
    rows: PERMISSIONS.map((permission) => [
      permission,
      ...ROLES.map((role) => (roleHolds(role, permission) ? 'yes' : '-')),
    ]),
  };
}
