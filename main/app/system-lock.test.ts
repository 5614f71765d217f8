// Lock on OS suspend / screen lock: the real AuthService on a real store, with a plain
// EventEmitter standing in for Electron's powerMonitor (main/app/electron/main.ts passes the
// real one to the same function).

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';
import { AuthService } from '../auth/auth-service';
import { EventBus } from '../core/event-bus';
import { createMemoryLogger } from '../log/logger';
import { lockOnSystemEvents } from './system-lock';

const PASSWORD = 'counter-window-7';

async function signedIn() {
  const db = tempStore();
  const bus = new EventBus();
  const changes: unknown[] = [];
  bus.on('session.changed', (s) => changes.push(s));
  const { log, records } = createMemoryLogger();
  const auth = new AuthService({ db, bus, log });
  await auth.createFirstAdministrator({ staffId: 'admin01', displayName: 'A', password: PASSWORD });
  const monitor = new EventEmitter();
  const undo = lockOnSystemEvents(monitor, auth);
  const sessionLog = () =>
    db.prepare('SELECT staff_id, kind FROM session_log ORDER BY rowid').all() as {
      staff_id: string;
      kind: string;
    }[];
  return { auth, monitor, undo, changes, records, sessionLog };
}

describe('locking the session when the OS suspends or locks the screen', () => {
  it.each(['suspend', 'lock-screen'] as const)(
    "'%s' locks the session: calls are refused until the same clerk unlocks",
    async (cause) => {
      const { auth, monitor, changes, records, sessionLog } = await signedIn();
      monitor.emit(cause);
      expect(auth.session()).toMatchObject({ staffId: 'admin01', locked: true, idleLockAt: null });
      expect(() => auth.authorize('staff.manage')).toThrow(
        expect.objectContaining({ code: 'SESSION_LOCKED' }),
      );
      expect(changes.at(-1)).toMatchObject({ locked: true });
      expect(sessionLog().at(-1)).toEqual({ staff_id: 'admin01', kind: 'locked' });
      expect(records).toContainEqual(
        expect.objectContaining({ msg: 'locking for the operating system', cause }),
      );
      await auth.unlock({ password: PASSWORD });
      expect(() => auth.authorize('staff.manage')).not.toThrow();
    },
  );

  it('does nothing without a session, and locks only once when both events come', async () => {
    const { auth, monitor, sessionLog } = await signedIn();
    auth.signOut();
    monitor.emit('suspend');
    expect(auth.session()).toBeNull();
    await auth.signIn({ staffId: 'admin01', password: PASSWORD });
    monitor.emit('lock-screen');
    monitor.emit('suspend');
    expect(sessionLog().filter((row) => row.kind === 'locked')).toHaveLength(1);
  });

  it('stops listening when undone', async () => {
    const { auth, monitor, undo } = await signedIn();
    undo();
    expect(monitor.listenerCount('suspend') + monitor.listenerCount('lock-screen')).toBe(0);
    monitor.emit('suspend');
    expect(auth.session()?.locked).toBe(false);
  });
});
