import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallError, ErrorCode, StaffSession } from '../../preload/contract';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { ErrorSummary, type ErrorSummaryItem } from '../components/ErrorSummary';
import { TextField } from '../components/TextField';
import { TopBar } from '../components/TopBar';
import { fieldErrorsFromDetails, type FieldErrorKind } from '../i18n/field-errors';

interface FieldErrors {
  staffId?: FieldErrorKind | 'taken';
  displayName?: FieldErrorKind;
  password?: FieldErrorKind | PolicyReason;
  passwordConfirmation?: 'required' | 'mismatch';
}

interface Failure {
  /** Undefined when the renderer found the problem before asking main. */
  code?: ErrorCode;
  errors: FieldErrors;
  attempt: number;
}

interface SetupScreenProps {
  onCreated: (session: StaffSession) => void;
  onAlreadyDone: () => void;
}

/**
 * First run: no staff account exists yet, so the first administrator creates one and is
 * signed in with it. There is no default account and no default password. The password
 * rules are enforced by main (PASSWORD_POLICY); this screen explains them up front.
 */
export function SetupScreen({ onCreated, onAlreadyDone }: SetupScreenProps) {
  const api = useApi();
  const { t } = useTranslation();
  const [staffId, setStaffId] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const policyId = useId();
  const refs = {
    staffId: useRef<HTMLInputElement>(null),
    displayName: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
    passwordConfirmation: useRef<HTMLInputElement>(null),
  };

  // The summary lists every problem with a way to jump to its field; focusing it lets a
  // screen reader read them all and a keyboard user tab straight to the first one.
  useEffect(() => {
    if (failure !== null) summaryRef.current?.focus();
  }, [failure]);

  function fail(errors: FieldErrors, code?: ErrorCode) {
    setFailure((previous) => ({
      ...(code === undefined ? {} : { code }),
      errors,
      attempt: (previous?.attempt ?? 0) + 1,
    }));
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;

    // Only what main cannot see (the confirmation) or what needs no round trip (empty
    // fields) is checked here; formats, lengths and the password rules are main's to judge.
    const local: FieldErrors = {};
    if (staffId.trim() === '') local.staffId = 'required';
    if (displayName.trim() === '') local.displayName = 'required';
    if (password === '') local.password = 'required';
    if (confirmation === '') local.passwordConfirmation = 'required';
    else if (confirmation !== password) local.passwordConfirmation = 'mismatch';
    if (Object.keys(local).length > 0) {
      fail(local);
      return;
    }

    setPending(true);
    const result = await settle(
      api.setup.createFirstAdministrator({ staffId: staffId.trim(), displayName, password }),
    );
    setPending(false);
    if (result.ok) {
      onCreated(result.value);
      return;
    }
    const { error } = result;
    switch (error.code) {
      case 'SETUP_ALREADY_DONE':
        onAlreadyDone();
        return;
      case 'VALIDATION_FAILED':
        fail(
          fieldErrorsFromDetails(error.details, ['staffId', 'displayName', 'password'] as const),
          error.code,
        );
        return;
      case 'STAFF_ID_TAKEN':
        fail({ staffId: 'taken' }, error.code);
        return;
      case 'PASSWORD_POLICY':
        setPassword('');
        setConfirmation('');
        fail({ password: policyReason(error.details) }, error.code);
        return;
      default:
        fail({}, error.code);
    }
  }

  const errors = failure?.errors ?? {};
  const messages = {
    staffId: errors.staffId && t(`fields.staffId.errors.${errors.staffId}`),
    displayName: errors.displayName && t(`fields.displayName.errors.${errors.displayName}`),
    password: errors.password && t(`fields.password.errors.${errors.password}`),
    passwordConfirmation:
      errors.passwordConfirmation &&
      t(`fields.passwordConfirmation.errors.${errors.passwordConfirmation}`),
  };
  const items: ErrorSummaryItem[] = (Object.keys(messages) as (keyof typeof messages)[]).flatMap(
    (field) => {
      const text = messages[field];
      return text ? [{ text, target: () => refs[field].current }] : [];
    },
  );

  return (
    <>
      <TopBar />
      <main className="page" data-testid="screen-setup">
        <div className="panel panel--split">
          <div className="panel__intro">
            <h1>{t('setup.title')}</h1>
            <p className="lead">{t('setup.intro')}</p>
            <p>{t('setup.afterCreate')}</p>
            <div className="info-box" id={policyId} data-testid="password-policy">
              <h2 className="info-box__title">{t('passwordPolicy.title')}</h2>
              <ul className="policy-list">
                <li>{t('passwordPolicy.minLength')}</li>
                <li>{t('passwordPolicy.distinct')}</li>
                <li>{t('passwordPolicy.noStaffId')}</li>
              </ul>
            </div>
          </div>
          <div className="panel__body">
            {failure ? (
              <ErrorSummary
                key={failure.attempt}
                ref={summaryRef}
                code={failure.code}
                title={items.length > 0 ? t('form.errorTitle') : t('setup.failedTitle')}
                message={
                  items.length === 0 && failure.code
                    ? t(`errors.${failure.code}`, { defaultValue: t('errors.unknown') })
                    : undefined
                }
                items={items}
              />
            ) : null}
            <form className="form" noValidate onSubmit={(event) => void submit(event)}>
              <TextField
                ref={refs.staffId}
                testId="setup-staff-id"
                label={t('fields.staffId.label')}
                hint={t('fields.staffId.hint')}
                error={messages.staffId}
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
                ref={refs.displayName}
                testId="setup-display-name"
                label={t('fields.displayName.label')}
                hint={t('fields.displayName.hint')}
                error={messages.displayName}
                name="displayName"
                type="text"
                autoComplete="name"
                aria-required="true"
                value={displayName}
                onChange={(event) => setDisplayName(event.target.value)}
              />
              <TextField
                ref={refs.password}
                testId="setup-password"
                label={t('fields.password.label')}
                hint={t('fields.password.hint')}
                describedBy={policyId}
                error={messages.password}
                name="password"
                type="password"
                autoComplete="new-password"
                aria-required="true"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
              <TextField
                ref={refs.passwordConfirmation}
                testId="setup-password-confirmation"
                label={t('fields.passwordConfirmation.label')}
                hint={t('fields.passwordConfirmation.hint')}
                error={messages.passwordConfirmation}
                name="passwordConfirmation"
                type="password"
                autoComplete="new-password"
                aria-required="true"
                value={confirmation}
                onChange={(event) => setConfirmation(event.target.value)}
              />
              <div className="form__actions">
                <button
                  type="submit"
                  className="button button--primary"
                  data-testid="setup-submit"
                  aria-disabled={pending || undefined}
                >
                  {pending ? t('setup.submitting') : t('setup.submit')}
                </button>
              </div>
            </form>
          </div>
        </div>
      </main>
    </>
  );
}

/** Main names the rule a password broke (main/auth/passwords.ts); unknown reasons stay generic. */
const POLICY_REASONS = ['too_short', 'too_few_distinct', 'contains_staff_id'] as const;
type PolicyReason = (typeof POLICY_REASONS)[number] | 'policy';

function policyReason(details: CallError['details']): PolicyReason {
  const reason = details?.find((detail) => detail.path === 'password')?.reason;
  return POLICY_REASONS.find((known) => known === reason) ?? 'policy';
}
