// The card profile: everything a virtual My Number Card holds, as a JSON file a tester or a
// trainer writes by hand (examples in test/fixtures/cards/). Synthetic people only: the
// profile holds a My Number, a name and PINs in clear, as a card chip does.
//
// The card's secrets and their rules are shared/reference/mynumber-card-protocol.md §3.3;
// the state of a new card (secrets not yet set, an initialization and a reset secret) is our
// issuance profile, docs/card-issuance-profile.md.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { myNumberProblem } from '../../../domain/my-number';
import { collationNumberB, parseIsoDate, type CivilDate } from '../../../domain/japanese-era';
import { signaturePasswordProblems } from '../../../domain/pin-rules';

/** The four secrets an applicant sets, named as domain/pin-rules.ts names them. */
export const CARD_SECRET_KEYS = [
  'signaturePassword',
  'userAuthenticationPin',
  'cardInfoInputPin',
  'residentRegistryPin',
] as const;
export type CardSecretKey = (typeof CARD_SECRET_KEYS)[number];

/** Tries before the card blocks each secret (reference §3.3). */
export const MAX_TRIES: Readonly<Record<CardSecretKey, number>> = {
  signaturePassword: 5,
  userAuthenticationPin: 3,
  cardInfoInputPin: 3,
  residentRegistryPin: 3,
};

/**
 * Tries of the keys derived from the card face. UNKNOWN on the real card (reference §3.3,
 * §10): 照合番号B is reported as 10 second-hand; we use 10 for all three and say so.
 */
export const COLLATION_MAX_TRIES = 10;
/** Tries of the issuance profile's two card-management secrets (docs/card-issuance-profile.md). */
export const MANAGEMENT_MAX_TRIES = 10;

const isoDate = z
  .string()
  .refine((text) => parseIsoDate(text) !== null, 'must be a date written YYYY-MM-DD');

const tries = (max: number) => z.number().int().min(0).max(max);

const secretState = z.discriminatedUnion('state', [
  /** A new card from production: the secret has not been set yet. */
  z.object({ state: z.literal('unset') }),
  z.object({ state: z.literal('set'), value: z.string(), triesLeft: z.number().int().min(0) }),
]);
export type SecretState = z.infer<typeof secretState>;

/** 16 bytes as 32 hex digits: the per-card management secrets of the issuance profile. */
const managementSecret = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits (16 bytes)')
  .transform((hex) => hex.toLowerCase());

/**
 * Which real contact ATR the card answers with (reference §6; card.ts ATRS), or any ATR as
 * hex. Default mynumber-contact-a (3B DA 13 …, "My Number Card" in pcsc-tools' list): it
 * declares extended-length APDUs, and OpenSC's jpki driver takes it after selecting the JPKI
 * AID. jpki-legacy (3B E0 00 FF …) is the one OpenSC matches on the ATR alone; it declares
 * nothing about extended length, so clients read in 256-byte chunks.
 */
export const ATR_NAMES = ['mynumber-contact-a', 'mynumber-contact-b', 'jpki-legacy'] as const;

const sexes = ['male', 'female', 'not-applicable'] as const;

