// Virtual cards for training mode: one card per case of the (seeded, synthetic) training
// database, so a new clerk can practise every card flow on any machine. The card is derived
// from the case and a training seed alone, so the training "central system" and the card
// agree without exchanging anything: the same seed gives the same security code and the same
// management secrets of our issuance profile (docs/card-issuance-profile.md) on both sides.

import { createHmac } from 'node:crypto';
import { birthDateKey, parseIsoDate } from '../../../domain/japanese-era';
import { fourDigitPinProblems } from '../../../domain/pin-rules';
import type { VirtualMyNumberCard } from './card';
import { createVirtualCard, type VirtualCardOptions } from './create';
import { parseCardProfile, type CardProfile, type CardProfileInput } from './profile';

/** What a training case knows about the person and the card (main/cases PersonInput + card). */
export interface TrainingCardInput {
  readonly cardSerial: string;
  readonly expiryDate: string;
  readonly myNumber: string;
  /** Family and given name separated by U+3000 (or a space, converted). */
  readonly nameKanji: string;
  readonly birthDate: string;
  readonly sex: 'male' | 'female';
  readonly address: string;
  /** Decides the era year of 照合番号B; default japanese. */
  readonly nationality?: 'japanese' | 'foreign';
}

/**
 * new: fresh from production, no secret set (handover practice); issued: the practice secrets
 * set (reading practice); blocked: issued, with the auth and card-info PINs blocked (reset
 * practice); forged-key / unknown-ca: cards the app must refuse.
 */
export type TrainingScenario = 'new' | 'issued' | 'blocked' | 'forged-key' | 'unknown-ca';

/** The secrets an issued training card carries, the same on every card so trainers can say them. */
export const TRAINING_SECRETS = {
  signaturePassword: 'TRAIN2026',
  pin: '4826',
} as const;

function derive(seed: string, purpose: string, cardSerial: string): Buffer {
  return createHmac('sha256', seed).update(`${purpose}\0${cardSerial}`).digest();
}

/** The issuance profile's two secrets of a training card, as the training central system hands them out. */
export function trainingManagementSecrets(
  seed: string,
  cardSerial: string,
): { initializationSecret: string; resetSecret: string } {
  return {
    initializationSecret: derive(seed, 'initialization', cardSerial)
      .subarray(0, 16)
      .toString('hex'),
    resetSecret: derive(seed, 'reset', cardSerial).subarray(0, 16).toString('hex'),
  };
}

/** The 4-digit security code printed on a training card (part of 照合番号B). */
export function trainingSecurityCode(seed: string, cardSerial: string): string {
  return String(derive(seed, 'security-code', cardSerial).readUInt32BE(0) % 10_000).padStart(
    4,
    '0',
  );
}

/**
 * The practice PIN, unless the counter's rules refuse it for this person's birth date (then
 * another fixed one), so the practice flow never trips over its own PIN.
 */
function practicePin(birthDate: string): string {
  const birth = parseIsoDate(birthDate);
  if (!birth) return TRAINING_SECRETS.pin;
  for (const pin of [TRAINING_SECRETS.pin, '3917', '5083']) {
    if (fourDigitPinProblems(pin, { birthDate: birth }).length === 0) return pin;
  }
  return TRAINING_SECRETS.pin;
}

export function trainingCardProfile(
  input: TrainingCardInput,
  seed: string,
  scenario: TrainingScenario,
): CardProfile {
  const pin = practicePin(input.birthDate);
  const set = (value: string, triesLeft: number) => ({ state: 'set' as const, value, triesLeft });
  const secrets: CardProfileInput['secrets'] =
    scenario === 'new'
      ? {
          signaturePassword: { state: 'unset' },
          userAuthenticationPin: { state: 'unset' },
          cardInfoInputPin: { state: 'unset' },
          residentRegistryPin: { state: 'unset' },
        }
      : {
          signaturePassword: set(TRAINING_SECRETS.signaturePassword, 5),
          userAuthenticationPin: set(pin, scenario === 'blocked' ? 0 : 3),
          cardInfoInputPin: set(pin, scenario === 'blocked' ? 0 : 3),
          residentRegistryPin: set(pin, 3),
        };
  const profile: CardProfileInput = {
    label: `Training card ${input.cardSerial} (${scenario})`,
    myNumber: input.myNumber,
    name: input.nameKanji.replace(' ', '\u3000'),
    address: input.address,
    birthDate: input.birthDate,
    sex: input.sex,
    nationality: input.nationality ?? 'japanese',
    expiryDate: input.expiryDate,
    securityCode: trainingSecurityCode(seed, input.cardSerial),
    cardSerial: input.cardSerial,
    secrets,
    issuance: trainingManagementSecrets(seed, input.cardSerial),
    jpki: {
      issuer: scenario === 'unknown-ca' ? 'unknown' : 'test',
      authKeyMatchesCertificate: scenario !== 'forged-key',
    },
  };
  // Validation names the field, never the value (the input is synthetic, but still personal).
  return parseCardProfile(profile, `Training card ${input.cardSerial}`);
}

/** Whether the training case's birth date can be printed on a card at all (no card otherwise). */
export function canMakeTrainingCard(input: TrainingCardInput): boolean {
  const birth = parseIsoDate(input.birthDate);
  return birth !== null && birthDateKey(birth, input.nationality ?? 'japanese').ok;
}

/**
 * The virtual card of one training case. Build it when the trainee "inserts" that case's card,
 * not for the whole database up front: each card needs two RSA-2048 keys (persist them with
 * directoryKeys to pay once per card).
 */
export function trainingCard(
  input: TrainingCardInput,
  seed: string,
  scenario: TrainingScenario,
  options: VirtualCardOptions = {},
): Promise<VirtualMyNumberCard> {
  return createVirtualCard(trainingCardProfile(input, seed, scenario), options);
}
