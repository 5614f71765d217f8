// The counter's one window. Its webPreferences come only from the pure windowWebPreferences,
// which is what main/app/web-preferences.test.ts checks.

import { BrowserWindow, type WebPreferences } from 'electron';
import type { Logger } from '../../log/logger';
import { APP_START_URL } from '../origin';
import { type CounterWebPreferences, windowWebPreferences } from '../web-preferences';

/** A key of the pure policy that Electron does not know would silently do nothing: compile error. */
type UnknownToElectron = Exclude<keyof CounterWebPreferences, keyof WebPreferences>;

export interface MainWindowOptions {
  preloadPath: string;
  packaged: boolean;
  /** Hides the window from screen capture: the terminal's setting (SettingsService). */
  contentProtection: boolean;
  log: Logger;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const policy: WebPreferences & Record<UnknownToElectron, never> = windowWebPreferences(
    options.preloadPath,
    { packaged: options.packaged },
  );
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Madoguchi',
    backgroundColor: '#ffffff',
    // The policy decides; the two settings that matter most are also spelled out here, so a
    // scanner reading this call site (electronegativity) sees them and a future edit of the
    // policy cannot weaken them unnoticed.
    webPreferences: { ...policy, contextIsolation: true, sandbox: true },
  });
  window.setContentProtection(options.contentProtection);
  window.once('ready-to-show', () => window.show());
  window.loadURL(APP_START_URL).catch((error: unknown) => {
    options.log.error('the counter page did not load', { error });
  });
  return window;
}
