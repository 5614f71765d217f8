// Central's domain handler: what an uploaded event means for central's state of the case, and
// which conflict it raises (docs/sync-protocol.md §5; reference/sync-protocol.md §3.7 A-G).
// Physical facts are accepted and flagged, administrative states are never overwritten from
// a terminal, and nothing is resolved silently: every conflict or rejection becomes a review
// item. The card transitions are domain/case-lifecycle.ts's table, the same the terminal uses.

import {
  CASE_EVENTS,
  nextState,
  TRANSITIONS,
  type ApplicationKind,
  type CardState,
  type CaseEvent,
} from '../domain/case-lifecycle';
import { RETENTION_EVENT_TYPES } from '../db/migrations/0040-retention';
import { COUNTER_EVENT_TYPES } from '../db/migrations/0070-counter';
import { REVIEW_EVENT_TYPES } from '../db/migrations/0100-overseas-review';
import { SECOND_PERSON_EVENT_TYPES } from '../db/migrations/0090-second-person-and-arrival';
import {
  CLOCK_SKEW_TOLERANCE_MS,
  HandoverAttestationSchema,
  type Outcome,
  type ReasonCode,
} from '../sync/protocol';
import type { CentralStore, TerminalRecord } from './store/central-store';
import { publishApplication, publishCardStatus } from './publish';

export interface IncomingEvent {
  serverSeq: number;
  terminal: TerminalRecord;
  actorRole: string;
  actorStaffId: string | null;
  caseRef: string;
  type: string;
  payload: string;
  terminalTime: string;
  receivedAt: string;
}

export interface Decision {
  outcome: Exclude<Outcome, 'duplicate'>;
  /** Most important first. CLOCK_SKEW alone is a flag, not a conflict. */
  reasons: ReasonCode[];
  cardSerial: string | null;
  /** For the review item: codes and states only, no personal data. */
  detail: string;
}

const STAFF_ROLES = new Set(['clerk', 'supervisor', 'system']);
const KINDS: readonly ApplicationKind[] = [
  'new',
  'renewal',
  'reissue-loss',
  'reissue-damage',
  'overseas',
];
const CHANNELS = ['counter', 'mail', 'online', 'overseas-online'] as const;
/** Records that change no card state: retention, and the counter's loss reports and reveals. */
const INFORMATIONAL: readonly string[] = [
  ...RETENTION_EVENT_TYPES,
  ...COUNTER_EVENT_TYPES,
  // PIN reset, arrival flags, supervisor approvals (migration 0090): no card state changes.
  ...SECOND_PERSON_EVENT_TYPES,
];

function isCaseEvent(type: string): type is CaseEvent {
  return (CASE_EVENTS as readonly string[]).includes(type);
}

