import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallError, StaffSession } from '../../preload/contract';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import type { Notice } from '../app/state';
import { ErrorSummary } from '../components/ErrorSummary';
import { TextField } from '../components/TextField';
import { TopBar } from '../components/TopBar';
import { fieldErrorsFromDetails } from '../i18n/field-errors';

const FIELDS = ['staffId', 'password'] as const;

function validationErrors(error: CallError | undefined) {
  return error?.code === 'VALIDATION_FAILED' ? fieldErrorsFromDetails(error.details, FIELDS) : {};
}

interface SignInScreenProps {
  notice: Notice | null;
  onSignedIn: (session: StaffSession) => void;
}

export function SignInScreen({ notice, onSignedIn }: SignInScreenProps) {
  const api = useApi();
  const { t } = useTranslation();
  const [staffId, setStaffId] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<{ error: CallError; attempt: number } | null>(null);
  const staffIdRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const fieldErrors = validationErrors(failure?.error);

  // After a failure the password is cleared and the cursor goes where the clerk types next:
  // the staff ID if that was the problem, otherwise the (now empty) password.
  useEffect(() => {
    if (failure === null) return;
    (validationErrors(failure.error).staffId ? staffIdRef : passwordRef).current?.focus();
  }, [failure]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    const result = await settle(api.auth.signIn({ staffId: staffId.trim(), password }));
    setPending(false);
    if (result.ok) {
      onSignedIn(result.value);
      return;
    }
    setPassword('');
    setFailure((previous) => ({ error: result.error, attempt: (previous?.attempt ?? 0) + 1 }));
  }

  return (
    <>
      <TopBar />
      <main className="page" data-testid="screen-signin">
        <div className="panel">
          <h1>{t('signin.title')}</h1>
          {notice && failure === null ? (
            <p className="notice" role="status" data-testid="signin-notice">
              {t(notice)}
            </p>
          ) : null}
          <p className="lead">{t('signin.intro')}</p>
          {failure ? (
            <ErrorSummary
              key={failure.attempt}
              title={t('signin.failedTitle')}
              code={failure.error.code}
              message={t(`errors.${failure.error.code}`, { defaultValue: t('errors.unknown') })}
            />
          ) : null}
          <form className="form" noValidate onSubmit={(event) => void submit(event)}>
            <TextField
              ref={staffIdRef}
              testId="signin-staff-id"
              label={t('fields.staffId.label')}
              error={fieldErrors.staffId && t(`fields.staffId.errors.${fieldErrors.staffId}`)}
              name="staffId"
              type="text"
              autoComplete="username"
              autoCapitalize="off"
              spellCheck={false}
              aria-required="true"
              autoFocus
              value={staffId}
              onChange={(event) => setStaffId(event.target.value)}
            />
            <TextField
              ref={passwordRef}
              testId="signin-password"
              label={t('fields.password.label')}
              error={fieldErrors.password && t(`fields.password.errors.${fieldErrors.password}`)}
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
                data-testid="signin-submit"
                aria-disabled={pending || undefined}
              >
                {pending ? t('signin.submitting') : t('signin.submit')}
              </button>
            </div>
          </form>
        </div>
      </main>
    </>
  );
}
