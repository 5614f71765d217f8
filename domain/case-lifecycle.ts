// The lifecycle of a My Number Card at the counter, as one printable transition table.
//
// Sources, cited as "W §n" and "S §n" below:
//   W = reference/counter-workflow-and-anchors.md (§3: the real Japanese counter workflow)
//   S = reference/sync-protocol.md (§3.5 revocation list, §3.7 handover vs central conflicts)
//
// One machine per card, not per application: the application kind says why the card was
// made. When a card fails its arrival check it is destroyed and J-LIS makes a new card for
// the same application (S §3.7 F "REPRINT_ORDERED"); that card starts its own run at
// 'ordered'. Services look a step up here; they never decide a transition in an `if`.

import { formatTable } from './text-table';

export const APPLICATION_KINDS = [
  'new',
  'renewal',
  'reissue-loss',
  'reissue-damage',
  'overseas',
] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];

/**
 * Where a card is.
 *
 * Two choices the workflow leaves open:
 * - Passing the arrival check has no state of its own: a card that passed is exactly a card
 *   the office keeps until the applicant comes ('in-custody', W §3.1 step 3, §3.3). Sending
 *   the 交付通知書 is recorded on the case, not as a state, because offices stagger notices
 *   (W §3.1 step 3) and a notice changes nothing about what may happen to the card.
 * - Reinstatement is a transition (suspended -> handed-over), not a state. A reinstated card
 *   is with its holder and valid, so everything that may happen to a handed-over card may
 *   happen to it (suspend again, revoke); a 'reinstated' state would copy each of those rows
 *   and every reader would have to treat the two alike. That it was once suspended stays in
 *   the case's event log (docs/architecture.md "Storage"), and the revocation list's
 *   'reinstated' entry status (S §3.2) describes a list entry, not a card.
 *
 * 'cancelled' is added to the states the issue names: an application withdrawn or cancelled
 * centrally before a card exists (S §3.7 E) has no card to revoke or destroy.
 */
export const CARD_STATES = [
  'ordered',
  'in-production',
  'dispatched',
  'received',
  'arrival-check-failed',
  'in-custody',
  'handed-over',
  'suspended',
  'revoked',
  'returned-uncollected',
  'destroyed',
  'cancelled',
] as const;
export type CardState = (typeof CARD_STATES)[number];

/** Nothing more can happen to a card in these states. */
export const TERMINAL_STATES = ['destroyed', 'cancelled'] as const satisfies readonly CardState[];

/**
 * Who records a step. The first three are the app's staff roles (preload/contract.ts ROLES;
 * domain/ may not import it, so they are named again here). 'central' is the central system,
 * whose events arrive by sync; 'system' is the app itself applying a date rule.
 * An administrator manages staff and settings and records nothing on a card, so
 * 'administrator' appears in no row: that separation of duties is deliberate.
 */
export const ACTORS = ['clerk', 'supervisor', 'administrator', 'central', 'system'] as const;
export type Actor = (typeof ACTORS)[number];

/** What happened, named as a clerk would say it. */
export const CASE_EVENTS = [
  'start-production',
  'dispatch',
  'cancel',
  'receive',
  'arrival-check-pass',
  'arrival-check-fail',
  'hand-over',
  'forward',
  'return-uncollected',
  'expire',
  'suspend',
  'reinstate',
  'revoke',
  'destroy',
] as const;
export type CaseEvent = (typeof CASE_EVENTS)[number];

/**
 * What the counter must have established before it records a step. Each is a gate: the step
 * is refused without it. Things that never block a step are recorded on the case instead,
 * e.g. the 通知カード taken back at handover, for which a loss form can stand in (W §3.3).
 */
