// The renderer's half of the idle lock. Main decides and locks (main/auth/auth-service.ts);
// this only tells main the clerk is active and shows how long is left.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { StaffSession } from '../../preload/contract';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';

/** Tell main about activity at most this often, unless the warning is showing. */
const KEEP_ALIVE_EVERY_MS = 10_000;

/** Seconds left before main locks, or null when no warning should show. */
export function useIdleLock(session: StaffSession): {
  secondsLeft: number | null;
  stayActive: () => void;
} {
  const api = useApi();
  const [lockAt, setLockAt] = useState<number | null>(
    session.idleLockAt ? Date.parse(session.idleLockAt) : null,
  );
  const [now, setNow] = useState(() => Date.now());
  const lastSent = useRef(0);
  const warnSeconds = Math.min(60, Math.floor(session.idleLockSeconds / 2));

  useEffect(() => {
    setLockAt(session.idleLockAt ? Date.parse(session.idleLockAt) : null);
  }, [session.idleLockAt]);

  const stayActive = useCallback(() => {
    lastSent.current = Date.now();
    void settle(api.auth.keepAlive({})).then((result) => {
      if (result.ok && result.value.idleLockAt) setLockAt(Date.parse(result.value.idleLockAt));
    });
  }, [api]);

  const secondsLeft =
    lockAt === null || session.locked ? null : Math.max(0, Math.ceil((lockAt - now) / 1000));
  const warning = secondsLeft !== null && secondsLeft <= warnSeconds;

  // Activity: keys and pointer presses anywhere in the window.
  useEffect(() => {
    if (session.locked) return;
    const onActivity = () => {
      if (warning || Date.now() - lastSent.current > KEEP_ALIVE_EVERY_MS) stayActive();
    };
    window.addEventListener('keydown', onActivity, true);
    window.addEventListener('pointerdown', onActivity, true);
    return () => {
      window.removeEventListener('keydown', onActivity, true);
      window.removeEventListener('pointerdown', onActivity, true);
    };
  }, [session.locked, stayActive, warning]);

  // Other calls also push main's deadline back: when the warning is about to show, ask main
  // for the deadline it really holds before alarming anyone.
  useEffect(() => {
    if (!warning) return;
    void settle(api.auth.session({})).then((result) => {
      if (result.ok && result.value?.idleLockAt) setLockAt(Date.parse(result.value.idleLockAt));
    });
  }, [api, warning]);

  useEffect(() => {
    if (session.locked) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [session.locked]);

  return { secondsLeft: warning ? secondsLeft : null, stayActive };
}
