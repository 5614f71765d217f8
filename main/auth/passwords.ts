// Staff passwords: scrypt with a per-password salt, parameters stored with the hash so they
// can be raised later without locking anyone out. Verification is constant-time.

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const DEFAULTS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scryptAsync(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, DEFAULTS);
  return [
    'scrypt',
    DEFAULTS.N,
    DEFAULTS.r,
    DEFAULTS.p,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, expected] = parts as [string, string, string, string, string, string];
  const expectedKey = Buffer.from(expected, 'base64');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expectedKey.length && timingSafeEqual(key, expectedKey);
}

export const PASSWORD_MIN_LENGTH = 12;

export type PasswordPolicyReason = 'too_short' | 'too_few_distinct' | 'contains_staff_id';

/**
 * The staff password policy. Returns why a password is refused (a stable reason the renderer
 * translates, and an English sentence for the CLI and logs), or null. Never echoes the password.
 */
export function passwordPolicyViolation(
  password: string,
  staffId: string,
): { reason: PasswordPolicyReason; message: string } | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    return { reason: 'too_short', message: `Use at least ${PASSWORD_MIN_LENGTH} characters.` };
  }
  if (new Set(password).size < 4)
    return { reason: 'too_few_distinct', message: 'Use at least 4 different characters.' };
  if (staffId.length >= 3 && password.toLowerCase().includes(staffId.toLowerCase())) {
    return { reason: 'contains_staff_id', message: 'The password must not contain the staff ID.' };
  }
  return null;
}
