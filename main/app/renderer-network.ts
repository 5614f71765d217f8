// The renderer has no network (lesson 4, Signal's protocol filter): sync runs in main over
// Node's https with mutual TLS, so any http(s) or WebSocket request seen by the default session
// came from page content and is cancelled. These are Chromium URL-match patterns for
// `session.webRequest.onBeforeRequest`.
//
// Electron's `net` module on the default session would be cancelled too: main code that needs
// the network uses Node's https (or its own session), never `net` on the default one.

export const BLOCKED_NETWORK_URL_PATTERNS: readonly string[] = [
  'http://*/*',
  'https://*/*',
  'ws://*/*',
  'wss://*/*',
];
