// A card's reset secret for a PIN reset at the counter (docs/card-issuance-profile.md "The two
// per-card management secrets"; docs/sync-protocol.md "Reset secret"). The terminal asks only
// when a holder comes to have a secret reset; central records every request, served or
// refused (who, when, which card, why), and serves the secret wrapped to the asking terminal's
// X25519 key exactly as the cards stream wraps the initialization secret, so only that
// terminal opens it. A card of another office, one central does not know, or one not handed
// over (or suspended, revoked, ...) is refused with a typed error and nothing is served.

import {
  ResetSecretRequestSchema,
  PROTOCOL_VERSION,
  type ResetSecretAnswer,
} from '../sync/protocol';
import { WRAP_LABELS, wrapSecret } from '../sync/card-secret';
import { syncError, type IngestError } from './ingest';
import type { CentralStore, TerminalRecord } from './store/central-store';

/** The only card state a reset applies to: issued to its holder and in use. */
export const RESETTABLE_STATES: readonly string[] = ['handed-over'];

export function serveResetSecret(
  ctx: { store: CentralStore; now: () => Date },
  terminal: TerminalRecord,
  json: unknown,
): ResetSecretAnswer {
  const parsed = ResetSecretRequestSchema.safeParse(json);
  if (!parsed.success) {
    throw syncError(
      400,
      'protocol',
      'A reset secret request names a card serial and a reason (pin-blocked or pin-forgotten).',
    );
  }
  const { card_serial: cardSerial, reason } = parsed.data;
  const at = ctx.now().toISOString();
  const record = (outcome: 'served' | 'refused', refusal: string | null): number =>
    ctx.store.insertResetSecretRequest({
      terminalId: terminal.terminalId,
      officeId: terminal.officeId,
      cardSerial,
      reason,
      outcome,
      refusal,
      requestedAt: at,
    });
  const card = ctx.store.getCard(cardSerial);
  let refusal: IngestError | null = null;
  if (!card) {
    refusal = syncError(
      404,
      'card_unknown',
      `Central knows no card ${cardSerial}; check the serial.`,
    );
  } else if (card.officeId !== terminal.officeId) {
    refusal = syncError(
      403,
      'card_other_office',
      `Card ${cardSerial} belongs to another office; its holder resets it there.`,
    );
  } else if (!RESETTABLE_STATES.includes(card.state) || !card.resetSecret) {
    refusal = syncError(
      409,
      'card_not_resettable',
      `Card ${cardSerial} is ${card.state} at central, not handed over and in use; sync this terminal if it handed the card over, or check the card's status.`,
    );
  }
  if (refusal || !card?.resetSecret) {
    // A refused request is recorded too: who asked for which card, and why it was refused.
    record('refused', refusal?.body.error.code ?? 'card_not_resettable');
    throw refusal ?? syncError(409, 'card_not_resettable', 'Nothing to serve.');
  }
  const requestId = record('served', null);
  return {
    protocol: PROTOCOL_VERSION,
    card_serial: cardSerial,
    request_id: requestId,
    wrapped_secret: wrapSecret(
      card.resetSecret,
      terminal.encryptionPublicKey,
      WRAP_LABELS.resetSecret,
      cardSerial,
    ),
    server_time: at,
  };
}