export const REQUIREMENTS = [
  /** The card itself is here and the serial on its face matches the case; its chip may be dead. */
  'card-in-hand',
  /** The chip answers on the reader with this case's data (docs/architecture.md "Card reader"). */
  'card-read-matches-case',
  /** No damage or printing error on the card face (交付前設定, W §3.1 step 3). */
  'card-face-intact',
  /** The electronic certificates (JPKI) work (交付前設定, W §3.1 step 3). */
  'jpki-function-checked',
  /** One document from list A or two from list B, face compared with the photo (W §3.3). */
  'identity-verified',
  /**
   * The holder set the PINs: all four on a new card (W §3.3), those of the new certificates
   * when a suspension is lifted (W §3.5).
   */
  'pins-set',
  /** The previous My Number Card was taken back: the current one, or the damaged one (W §3.3). */
  'old-card-collected',
  /**
   * The card was checked against a revocation list within its freshness deadline, or a
   * supervisor overrode a stale list with a reason code that the event records (S §3.5
   * "Freshness gate", §3.7 C).
   */
  'revocation-list-fresh',
  /** A reason code is recorded with the event. */
  'reason',
  /** The police 受理番号 for a loss or theft, or the holder's statement for a loss at home (W §3.5). */
  'police-report-or-statement',
] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

export interface Transition {
  readonly from: CardState;
  readonly event: CaseEvent;
  readonly to: CardState;
  readonly actors: readonly Actor[];
  /**
   * Gates for the counter's own staff and for the app itself. An event from the central
   * system is a fact already checked where it happened (S §3.7: physical facts are accepted,
   * revocations applied first), so only its actor is checked here.
   */
  readonly requires: readonly Requirement[];
  /** Only these application kinds allow the step; absent means every kind. */
  readonly appliesTo?: readonly ApplicationKind[];
  /** Why the step exists and where the rule comes from. */
  readonly note: string;
}

const HANDOVER_CHECKS = [
  'identity-verified',
  'card-read-matches-case',
  'pins-set',
  'revocation-list-fresh',
] as const satisfies readonly Requirement[];

const CENTRAL_REVOCATION =
  'Central abolishes a card that exists (application cancelled, holder deceased, fraud; ' +
  'S §3.7 E-F); revocations are applied before anything else (S §3.5). Only a supervisor or ' +
  'central: a revocation is never undone (S §3.7 A).';

