// Locks the counter's session when the operating system suspends or locks its screen: a
// laptop closed at the counter and opened elsewhere (or a screen locked by the OS while a
// clerk steps away) must not come back to an open session. main/app/electron/main.ts hands
// Electron's powerMonitor to this; the tests hand it a plain EventEmitter.

import { SYSTEM_LOCK_CAUSES, type SystemLockCause } from '../auth/auth-service';

/** The part of Electron's powerMonitor used here. */
export interface SystemEvents {
  on(event: SystemLockCause, listener: () => void): unknown;
  off(event: SystemLockCause, listener: () => void): unknown;
}

/** The session side (AuthService.lockForSystem). */
export interface SystemLockTarget {
  lockForSystem(cause: SystemLockCause): unknown;
}

/** Wires every lock cause; returns the undo (for shutdown and tests). */
export function lockOnSystemEvents(events: SystemEvents, target: SystemLockTarget): () => void {
  const listeners = SYSTEM_LOCK_CAUSES.map((cause) => {
    const listener = (): void => void target.lockForSystem(cause);
    events.on(cause, listener);
    return [cause, listener] as const;
  });
  return () => {
    for (const [cause, listener] of listeners) events.off(cause, listener);
  };
}
