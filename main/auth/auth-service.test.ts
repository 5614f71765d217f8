import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';
import { EventBus } from '../core/event-bus';
import { createMemoryLogger } from '../log/logger';
import { AuthService, LOCKOUT_MINUTES, MAX_FAILED_SIGN_INS } from './auth-service';

const GOOD = 'counter-window-7';

function setup(start = new Date('2026-11-21T09:00:00Z')) {
  let now = start;
  const bus = new EventBus();
  const sessions: unknown[] = [];
  bus.on('session.changed', (s) => sessions.push(s));
  const { log, records } = createMemoryLogger();
  const db = tempStore();
  const auth = new AuthService({ db, bus, log, now: () => now });
  return {
    auth,
    db,
    sessions,
    records,
    advance(minutes: number) {
      now = new Date(now.getTime() + minutes * 60_000);
    },
  };
}

describe('first run', () => {
  it('asks for the first administrator, signs them in, then never again', async () => {
    const { auth, sessions } = setup();
    expect(auth.needsFirstAdministrator()).toBe(true);
    const session = await auth.createFirstAdministrator({
      staffId: 'admin01',
      displayName: '窓口 管理者',
      password: GOOD,
    });
    expect(session).toMatchObject({ staffId: 'admin01', role: 'administrator' });
    expect(auth.session()).toEqual(session);
    expect(sessions).toEqual([session]);
    expect(auth.needsFirstAdministrator()).toBe(false);
    await expect(
      auth.createFirstAdministrator({ staffId: 'intruder', displayName: 'X', password: GOOD }),
    ).rejects.toMatchObject({ code: 'SETUP_ALREADY_DONE' });
  });

  it('refuses a weak first password and says why, without creating the account', async () => {
    const { auth } = setup();
    await expect(
      auth.createFirstAdministrator({ staffId: 'admin01', displayName: 'A', password: 'short' }),
    ).rejects.toMatchObject({
      code: 'PASSWORD_POLICY',
      message: expect.stringContaining('12 characters'),
      details: [{ path: 'password', reason: 'too_short' }],
    });
    await expect(
      auth.createFirstAdministrator({
        staffId: 'admin01',
        displayName: 'A',
        password: 'admin01admin01',
      }),
    ).rejects.toMatchObject({
      code: 'PASSWORD_POLICY',
      details: [{ path: 'password', reason: 'contains_staff_id' }],
    });
    expect(auth.needsFirstAdministrator()).toBe(true);
  });

  it('cannot sign in before the first administrator exists', async () => {
    const { auth } = setup();
    await expect(auth.signIn({ staffId: 'admin01', password: GOOD })).rejects.toMatchObject({
      code: 'SETUP_REQUIRED',
    });
  });
});

describe('sign-in', () => {
  async function enrolled() {
    const ctx = setup();
    await ctx.auth.createFirstAdministrator({
      staffId: 'admin01',
      displayName: 'A',
      password: GOOD,
    });
    ctx.auth.signOut();
    return ctx;
  }

  it('signs in with the right password and out again', async () => {
    const { auth, sessions } = await enrolled();
    const session = await auth.signIn({ staffId: 'admin01', password: GOOD });
    expect(auth.session()).toEqual(session);
    auth.signOut();
    expect(auth.session()).toBeNull();
    expect(sessions.at(-1)).toBeNull();
  });

  it('gives the same answer for an unknown staff ID and a wrong password', async () => {
    const { auth } = await enrolled();
    const unknown = await auth
      .signIn({ staffId: 'nobody', password: GOOD })
      .catch((e: unknown) => e);
    const wrong = await auth
      .signIn({ staffId: 'admin01', password: 'wrong-password-1' })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    expect(wrong).toMatchObject({
      code: 'AUTH_INVALID_CREDENTIALS',
      message: (unknown as Error).message,
    });
  });

  it(`locks the account after ${MAX_FAILED_SIGN_INS} wrong passwords, even against the right one, for ${LOCKOUT_MINUTES} minutes`, async () => {
    const { auth, advance } = await enrolled();
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i += 1) {
      await expect(
        auth.signIn({ staffId: 'admin01', password: `wrong-${i}` }),
      ).rejects.toMatchObject({
        code: 'AUTH_INVALID_CREDENTIALS',
      });
    }
    await expect(auth.signIn({ staffId: 'admin01', password: 'wrong-last' })).rejects.toMatchObject(
      {
        code: 'AUTH_LOCKED_OUT',
      },
    );
    await expect(auth.signIn({ staffId: 'admin01', password: GOOD })).rejects.toMatchObject({
      code: 'AUTH_LOCKED_OUT',
    });
    advance(LOCKOUT_MINUTES + 1);
    await expect(auth.signIn({ staffId: 'admin01', password: GOOD })).resolves.toMatchObject({
      staffId: 'admin01',
    });
  });

  it('never writes a password to the store or the log', async () => {
    const { auth, db, records } = await enrolled();
    await auth.signIn({ staffId: 'admin01', password: 'wrong-password-zz' }).catch(() => undefined);
    const staff = db.prepare('SELECT * FROM staff').all();
    expect(JSON.stringify(staff)).not.toContain(GOOD);
    expect(JSON.stringify(records)).not.toContain(GOOD);
    expect(JSON.stringify(records)).not.toContain('wrong-password-zz');
  });

  it('refuses session-only permissions until someone signs in', async () => {
    const { auth } = await enrolled();
    expect(() => auth.authorize('session')).toThrowError(
      expect.objectContaining({ code: 'NOT_SIGNED_IN' }),
    );
    expect(() => auth.authorize('public')).not.toThrow();
    await auth.signIn({ staffId: 'admin01', password: GOOD });
    expect(() => auth.authorize('session')).not.toThrow();
    expect(() => auth.authorize('staff.manage')).not.toThrow();
  });
});

