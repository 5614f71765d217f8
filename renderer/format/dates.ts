// Dates as the counter writes and reads them. Japanese practice writes birth dates and
// deadlines in the Japanese era (令和8年11月21日); English shows ISO first, era after
// (domain/japanese-era.ts formatJapaneseDate). Clerks type whichever they have in hand.

import {
  formatJapaneseDate,
  fromJapaneseEra,
  parseIsoDate,
  toIsoDate,
  type EraKey,
} from '../../domain/japanese-era';

const ERA_NAMES: Readonly<Record<string, EraKey>> = {
  明治: 'meiji',
  大正: 'taisho',
  昭和: 'showa',
  平成: 'heisei',
  令和: 'reiwa',
  M: 'meiji',
  T: 'taisho',
  S: 'showa',
  H: 'heisei',
  R: 'reiwa',
};

/**
 * 昭和55年2月17日, S55.2.17, H元年1月8日, 1980-02-17, 1980/2/17, 19800217 -> '1980-02-17';
 * null when it is no date. Full-width digits are read as digits.
 */
export function parseDateInput(raw: string): string | null {
  const text = raw.normalize('NFKC').replace(/\s/gu, '').toUpperCase();
  const era =
    /^(明治|大正|昭和|平成|令和|[MTSHR])(元|[0-9]{1,2})[年./-]([0-9]{1,2})[月./-]([0-9]{1,2})日?$/u.exec(
      text,
    );
  if (era) {
    const key = ERA_NAMES[era[1] ?? ''];
    const year = era[2] === '元' ? 1 : Number(era[2]);
    const date = key ? fromJapaneseEra(key, year, Number(era[3]), Number(era[4])) : null;
    return date ? toIsoDate(date) : null;
  }
  const western =
    /^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$/u.exec(text) ??
    /^([0-9]{4})([0-9]{2})([0-9]{2})$/u.exec(text);
  if (!western) return null;
  const iso = `${western[1]}-${(western[2] ?? '').padStart(2, '0')}-${(western[3] ?? '').padStart(2, '0')}`;
  return parseIsoDate(iso) ? iso : null;
}

/** An ISO date for the clerk: era in Japanese, ISO then era in English. */
export function formatDate(iso: string, language: string): string {
  const date = parseIsoDate(iso.slice(0, 10));
  if (!date) return iso;
  return formatJapaneseDate(date, language === 'en' ? 'en' : 'ja');
}

/** An instant (ISO 8601) as local date and time, e.g. 令和8年11月21日 14:05. */
export function formatDateTime(iso: string, language: string): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;
  const day = toIsoDate({
    year: instant.getFullYear(),
    month: instant.getMonth() + 1,
    day: instant.getDate(),
  });
  const time = `${String(instant.getHours()).padStart(2, '0')}:${String(instant.getMinutes()).padStart(2, '0')}`;
  return `${formatDate(day, language)} ${time}`;
}

/** Today in the terminal's time zone, as an ISO date. */
export function todayIso(now = new Date()): string {
  return toIsoDate({ year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() });
}

/** ＊＊＊＊ ＊＊＊＊ 1234: the last four digits only, grouped as the card prints them. */
export function maskedMyNumber(last4: string): string {
  return `•••• •••• ${last4}`;
}

/** 1234 5678 9012: the full number grouped in fours, for reading aloud. */
export function groupedMyNumber(myNumber: string): string {
  return myNumber.replace(/(\d{4})(?=\d)/gu, '$1 ');
}
