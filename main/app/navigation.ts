// Navigation policy for every web contents (checklist items 13 and 14). The UI is a single
// page: it never leaves app://counter/, so a cross-document navigation can only come from
// injected content or a dropped link, and is refused.

import { isAppUrl } from './origin';

export interface NavigationAttempt {
  url: string;
  /** Electron's `isSameDocument` from the will-navigate / will-redirect details. */
  isSameDocument: boolean;
}

/** Allowed only when it stays inside the current app://counter document (hash routing). */
export function isAllowedNavigation(attempt: NavigationAttempt): boolean {
  return attempt.isSameDocument && isAppUrl(attempt.url);
}
