import { describe, expect, it } from 'vitest';
import { permissionDecision } from './permissions';
import { BLOCKED_NETWORK_URL_PATTERNS } from './renderer-network';

// Every permission name Electron 45 passes to setPermissionRequestHandler /
// setPermissionCheckHandler (node_modules/electron/electron.d.ts), plus device types and names
// a later Chromium may add.
const ELECTRON_PERMISSIONS = [
  'ar',
  'automatic-fullscreen',
  'background-fetch',
  'background-sync',
  'captured-surface-control',
  'clipboard-read',
  'clipboard-sanitized-write',
  'deprecated-sync-clipboard-read',
  'display-capture',
  'fileSystem',
  'fullscreen',
  'geolocation',
  'geolocation-approximate',
  'hand-tracking',
  'hid',
  'idle-detection',
  'keyboardLock',
  'local-fonts',
  'local-network',
  'local-network-access',
  'loopback-network',
  'media',
  'mediaKeySystem',
  'midi',
  'midiSysex',
  'nfc',
  'notifications',
  'openExternal',
  'payment-handler',
  'periodic-background-sync',
  'persistent-storage',
  'pointerLock',
  'screen-wake-lock',
  'sensors',
  'serial',
  'smart-card',
  'speaker-selection',
  'storage-access',
  'system-wake-lock',
  'top-level-storage-access',
  'usb',
  'vr',
  'web-app-installation',
  'web-printing',
  'window-management',
  'unknown',
];
const OTHER_NAMES = [
  'bluetooth',
  'camera',
  'microphone',
  'clipboard-write',
  'some-future-permission',
  '',
];

describe('permissionDecision', () => {
  it('denies every permission Electron can ask about, and any it may add later', () => {
    for (const permission of [...ELECTRON_PERMISSIONS, ...OTHER_NAMES]) {
      const decision = permissionDecision(permission);
      expect(decision.granted, permission).toBe(false);
      expect(decision.reason.length, permission).toBeGreaterThan(0);
    }
  });

  it('explains device requests: the card reader is reached over PC/SC in main, never by the page', () => {
    for (const device of ['hid', 'usb', 'serial', 'smart-card', 'nfc', 'bluetooth']) {
      expect(permissionDecision(device).reason, device).toMatch(/PC\/SC/);
    }
  });

  it('explains capture requests: no camera, microphone or screen at the counter', () => {
    for (const capture of ['media', 'display-capture']) {
      expect(permissionDecision(capture).reason, capture).toMatch(/camera/);
    }
  });
});

describe('renderer network blocking', () => {
  it('cancels http, https, ws and wss requests of every host and path', () => {
    expect([...BLOCKED_NETWORK_URL_PATTERNS].sort()).toEqual([
      'http://*/*',
      'https://*/*',
      'ws://*/*',
      'wss://*/*',
    ]);
  });
});
