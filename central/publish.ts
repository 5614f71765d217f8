// Writing central's changes into the per-office download streams (docs/sync-protocol.md §4).
// Applications and cards are rebuilt from their current rows when a page is read (the newest
// version wins; an item repeated at a later position is harmless because items carry
// versions); a card status item is the change itself, kept as it was.

import type { CardStatusItem } from '../sync/protocol';
import type { ApplicationRecord, CardRecord, CentralStore } from './store/central-store';

export function publishApplication(store: CentralStore, application: ApplicationRecord): void {
  store.appendStream(application.officeId, 'applications', application.applicationId, '{}');
}

export function publishDispatchedCard(store: CentralStore, card: CardRecord): void {
  store.appendStream(card.officeId, 'cards', card.cardSerial, '{}');
}

export function publishCardStatus(
  store: CentralStore,
  card: CardRecord,
  event: string | null,
  reason: string | null,
  changedAt: string,
): void {
  const item: CardStatusItem = {
    card_serial: card.cardSerial,
    application_id: card.applicationId,
    state: card.state,
    version: card.version,
    event,
    reason,
    changed_at: changedAt,
  };
  store.appendStream(card.officeId, 'card_status', card.cardSerial, JSON.stringify(item));
}
