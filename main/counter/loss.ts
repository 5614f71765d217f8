// Loss or theft reported at the counter (W §3.5): the card is suspended at once in the local
// store, in ONE transaction with the report's details and its events. The suspend event is in
// case_event, the sync outbox; central makes the suspension effective everywhere once it has
// it, which the case screen shows from outbox_ack (main/counter/sync-mark.ts).

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import type { CallParsed, SuspensionRecorded } from '../../preload/contract';
import type { EventActor } from '../audit/append';
import { uuidv7 } from '../audit/event-id';
import type { CaseStore } from '../cases/case-store';
import { AppError } from '../core/errors';
import type { Logger } from '../log/logger';
import { appendCounterEvent } from './events';

export function reportLoss(
  db: Db,
  store: CaseStore,
  input: CallParsed<'cards.reportLoss'>,
  actor: EventActor & { staffId: string },
  now: () => Date,
  log: Logger,
): SuspensionRecorded {
  const card = store.getCard(input.cardSerial);
  if (!card) {
    throw new AppError('NO_CARD_TO_SUSPEND', 'No card with this serial is recorded here.');
  }
  const result = db.transaction(() => {
    const at = now().toISOString();
    const step = store.recordCardTransition(
      input.cardSerial,
      'suspend',
      actor,
      new Set(['reason']),
      input.expectedVersion,
    );
    const suspensionId = uuidv7();
    prepared(
      db,
      `INSERT INTO suspension (suspension_id, card_serial, reason, police_report_number,
                               suspended_at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(suspensionId, input.cardSerial, input.reason, input.policeReportNumber ?? null, at);
    prepared(
      db,
      `INSERT INTO loss_report (suspension_id, occurred_on, place, reported_by, reported_at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(suspensionId, input.occurredOn, input.place, actor.staffId, at);
    // The place stays in loss_report: free text may name people or addresses.
    appendCounterEvent(db, {
      type: 'loss-reported',
      caseRef: card.applicationId,
      actor,
      payload: {
        cardSerial: input.cardSerial,
        suspensionId,
        reason: input.reason,
        occurredOn: input.occurredOn,
        policeReportNumber: input.policeReportNumber ?? null,
      },
      caseVersionSeen: step.version,
      terminalTime: at,
      // The suspension's event and this one travel in one sync batch.
      sameTransactionAs: step.seq,
    });
    return { suspensionId, state: step.state, seq: step.seq };
  })();
  log.info('card suspended after a loss report', { reason: input.reason, seq: result.seq });
  return result;
}
