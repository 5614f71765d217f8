// The guards every web contents and the default session get before the first window exists.
// Policy lives in the pure modules next door (navigation, permissions, renderer-network); this
// file only attaches it, so the tests of those modules test what actually runs.

import { app, type Event, type Session } from 'electron';
import { originOf } from '../../core/dispatch';
import type { Logger } from '../../log/logger';
import { isAllowedNavigation, type NavigationAttempt } from '../navigation';
import { permissionDecision } from '../permissions';
import { BLOCKED_NETWORK_URL_PATTERNS } from '../renderer-network';

/**
 * ONE `web-contents-created` handler (lesson 5), so a window, a devtools page or a webview
 * created later cannot miss a guard. URLs are logged as origins only: a path may hold data.
 */
export function guardAllWebContents(log: Logger): void {
  app.on('web-contents-created', (_created, contents) => {
    const guardNavigation =
      (kind: string) =>
      (details: Event<NavigationAttempt>): void => {
        if (isAllowedNavigation(details)) return;
        details.preventDefault();
        log.warn('navigation refused', { kind, origin: originOf(details.url) });
      };
    contents.on('will-navigate', guardNavigation('will-navigate'));
    contents.on('will-frame-navigate', guardNavigation('will-frame-navigate'));
    contents.on('will-redirect', guardNavigation('will-redirect'));

    contents.setWindowOpenHandler(({ url }) => {
      log.warn('window.open refused', { origin: originOf(url) });
      return { action: 'deny' };
    });

    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      log.warn('webview refused');
    });

    contents.on('select-bluetooth-device', (event, _devices, callback) => {
      event.preventDefault();
      log.warn('bluetooth device selection refused', {
        reason: permissionDecision('bluetooth').reason,
      });
      callback('');
    });
  });
}

/** Deny every permission and device, and cancel all renderer networking, on this session. */
export function hardenSession(session: Session, log: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const decision = permissionDecision(permission);
    log.warn('permission request denied', {
      permission,
      reason: decision.reason,
      origin: originOf(details.requestingUrl),
    });
    callback(decision.granted);
  });
  // Chromium checks permissions on its own while rendering, so checks are logged at debug only.
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => {
    const decision = permissionDecision(permission);
    log.debug('permission check denied', {
      permission,
      reason: decision.reason,
      origin: requestingOrigin,
    });
    return decision.granted;
  });
  session.setDevicePermissionHandler((details) => {
    log.warn('device permission denied', {
      device: details.deviceType,
      reason: permissionDecision(details.deviceType).reason,
    });
    return false;
  });

  // A page that asks for a device anyway gets the chooser cancelled, never shown.
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    log.warn('device selection refused', {
      device: 'hid',
      reason: permissionDecision('hid').reason,
    });
    callback();
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    log.warn('device selection refused', {
      device: 'usb',
      reason: permissionDecision('usb').reason,
    });
    callback();
  });
  session.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    log.warn('device selection refused', {
      device: 'serial',
      reason: permissionDecision('serial').reason,
    });
    callback('');
  });

  session.webRequest.onBeforeRequest(
    { urls: [...BLOCKED_NETWORK_URL_PATTERNS] },
    (details, callback) => {
      log.warn('renderer network request cancelled', {
        origin: originOf(details.url),
        type: details.resourceType,
      });
      callback({ cancel: true });
    },
  );
}
