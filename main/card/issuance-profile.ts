// Our issuance profile: the APDUs that set the four secrets on a new card and reset a blocked
// one. J-LIS's own issuance steps are not public; this is OUR stand-in, documented in
// docs/card-issuance-profile.md, implemented by the virtual card (main/card/virtual/card.ts)
// and used by the client, so both sides share this one definition.
//
// The builders put secrets into the APDU they return: the caller sends it and then zeroes it
// (apdu.fill(0)), as with any VERIFY. Nothing here keeps or logs a value.

import type { CardSecret } from '../../domain/pin-rules';

/** Both management secrets (initialization and reset) are 16 random bytes, 32 hex digits. */
export const ISSUANCE_SECRET_LENGTH = 16;

export interface SecretLocation {
  /** The application holding the secret, 10-byte AID as hex. */
  readonly aid: string;
  /** The key IEF (its FID is also its short EF identifier). */
  readonly ief: number;
}

/** Where each of the four secrets lives (shared/reference/mynumber-card-protocol.md §2, §3.3). */
export const SECRET_LOCATIONS: Readonly<Record<CardSecret, SecretLocation>> = {
  'signature-password': { aid: 'd392f000260100000001', ief: 0x1b },
  'user-authentication-pin': { aid: 'd392f000260100000001', ief: 0x18 },
  'card-info-input-pin': { aid: 'd3921000310001010408', ief: 0x11 },
  // 住基AP; the same secret also answers as IEF 001C of the 共通カードAP (…0100).
  'resident-registry-pin': { aid: 'd3921000310001010401', ief: 0x1c },
};

/** Status words of the profile's commands beyond the card's usual ones. */
export const ISSUANCE_SW = {
  /** VERIFY (with or without data) of a secret that is not set yet. */
  NOT_SET: 0x6a88,
  /** CHANGE REFERENCE DATA P1=00 on a secret already set, or RESET on one not set. */
  WRONG_STATE: 0x6985,
  /** The new value breaks the card's format rules (4 digits; 6-16 of A-Z 0-9 with both). */
  BAD_NEW_VALUE: 0x6a80,
} as const;

export function selectApplication(location: SecretLocation): Uint8Array {
  const aid = Buffer.from(location.aid, 'hex');
  return Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, aid.length, ...aid]);
}

/** Parses a management secret as delivered by the central system (32 hex digits). */
export function parseManagementSecret(hex: string): Uint8Array {
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new RangeError('a card management secret is 32 hex digits');
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function withSecrets(
  ins: number,
  p1: number,
  secret: CardSecret,
  authority: Uint8Array,
  value: Uint8Array,
): Uint8Array {
  if (authority.length !== ISSUANCE_SECRET_LENGTH) {
    throw new RangeError(`a card management secret is ${ISSUANCE_SECRET_LENGTH} bytes`);
  }
  if (value.length === 0 || value.length > 16) throw new RangeError('a card secret is 1-16 bytes');
  const lc = authority.length + value.length;
  const apdu = new Uint8Array(5 + lc);
  apdu.set([0x00, ins, p1, 0x80 | SECRET_LOCATIONS[secret].ief, lc]);
  apdu.set(authority, 5);
  apdu.set(value, 5 + authority.length);
  return apdu;
}

/**
 * Sets a secret that is not set yet: CHANGE REFERENCE DATA `00 24 00 (80|IEF) Lc
 * <initialization secret, 16 bytes> <new value, ASCII>`, after SELECT of the secret's
 * application. 9000 set; 63Cx wrong initialization secret (x tries left); 6984 the
 * initialization secret is blocked; 6985 already set; 6A80 the value breaks the format.
 */
export function setSecretCommand(
  secret: CardSecret,
  initializationSecret: Uint8Array,
  value: Uint8Array,
): Uint8Array {
  return withSecrets(0x24, 0x00, secret, initializationSecret, value);
}

/**
 * Resets a secret (blocked or not) to a new value: RESET RETRY COUNTER `00 2C 00 (80|IEF) Lc
 * <reset secret, 16 bytes> <new value, ASCII>`, after SELECT of the secret's application.
 * 9000 reset (tries back to the maximum); 63Cx wrong reset secret; 6984 reset secret
 * blocked; 6985 the secret was never set; 6A80 the value breaks the format.
 */
export function resetSecretCommand(
  secret: CardSecret,
  resetSecret: Uint8Array,
  value: Uint8Array,
): Uint8Array {
  return withSecrets(0x2c, 0x00, secret, resetSecret, value);
}

/** VERIFY without data for this secret: its tries left (63Cx), or 6A88 when not set. */
export function secretStatusCommand(secret: CardSecret): Uint8Array {
  return Uint8Array.from([0x00, 0x20, 0x00, 0x80 | SECRET_LOCATIONS[secret].ief]);
}