export const TRANSITIONS: readonly Transition[] = [
  {
    from: 'ordered',
    event: 'start-production',
    to: 'in-production',
    actors: ['central'],
    requires: [],
    note:
      'J-LIS contractors print the card and store its certificates; only central knows ' +
      '(W §3.1 step 2).',
  },
  {
    from: 'in-production',
    event: 'dispatch',
    to: 'dispatched',
    actors: ['central'],
    requires: [],
    note:
      "Cards are packed per office and shipped, the card's initialization secret with them " +
      '(W §3.1 step 2; docs/architecture.md "Card reader").',
  },
  {
    from: 'ordered',
    event: 'cancel',
    to: 'cancelled',
    actors: ['supervisor', 'central'],
    requires: ['reason'],
    note:
      'Withdrawn at the counter, or cancelled centrally (duplicate, deceased, fraud; S §3.7 E), ' +
      'before a card exists.',
  },
  {
    from: 'in-production',
    event: 'cancel',
    to: 'cancelled',
    actors: ['supervisor', 'central'],
    requires: ['reason'],
    note: 'As from ordered: production stops, no card reaches the office.',
  },
  {
    from: 'dispatched',
    event: 'receive',
    to: 'received',
    actors: ['clerk', 'supervisor'],
    requires: ['card-in-hand'],
    note:
      'The card arrived; logged on unpacking, the arrival check may come later ' +
      '(W §3.1 step 3).',
  },
  {
    from: 'received',
    event: 'arrival-check-pass',
    to: 'in-custody',
    actors: ['clerk', 'supervisor'],
    requires: ['card-read-matches-case', 'card-face-intact', 'jpki-function-checked'],
    note:
      '交付前設定 passed (W §3.1 step 3); the office keeps the card until the applicant ' +
      'comes (W §3.3).',
  },
  {
    from: 'received',
    event: 'arrival-check-fail',
    to: 'arrival-check-failed',
    actors: ['clerk', 'supervisor'],
    requires: ['reason'],
    note:
      'Defect found at 交付前設定 (W §3.1 step 3): never handed over; J-LIS makes a new ' +
      'card (S §3.7 F).',
  },
  {
    from: 'in-custody',
    event: 'hand-over',
    to: 'handed-over',
    actors: ['clerk', 'supervisor'],
    requires: HANDOVER_CHECKS,
    appliesTo: ['new', 'reissue-loss', 'overseas'],
    note:
      'In person, identity checked, the applicant sets the PINs (W §3.3, §3.6 "Receipt"); ' +
      'a stale revocation list needs a supervisor override (S §3.5, §3.7 C).',
  },
  {
    from: 'in-custody',
    event: 'hand-over',
    to: 'handed-over',
    actors: ['clerk', 'supervisor'],
    requires: [...HANDOVER_CHECKS, 'old-card-collected'],
    appliesTo: ['renewal', 'reissue-damage'],
    note: 'As any handover, and the previous card is taken back (W §3.3 "Bring").',
  },
  {
    from: 'in-custody',
    event: 'forward',
    to: 'dispatched',
    actors: ['clerk', 'supervisor'],
    requires: ['card-in-hand', 'reason'],
    appliesTo: ['overseas'],
    note:
      'An overseas applicant may change the place of receipt, even to another embassy (W §3.6 ' +
      '"Receipt"); the card travels and is checked again on arrival. A domestic move before ' +
      'receipt restarts the application instead (W §3.2, §3.6; inference).',
  },
  {
    from: 'in-custody',
    event: 'return-uncollected',
    to: 'returned-uncollected',
    actors: ['clerk', 'supervisor'],
    requires: ['card-in-hand', 'reason'],
    note:
      'Deadline and reminder passed, or the notice came back undeliverable ' +
      '(W §3.3 "Unclaimed cards").',
  },
  {
    from: 'in-custody',
    event: 'expire',
    to: 'returned-uncollected',
    actors: ['system'],
    requires: [],
    note: 'The card expired before anyone collected it (W §3.3 "Unclaimed cards"): a date rule.',
  },
  {
    from: 'returned-uncollected',
    event: 'destroy',
    to: 'destroyed',
    actors: ['supervisor', 'central'],
    requires: ['card-in-hand'],
    note: 'Uncollected cards are discarded (W §3.3); central reports it when done elsewhere.',
  },
  {
    from: 'arrival-check-failed',
    event: 'destroy',
    to: 'destroyed',
    actors: ['supervisor', 'central'],
    requires: ['card-in-hand'],
    note:
      'A defective card leaves custody only to be destroyed; central reports it when done ' +
      'elsewhere.',
  },
  {
    from: 'handed-over',
    event: 'suspend',
    to: 'suspended',
    actors: ['clerk', 'supervisor', 'central'],
    requires: ['reason'],
    note:
      'Loss or theft, reported on the 24-hour line (central) or at a counter (W §3.5). It ' +
      'protects the holder, so a reason is enough.',
  },
  {
    from: 'suspended',
    event: 'reinstate',
    to: 'handed-over',
    actors: ['clerk', 'supervisor'],
    requires: HANDOVER_CHECKS,
    note:
      'The found card is brought to the counter, never lifted by phone; new certificates are ' +
      'issued, so their PINs are set (W §3.5). The card leaves valid again, as at handover.',
  },
  {
    from: 'suspended',
    event: 'revoke',
    to: 'revoked',
    actors: ['supervisor', 'central'],
    requires: ['reason', 'police-report-or-statement'],
    note: 'The card is not found: loss or theft made final with the police 受理番号 (W §3.5).',
  },
  {
    from: 'handed-over',
    event: 'revoke',
    to: 'revoked',
    actors: ['supervisor', 'central'],
    requires: ['reason'],
    note:
      'Replaced (renewal, reissue) or abolished centrally (death, fraud). Only a supervisor or ' +
      'central: a revocation is never undone (S §3.7 A).',
  },
  ...(
    [
      'dispatched',
      'received',
      'arrival-check-failed',
      'in-custody',
      'returned-uncollected',
    ] as const
  ).map((from): Transition => ({
    from,
    event: 'revoke',
    to: 'revoked',
    actors: ['supervisor', 'central'],
    requires: ['reason'],
    note: CENTRAL_REVOCATION,
  })),
  {
    from: 'revoked',
    event: 'destroy',
    to: 'destroyed',
    actors: ['supervisor', 'central'],
    requires: ['card-in-hand'],
    note:
      'A revoked card that comes back (old card, found card) is destroyed; one that never ' +
      'does stays revoked.',
  },
];

