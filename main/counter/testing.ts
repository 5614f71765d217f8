// Test factories for the counter workflows: a case whose card has reached a given state,
// walked through the real CaseStore and transition table (as the seeder does), never written
// into the tables by hand.

import type { CardState, CaseEvent, Requirement } from '../../domain/case-lifecycle';
import type { CaseStore } from '../cases/case-store';
import { application, central, clerk } from '../cases/testing';
import type { ApplicationInput } from '../cases/case-store';

const PATH: readonly {
  event: CaseEvent;
  to: CardState;
  central: boolean;
  requires: Requirement[];
}[] = [
  { event: 'start-production', to: 'in-production', central: true, requires: [] },
  { event: 'dispatch', to: 'dispatched', central: true, requires: [] },
  { event: 'receive', to: 'received', central: false, requires: ['card-in-hand'] },
  {
    event: 'arrival-check-pass',
    to: 'in-custody',
    central: false,
    requires: ['card-read-matches-case', 'card-face-intact', 'jpki-function-checked'],
  },
  {
    event: 'hand-over',
    to: 'handed-over',
    central: false,
    requires: ['identity-verified', 'card-read-matches-case', 'pins-set', 'revocation-list-fresh'],
  },
];

let serial = 0;

/** A new-issuance case whose card is in `state` (one of ordered .. handed-over). */
export function caseWithCard(
  store: CaseStore,
  state: 'ordered' | 'in-custody' | 'handed-over',
  overrides: Partial<ApplicationInput> = {},
): { applicationId: string; cardSerial: string; version: number } {
  const { applicationId } = store.receiveApplication(application(overrides), clerk);
  serial += 1;
  const cardSerial = `T${String(Date.now() % 1_000_000).padStart(6, '0')}${String(serial).padStart(4, '0')}`;
  store.orderCard(applicationId, { cardSerial, expiryDate: '2036-01-01' }, central, 1);
  let version = 1;
  if (state === 'ordered') return { applicationId, cardSerial, version };
  for (const step of PATH) {
    const result = store.recordCardTransition(
      cardSerial,
      step.event,
      step.central ? central : clerk,
      new Set(step.requires),
      version,
    );
    version = result.version;
    if (step.to === state) break;
  }
  return { applicationId, cardSerial, version };
}
