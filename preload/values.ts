// The contract's enumerations as plain values, without zod: the renderer imports these (and
// only types from contract.ts), so the validation library stays out of its bundle. Main
// validates; the renderer only lists choices.

import type { Actor } from '../domain/case-lifecycle';
import { OVERSEAS_INELIGIBILITIES } from '../domain/overseas-eligibility';

export const LANGUAGES = ['ja', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Staff roles; each is an actor of the card lifecycle table (domain/case-lifecycle.ts). */
export const ROLES = ['clerk', 'supervisor', 'administrator'] as const satisfies readonly Actor[];
export type Role = (typeof ROLES)[number];

/**
 * What a call needs. `public` calls work before anyone signs in (first-run setup, sign-in,
 * language); `session.resume` needs a session even while it is locked (unlock, sign out);
 * every other permission needs an unlocked session whose role holds it. Which role holds
 * which permission is the matrix in preload/permissions.ts, next to this table.
 */
export const PERMISSIONS = [
  'public',
  'session.resume',
  'session',
  'staff.manage',
  'case.read',
  'case.revealMyNumber',
  'application.record',
  'application.review',
  'card.suspend',
  'card.handover',
  'card.arrival',
  'card.resetPin',
  'card.reinstate',
  'dayEnd.read',
  'dayEnd.reconcile',
  'sync.read',
  'sync.review',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const SEXES = ['male', 'female'] as const;
export type Sex = (typeof SEXES)[number];

/**
 * Why consular staff reject an overseas online application (main/counter/overseas-review.ts):
 * an eligibility rule the applicant fails (domain/overseas-eligibility.ts), or a problem with
 * the application itself. 'other' needs a note.
 */
export const REVIEW_REJECT_REASONS = [
  ...OVERSEAS_INELIGIBILITIES,
  'photo-unsuitable',
  'documents-incomplete',
  'duplicate-application',
  'other',
] as const;
export type ReviewRejectReason = (typeof REVIEW_REJECT_REASONS)[number];

export const LOSS_REASONS = ['loss', 'theft'] as const;
export type LossReason = (typeof LOSS_REASONS)[number];

/** Why a clerk needs to see a full My Number; recorded in the audit event. */
export const REVEAL_REASONS = [
  'identity-check',
  'applicant-request',
  'data-correction',
  'inquiry',
] as const;
export type RevealReason = (typeof REVEAL_REASONS)[number];

/**
 * Reasons about the case at the counter (the applicant in front of the clerk, or correcting
 * that case's record): a reason suffices. Any other reason, e.g. answering an inquiry from
 * another office, is outside a case and needs a supervisor's approval (two-person rule).
 */
export const REVEAL_IN_CASE: readonly RevealReason[] = [
  'identity-check',
  'applicant-request',
  'data-correction',
];

/** Who came to collect the card (db/migrations/0020-cases.ts ATTENDEES, same values). */
export const HANDOVER_ATTENDEES = ['holder', 'legal-representative', 'proxy'] as const;
export type HandoverAttendee = (typeof HANDOVER_ATTENDEES)[number];

/**
 * Identity documents seen at a handover, by type (0020 IDENTITY_DOCUMENTS, same values): one
 * from list A (a-) or two from list B (b-).
 */
export const IDENTITY_DOCUMENT_TYPES = [
  'a-driving-licence',
  'a-passport',
  'a-residence-card',
  'a-disability-booklet',
  'a-my-number-card',
  'a-other',
  'b-health-insurance-card',
  'b-pension-book',
  'b-student-or-employee-id',
  'b-other',
] as const;
export type IdentityDocumentType = (typeof IDENTITY_DOCUMENT_TYPES)[number];

/**
 * What became of a card at the arrival check (main/counter/arrival.ts): still in the box
 * ('listed'), in custody ('matched'), never found ('missing'), not expected here ('extra'),
 * a chip that does not answer ('unreadable'), another person's chip ('wrong-card'), or a damaged
 * face ('failed').
 */
export const ARRIVAL_OUTCOMES = [
  'listed',
  'matched',
  'missing',
  'extra',
  'unreadable',
  'wrong-card',
  'failed',
] as const;
export type ArrivalOutcome = (typeof ARRIVAL_OUTCOMES)[number];

/** The four secrets of a card (domain/pin-rules.ts CardSecret, same values). */
export const CARD_SECRET_NAMES = [
  'signature-password',
  'user-authentication-pin',
  'resident-registry-pin',
  'card-info-input-pin',
] as const;
export type CardSecretName = (typeof CARD_SECRET_NAMES)[number];

export const PRINT_DOCUMENTS = ['day-report', 'reminder-letters'] as const;
export type PrintDocument = (typeof PRINT_DOCUMENTS)[number];
