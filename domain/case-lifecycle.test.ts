import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTORS,
  APPLICATION_KINDS,
  CARD_STATES,
  CASE_EVENTS,
  REQUIREMENTS,
  TERMINAL_STATES,
  TRANSITIONS,
  allowedEvents,
  checkTransition,
  formatTransitionTable,
  nextState,
  type Actor,
  type ApplicationKind,
  type CardState,
  type CaseEvent,
  type Requirement,
  type Transition,
} from './case-lifecycle';

const ALL_REQUIREMENTS: ReadonlySet<Requirement> = new Set(REQUIREMENTS);
const NOTHING: ReadonlySet<Requirement> = new Set();

const rowsFor = (kind: ApplicationKind) =>
  TRANSITIONS.filter((t) => t.appliesTo === undefined || t.appliesTo.includes(kind));

const isTerminal = (state: CardState) => (TERMINAL_STATES as readonly CardState[]).includes(state);

function reachableFrom(kind: ApplicationKind, start: CardState): Set<CardState> {
  const seen = new Set<CardState>([start]);
  const queue: CardState[] = [start];
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    for (const t of rowsFor(kind)) {
      if (t.from === state && !seen.has(t.to)) {
        seen.add(t.to);
        queue.push(t.to);
      }
    }
  }
  return seen;
}

