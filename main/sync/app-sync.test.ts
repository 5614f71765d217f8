// The app's sync on a terminal that is not enrolled (the honest status, a clear refusal of
// "sync now") and the sync screen's history and review items, on the real encrypted store.
// The enrolled path, against a real central, is test/e2e/sync.e2e.test.ts.

import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger';
import { AppError } from '../core/errors';
import { tempStore } from '../../test/support/store';
import { createAppSync } from './app-sync';

const silent = createLogger({ sink: () => undefined, level: 'error' });
const now = () => new Date('2026-11-20T09:00:00Z');

describe('sync in the app', () => {
  it('says "not enrolled" instead of pretending, and refuses sync now with SYNC_NOT_ENROLLED', async () => {
    const db = tempStore();
    const sync = createAppSync({ db, log: silent, now, enabled: true });
    try {
      expect(sync.status()).toMatchObject({
        enrolled: false,
        state: 'not-enrolled',
        pendingEvents: 0,
        alerts: ['NOT_ENROLLED'],
      });
      await expect(sync.runNow()).rejects.toMatchObject({ code: 'SYNC_NOT_ENROLLED' });
    } finally {
      sync.stop();
    }
  });

  it('lists recent runs newest first, and open review items a supervisor resolves with a note', () => {
    const db = tempStore();
    db.prepare(
      `INSERT INTO sync_run (trigger, started_at, finished_at, result, uploaded, downloaded, error_code)
       VALUES ('start', '2026-11-20T08:00:00Z', '2026-11-20T08:00:01Z', 'ok', 0, 6, NULL),
              ('demand', '2026-11-20T08:30:00Z', '2026-11-20T08:30:09Z', 'failed', 0, 0,
               'SYNC_CENTRAL_UNAVAILABLE')`,
    ).run();
    db.prepare(
      `INSERT INTO sync_review_item (review_id, seq, event_id, kind, reason, created_at, state)
       VALUES ('R-3', NULL, NULL, 'applied-with-conflict', 'HANDOVER_OF_SUSPENDED_CARD',
               '2026-11-20T08:30:09Z', 'open')`,
    ).run();
    const sync = createAppSync({ db, log: silent, now, enabled: true });
    try {
      expect(sync.history(10).map((r) => [r.trigger, r.result, r.errorCode])).toEqual([
        ['demand', 'failed', 'SYNC_CENTRAL_UNAVAILABLE'],
        ['start', 'ok', null],
      ]);
      expect(sync.status().openReviewItems).toBe(1);
      expect(() =>
        sync.resolve({ reviewId: 'R-3', note: ' ', supervisorStaffId: 'super01' }),
      ).toThrow(AppError);
      const resolved = sync.resolve({
        reviewId: 'R-3',
        note: 'card recalled, citizen called',
        supervisorStaffId: 'super01',
      });
      expect(resolved).toMatchObject({
        state: 'resolved',
        resolvedBy: 'super01',
        resolution: 'card recalled, citizen called',
      });
      expect(sync.reviewItems('open')).toEqual([]);
      expect(() =>
        sync.resolve({ reviewId: 'R-3', note: 'again', supervisorStaffId: 'super01' }),
      ).toThrow(expect.objectContaining({ code: 'SYNC_REVIEW_INVALID' }));
    } finally {
      sync.stop();
    }
  });
});
