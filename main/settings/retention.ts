// How long the personal data of a closed case is kept (issue 3 item 5; main/cases/retention.ts
// does the purge). One terminal setting, in days, counted from the case's closing event.
//
// Legal basis. The My Number Act (番号法) art. 20 forbids keeping specific personal information
// (特定個人情報: anything with a My Number) beyond what the affairs of art. 19 need, and the
// Personal Information Protection Commission's guidelines (特定個人情報の適正な取扱いに関する
// ガイドライン(行政機関等編)) ask for deletion as soon as the affairs no longer need it and any
// retention period set by law or by the office's own document rules (文書管理規程) has passed.
// That period is the office's to set: the default of five years is a conservative placeholder
// (a renewal or a reissue usually comes within the life of a card, and a dispute about a
// handover would be raised well within it), to be confirmed against the office's rules at
// installation. Shorter than 30 days is refused: a case must survive at least its sync window.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';

export const RETENTION_SETTING_KEY = 'personal_data_retention_days';
export const DEFAULT_RETENTION_DAYS = 1826;
export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 36_525;

export class RetentionSettingError extends Error {
  override readonly name = 'RetentionSettingError';
}

/** The retention period in days: the stored setting, or the default when none is stored. */
export function retentionDays(db: Db): number {
  const value = prepared(db, 'SELECT value FROM terminal_setting WHERE key = ?')
    .pluck()
    .get(RETENTION_SETTING_KEY) as string | undefined;
  if (value === undefined) return DEFAULT_RETENTION_DAYS;
  const days = Number(value);
  // A damaged value must not shorten retention: fall back to the default, never to 0.
  return Number.isSafeInteger(days) && days >= MIN_RETENTION_DAYS && days <= MAX_RETENTION_DAYS
    ? days
    : DEFAULT_RETENTION_DAYS;
}

export function setRetentionDays(db: Db, days: number): void {
  if (!Number.isSafeInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
    throw new RetentionSettingError(
      `The retention period must be a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}.`,
    );
  }
  prepared(
    db,
    'INSERT INTO terminal_setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(RETENTION_SETTING_KEY, String(days));
}