function parsePayload(payload: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(payload);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function decision(
  outcome: Decision['outcome'],
  reasons: ReasonCode[],
  cardSerial: string | null,
  detail: string,
): Decision {
  return { outcome, reasons, cardSerial, detail };
}

/** Applies one new event to central's state and says what it was. Runs inside the ingest transaction. */
export function applyEvent(store: CentralStore, event: IncomingEvent): Decision {
  const result = decide(store, event);
  // A terminal clock ahead of the server is a fact worth a flag; being behind is normal
  // for events recorded offline and uploaded later (reference/sync-protocol.md §3.7).
  const claimed = Date.parse(event.terminalTime);
  if (
    Number.isFinite(claimed) &&
    claimed - Date.parse(event.receivedAt) > CLOCK_SKEW_TOLERANCE_MS
  ) {
    result.reasons.push('CLOCK_SKEW');
  }
  return result;
}

function decide(store: CentralStore, event: IncomingEvent): Decision {
  const payload = parsePayload(event.payload);
  if (!payload) return decision('rejected', ['INVALID_PAYLOAD'], null, `type=${event.type}`);
  if (event.type === 'application-received') return applicationReceived(store, event, payload);
  if (event.type === 'card-ordered') {
    const serial = typeof payload.cardSerial === 'string' ? payload.cardSerial : null;
    const card = serial === null ? undefined : store.getCard(serial);
    if (event.actorRole !== 'central') {
      return decision('rejected', ['ACTOR_NOT_ALLOWED'], serial, 'card-ordered by a terminal role');
    }
    return card
      ? decision('applied', [], serial, 'echo of a central order')
      : decision(
          'rejected',
          ['UNKNOWN_CASE'],
          serial,
          'card-ordered for a card central never ordered',
        );
  }
  if (INFORMATIONAL.includes(event.type)) {
    return decision('applied', [], null, `${event.type} recorded`);
  }
  if ((REVIEW_EVENT_TYPES as readonly string[]).includes(event.type)) {
    return reviewDecision(store, event, payload);
  }
  if (isCaseEvent(event.type)) return cardStep(store, event, event.type, payload);
  return decision('rejected', ['UNKNOWN_EVENT_TYPE'], null, `type=${event.type}`);
}

function applicationReceived(
  store: CentralStore,
  event: IncomingEvent,
  payload: Record<string, unknown>,
): Decision {
  const known = store.getApplication(event.caseRef);
  // An application central sent down and the terminal recorded: nothing new.
  if (known) return decision('applied', [], null, 'application already known');
  if (event.actorRole === 'central') {
    return decision(
      'rejected',
      ['ACTOR_NOT_ALLOWED'],
      null,
      'central-role application unknown to central',
    );
  }
  const kind = payload.kind;
  const channel = payload.channel;
  const receivedAt = payload.receivedAt;
  if (
    typeof kind !== 'string' ||
    !(KINDS as readonly string[]).includes(kind) ||
    typeof channel !== 'string' ||
    !(CHANNELS as readonly string[]).includes(channel) ||
    typeof receivedAt !== 'string'
  ) {
    return decision(
      'rejected',
      ['INVALID_PAYLOAD'],
      null,
      'application-received without kind/channel/receivedAt',
    );
  }
  const officeId =
    typeof payload.officeCode === 'string' ? payload.officeCode : event.terminal.officeId;
  const application = {
    applicationId: event.caseRef,
    officeId,
    // The person stays on the terminal: central learns of them through its own registers.
    personId: null,
    kind: kind as ApplicationKind,
    channel: channel as (typeof CHANNELS)[number],
    receivedAt,
    status: 'received' as const,
    version: 1,
    cancelReason: null,
    origin: event.terminal.terminalId,
  };
  store.saveApplication(application);
  return decision('applied', [], null, 'application recorded');
}

/**
 * A mission's decision on an overseas online application central sent it (main/counter/
 * overseas-review.ts): a rejection cancels the application here and goes back down the
 * applications stream; an acceptance leaves it 'received' for central to order the card.
 * A decision on an application central cancelled meanwhile is kept, not applied (§3.7 E).
 */
function reviewDecision(
  store: CentralStore,
  event: IncomingEvent,
  payload: Record<string, unknown>,
): Decision {
  const application = store.getApplication(event.caseRef);
  if (!application)
    return decision('rejected', ['UNKNOWN_CASE'], null, `${event.type} on an unknown application`);
  if (event.actorRole !== 'clerk' && event.actorRole !== 'supervisor') {
    return decision(
      'rejected',
      ['ACTOR_NOT_ALLOWED'],
      null,
      `${event.type} by role ${event.actorRole}`,
    );
  }
  const rejected = event.type === 'application-rejected';
  const reason = typeof payload.reason === 'string' ? payload.reason : null;
  if (
    application.channel !== 'overseas-online' ||
    (rejected && (reason === null || reason.length > 48))
  ) {
    return decision(
      'rejected',
      ['INVALID_PAYLOAD'],
      null,
      `${event.type}: not an overseas online application, or no reason`,
    );
  }
  if (application.status === 'withdrawn' || application.status === 'rejected') {
    return decision(
      'applied-with-conflict',
      ['APPLIED_TO_CANCELLED_CASE'],
      null,
      `${event.type}: central status ${application.status}`,
    );
  }
  if (application.status !== 'received') {
    return decision(
      'applied-with-conflict',
      ['ILLEGAL_TRANSITION'],
      null,
      `${event.type}: central status ${application.status}`,
    );
  }
  if (rejected) {
    const updated = {
      ...application,
      status: 'rejected' as const,
      version: application.version + 1,
      cancelReason: `review:${reason ?? ''}`,
    };
    store.saveApplication(updated);
    publishApplication(store, updated);
  }
  return decision('applied', [], null, `${event.type}${rejected ? `: ${reason ?? ''}` : ''}`);
}

function cardStep(
  store: CentralStore,
  event: IncomingEvent,
  type: CaseEvent,
  payload: Record<string, unknown>,
): Decision {
  const serial = typeof payload.cardSerial === 'string' ? payload.cardSerial : null;
  if (serial === null)
    return decision('rejected', ['INVALID_PAYLOAD'], null, `${type} without cardSerial`);
  const card = store.getCard(serial);
  if (!card) return decision('rejected', ['UNKNOWN_CASE'], serial, `${type} on an unknown card`);
  if (card.applicationId !== event.caseRef) {
    return decision(
      'rejected',
      ['INVALID_PAYLOAD'],
      serial,
      `${type}: card belongs to another application`,
    );
  }
  const application = store.getApplication(card.applicationId);
  if (!application)
    return decision('rejected', ['UNKNOWN_CASE'], serial, 'card without application');
  const state = card.state as CardState;

  if (event.actorRole === 'central') {
    // The terminal recorded a change central sent it (card_status stream): an echo.
    return decision('applied', [], serial, `echo of central ${type}`);
  }
  const transitionActors = new Set(
    TRANSITIONS.filter((t) => t.event === type).flatMap((t) => t.actors),
  );
  if (!STAFF_ROLES.has(event.actorRole) || !transitionActors.has(event.actorRole as never)) {
    return decision(
      'rejected',
      ['ACTOR_NOT_ALLOWED'],
      serial,
      `${type} by role ${event.actorRole}`,
    );
  }

  const reasons: ReasonCode[] = [];
  const seenFrom = typeof payload.from === 'string' ? payload.from : null;
  let blocked = false;

  if (type === 'hand-over') {
    const attestation = HandoverAttestationSchema.safeParse(payload);
    if (attestation.success && attestation.data.staleRevocationOverride) {
      reasons.push('STALE_REVOCATION_OVERRIDE');
    }
    if (card.handedOverServerSeq !== null) {
      // §3.7 D: the first by server_seq stands; this one is kept and flagged.
      reasons.unshift('DUPLICATE_HANDOVER');
      blocked = true;
    } else {
      // The card left the counter: that is a fact whatever else is true.
      store.markHandedOver(serial, event.serverSeq);
      const listed = store.getRevocationEntry(serial);
      if (listed && listed.status !== 'reinstated') {
        // §3.7 A: the card's validity stays suspended/revoked; never un-revoked by a handover.
        reasons.unshift('HANDOVER_OF_SUSPENDED_CARD');
        blocked = true;
      }
    }
  }

  if (
    application.status === 'withdrawn' ||
    application.status === 'rejected' ||
    state === 'cancelled'
  ) {
    // §3.7 E: the cancellation wins the state; the clerk's step is recorded, not applied.
    reasons.unshift('APPLIED_TO_CANCELLED_CASE');
    blocked = true;
  }

  if (!blocked) {
    const step = nextState(application.kind, state, type);
    if (!step.ok) {
      // §3.7 F: recorded with a conflict, never dropped; central's state stands.
      reasons.unshift('ILLEGAL_TRANSITION');
    } else {
      if (seenFrom !== null && seenFrom !== state) {
        // §3.7 G: the clerk acted on a state central had since changed; applied, for review.
        reasons.push('CASE_VERSION_CONFLICT');
      }
      const updated = { ...card, state: step.to, version: card.version + 1 };
      store.saveCard(updated);
      publishCardStatus(store, updated, type, null, event.receivedAt);
    }
  }
  const conflicts = reasons.filter((r) => r !== 'CLOCK_SKEW');
  return decision(
    conflicts.length > 0 ? 'applied-with-conflict' : 'applied',
    reasons,
    serial,
    `${type}: central state ${state}${seenFrom !== null ? `, terminal saw ${seenFrom}` : ''}`,
  );
}
