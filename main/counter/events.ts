// Appending the counter's own event types (migration 0070) to case_event through the one audit
// path (main/audit/append.ts). 0020's CaseEventType lists the types known when it was written;
// the case_event_type table, which 0070 extends, is what the store enforces.

import type { CaseEventType } from '../../db/migrations/0020-cases';
import type { CounterEventType } from '../../db/migrations/0070-counter';
import type { SecondPersonEventType } from '../../db/migrations/0090-second-person-and-arrival';
import type { Db } from '../../db/open';
import { appendEvent, type AppendedEvent, type NewCaseEvent } from '../audit/append';

export function appendCounterEvent(
  db: Db,
  event: Omit<NewCaseEvent, 'type'> & { type: CounterEventType | SecondPersonEventType },
): AppendedEvent {
  return appendEvent(db, { ...event, type: event.type as CaseEventType });
}