export const cardProfileSchema = z
  .object({
    /** Shown in test names and the simulator's messages; never personal data. */
    label: z.string().min(1).max(80).optional(),
    myNumber: z.string().refine((value) => myNumberProblem(value) === null, {
      message: 'must be 12 digits with a valid check digit',
    }),
    /** Family and given name separated by U+3000, as the TEXT AP stores it. */
    name: z.string().min(1).max(200),
    address: z.string().min(1).max(400),
    birthDate: isoDate,
    sex: z.enum(sexes),
    /** Decides the era year in 照合番号B and the birth-date key (domain/japanese-era.ts). */
    nationality: z.enum(['japanese', 'foreign']).default('japanese'),
    expiryDate: isoDate,
    /** The 4 digits printed under the photo; part of 照合番号B. */
    securityCode: z.string().regex(/^[0-9]{4}$/, 'must be 4 digits'),
    /** The serial printed on the card (製造番号). */
    cardSerial: z.string().regex(/^[A-Z0-9]{1,32}$/, 'must be 1-32 capital letters or digits'),
    /** 全国地方公共団体コード of the issuing municipality, without its check digit. */
    municipalityCode: z
      .string()
      .regex(/^[0-9]{5}$/, 'must be 5 digits')
      .default('13101'),
    /** The day the card was issued; the certificates start then. Default: 10 years before expiry. */
    issuedDate: isoDate.optional(),
    secrets: z.object({
      signaturePassword: secretState,
      userAuthenticationPin: secretState,
      cardInfoInputPin: secretState,
      residentRegistryPin: secretState,
    }),
    collationTriesLeft: z
      .object({
        a: tries(COLLATION_MAX_TRIES).default(COLLATION_MAX_TRIES),
        b: tries(COLLATION_MAX_TRIES).default(COLLATION_MAX_TRIES),
        birthDateKey: tries(COLLATION_MAX_TRIES).default(COLLATION_MAX_TRIES),
      })
      .default({
        a: COLLATION_MAX_TRIES,
        b: COLLATION_MAX_TRIES,
        birthDateKey: COLLATION_MAX_TRIES,
      }),
    issuance: z.object({
      /** Sets a secret that is not set yet (docs/card-issuance-profile.md). */
      initializationSecret: managementSecret,
      /** Resets a blocked secret (docs/card-issuance-profile.md). */
      resetSecret: managementSecret,
      initializationTriesLeft: tries(MANAGEMENT_MAX_TRIES).default(MANAGEMENT_MAX_TRIES),
      resetTriesLeft: tries(MANAGEMENT_MAX_TRIES).default(MANAGEMENT_MAX_TRIES),
    }),
    /** The face photo (a small JPEG 2000 or JPEG) as base64; a built-in placeholder when absent. */
    faceImage: z.base64().optional(),
    atr: z
      .union([z.enum(ATR_NAMES), z.string().regex(/^([0-9a-fA-F]{2}){2,33}$/, 'must be hex')])
      .default('mynumber-contact-a'),
    jpki: z
      .object({
        /** "unknown": certificates from a CA no trust store knows (same names, other keys). */
        issuer: z.enum(['test', 'unknown']).default('test'),
        /** false: the auth key on the card is not the one certified (a forged card). */
        authKeyMatchesCertificate: z.boolean().default(true),
      })
      .default({ issuer: 'test', authKeyMatchesCertificate: true }),
  })
  .superRefine((profile, ctx) => {
    for (const key of CARD_SECRET_KEYS) {
      const secret = profile.secrets[key];
      if (secret.state !== 'set') continue;
      const problem = secretFormatProblem(key, secret.value);
      if (problem)
        ctx.addIssue({ code: 'custom', path: ['secrets', key, 'value'], message: problem });
      if (secret.triesLeft > MAX_TRIES[key]) {
        ctx.addIssue({
          code: 'custom',
          path: ['secrets', key, 'triesLeft'],
          message: `must be at most ${MAX_TRIES[key]}`,
        });
      }
    }
    const birth = parseIsoDate(profile.birthDate);
    const expiry = parseIsoDate(profile.expiryDate);
    if (birth && expiry) {
      const b = collationNumberB({
        birthDate: birth,
        nationality: profile.nationality,
        expiryYear: expiry.year,
        securityCode: profile.securityCode,
      });
      if (!b.ok) {
        ctx.addIssue({
          code: 'custom',
          path: ['expiryDate'],
          message: `birth date, expiry and security code cannot form 照合番号B (${b.problems.join(', ')})`,
        });
      }
    }
  });

export type CardProfile = z.output<typeof cardProfileSchema>;
/** What a profile file may leave out (defaults filled in by the schema). */
export type CardProfileInput = z.input<typeof cardProfileSchema>;

/**
 * Why a value cannot be stored as this secret, or null. The card's own format rules only
 * (reference §3.3): the counter's stricter rules (no 1234, no birth date) are the app's.
 */
export function secretFormatProblem(key: CardSecretKey, value: string): string | null {
  if (key === 'signaturePassword') {
    const problems = signaturePasswordProblems(value);
    return problems.length === 0 ? null : `not a signature password (${problems.join(', ')})`;
  }
  return /^[0-9]{4}$/.test(value) ? null : 'must be exactly 4 digits';
}

export function civilDate(iso: string): CivilDate {
  const date = parseIsoDate(iso);
  if (!date) throw new RangeError('not a date');
  return date;
}

export class CardProfileError extends Error {
  override readonly name = 'CardProfileError';
  constructor(
    readonly code: 'PROFILE_UNREADABLE' | 'PROFILE_NOT_JSON' | 'PROFILE_INVALID',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Validates a parsed profile; the message names each bad field, never its value. */
export function parseCardProfile(data: unknown, source = 'card profile'): CardProfile {
  const result = cardProfileSchema.safeParse(data);
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
  );
  throw new CardProfileError(
    'PROFILE_INVALID',
    `${source} is not a valid card profile:\n${lines.join('\n')}`,
  );
}

export async function loadCardProfile(path: string): Promise<CardProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new CardProfileError(
      'PROFILE_UNREADABLE',
      `Cannot read the card profile ${path} (${code}).`,
      { cause: error },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // The parser's message quotes the file's text, which may be personal data: not passed on.
    throw new CardProfileError('PROFILE_NOT_JSON', `The card profile ${path} is not valid JSON.`);
  }
  return parseCardProfile(data, `The card profile ${path}`);
}
