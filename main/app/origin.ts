// The one origin the UI is served from. The app:// scheme is registered as standard and
// secure (main/app/electron/protocol.ts), so Chromium gives it a real origin with its own
// storage, and no page ever runs from a file: URL.

export const APP_SCHEME = 'app';
export const APP_HOST = 'counter';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/`;

/** Frames whose calls main/core/dispatch.ts accepts. */
export const TRUSTED_ORIGINS: readonly string[] = [APP_ORIGIN];

/**
 * True only for app://counter itself: no userinfo, no port, exact host. Parsed with `URL`,
 * never by substring, so `https://evil.example/?next=app://counter` or
 * `app://counter.evil` do not pass (the mistake in Actual's history, see
 * reference/electron-practices.md §2).
 */
export function isAppUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname === APP_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}
