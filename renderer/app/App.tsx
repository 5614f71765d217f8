import { useCallback, useEffect, useReducer, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallError, StaffSession } from '../../preload/contract';
import { HomeScreen } from '../home/HomeScreen';
import { isLanguage } from '../i18n';
import { SetupScreen } from '../setup/SetupScreen';
import { SignInScreen } from '../signin/SignInScreen';
import { useApi } from './ApiContext';
import { StartFailedScreen, StartingScreen } from './StartScreens';
import { TrainingBanner, TrainingContext, TrainingWatermark } from './training';
import { settle } from './settle';
import { appReducer, initialAppState, screenOf } from './state';

/**
 * The shell: asks main where things stand (setup.status, auth.session), follows
 * session.changed and settings.changed, and shows the one screen that fits.
 */
export function App() {
  const api = useApi();
  const { i18n } = useTranslation();
  const [state, dispatch] = useReducer(appReducer, initialAppState);
  const [startAttempt, setStartAttempt] = useState(0);
  const [training, setTraining] = useState(false);

  useEffect(() => {
    void settle(api.app.info({})).then((info) => {
      if (info.ok) setTraining(info.value.mode === 'training');
    });
  }, [api]);

  // The page language follows the shown language: screen readers pick their voice from it,
  // and Chromium its Japanese or Latin glyph shapes.
  useEffect(() => {
    const follow = (language: string) => {
      document.documentElement.lang = language;
    };
    follow(i18n.language);
    i18n.on('languageChanged', follow);
    return () => i18n.off('languageChanged', follow);
  }, [i18n]);

  useEffect(
    () =>
      api.on('settings.changed', (settings) => {
        if (isLanguage(settings.language) && settings.language !== i18n.language) {
          void i18n.changeLanguage(settings.language);
        }
      }),
    [api, i18n],
  );

  // The session subscription comes before the start-up calls (effects run in order), so a
  // change that happens in between is not missed.
  useEffect(
    () =>
      api.on('session.changed', (session) => {
        dispatch({ type: 'sessionChanged', session });
      }),
    [api],
  );

  useEffect(() => {
    let active = true;
    dispatch({ type: 'bootStarted' });
    void Promise.all([settle(api.setup.status({})), settle(api.auth.session({}))]).then(
      ([setup, session]) => {
        if (!active) return;
        if (!setup.ok) dispatch({ type: 'bootFailed', error: setup.error });
        else if (!session.ok) dispatch({ type: 'bootFailed', error: session.error });
        else {
          dispatch({
            type: 'bootLoaded',
            needsFirstAdministrator: setup.value.needsFirstAdministrator,
            session: session.value,
          });
        }
      },
    );
    return () => {
      active = false;
    };
  }, [api, startAttempt]);

  const signedIn = useCallback((session: StaffSession) => {
    dispatch({ type: 'sessionChanged', session });
  }, []);

  const signOut = useCallback(async (): Promise<CallError | null> => {
    dispatch({ type: 'signOutStarted' });
    const result = await settle(api.auth.signOut({}));
    if (!result.ok) {
      dispatch({ type: 'signOutFailed' });
      return result.error;
    }
    dispatch({ type: 'sessionChanged', session: null });
    return null;
  }, [api]);

  // A plain call, not a component: the shown screen keeps its state across renders.
  const screen = renderScreen();
  return (
    <TrainingContext value={training}>
      {training ? <TrainingBanner /> : null}
      {screen}
      {training ? <TrainingWatermark /> : null}
    </TrainingContext>
  );

  function renderScreen() {
    switch (screenOf(state)) {
      case 'starting':
        return <StartingScreen />;
      case 'startFailed':
        return (
          <StartFailedScreen
            error={state.boot.phase === 'failed' ? state.boot.error : undefined}
            onRetry={() => setStartAttempt((attempt) => attempt + 1)}
          />
        );
      case 'setup':
        return (
          <SetupScreen
            onCreated={signedIn}
            onAlreadyDone={() => dispatch({ type: 'setupAlreadyDone' })}
          />
        );
      case 'signIn':
        return <SignInScreen notice={state.notice} onSignedIn={signedIn} />;
      case 'home':
        return state.session ? (
          <HomeScreen key={state.session.staffId} session={state.session} onSignOut={signOut} />
        ) : null;
    }
  }
}
