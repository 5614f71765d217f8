// Which screen the app shows, as a pure reducer so the rules can be read and tested in one
// place. The session itself lives in main: this only mirrors what `auth.session` and the
// `session.changed` event say, and is never written to storage.

import type { CallError, StaffSession } from '../../preload/contract';

/** A sentence the sign-in screen shows to explain why it is there. Keys of the catalogs. */
export type Notice = 'signin.signedOut' | 'signin.sessionEnded' | 'errors.SETUP_ALREADY_DONE';

export interface AppState {
  boot: { phase: 'loading' } | { phase: 'failed'; error: CallError } | { phase: 'ready' };
  needsFirstAdministrator: boolean;
  session: StaffSession | null;
  /**
   * A session.changed event arrived while the start-up calls were under way. The event is
   * newer than the answer of auth.session, so that answer must not overwrite it.
   */
  sessionFromEvent: boolean;
  /** The clerk pressed "sign out": the session ending is expected, not a surprise. */
  signingOut: boolean;
  notice: Notice | null;
}

export type AppAction =
  | { type: 'bootStarted' }
  | { type: 'bootLoaded'; needsFirstAdministrator: boolean; session: StaffSession | null }
  | { type: 'bootFailed'; error: CallError }
  | { type: 'sessionChanged'; session: StaffSession | null }
  | { type: 'signOutStarted' }
  | { type: 'signOutFailed' }
  | { type: 'setupAlreadyDone' };

export const initialAppState: AppState = {
  boot: { phase: 'loading' },
  needsFirstAdministrator: false,
  session: null,
  sessionFromEvent: false,
  signingOut: false,
  notice: null,
};

export function appReducer(state: AppState, action: AppAction): AppState {
  switch (action.type) {
    case 'bootStarted':
      return { ...state, boot: { phase: 'loading' }, sessionFromEvent: false };
    case 'bootLoaded': {
      const session = state.sessionFromEvent ? state.session : action.session;
      return {
        ...state,
        boot: { phase: 'ready' },
        session,
        // Someone is signed in, so an administrator exists whatever the first answer said.
        needsFirstAdministrator: session === null && action.needsFirstAdministrator,
      };
    }
    case 'bootFailed':
      return { ...state, boot: { phase: 'failed', error: action.error } };
    case 'sessionChanged':
      return withSession({ ...state, sessionFromEvent: true }, action.session);
    case 'signOutStarted':
      return { ...state, signingOut: true };
    case 'signOutFailed':
      return { ...state, signingOut: false };
    case 'setupAlreadyDone':
      return { ...state, needsFirstAdministrator: false, notice: 'errors.SETUP_ALREADY_DONE' };
  }
}

function withSession(state: AppState, session: StaffSession | null): AppState {
  if (session !== null) {
    return { ...state, session, needsFirstAdministrator: false, signingOut: false, notice: null };
  }
  if (state.session === null) return { ...state, signingOut: false };
  return {
    ...state,
    session: null,
    signingOut: false,
    notice: state.signingOut ? 'signin.signedOut' : 'signin.sessionEnded',
  };
}

export type Screen = 'starting' | 'startFailed' | 'setup' | 'signIn' | 'home';

export function screenOf(state: AppState): Screen {
  if (state.boot.phase === 'loading') return 'starting';
  if (state.boot.phase === 'failed') return 'startFailed';
  if (state.session !== null) return 'home';
  return state.needsFirstAdministrator ? 'setup' : 'signIn';
}
