import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir';
import { seedOffice } from '../admin';
import { SqliteCentralStore } from './sqlite-store';

describe('reset secrets in the central store', () => {
  it('a store of schema 2 gains them on opening: cards keep their data, requests are write-once', () => {
    const path = join(tempDir('madoguchi-central-store-'), 'central.db');
    const key = randomBytes(32);
    const before = new SqliteCentralStore({ path, key });
    seedOffice(before, { officeId: '131016', seed: 1, applications: 1, cards: 1 });
    before.close();
    // Back to what a build before reset secrets left on disk.
    const raw = new Database(path);
    raw.pragma(`hexkey='${key.toString('hex')}'`);
    raw.exec(`
      DROP TRIGGER reset_secret_request_no_update; DROP TRIGGER reset_secret_request_no_delete;
      DROP TABLE reset_secret_request; ALTER TABLE card DROP COLUMN reset_secret;`);
    raw.pragma('user_version = 2');
    raw.close();

    const store = new SqliteCentralStore({ path, key });
    try {
      const card = store.getCard('MC1131016000001');
      // A card dispatched before the upgrade keeps its setup secret and has no reset secret:
      // central refuses to reset it rather than serving something the card would not take.
      expect(card?.secret).toHaveLength(16);
      expect(card?.resetSecret).toBeNull();
      const request = {
        terminalId: 'T-1',
        officeId: '131016',
        cardSerial: 'MC1131016000001',
        reason: 'pin-blocked',
        outcome: 'refused' as const,
        refusal: 'card_not_resettable',
        requestedAt: '2026-11-22T05:00:00.000Z',
      };
      expect(store.insertResetSecretRequest(request)).toBe(1);
      expect(store.insertResetSecretRequest({ ...request, outcome: 'served', refusal: null })).toBe(
        2,
      );
      expect(store.listResetSecretRequests('MC1131016000001').map((r) => r.outcome)).toEqual([
        'refused',
        'served',
      ]);
      expect(store.listResetSecretRequests('OTHER')).toEqual([]);
    } finally {
      store.close();
    }
    const check = new Database(path);
    check.pragma(`hexkey='${key.toString('hex')}'`);
    expect(() => check.exec("UPDATE reset_secret_request SET outcome = 'served'")).toThrow(
      /write-once/,
    );
    expect(() => check.exec('DELETE FROM reset_secret_request')).toThrow(/write-once/);
    expect(check.pragma('user_version', { simple: true })).toBe(3);
    check.close();
  });
});
