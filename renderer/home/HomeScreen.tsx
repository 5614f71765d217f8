import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApplicationKind } from '../../domain/case-lifecycle';
import type { CallError, StaffSession } from '../../preload/contract';
import { roleHolds } from '../../preload/permissions';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { useTraining } from '../app/training';
import { ApplicationScreen } from '../apply/ApplicationScreen';
import { ArrivalScreen } from '../arrival/ArrivalScreen';
import { PinResetScreen, ReinstateScreen } from '../cardservice/CardServiceScreens';
import { CaseScreen } from '../case/CaseScreen';
import { ReaderStatus } from '../components/ReaderStatus';
import { TopBar } from '../components/TopBar';
import { DayEndScreen } from '../dayend/DayEndScreen';
import { FindScreen } from '../find/FindScreen';
import { HandoverScreen } from '../handover/HandoverScreen';
import { LossScreen } from '../loss/LossScreen';
import { ReviewScreen } from '../review/ReviewScreen';
import { IdleWarning } from '../session/IdleWarning';
import { LockScreen } from '../session/LockScreen';
import { useIdleLock } from '../session/useIdleLock';
import { SyncScreen } from '../sync/SyncScreen';
import { SyncStatusBar } from '../sync/SyncStatusBar';
import { CallErrorAlert } from '../components/CallErrorAlert';

/** Where the clerk is. Kept while the session is locked, so work resumes where it was. */
export type View =
  | { name: 'find' }
  | { name: 'case'; applicationId: string }
  | { name: 'loss'; applicationId: string; cardSerial: string; version: number }
  | { name: 'handover'; applicationId: string; cardSerial: string }
  | { name: 'apply'; personId?: string; kind?: ApplicationKind; fromApplicationId?: string }
  | { name: 'arrival' }
  | { name: 'pinReset'; applicationId: string; cardSerial: string }
  | { name: 'reinstate'; applicationId: string; cardSerial: string; version: number }
  | { name: 'dayEnd' }
  | { name: 'review' }
  | { name: 'sync' };

const SECTIONS = ['find', 'apply', 'arrival', 'review', 'dayEnd', 'sync'] as const;
/** A training store never syncs: no sync line, no sync screen. */
const TRAINING_SECTIONS = ['find', 'apply', 'arrival', 'dayEnd'] as const;

interface HomeScreenProps {
  session: StaffSession;
  /** Resolves to the error when main refused to sign out, null once signed out. */
  onSignOut: () => Promise<CallError | null>;
}

/** The signed-in shell: top bar, the sections a role may use, and the open screen. */
export function HomeScreen({ session, onSignOut }: HomeScreenProps) {
  const api = useApi();
  const { t } = useTranslation();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const [view, setView] = useState<View>({ name: 'find' });
  const headingRef = useRef<HTMLHeadingElement>(null);
  const idle = useIdleLock(session);
  const counterWork = roleHolds(session.role, 'case.read');
  const training = useTraining();
  const sections = training ? TRAINING_SECTIONS : SECTIONS;

  useEffect(() => {
    if (!counterWork) headingRef.current?.focus();
  }, [counterWork]);

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

  const section =
    view.name === 'case' ||
    view.name === 'loss' ||
    view.name === 'handover' ||
    view.name === 'pinReset' ||
    view.name === 'reinstate'
      ? 'find'
      : view.name;

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
            {session.locked ? null : (
              <button
                type="button"
                className="button button--secondary"
                data-testid="lock"
                onClick={() => void settle(api.auth.lock({}))}
              >
                {t('session.lock')}
              </button>
            )}
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
        {session.locked ? null : <ReaderStatus />}
        {!session.locked && !training && roleHolds(session.role, 'sync.read') ? (
          <SyncStatusBar {...(counterWork ? { onOpen: () => setView({ name: 'sync' }) } : {})} />
        ) : null}
        {!session.locked && counterWork ? (
          <nav className="sections" aria-label={t('nav.label')}>
            <ul className="sections__list">
              {sections.map((name) => (
                <li key={name}>
                  <button
                    type="button"
                    className="sections__item"
                    data-testid={`nav-${name}`}
                    aria-current={section === name ? 'page' : undefined}
                    onClick={() => setView({ name } as View)}
                  >
                    {t(`nav.${name}`)}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        {idle.secondsLeft !== null ? (
          <IdleWarning secondsLeft={idle.secondsLeft} onStay={idle.stayActive} />
        ) : null}
      </TopBar>
      {session.locked ? <LockScreen session={session} onSignOut={() => void signOut()} /> : null}
      {/* Kept mounted but hidden while locked: the clerk returns to the same screen. */}
      <main className="page" data-testid="screen-home" hidden={session.locked}>
        {error ? <CallErrorAlert error={error} title={t('home.signOutFailed')} /> : null}
        {counterWork ? (
          <CounterView
            view={view}
            role={session.role}
            locked={session.locked}
            onNavigate={setView}
          />
        ) : (
          <div className="empty-state" data-testid="home-empty">
            <h1 ref={headingRef} tabIndex={-1}>
              {t('home.emptyTitle')}
            </h1>
            <p>{t('home.emptyBody')}</p>
          </div>
        )}
      </main>
    </>
  );
}

function CounterView({
  view,
  role,
  locked,
  onNavigate,
}: {
  view: View;
  role: StaffSession['role'];
  locked: boolean;
  onNavigate: (view: View) => void;
}) {
  switch (view.name) {
    case 'find':
      return <FindScreen onOpen={(applicationId) => onNavigate({ name: 'case', applicationId })} />;
    case 'case':
      return (
        <CaseScreen
          key={view.applicationId}
          applicationId={view.applicationId}
          locked={locked}
          onNavigate={onNavigate}
        />
      );
    case 'loss':
      return (
        <LossScreen
          applicationId={view.applicationId}
          cardSerial={view.cardSerial}
          version={view.version}
          onDone={() => onNavigate({ name: 'case', applicationId: view.applicationId })}
        />
      );
    case 'handover':
      return (
        <HandoverScreen
          key={view.cardSerial}
          cardSerial={view.cardSerial}
          applicationId={view.applicationId}
          onDone={() => onNavigate({ name: 'case', applicationId: view.applicationId })}
        />
      );
    case 'apply':
      return (
        <ApplicationScreen
          key={view.personId ?? 'new'}
          {...(view.personId ? { personId: view.personId } : {})}
          {...(view.kind ? { kind: view.kind } : {})}
          onOpen={(applicationId) => onNavigate({ name: 'case', applicationId })}
        />
      );
    case 'arrival':
      return <ArrivalScreen />;
    case 'pinReset':
      return (
        <PinResetScreen
          key={view.cardSerial}
          applicationId={view.applicationId}
          cardSerial={view.cardSerial}
          onDone={() => onNavigate({ name: 'case', applicationId: view.applicationId })}
        />
      );
    case 'reinstate':
      return (
        <ReinstateScreen
          key={view.cardSerial}
          applicationId={view.applicationId}
          cardSerial={view.cardSerial}
          version={view.version}
          onDone={() => onNavigate({ name: 'case', applicationId: view.applicationId })}
        />
      );
    case 'dayEnd':
      return <DayEndScreen />;
    case 'review':
      return <ReviewScreen />;
    case 'sync':
      return <SyncScreen role={role} />;
  }
}
