// The webPreferences of every BrowserWindow (checklist items 2-4, 6, 8-11). The Electron shell
// takes them only from here, so this file is what the tests check, and the literal types make
// a weakened value a compile error rather than a review finding.
//
// webSecurity is deliberately absent: it stays at Electron's default (on). Tests, E2E included,
// get exactly these values: no test-only weakening (lesson 3).

export interface CounterWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webviewTag: false;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  plugins: false;
  /** Chromium's spellchecker downloads dictionaries from Google: no network from the renderer. */
  spellcheck: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
  /** Off in the packaged app: DevTools would let anyone at the counter drive the bridge by hand. */
  devTools: boolean;
}

export interface WindowOptions {
  /** `app.isPackaged`: development builds keep DevTools. */
  packaged: boolean;
}

export function windowWebPreferences(
  preloadPath: string,
  options: WindowOptions,
): CounterWebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    plugins: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    devTools: !options.packaged,
  };
}