// ---- looking a step up -----------------------------------------------------------------------

export type Step = { readonly ok: true; readonly to: CardState; readonly transition: Transition };

/** Why a step does not exist: `code` is stable, for translation; `reason` is English, for logs. */
export type StepRefusal =
  | { readonly ok: false; readonly code: 'not-from-this-state'; readonly reason: string }
  | {
      readonly ok: false;
      readonly code: 'not-for-this-kind';
      readonly reason: string;
      readonly kinds: readonly ApplicationKind[];
    };

/** Why a step exists but this actor may not record it now. */
export type CheckRefusal =
  | StepRefusal
  | {
      readonly ok: false;
      readonly code: 'wrong-actor';
      readonly reason: string;
      readonly actors: readonly Actor[];
    }
  | {
      readonly ok: false;
      readonly code: 'missing-requirements';
      readonly reason: string;
      readonly missing: readonly Requirement[];
    };

const STATE_CLAUSE: Record<CardState, string> = {
  ordered: 'is only ordered',
  'in-production': 'is still in production',
  dispatched: 'is still on its way to the office',
  received: 'has not passed the arrival check yet',
  'arrival-check-failed': 'failed the arrival check',
  'in-custody': "is in the office's custody",
  'handed-over': 'has been handed over',
  suspended: 'is suspended',
  revoked: 'is revoked',
  'returned-uncollected': 'was returned uncollected',
  destroyed: 'was destroyed',
  cancelled: 'was cancelled before production',
};

const EVENT_PARTICIPLE: Record<CaseEvent, string> = {
  'start-production': 'put into production',
  dispatch: 'dispatched',
  cancel: 'cancelled',
  receive: 'received',
  'arrival-check-pass': 'passed at the arrival check',
  'arrival-check-fail': 'failed at the arrival check',
  'hand-over': 'handed over',
  forward: 'forwarded to another office',
  'return-uncollected': 'returned as uncollected',
  expire: 'expired in custody',
  suspend: 'suspended',
  reinstate: 'reinstated',
  revoke: 'revoked',
  destroy: 'destroyed',
};

const KIND_TEXT: Record<ApplicationKind, string> = {
  new: 'new issuance',
  renewal: 'renewal',
  'reissue-loss': 'reissue after loss or theft',
  'reissue-damage': 'reissue after damage',
  overseas: 'overseas (consular)',
};

const ACTOR_TEXT: Record<Actor, string> = {
  clerk: 'a clerk',
  supervisor: 'a supervisor',
  administrator: 'an administrator',
  central: 'the central system',
  system: 'the app itself',
};

