import { describe, expect, it } from 'vitest';
import { createMemoryLogger, REDACTED } from './logger';

describe('the logger', () => {
  it('redacts personal fields by name, wherever they are nested', () => {
    const { log, records } = createMemoryLogger();
    log.info('handover', {
      case: { myNumber: '123456789018', name: '山田 太郎', address: '東京都千代田区', pin: '1234' },
    });
    const text = JSON.stringify(records);
    for (const secret of ['123456789018', '山田', '千代田', '"1234"'])
      expect(text).not.toContain(secret);
    expect(records[0]?.['case']).toEqual({
      myNumber: REDACTED,
      name: REDACTED,
      address: REDACTED,
      pin: REDACTED,
    });
  });

  it('masks a 12-digit number that slipped into a message, a field or an error', () => {
    const { log, records } = createMemoryLogger();
    log.error('lookup failed for 123456789018', {
      note: 'number=123456789018;',
      count: 123456789018,
      error: new Error('no case for 123456789018'),
    });
    expect(JSON.stringify(records)).not.toContain('123456789018');
  });

  it('keeps what administrators need: scope, level, staff IDs, counts', () => {
    const { log, records } = createMemoryLogger();
    log
      .child('auth')
      .warn('sign-in refused', { staffId: 'c01', failures: 3, serial: '1234567890123' });
    expect(records[0]).toMatchObject({
      scope: 'madoguchi/auth',
      level: 'warn',
      staffId: 'c01',
      failures: 3,
      serial: '1234567890123',
    });
  });
});
