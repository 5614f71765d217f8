// electron-builder.yml, read the way electron-builder reads it. Packaging itself needs the
// Electron binary and Electron's headers, which these machines cannot download, so this test
// checks the configuration: electron-builder's own schema validation, every fuse, the targets,
// and that what the app loads at run time (appLayout) is packed.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appLayout } from './app-layout';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

// js-yaml and app-builder-lib come with electron-builder (no type declarations of their own),
// so they are loaded through require with the few members used here typed by hand. The config
// validator is an internal module of app-builder-lib 26: if an upgrade moves it, this fails loudly.
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown;
};
const scheme = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as {
  definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
};

interface BuilderConfig {
  appId: string;
  productName: string;
  asar: boolean;
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  buildDependenciesFromSource: boolean;
  electronFuses: Record<string, boolean>;
  publish: null;
  linux: { target: string[] };
  deb: { depends: string[] };
  win: { target: string[] };
}

const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
};

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  }, 30_000); // loading app-builder-lib's validator takes seconds

  it('names the app', () => {
    expect(config.appId).toBe('jp.madoguchi.counter');
    expect(config.productName).toBe('Madoguchi');
  });

  it('states every fuse electron-builder knows, none left to a default', () => {
    const known = Object.keys(scheme.definitions.FuseOptionsV1.properties).sort();
    expect(Object.keys(config.electronFuses).sort()).toEqual(known);
    for (const value of Object.values(config.electronFuses)) expect(typeof value).toBe('boolean');
  });

  it('sets each fuse to the hardened value', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
      resetAdHocDarwinSignature: false,
    });
    // onlyLoadAppFromAsar and asar integrity mean nothing without an asar archive.
    expect(config.asar).toBe(true);
  });

  it('builds an AppImage and a deb for Linux and an NSIS installer for Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.deb.depends).toEqual(
      expect.arrayContaining(['pcscd', 'libpcsclite1', 'libsecret-1-0']),
    );
  });

  it('packs the built main entry, preload and renderer, and unpacks the native modules', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'package.json']));
    expect(packageJson.main.startsWith('dist/')).toBe(true);
    const layout = appLayout('app');
    expect(layout.rendererDir.startsWith(join('app', 'dist'))).toBe(true);
    expect(layout.preloadPath.startsWith(join('app', 'dist'))).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    for (const native of ['better-sqlite3-multiple-ciphers', 'smartcard']) {
      expect(packageJson.dependencies).toHaveProperty(native);
      expect(config.asarUnpack).toContain(`node_modules/${native}/**`);
    }
  });

  it('rebuilds native modules for Electron at packaging time, from source, and never publishes', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(true);
    expect(config.publish).toBeNull();
  });
});
