// Where the built app lives inside the application directory (app.getAppPath(), the asar
// archive once packaged). scripts/build.mjs writes these paths and electron-builder.yml packs
// `dist/**`; main/app/packaging.test.ts keeps the three in step.

import path from 'node:path';

export interface AppLayout {
  /** Served at app://counter/. */
  rendererDir: string;
  /** The sandboxed preload: one CommonJS bundle, since sandboxed preloads cannot load ESM. */
  preloadPath: string;
}

export function appLayout(appPath: string): AppLayout {
  return {
    rendererDir: path.join(appPath, 'dist', 'renderer'),
    preloadPath: path.join(appPath, 'dist', 'preload', 'index.cjs'),
  };
}
