// Finding a person by My Number without an index on the number itself: the store keeps
// HMAC-SHA256(secret, the 12 ASCII digits) in person.my_number_hmac, UNIQUE-indexed. The
// secret is 32 random bytes created once per store (table my_number_hmac_key), so the index
// is useless without the store, and a later per-field encryption of my_number needs no
// change to how people are found.

import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';

function readSecret(db: Db): Buffer | undefined {
  const row = prepared(db, 'SELECT secret FROM my_number_hmac_key WHERE id = 1').get() as
    { secret: Buffer } | undefined;
  return row?.secret;
}

/** The lookup secret, created on first use (inside the caller's transaction if there is one). */
export function myNumberHmacSecret(db: Db, now: () => Date): Buffer {
  const existing = readSecret(db);
  if (existing) return existing;
  prepared(
    db,
    'INSERT INTO my_number_hmac_key (id, secret, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING',
  ).run(randomBytes(32), now().toISOString());
  const created = readSecret(db);
  if (!created) throw new Error('the My Number lookup secret was not stored');
  return created;
}

/** The lookup secret if it exists: before the first person is stored there is nothing to find. */
export function existingMyNumberHmacSecret(db: Db): Buffer | undefined {
  return readSecret(db);
}

/** HMAC-SHA256 of a validated My Number (12 ASCII digits). */
export function myNumberHmac(secret: Buffer, myNumber: string): Buffer {
  return createHmac('sha256', secret).update(myNumber, 'ascii').digest();
}
