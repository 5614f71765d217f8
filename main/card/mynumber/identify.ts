// "Identify the card": everything the counter learns from a card before trusting it, in one
// sequence with as few APDUs as the channel allows: the PIN counters (spending no try), the
// user-authentication certificate and its chain to a trusted JPKI root at a given time, with
// the authentication PIN a proof that the card holds the certified key, and with the
// card-information PIN the My Number and the basic four. All or nothing: a card pulled or
// failing at any step rejects with a CardError and nothing is returned.
//
// The CPU-bound checks run on libuv's thread pool while the card works: the chain check starts
// as soon as the certificate is read, the challenge signature's check as soon as the card has
// signed (collected before the card-information PIN is sent: it goes only to a card that proved
// its key), the chain after the last APDU.

import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { oneLine } from '../trust/trust-store';
import {
  validateCardCertificateAsync,
  type Anchor,
  type ChainProblem,
  type TrustMode,
} from '../trust/chain';
import { COUNTER_PINS, type PinId } from './card-map';
import { checkAuthSignature, type MyNumberCard, type PinStatus, type Secret } from './client';
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
  // Work running meanwhile; each is awaited below, or marked handled if the card fails first.
  const running: Promise<unknown>[] = [];
  const meanwhile = <T>(work: Promise<T>): Promise<T> => {
    running.push(work.catch(() => undefined));
    return work;
  };
  // Started now, on the thread pool: a fresh challenge for this card, ready when it is needed.
  const challenge = authPin ? meanwhile(randomBytesAsync(32)) : undefined;
  try {
    const pins: Partial<Record<PinId, PinStatus>> = {};
    // JPKI first, then TEXT: one SELECT per application.
    for (const pin of COUNTER_PINS.filter((p) => p !== 'textPin'))
      pins[pin] = await card.triesLeft(pin);
    const auth = await card.readCertificate('auth');
    const certificate = auth.certificate;
    // Started on the next turn of the event loop, once the next APDU is on its way.
    const chainCheck = meanwhile(
      nextTurn().then(() =>
        validateCardCertificateAsync(certificate, options.anchors, {
          at: options.at,
          mode: options.mode,
        }),
      ),
    );
    let proof: Promise<void> | undefined;
    if (authPin && challenge) {
      const nonce = await challenge;
      const signature = await card.signWithAuthKey(authPin, nonce);
      proof = meanwhile(checkAuthSignature(certificate, nonce, signature));
    }
    pins.textPin = await card.triesLeft('textPin');
    // The card-information PIN goes only to a card that proved its key.
    await proof;
    const personal = textPin ? await card.readPersonalRecords(textPin) : undefined;
    const possession: CardIdentity['possession'] = proof ? 'proven' : 'not-checked';
    const chain = await chainCheck;
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
    // A card that failed mid-way leaves no check running unobserved.
    await Promise.all(running);
  }
}

const randomBytesAsync = promisify(randomBytes);

/** After the microtasks queued now, which is where the card's next APDU gets sent. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