describe('idle lock and the session log', () => {
  async function signedInClerk(idleLockSeconds = 60) {
    let now = new Date('2026-11-21T09:00:00Z');
    const bus = new EventBus();
    const sessions: unknown[] = [];
    bus.on('session.changed', (s) => sessions.push(s));
    const { log } = createMemoryLogger();
    const db = tempStore();
    const auth = new AuthService({ db, bus, log, now: () => now, idleLockSeconds });
    await auth.createFirstAdministrator({ staffId: 'admin01', displayName: 'A', password: GOOD });
    await auth.createStaff({ staffId: 'clerk01', displayName: 'C', role: 'clerk', password: GOOD });
    auth.signOut();
    await auth.signIn({ staffId: 'clerk01', password: GOOD });
    return {
      auth,
      db,
      sessions,
      advance(seconds: number) {
        now = new Date(now.getTime() + seconds * 1000);
      },
      kinds: () =>
        db.prepare('SELECT staff_id, kind FROM session_log ORDER BY seq').all() as {
          staff_id: string | null;
          kind: string;
        }[],
    };
  }

  it('locks an idle session in main: calls are refused until the same clerk unlocks', async () => {
    const { auth, advance, kinds } = await signedInClerk(60);
    expect(auth.session()).toMatchObject({ locked: false, idleLockAt: '2026-11-21T09:01:00.000Z' });
    advance(59);
    auth.authorize('case.read');
    advance(61);
    expect(() => auth.authorize('case.read')).toThrow(
      expect.objectContaining({ code: 'SESSION_LOCKED' }),
    );
    expect(auth.session()).toMatchObject({ locked: true, idleLockAt: null });
    auth.authorize('session.resume');
    await expect(auth.unlock({ password: 'wrong-password-1' })).rejects.toMatchObject({
      code: 'AUTH_INVALID_CREDENTIALS',
    });
    expect(auth.session()?.locked).toBe(true);
    await expect(auth.unlock({ password: GOOD })).resolves.toMatchObject({ locked: false });
    auth.authorize('case.read');
    expect(kinds().slice(-4)).toEqual([
      { staff_id: 'clerk01', kind: 'signed-in' },
      { staff_id: 'clerk01', kind: 'idle-locked' },
      { staff_id: 'clerk01', kind: 'unlock-refused' },
      { staff_id: 'clerk01', kind: 'unlocked' },
    ]);
  });

  it('records refused sign-ins without the typed staff ID when it is unknown', async () => {
    const { auth, kinds } = await signedInClerk();
    auth.signOut();
    await expect(auth.signIn({ staffId: 'nobody', password: GOOD })).rejects.toMatchObject({
      code: 'AUTH_INVALID_CREDENTIALS',
    });
    expect(kinds().slice(-2)).toEqual([
      { staff_id: 'clerk01', kind: 'signed-out' },
      { staff_id: null, kind: 'sign-in-refused' },
    ]);
  });

  it('keeps an administrator away from cases, and a clerk away from staff management', async () => {
    const { auth } = await signedInClerk();
    expect(() => auth.authorize('staff.manage')).toThrow(
      expect.objectContaining({ code: 'PERMISSION_DENIED' }),
    );
    auth.signOut();
    await auth.signIn({ staffId: 'admin01', password: GOOD });
    expect(() => auth.authorize('case.read')).toThrow(
      expect.objectContaining({ code: 'PERMISSION_DENIED' }),
    );
  });
});
