// Where a card's initialization secret (our issuance profile, docs/card-issuance-profile.md)
// comes from when the applicant sets the PINs:
// - a live terminal: central dispatched it with the card, wrapped to this terminal's X25519
//   key (main/sync/streams.ts applyCard -> sync_card_secret); it is unwrapped only now, for
//   the one step that needs it, and the caller zeroes it;
// - a training terminal: derived from the training seed, as the training cards derive it
//   (main/card/virtual/training.ts), so no central is involved.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import { unwrapSecret, WRAP_LABELS, x25519PrivateKey } from '../../sync/card-secret';
import { WrappedSecretSchema } from '../../sync/protocol';
import { trainingManagementSecrets } from '../card/virtual/training';
import type { Logger } from '../log/logger';
import { readIdentity } from '../sync/identity';
import type { InitializationSecretSource } from './handover-service';

/** The seed training cards are made with (the trainer's cards and this terminal agree on it). */
export const TRAINING_CARD_SEED = 'madoguchi-training-2026';

export function syncedInitializationSecrets(db: Db, log: Logger): InitializationSecretSource {
  return (cardSerial) => {
    const wrapped = prepared(
      db,
      'SELECT wrapped_secret FROM sync_card_secret WHERE card_serial = ?',
    )
      .pluck()
      .get(cardSerial) as string | undefined;
    const identity = readIdentity(db);
    if (wrapped === undefined || !identity) return null;
    try {
      const parsed = WrappedSecretSchema.parse(JSON.parse(wrapped));
      return unwrapSecret(
        parsed,
        x25519PrivateKey(identity.encryptionPrivateKey),
        WRAP_LABELS.cardSecret,
        cardSerial,
      );
    } catch (error) {
      log.error('a card setup secret does not open', { error });
      return null;
    }
  };
}

export function trainingInitializationSecrets(
  seed: string = TRAINING_CARD_SEED,
): InitializationSecretSource {
  return (cardSerial) =>
    Buffer.from(trainingManagementSecrets(seed, cardSerial).initializationSecret, 'hex');
}
