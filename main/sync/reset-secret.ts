// A card's reset secret for a PIN reset at the counter, asked from central per reset
// (docs/card-issuance-profile.md "The two per-card management secrets"; docs/sync-protocol.md
// "Reset secret"): POST /sync/v1/terminals/{id}/reset-secret over the enrolled mTLS identity,
// the card serial and a reason code, nothing personal. Central records the request and answers
// the secret wrapped to this terminal's X25519 key; it is unwrapped here only for the one
// step, and the caller (main/counter/pin-reset.ts) zeroes it once sent to the card.
//
// Every failure is an AppError a clerk can act on: no connection (RESET_SECRET_OFFLINE), a card
// central refuses (unknown, another office's, not handed over), or a terminal that cannot ask
// at all (not enrolled, revoked: RESET_SECRET_UNAVAILABLE).

import type { Db } from '../../db/open';
import { unwrapSecret, WRAP_LABELS, x25519PrivateKey } from '../../sync/card-secret';
import {
  PROTOCOL_VERSION,
  ResetSecretAnswerSchema,
  paths,
  type ResetSecretReason,
  type ResetSecretRequest,
} from '../../sync/protocol';
import type { ResetSecretSource } from '../counter/pin-reset';
import { AppError } from '../core/errors';
import type { Logger } from '../log/logger';
import { SyncError } from './errors';
import { errorBodyOf, errorOf } from './http-errors';
import { readIdentity } from './identity';
import { CentralClient, parseBody, type Timeouts } from './transport';

/** A clerk is waiting at the counter: shorter than a sync run's deadlines. */
export const RESET_SECRET_TIMEOUTS: Partial<Timeouts> = { connectMs: 5_000, requestMs: 15_000 };

const OFFLINE_MESSAGE =
  'PIN reset needs a connection to the central system; this terminal cannot reach it now. Check the network and try again, or ask the holder to come back.';

/** Central's refusals of a card, as the codes the counter shows. */
const REFUSALS = {
  card_unknown: {
    code: 'RESET_SECRET_CARD_UNKNOWN',
    message: 'The central system knows no card with this serial; check the card serial.',
  },
  card_other_office: {
    code: 'RESET_SECRET_OTHER_OFFICE',
    message:
      'This card belongs to another office; the central system serves its reset secret there only.',
  },
  card_not_resettable: {
    code: 'RESET_SECRET_NOT_RESETTABLE',
    message:
      'The central system does not hold this card as handed over and in use (not yet synced, suspended or revoked); sync this terminal and check the card status.',
  },
} as const;

/**
 * Asks central for one card's reset secret and unwraps it; the caller zeroes the result.
 * Throws an AppError with a stable code on every failure.
 */
export async function requestResetSecret(
  db: Db,
  cardSerial: string,
  reason: ResetSecretReason,
  options: { log: Logger; now?: () => Date; timeouts?: Partial<Timeouts> },
): Promise<Uint8Array> {
  const identity = readIdentity(db);
  if (!identity) {
    throw new AppError(
      'SYNC_NOT_ENROLLED',
      'This terminal is not enrolled with the central system yet. Ask IT to enroll it (madoguchi terminal enroll).',
    );
  }
  if (identity.status !== 'active') {
    throw new AppError(
      'RESET_SECRET_UNAVAILABLE',
      `Central has ${identity.status === 'revoked' ? 'revoked' : 'quarantined'} this terminal; it cannot get reset secrets. Contact central IT.`,
    );
  }
  const client = new CentralClient(
    identity.centralUrl,
    {
      kind: 'mtls',
      keyPem: identity.tlsKeyPem,
      certPem: identity.tlsCertPem,
      caPem: identity.caCertPem,
    },
    { ...RESET_SECRET_TIMEOUTS, ...options.timeouts },
  );
  const request: ResetSecretRequest = {
    protocol: PROTOCOL_VERSION,
    card_serial: cardSerial,
    reason,
  };
  try {
    let response;
    try {
      response = await client.json('POST', paths.resetSecret(identity.terminalId), request);
    } catch (error) {
      if (error instanceof SyncError) {
        options.log.warn('reset secret: central not reachable', { code: error.code });
        throw new AppError('RESET_SECRET_OFFLINE', OFFLINE_MESSAGE);
      }
      throw error;
    }
    if (response.status !== 200) {
      const body = errorBodyOf(response);
      const refusal =
        body && body.code in REFUSALS ? REFUSALS[body.code as keyof typeof REFUSALS] : undefined;
      if (refusal) {
        options.log.info('reset secret refused by central', { code: body?.code });
        throw new AppError(refusal.code, refusal.message);
      }
      const error = errorOf(response, (options.now ?? (() => new Date()))());
      options.log.warn('reset secret: central did not serve it', { code: error.code });
      if (error.code === 'SYNC_CENTRAL_UNAVAILABLE')
        throw new AppError('RESET_SECRET_OFFLINE', OFFLINE_MESSAGE);
      throw new AppError('RESET_SECRET_UNAVAILABLE', error.message);
    }
    const parsed = ResetSecretAnswerSchema.safeParse(parseBody(response));
    if (!parsed.success || parsed.data.card_serial !== cardSerial) {
      throw new AppError(
        'RESET_SECRET_UNAVAILABLE',
        'The central system answered the reset secret request in a form this terminal does not accept. Report this to IT.',
      );
    }
    let secret: Buffer;
    try {
      secret = unwrapSecret(
        parsed.data.wrapped_secret,
        x25519PrivateKey(identity.encryptionPrivateKey),
        WRAP_LABELS.resetSecret,
        cardSerial,
      );
    } catch {
      throw new AppError(
        'RESET_SECRET_UNAVAILABLE',
        'The reset secret from the central system does not open with this terminal’s key. Report this to IT.',
      );
    }
    if (secret.length !== 16) {
      secret.fill(0);
      throw new AppError(
        'RESET_SECRET_UNAVAILABLE',
        'The reset secret from the central system is not 16 bytes. Report this to IT.',
      );
    }
    options.log.info('reset secret served by central', { requestId: parsed.data.request_id });
    return secret;
  } catch (error) {
    if (error instanceof SyncError) {
      // parseBody: not JSON (a proxy's page, a cut answer).
      throw new AppError('RESET_SECRET_UNAVAILABLE', error.message);
    }
    throw error;
  } finally {
    client.close();
  }
}

/** The live terminal's source: every reset asks central, which records it. */
export function liveResetSecrets(
  db: Db,
  log: Logger,
  options: { now?: () => Date; timeouts?: Partial<Timeouts> } = {},
): ResetSecretSource {
  return (cardSerial, reason) => requestResetSecret(db, cardSerial, reason, { log, ...options });
}
