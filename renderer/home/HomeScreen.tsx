import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallError, StaffSession } from '../../preload/contract';
import { ReaderStatus } from '../components/ReaderStatus';
import { TopBar } from '../components/TopBar';

interface HomeScreenProps {
  session: StaffSession;
  /** Resolves to the error when main refused to sign out, null once signed out. */
  onSignOut: () => Promise<CallError | null>;
}

/** Where a signed-in clerk lands. No case workflow exists yet, so the body says so. */
export function HomeScreen({ session, onSignOut }: HomeScreenProps) {
  const { t } = useTranslation();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // A new screen: start the reading (and the keyboard) at its heading.
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  async function signOut() {
    if (pending) return;
    setPending(true);
    const failure = await onSignOut();
    // On success this screen is already gone; only a failure needs handling here.
    if (failure !== null) {
      setPending(false);
      setError(failure);
    }
  }

  return (
    <>
      <TopBar
        actions={
          <>
            <p className="staff" data-testid="signed-in-staff" data-role={session.role}>
              <span className="visually-hidden">{t('home.signedInAs')}: </span>
              <span className="staff__name" data-testid="staff-name">
                {session.displayName}
              </span>
              <span className="staff__role" data-testid="staff-role">
                {t(`roles.${session.role}`)}
              </span>
            </p>
            <button
              type="button"
              className="button button--secondary"
              data-testid="sign-out"
              aria-disabled={pending || undefined}
              onClick={() => void signOut()}
            >
              {pending ? t('home.signingOut') : t('home.signOut')}
            </button>
          </>
        }
      >
        <ReaderStatus />
      </TopBar>
      <main className="page" data-testid="screen-home">
        {error ? (
          <div
            className="alert alert--error"
            role="alert"
            data-testid="form-error"
            data-code={error.code}
          >
            <h2 className="alert__title">{t('home.signOutFailed')}</h2>
            <p className="alert__message">
              {t(`errors.${error.code}`, { defaultValue: t('errors.unknown') })}
            </p>
          </div>
        ) : null}
        <div className="empty-state" data-testid="home-empty">
          <h1 ref={headingRef} tabIndex={-1}>
            {t('home.emptyTitle')}
          </h1>
          <p>{t('home.emptyBody')}</p>
        </div>
      </main>
    </>
  );
}
