// These are the webPreferences the Electron shell actually uses: main/app/electron/window.ts
// takes them from windowWebPreferences and nowhere else (main/app/electron-shell.test.ts checks
// that wiring in the source).

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appLayout } from './app-layout';
import { windowWebPreferences } from './web-preferences';

describe('windowWebPreferences', () => {
  for (const packaged of [true, false]) {
    describe(packaged ? 'packaged app' : 'development run', () => {
      const prefs: Record<string, unknown> = {
        ...windowWebPreferences('/app/dist/preload/index.cjs', { packaged }),
      };

      it('isolates and sandboxes the page, with no Node anywhere', () => {
        expect(prefs).toMatchObject({
          contextIsolation: true,
          sandbox: true,
          nodeIntegration: false,
          nodeIntegrationInWorker: false,
          nodeIntegrationInSubFrames: false,
        });
      });

      it('leaves webSecurity at its default and enables nothing experimental or insecure', () => {
        expect(prefs).not.toHaveProperty('webSecurity');
        expect(prefs).not.toHaveProperty('enableBlinkFeatures');
        expect(prefs).toMatchObject({
          experimentalFeatures: false,
          allowRunningInsecureContent: false,
          webviewTag: false,
          plugins: false,
          navigateOnDragDrop: false,
          spellcheck: false,
        });
      });

      it('loads the bundled preload it is given', () => {
        expect(prefs['preload']).toBe('/app/dist/preload/index.cjs');
      });
    });
  }

  it('has DevTools only in development', () => {
    expect(windowWebPreferences('/p', { packaged: true }).devTools).toBe(false);
    expect(windowWebPreferences('/p', { packaged: false }).devTools).toBe(true);
  });
});

describe('appLayout', () => {
  it('finds the renderer and the CommonJS preload under dist/ of the app directory', () => {
    const appPath = path.resolve('/opt/Madoguchi/resources/app.asar');
    expect(appLayout(appPath)).toEqual({
      rendererDir: path.join(appPath, 'dist', 'renderer'),
      preloadPath: path.join(appPath, 'dist', 'preload', 'index.cjs'),
    });
  });
});