describe('the transition table as a whole', () => {
  it.each(APPLICATION_KINDS)('every card state can be reached from ordered (%s)', (kind) => {
    expect([...reachableFrom(kind, 'ordered')].sort()).toEqual([...CARD_STATES].sort());
  });

  it.each(APPLICATION_KINDS)(
    'every card that is not finished can still be finished: destroyed or cancelled (%s)',
    (kind) => {
      for (const state of CARD_STATES) {
        expect([...reachableFrom(kind, state)].some(isTerminal), state).toBe(true);
      }
    },
  );

  it('nothing more can be recorded on a destroyed or cancelled card', () => {
    expect(TRANSITIONS.filter((t) => isTerminal(t.from))).toEqual([]);
  });

  it.each(APPLICATION_KINDS)(
    'every card that is not finished has a next step for %s cases',
    (kind) => {
      for (const state of CARD_STATES.filter((s) => !isTerminal(s))) {
        expect(
          rowsFor(kind).some((t) => t.from === state),
          state,
        ).toBe(true);
      }
    },
  );

  it.each(APPLICATION_KINDS)('one event from one state always leads to one place (%s)', (kind) => {
    const pairs = rowsFor(kind).map((t) => `${t.from} --${t.event}-->`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it('every step names who may record it, without repeats', () => {
    for (const t of TRANSITIONS) {
      expect(t.actors.length, `${t.from} ${t.event}`).toBeGreaterThan(0);
      expect(new Set(t.actors).size).toBe(t.actors.length);
      expect(new Set(t.requires).size).toBe(t.requires.length);
      expect(t.note.trim()).not.toBe('');
    }
  });

  it('a step limited to some kinds names some kinds, but not all of them', () => {
    for (const t of TRANSITIONS.filter((row) => row.appliesTo !== undefined)) {
      const kinds = new Set(t.appliesTo);
      expect(kinds.size).toBe(t.appliesTo?.length);
      expect(kinds.size).toBeGreaterThan(0);
      expect(kinds.size).toBeLessThan(APPLICATION_KINDS.length);
    }
  });

  it('every event, requirement and actor but the administrator is used by some step', () => {
    expect(new Set(TRANSITIONS.map((t) => t.event))).toEqual(new Set(CASE_EVENTS));
    expect(new Set(TRANSITIONS.flatMap((t) => t.requires))).toEqual(new Set(REQUIREMENTS));
    expect(new Set(TRANSITIONS.flatMap((t) => t.actors))).toEqual(
      new Set(ACTORS.filter((a) => a !== 'administrator')),
    );
  });

  it.each(APPLICATION_KINDS)(
    'a card reaches its holder only with identity verified, the card read and matching, the PINs set and a fresh revocation list (%s)',
    (kind) => {
      const handovers = rowsFor(kind).filter((t) => t.to === 'handed-over');
      expect(handovers.map((t) => t.event).sort()).toEqual(['hand-over', 'reinstate']);
      for (const t of handovers) {
        expect(t.requires).toEqual(
          expect.arrayContaining([
            'identity-verified',
            'card-read-matches-case',
            'pins-set',
            'revocation-list-fresh',
          ]),
        );
        expect(t.actors).not.toContain('central');
        expect(t.actors).not.toContain('system');
      }
    },
  );

  it('a renewal or a reissue after damage is handed over only once the old card is collected', () => {
    for (const kind of APPLICATION_KINDS) {
      const step = nextState(kind, 'in-custody', 'hand-over');
      if (!step.ok) throw new Error(step.reason);
      expect(step.transition.requires.includes('old-card-collected')).toBe(
        kind === 'renewal' || kind === 'reissue-damage',
      );
    }
  });

  it('only a supervisor or the central system can revoke, cancel or destroy a card', () => {
    const final = TRANSITIONS.filter((t) =>
      (['revoked', 'destroyed', 'cancelled'] as CardState[]).includes(t.to),
    );
    expect(final.length).toBeGreaterThan(0);
    for (const t of final) {
      expect(['supervisor', 'central']).toEqual(expect.arrayContaining([...t.actors]));
    }
  });

  it('a card is destroyed only when the office holds it', () => {
    for (const t of TRANSITIONS.filter((row) => row.event === 'destroy')) {
      expect(t.requires).toContain('card-in-hand');
    }
  });

  it('central can revoke a card wherever one exists and is not revoked yet', () => {
    const cardExists = CARD_STATES.filter(
      (s) =>
        !(['ordered', 'in-production', 'revoked'] as CardState[]).includes(s) && !isTerminal(s),
    );
    for (const kind of APPLICATION_KINDS) {
      for (const state of cardExists) {
        expect(allowedEvents(kind, state, 'central'), state).toContain('revoke');
      }
    }
  });

  it('production and dispatch are known only from the central system', () => {
    for (const t of TRANSITIONS.filter((row) =>
      (['in-production', 'dispatched'] as CardState[]).includes(row.to),
    )) {
      if (t.event === 'forward') continue;
      expect(t.actors).toEqual(['central']);
    }
  });

  it('a card only moves forward through production and delivery, except an overseas card forwarded to another office', () => {
    const pipeline: CardState[] = [
      'ordered',
      'in-production',
      'dispatched',
      'received',
      'in-custody',
      'handed-over',
    ];
    const backwards = TRANSITIONS.filter(
      (t) =>
        pipeline.includes(t.from) &&
        pipeline.includes(t.to) &&
        pipeline.indexOf(t.to) <= pipeline.indexOf(t.from),
    );
    expect(backwards.map((t) => [t.from, t.event, t.to, t.appliesTo])).toEqual([
      ['in-custody', 'forward', 'dispatched', ['overseas']],
    ]);
  });
});

describe('at the counter', () => {
  it('a card that failed the arrival check cannot be handed over', () => {
    expect(nextState('new', 'arrival-check-failed', 'hand-over')).toEqual({
      ok: false,
      code: 'not-from-this-state',
      reason: 'A card that failed the arrival check cannot be handed over.',
    });
  });

  it('a card that has not passed the arrival check yet cannot be handed over', () => {
    const step = nextState('renewal', 'received', 'hand-over');
    expect(step).toMatchObject({ ok: false, code: 'not-from-this-state' });
    expect(!step.ok && step.reason).toBe(
      'A card that has not passed the arrival check yet cannot be handed over.',
    );
  });

  it('a card that passed the arrival check waits in custody for the applicant', () => {
    expect(nextState('new', 'received', 'arrival-check-pass')).toMatchObject({
      ok: true,
      to: 'in-custody',
    });
    expect(allowedEvents('new', 'in-custody', 'clerk')).toEqual([
      'hand-over',
      'return-uncollected',
    ]);
  });

  it('a suspended card cannot be handed over again, only reinstated', () => {
    expect(nextState('new', 'suspended', 'hand-over')).toMatchObject({ ok: false });
    expect(allowedEvents('new', 'suspended', 'clerk')).toEqual(['reinstate']);
  });

  it('reinstating a found card puts it back in the holder’s hands, with the holder at the counter', () => {
    expect(checkTransition('new', 'suspended', 'reinstate', 'clerk', NOTHING)).toMatchObject({
      ok: false,
      code: 'missing-requirements',
      missing: ['identity-verified', 'card-read-matches-case', 'pins-set', 'revocation-list-fresh'],
    });
    expect(
      checkTransition('new', 'suspended', 'reinstate', 'clerk', new Set(REQUIREMENTS)),
    ).toMatchObject({ ok: true, to: 'handed-over' });
  });

  it('a revoked card is never reinstated or handed over', () => {
    expect(nextState('new', 'revoked', 'reinstate')).toMatchObject({ ok: false });
    expect(nextState('new', 'revoked', 'hand-over')).toMatchObject({ ok: false });
  });

  it('handing over tells the clerk everything still to do, in one message', () => {
    const result = checkTransition(
      'renewal',
      'in-custody',
      'hand-over',
      'clerk',
      new Set<Requirement>([
        'identity-verified',
        'card-read-matches-case',
        'revocation-list-fresh',
      ]),
    );
    expect(result).toEqual({
      ok: false,
      code: 'missing-requirements',
      missing: ['pins-set', 'old-card-collected'],
      reason:
        'Before the card can be handed over: let the holder set the PINs; collect the previous card.',
    });
  });

  it('a stale revocation list stops a handover until it is synced or a supervisor overrides it', () => {
    const allButFresh = new Set(REQUIREMENTS.filter((r) => r !== 'revocation-list-fresh'));
    expect(
      checkTransition('overseas', 'in-custody', 'hand-over', 'clerk', allButFresh),
    ).toMatchObject({ ok: false, missing: ['revocation-list-fresh'] });
  });

  it('a clerk cannot revoke a card, and the refusal says who can', () => {
    expect(checkTransition('new', 'handed-over', 'revoke', 'clerk', ALL_REQUIREMENTS)).toEqual({
      ok: false,
      code: 'wrong-actor',
      actors: ['supervisor', 'central'],
      reason: 'Only a supervisor or the central system can record that a card is revoked.',
    });
  });

  it('a lost card is revoked only with the police report number or a statement', () => {
    expect(
      checkTransition('new', 'suspended', 'revoke', 'supervisor', new Set<Requirement>(['reason'])),
    ).toMatchObject({ ok: false, missing: ['police-report-or-statement'] });
  });

  it('a suspension reported on the 24-hour line arrives from central without counter checks', () => {
    expect(checkTransition('new', 'handed-over', 'suspend', 'central', NOTHING)).toMatchObject({
      ok: true,
      to: 'suspended',
    });
    expect(checkTransition('new', 'handed-over', 'suspend', 'clerk', NOTHING)).toMatchObject({
      ok: false,
      missing: ['reason'],
    });
  });

  it('only an overseas card can be forwarded to another office', () => {
    expect(nextState('overseas', 'in-custody', 'forward')).toMatchObject({
      ok: true,
      to: 'dispatched',
    });
    expect(nextState('new', 'in-custody', 'forward')).toEqual({
      ok: false,
      code: 'not-for-this-kind',
      kinds: ['overseas'],
      reason:
        'Only cards for overseas (consular) applications can be forwarded to another office; this card is for a new issuance application.',
    });
  });

  it('a card that expires in custody is set aside by the app itself', () => {
    expect(allowedEvents('new', 'in-custody', 'system')).toEqual(['expire']);
    expect(checkTransition('new', 'in-custody', 'expire', 'system', NOTHING)).toMatchObject({
      ok: true,
      to: 'returned-uncollected',
    });
    expect(checkTransition('new', 'in-custody', 'expire', 'clerk', NOTHING)).toMatchObject({
      ok: false,
      code: 'wrong-actor',
    });
  });

  it('an administrator manages staff, and records nothing on a card', () => {
    for (const kind of APPLICATION_KINDS) {
      for (const state of CARD_STATES) {
        expect(allowedEvents(kind, state, 'administrator')).toEqual([]);
      }
    }
  });

  it('a destroyed card tells the clerk nothing can be done with it', () => {
    expect(nextState('new', 'destroyed', 'reinstate')).toEqual({
      ok: false,
      code: 'not-from-this-state',
      reason: 'A card that was destroyed cannot be reinstated.',
    });
    for (const actor of ACTORS) expect(allowedEvents('new', 'destroyed', actor)).toEqual([]);
  });
});

describe('any sequence of events at the counter', () => {
  interface Attempt {
    follow: boolean;
    pick: number;
    event: CaseEvent;
    actor: Actor;
    satisfied: ReadonlySet<Requirement>;
  }

  interface Taken {
    readonly state: CardState;
    readonly transition: Transition;
    readonly actor: Actor;
    readonly satisfied: ReadonlySet<Requirement>;
  }

  const kind = fc.constantFrom(...APPLICATION_KINDS);
  const event = fc.constantFrom(...CASE_EVENTS);
  const actor = fc.constantFrom(...ACTORS);
  const satisfied = fc.subarray([...REQUIREMENTS]).map((r): ReadonlySet<Requirement> => new Set(r));
  // Half the attempts follow a row that exists from the current state, with every
  // requirement met, so walks get deep into the lifecycle; the other half are anything at all.
  const attempts = fc.array(
    fc.record({ follow: fc.boolean(), pick: fc.nat(), event, actor, satisfied }),
    { maxLength: 40 },
  );

  // Walks that always run besides the random ones, so every state is visited on every run.
  const by = (e: CaseEvent, a: Actor): Attempt => ({
    follow: false,
    pick: 0,
    event: e,
    actor: a,
    satisfied: ALL_REQUIREMENTS,
  });
  const delivered = [
    by('start-production', 'central'),
    by('dispatch', 'central'),
    by('receive', 'clerk'),
  ];
  const examples: [ApplicationKind, Attempt[]][] = [
    [
      'renewal',
      [
        ...delivered,
        by('arrival-check-pass', 'clerk'),
        by('hand-over', 'clerk'),
        by('suspend', 'central'),
        by('reinstate', 'clerk'),
        by('suspend', 'clerk'),
        by('revoke', 'supervisor'),
        by('destroy', 'supervisor'),
      ],
    ],
    ['new', [...delivered, by('arrival-check-fail', 'clerk'), by('destroy', 'supervisor')]],
    ['overseas', [...delivered, by('arrival-check-pass', 'clerk'), by('expire', 'system')]],
    ['reissue-loss', [by('cancel', 'supervisor')]],
  ];

  /** Records every attempt the counter accepts; a refused one leaves the card as it was. */
  function walk(k: ApplicationKind, tries: readonly Attempt[]): Taken[] {
    let state: CardState = 'ordered';
    const taken: Taken[] = [];
    for (const attempt of tries) {
      const open = rowsFor(k).filter((t) => t.from === state);
      const row = open[attempt.pick % Math.max(open.length, 1)];
      const tried =
        attempt.follow && row
          ? {
              event: row.event,
              actor: row.actors[attempt.pick % row.actors.length] ?? attempt.actor,
              satisfied: ALL_REQUIREMENTS,
            }
          : attempt;
      const result = checkTransition(k, state, tried.event, tried.actor, tried.satisfied);
      if (result.ok) {
        state = result.to;
        taken.push({ state, transition: result.transition, ...tried });
      }
    }
    return taken;
  }

  it('visits every card state, never one outside the list, and only by rows of the table', () => {
    const visited = new Set<CardState>(['ordered']);
    fc.assert(
      fc.property(kind, attempts, (k, tries) => {
        for (const { state, transition } of walk(k, tries)) {
          expect(CARD_STATES).toContain(state);
          expect(TRANSITIONS).toContain(transition);
          expect(transition.appliesTo ?? [k]).toContain(k);
          visited.add(state);
        }
      }),
      { numRuns: 500, examples },
    );
    expect([...visited].sort()).toEqual([...CARD_STATES].sort());
  });

  it('a destroyed or cancelled card stays so, and a revoked card is never usable again', () => {
    fc.assert(
      fc.property(kind, attempts, (k, tries) => {
        const states = walk(k, tries).map((t) => t.state);
        const from = (s: CardState) => (states.includes(s) ? states.slice(states.indexOf(s)) : []);
        for (const s of from('destroyed')) expect(s).toBe('destroyed');
        for (const s of from('cancelled')) expect(s).toBe('cancelled');
        for (const s of from('revoked')) expect(['revoked', 'destroyed']).toContain(s);
      }),
      { numRuns: 500, examples },
    );
  });

  it('a card reaches its holder only after the arrival check, from staff, with every check done', () => {
    fc.assert(
      fc.property(kind, attempts, (k, tries) => {
        const taken = walk(k, tries);
        taken.forEach((step, i) => {
          if (step.state !== 'handed-over') return;
          expect(taken.slice(0, i).map((t) => t.transition.event)).toContain('arrival-check-pass');
          expect(['clerk', 'supervisor']).toContain(step.actor);
          for (const r of step.transition.requires) expect(step.satisfied.has(r)).toBe(true);
        });
      }),
      { numRuns: 500, examples },
    );
  });

  it('what the counter may record is exactly what allowedEvents offers, given every requirement', () => {
    fc.assert(
      fc.property(kind, fc.constantFrom(...CARD_STATES), event, actor, (k, state, e, a) => {
        const accepted = checkTransition(k, state, e, a, ALL_REQUIREMENTS).ok;
        expect(accepted).toBe(allowedEvents(k, state, a).includes(e));
      }),
      { numRuns: 2000 },
    );
  });

  it('a refusal for missing requirements lists exactly the ones not yet done', () => {
    fc.assert(
      fc.property(
        kind,
        fc.constantFrom(...CARD_STATES),
        event,
        actor,
        satisfied,
        (k, state, e, a, done) => {
          const step = nextState(k, state, e);
          const result = checkTransition(k, state, e, a, done);
          if (!step.ok) {
            expect(result).toEqual(step);
            return;
          }
          const missing = step.transition.requires.filter((r) => !done.has(r));
          if (!step.transition.actors.includes(a))
            expect(result).toMatchObject({ code: 'wrong-actor' });
          else if (a === 'central' || missing.length === 0) expect(result).toEqual(step);
          else expect(result).toMatchObject({ code: 'missing-requirements', missing });
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('the printed table', () => {
  const lines = formatTransitionTable().split('\n');

  it('has a header, a rule and one line per transition', () => {
    expect(lines).toHaveLength(TRANSITIONS.length + 2);
    expect(lines[0]?.split(/\s{2,}/)).toEqual(['from', 'event', 'to', 'who', 'requires', 'kinds']);
    expect(lines[1]).toMatch(/^[- ]+$/);
  });

  it('shows every transition in table order, in aligned columns', () => {
    const header = lines[0] ?? '';
    const columns = ['event', 'to', 'who', 'requires', 'kinds'].map(
      (c) => header.indexOf(` ${c}`) + 1,
    );
    TRANSITIONS.forEach((t, i) => {
      const line = lines[i + 2] ?? '';
      const cells = [0, ...columns].map((start, c) =>
        line.slice(start, columns[c] ?? line.length).trim(),
      );
      expect(cells).toEqual([
        t.from,
        t.event,
        t.to,
        t.actors.join(', '),
        t.requires.length > 0 ? t.requires.join(', ') : '-',
        t.appliesTo ? t.appliesTo.join(', ') : 'all',
      ]);
    });
  });
});
