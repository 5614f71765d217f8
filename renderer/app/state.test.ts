import { describe, expect, it } from 'vitest';
import type { StaffSession } from '../../preload/contract';
import { appReducer, initialAppState, screenOf, type AppAction, type AppState } from './state';

const hanako: StaffSession = {
  staffId: 'hanako.yamada',
  displayName: '山田 花子',
  role: 'administrator',
  signedInAt: '2025-04-01T09:00:00.000Z',
  locked: false,
  idleLockAt: '2025-04-01T09:05:00.000Z',
  idleLockSeconds: 300,
};

const run = (...actions: AppAction[]): AppState => actions.reduce(appReducer, initialAppState);

describe('which screen the counter shows', () => {
  it('a new terminal opens on the first-administrator screen', () => {
    const state = run(
      { type: 'bootStarted' },
      { type: 'bootLoaded', needsFirstAdministrator: true, session: null },
    );
    expect(screenOf(state)).toBe('setup');
  });

  it('creating the first administrator signs them in, and signing out leads to sign-in', () => {
    const state = run(
      { type: 'bootLoaded', needsFirstAdministrator: true, session: null },
      { type: 'sessionChanged', session: hanako },
    );
    expect(screenOf(state)).toBe('home');
    const after = run(
      { type: 'bootLoaded', needsFirstAdministrator: true, session: null },
      { type: 'sessionChanged', session: hanako },
      { type: 'signOutStarted' },
      { type: 'sessionChanged', session: null },
    );
    expect(screenOf(after)).toBe('signIn');
    expect(after.notice).toBe('signin.signedOut');
  });

  it('a session main ends on its own is explained on the sign-in screen', () => {
    const state = run(
      { type: 'bootLoaded', needsFirstAdministrator: false, session: hanako },
      { type: 'sessionChanged', session: null },
    );
    expect(screenOf(state)).toBe('signIn');
    expect(state.notice).toBe('signin.sessionEnded');
  });

  it('a session event during start-up wins over the older auth.session answer', () => {
    const state = run(
      { type: 'bootStarted' },
      { type: 'sessionChanged', session: null },
      { type: 'bootLoaded', needsFirstAdministrator: false, session: hanako },
    );
    expect(screenOf(state)).toBe('signIn');
  });

  it('a failed start-up shows the failure, and a retry starts again', () => {
    const failed = run({
      type: 'bootFailed',
      error: { code: 'STORE_UNAVAILABLE', message: 'x' },
    });
    expect(screenOf(failed)).toBe('startFailed');
    expect(screenOf(appReducer(failed, { type: 'bootStarted' }))).toBe('starting');
  });

  it('setup done elsewhere sends the clerk to sign-in with a reason', () => {
    const state = run(
      { type: 'bootLoaded', needsFirstAdministrator: true, session: null },
      { type: 'setupAlreadyDone' },
    );
    expect(screenOf(state)).toBe('signIn');
    expect(state.notice).toBe('errors.SETUP_ALREADY_DONE');
  });

  it('signing in clears the notice of the last sign-out', () => {
    const state = run(
      { type: 'bootLoaded', needsFirstAdministrator: false, session: hanako },
      { type: 'signOutStarted' },
      { type: 'sessionChanged', session: null },
      { type: 'sessionChanged', session: hanako },
    );
    expect(state.notice).toBeNull();
  });
});
