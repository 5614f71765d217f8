// Browser permissions (checklist item 5, lesson 6): the counter UI needs none, so every request
// and every check is denied. Smart-card readers are driven over PC/SC by main, never through
// WebHID, WebUSB, Web Serial or the Web Smart Card API, so a page asking for a device is a sign
// of something wrong and is logged with the reason below.

export interface PermissionDecision {
  granted: false;
  reason: string;
}

const DEVICE_PERMISSIONS = new Set(['hid', 'usb', 'serial', 'smart-card', 'nfc', 'bluetooth']);
const CAPTURE_PERMISSIONS = new Set([
  'media',
  'display-capture',
  'mediaKeySystem',
  'speaker-selection',
]);

export function permissionDecision(permission: string): PermissionDecision {
  if (DEVICE_PERMISSIONS.has(permission)) {
    return {
      granted: false,
      reason: 'devices are reached only by main over PC/SC, never by the page',
    };
  }
  if (CAPTURE_PERMISSIONS.has(permission)) {
    return { granted: false, reason: 'the counter records no camera, microphone or screen' };
  }
  return { granted: false, reason: 'the counter UI uses no browser permissions' };
}