const REQUIREMENT_TEXT: Record<Requirement, string> = {
  'card-in-hand': 'have the card itself at the counter, its face serial matching the case',
  'card-read-matches-case': "read the card on the reader and confirm it is this case's card",
  'card-face-intact': 'confirm the card face has no damage or printing error',
  'jpki-function-checked': 'confirm the electronic certificates work',
  'identity-verified':
    "verify the holder's identity (one document from list A or two from list B, face compared)",
  'pins-set': 'let the holder set the PINs',
  'old-card-collected': 'collect the previous card',
  'revocation-list-fresh':
    'sync the revocation list, or have a supervisor override the stale list with a reason',
  reason: 'record a reason',
  'police-report-or-statement':
    "record the police report number (受理番号) or the holder's statement",
};

function orList(items: readonly string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function allowsKind(transition: Transition, kind: ApplicationKind): boolean {
  return transition.appliesTo === undefined || transition.appliesTo.includes(kind);
}

/** Where `event` takes a card of this kind from `from`, or why it cannot happen at all. */
export function nextState(
  kind: ApplicationKind,
  from: CardState,
  event: CaseEvent,
): Step | StepRefusal {
  const candidates = TRANSITIONS.filter((t) => t.from === from && t.event === event);
  const transition = candidates.find((t) => allowsKind(t, kind));
  if (transition) return { ok: true, to: transition.to, transition };
  if (candidates.length > 0) {
    const kinds = candidates.flatMap((t) => t.appliesTo ?? []);
    return {
      ok: false,
      code: 'not-for-this-kind',
      kinds,
      reason:
        `Only cards for ${orList(kinds.map((k) => KIND_TEXT[k]))} applications can be ` +
        `${EVENT_PARTICIPLE[event]}; this card is for a ${KIND_TEXT[kind]} application.`,
    };
  }
  return {
    ok: false,
    code: 'not-from-this-state',
    reason: `A card that ${STATE_CLAUSE[from]} cannot be ${EVENT_PARTICIPLE[event]}.`,
  };
}

/** The events this actor may record now on a card of this kind, in table order. */
export function allowedEvents(
  kind: ApplicationKind,
  state: CardState,
  actor: Actor,
): readonly CaseEvent[] {
  return TRANSITIONS.filter(
    (t) => t.from === state && allowsKind(t, kind) && t.actors.includes(actor),
  ).map((t) => t.event);
}

/**
 * Whether this actor may record `event` now, given what has been established. Refuses, in
 * this order: a step that does not exist, the wrong actor, missing requirements (all of them
 * at once, so the screen can list what is left to do).
 */
export function checkTransition(
  kind: ApplicationKind,
  from: CardState,
  event: CaseEvent,
  actor: Actor,
  satisfied: ReadonlySet<Requirement>,
): Step | CheckRefusal {
  const step = nextState(kind, from, event);
  if (!step.ok) return step;
  const { transition } = step;
  if (!transition.actors.includes(actor)) {
    return {
      ok: false,
      code: 'wrong-actor',
      actors: transition.actors,
      reason:
        `Only ${orList(transition.actors.map((a) => ACTOR_TEXT[a]))} can record that a ` +
        `card is ${EVENT_PARTICIPLE[event]}.`,
    };
  }
  // Central's events were checked where they happened (see Transition.requires).
  if (actor === 'central') return step;
  const missing = transition.requires.filter((r) => !satisfied.has(r));
  if (missing.length > 0) {
    return {
      ok: false,
      code: 'missing-requirements',
      missing,
      reason:
        `Before the card can be ${EVENT_PARTICIPLE[event]}: ` +
        `${missing.map((r) => REQUIREMENT_TEXT[r]).join('; ')}.`,
    };
  }
  return step;
}

/** The table as aligned plain text: a header, a rule, then one line per transition. */
export function formatTransitionTable(): string {
  const header = ['from', 'event', 'to', 'who', 'requires', 'kinds'];
  const rows = TRANSITIONS.map((t) => [
    t.from,
    t.event,
    t.to,
    t.actors.join(', '),
    t.requires.length > 0 ? t.requires.join(', ') : '-',
    t.appliesTo ? t.appliesTo.join(', ') : 'all',
  ]);
  return formatTable(header, rows);
}
