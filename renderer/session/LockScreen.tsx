import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallError, StaffSession } from '../../preload/contract';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { ErrorSummary } from '../components/ErrorSummary';
import { TextField } from '../components/TextField';

interface LockScreenProps {
  session: StaffSession;
  onSignOut: () => void;
}

/**
 * A locked session: nothing of the case work shows. The same member of staff unlocks with
 * their password; anyone else signs that session out first.
 */
export function LockScreen({ session, onSignOut }: LockScreenProps) {
  const api = useApi();
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<{ error: CallError; attempt: number } | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    passwordRef.current?.focus();
  }, [failure]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    const result = await settle(api.auth.unlock({ password }));
    setPending(false);
    setPassword('');
    // Success arrives as session.changed; the shell shows the work again.
    if (!result.ok) {
      setFailure((previous) => ({ error: result.error, attempt: (previous?.attempt ?? 0) + 1 }));
    }
  }

  return (
    <main className="page" data-testid="screen-locked">
      <div className="panel">
        <h1>{t('session.lockedTitle')}</h1>
        <p className="lead">{t('session.lockedBody', { name: session.displayName })}</p>
        {failure ? (
          <ErrorSummary
            key={failure.attempt}
            title={t('session.unlockFailed')}
            code={failure.error.code}
            message={t(`errors.${failure.error.code}`, { defaultValue: t('errors.unknown') })}
          />
        ) : null}
        <form className="form" noValidate onSubmit={(event) => void submit(event)}>
          <TextField
            ref={passwordRef}
            testId="unlock-password"
            label={t('fields.password.label')}
            name="password"
            type="password"
            autoComplete="current-password"
            aria-required="true"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <div className="form__actions">
            <button
              type="submit"
              className="button button--primary"
              data-testid="unlock-submit"
              aria-disabled={pending || undefined}
            >
              {t('session.unlock')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              data-testid="locked-sign-out"
              onClick={onSignOut}
            >
              {t('session.switchStaff')}
            </button>
          </div>
        </form>
      </div>
    </main>
  );
}
