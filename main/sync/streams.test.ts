import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';
import { CaseStore } from '../cases/case-store';
import { uniqueMyNumber } from '../cases/testing';
import { createLogger } from '../log/logger';
import type { ApplicationItem } from '../../sync/protocol';
import { applyApplication, applyCard, applyCardStatus } from './streams';
import { insertStaging, revocationOf, swapInSnapshot, applyDeltaEntries } from './revocations';

const silent = createLogger({ sink: () => undefined, level: 'error' });
const at = new Date('2026-03-01T09:00:00Z');

function onlineApplication(overrides: Partial<ApplicationItem> = {}): ApplicationItem {
  return {
    application_id: 'ONL-0001',
    office_id: '131016',
    kind: 'new',
    channel: 'online',
    received_at: '2026-02-20T10:00:00.000Z',
    status: 'received',
    version: 1,
    cancel_reason: null,
    person: {
      person_id: 'central-person-1',
      name_kanji: '窓口太郎',
      name_kana: 'マドグチタロウ',
      alias: null,
      name_latin: null,
      birth_date: '1990-01-01',
      sex: 'male',
      address: '東京都千代田区',
      overseas: false,
      my_number: uniqueMyNumber(),
    },
    ...overrides,
  };
}

describe('applying download streams', () => {
  it('an online application becomes findable by My Number, and appends no event to upload', () => {
    const db = tempStore();
    const item = onlineApplication();
    expect(applyApplication(db, item, at)).toBe(true);
    const cases = new CaseStore({ db, log: silent });
    expect(cases.findByMyNumber(item.person.my_number)?.nameKana).toBe('マドグチタロウ');
    expect(cases.getApplication('ONL-0001')).toMatchObject({ status: 'received', version: 1 });
    expect(db.prepare('SELECT count(*) FROM case_event').pluck().get()).toBe(0);
  });

  it('central cancelling the application wins; an older version never overwrites a newer one', () => {
    const db = tempStore();
    applyApplication(db, onlineApplication(), at);
    expect(applyApplication(db, onlineApplication({ status: 'withdrawn', version: 3 }), at)).toBe(
      true,
    );
    expect(applyApplication(db, onlineApplication({ status: 'received', version: 2 }), at)).toBe(
      false,
    );
    expect(new CaseStore({ db, log: silent }).getApplication('ONL-0001')?.status).toBe('withdrawn');
  });

  it('a dispatched card arrives with its wrapped secret; status moves only forward', () => {
    const db = tempStore();
    applyApplication(db, onlineApplication(), at);
    const wrapped = {
      alg: 'X25519-HKDF-SHA256-A256GCM' as const,
      epk: Buffer.alloc(32, 1).toString('base64'),
      nonce: Buffer.alloc(12, 2).toString('base64'),
      ciphertext: Buffer.alloc(40, 3).toString('base64'),
    };
    const card = {
      card_serial: 'AB000001',
      application_id: 'ONL-0001',
      office_id: '131016',
      expiry_date: '2036-01-01',
      dispatched_at: '2026-02-25T00:00:00.000Z',
      wrapped_secret: wrapped,
    };
    expect(applyCard(db, card, at)).toBe(true);
    expect(applyCard(db, { ...card, card_serial: 'ZZ', application_id: 'unknown' }, at)).toBe(
      false,
    );
    const status = {
      card_serial: 'AB000001',
      application_id: 'ONL-0001',
      state: 'suspended',
      version: 5,
      event: 'suspend',
      reason: null,
      changed_at: '2026-02-26T00:00:00.000Z',
    };
    expect(applyCardStatus(db, status)).toBe(true);
    expect(applyCardStatus(db, { ...status, state: 'in-custody', version: 4 })).toBe(false);
    expect(db.prepare('SELECT state, version FROM card').get()).toEqual({
      state: 'suspended',
      version: 5,
    });
    expect(
      JSON.parse(db.prepare('SELECT wrapped_secret FROM sync_card_secret').pluck().get() as string),
    ).toEqual(wrapped);
  });

  it('a snapshot replaces the whole list at once; a delta reinstates a card', () => {
    const db = tempStore();
    applyDeltaEntries(db, [
      { card_serial: 'OLD1', status: 'revoked', effective_at: at.toISOString(), list_version: 1 },
    ]);
    insertStaging(db, [
      { card_serial: 'AB1', status: 'suspended', effective_at: at.toISOString(), list_version: 9 },
      { card_serial: 'AB2', status: 'revoked', effective_at: at.toISOString(), list_version: 9 },
    ]);
    expect(revocationOf(db, 'AB1')).toBeNull();
    swapInSnapshot(db);
    expect(revocationOf(db, 'OLD1')).toBeNull();
    expect(revocationOf(db, 'AB1')).toMatchObject({ status: 'suspended', listVersion: 9 });
    applyDeltaEntries(db, [
      {
        card_serial: 'AB1',
        status: 'reinstated',
        effective_at: at.toISOString(),
        list_version: 10,
      },
    ]);
    expect(revocationOf(db, 'AB1')).toBeNull();
    expect(revocationOf(db, 'AB2')).toMatchObject({ status: 'revoked' });
    // The staging table is back, empty, for the next snapshot.
    expect(db.prepare('SELECT count(*) FROM revocation_staging').pluck().get()).toBe(0);
  });
});
