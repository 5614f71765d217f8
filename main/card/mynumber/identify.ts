// "Identify the card": everything the counter learns from a card before trusting it, in one
// sequence with as few APDUs as the channel allows: the PIN counters (spending no try), the
// user-authentication certificate and its chain to a trusted JPKI root at a given time, with
// the authentication PIN a proof that the card holds the certified key, and with the
// card-information PIN the My Number and the basic four. All or nothing: a card pulled or
// failing at any step rejects with a CardError and nothing is returned.

import { randomBytes } from 'node:crypto';
import { oneLine } from '../trust/trust-store';
import {
  validateCardCertificate,
  type Anchor,
  type ChainProblem,
  type TrustMode,
} from '../trust/chain';
import { COUNTER_PINS, type PinId } from './card-map';
import type { MyNumberCard } from './client';
import { type PinStatus, type Secret } from './client';
import type { BasicFour } from './records';

export interface IdentifyOptions {
  anchors: readonly Anchor[];
  /** The validation time (the counter's clock, or a fixed time in tests). */
  at: Date;
  mode: TrustMode;
  /** With it: the possession proof. Zeroed after use. */
  authPin?: Secret;
  /** With it: the My Number and the basic four. Zeroed after use. */
  textPin?: Secret;
}

export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly chain:
    | { readonly valid: true; readonly anchor: string }
    | { readonly valid: false; readonly problem: ChainProblem };
}

export interface CardIdentity {
  readonly readerName: string;
  /** Hex, upper case. */
  readonly atr: string;
  readonly pins: Readonly<Partial<Record<PinId, PinStatus>>>;
  readonly authCertificate: CertificateSummary;
  /** 'proven': the card signed a fresh challenge that verifies under the certificate. */
  readonly possession: 'proven' | 'not-checked';
  readonly personal?: { readonly myNumber: string; readonly basicFour: BasicFour };
  /** APDUs the whole sequence took. */
  readonly apdus: number;
}

export async function identifyCard(
  card: MyNumberCard,
  options: IdentifyOptions,
): Promise<CardIdentity> {
  const { authPin, textPin } = options;
  try {
    const pins: Partial<Record<PinId, PinStatus>> = {};
    // JPKI first, then TEXT: one SELECT per application.
    for (const pin of COUNTER_PINS.filter((p) => p !== 'textPin'))
      pins[pin] = await card.triesLeft(pin);
    const auth = await card.readCertificate('auth');
    const certificate = auth.certificate;
    const chain = validateCardCertificate(certificate, options.anchors, {
      at: options.at,
      mode: options.mode,
    });
    let possession: CardIdentity['possession'] = 'not-checked';
    if (authPin) {
      await card.proveAuthKey(authPin, certificate, randomBytes(32));
      possession = 'proven';
    }
    pins.textPin = await card.triesLeft('textPin');
    const personal = textPin ? await card.readPersonalRecords(textPin) : undefined;
    return {
      readerName: card.channel.readerName,
      atr: Buffer.from(card.channel.atr).toString('hex').toUpperCase(),
      pins,
      authCertificate: {
        subject: oneLine(certificate.subject),
        issuer: oneLine(certificate.issuer),
        serial: certificate.serialNumber.toUpperCase(),
        notBefore: new Date(Date.parse(certificate.validFrom)).toISOString(),
        notAfter: new Date(Date.parse(certificate.validTo)).toISOString(),
        chain: chain.valid
          ? { valid: true, anchor: chain.anchor.fingerprint }
          : { valid: false, problem: chain.problem },
      },
      possession,
      ...(personal ? { personal } : {}),
      apdus: card.apduCount,
    };
  } finally {
    authPin?.fill(0);
    textPin?.fill(0);
  }
}
