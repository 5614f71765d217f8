import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { parseIsoDate } from '../../domain/japanese-era';
import {
  CARD_SECRETS,
  cardSecretProblems,
  normalizePin,
  normalizeSignaturePassword,
  PIN_PROBLEM_MESSAGES,
  type CardSecret,
  type PinProblem,
} from '../../domain/pin-rules';
import type { ApplicantRequest, CallError, Language } from '../../preload/contract';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { TrainingBanner, TrainingWatermark } from '../app/training';
import { createI18n, LANGUAGE_NAMES, SUPPORTED_LANGUAGES } from '../i18n';
import '../handover/handover.css';

const SECRETS = Object.keys(CARD_SECRETS) as CardSecret[];
const EMPTY: Record<CardSecret, string> = {
  'signature-password': '',
  'user-authentication-pin': '',
  'resident-registry-pin': '',
  'card-info-input-pin': '',
};

/** The rules each kind of secret is checked against, in the order the screen lists them. */
type ListedRule =
  | 'too-short'
  | 'too-long'
  | 'bad-characters'
  | 'needs-letter'
  | 'needs-digit'
  | 'not-4-digits'
  | 'all-same-digit'
  | 'sequence'
  | 'birth-date';
const RULES: Record<'signature-password' | 'four-digit-pin', readonly ListedRule[]> = {
  'signature-password': ['too-short', 'too-long', 'bad-characters', 'needs-letter', 'needs-digit'],
  'four-digit-pin': ['not-4-digits', 'all-same-digit', 'sequence', 'birth-date'],
};

/** How often the screen asks main whether the counter wants the PINs (it has no session of its own). */
const POLL_MS = 1000;

/**
 * The applicant-facing window (app://counter/#applicant, on the second display): large type,
 * its own Japanese/English switch, and the four secrets typed here only. They go from this
 * window straight to main (applicant.setPins, a call only this window may make) and are
 * cleared from the form at once; the clerk's screen sees "set", never a digit.
 */
export function ApplicantApp({ initialLanguage }: { initialLanguage: Language }) {
  const [i18n] = useState(() => createI18n(initialLanguage));
  return (
    <I18nextProvider i18n={i18n}>
      <ApplicantScreen />
    </I18nextProvider>
  );
}

function ApplicantScreen() {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const [request, setRequest] = useState<ApplicantRequest>({
    state: 'idle',
    birthDate: null,
    signatureCertificate: false,
  });
  const [training, setTraining] = useState(false);

  useEffect(() => {
    document.documentElement.lang = i18n.language;
  }, [i18n.language]);

  useEffect(() => {
    void settle(api.app.info({})).then((info) => {
      if (info.ok) setTraining(info.value.mode === 'training');
    });
  }, [api]);

  const refresh = useCallback(async () => {
    const result = await settle(api.applicant.request({}));
    if (result.ok) setRequest(result.value);
  }, [api]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    const stop = api.on('handover.applicant', () => void refresh());
    return () => {
      clearInterval(timer);
      stop();
    };
  }, [api, refresh]);

  const asking = request.state === 'waiting' || request.state === 'failed';
  return (
    <div className="applicant" data-testid="screen-applicant" data-state={request.state}>
      {training ? <TrainingBanner /> : null}
      <header className="applicant__bar">
        <p className="applicant__brand">{t('applicant.brand')}</p>
        <div className="segmented" role="group" aria-label={t('language.label')}>
          {SUPPORTED_LANGUAGES.map((language) => (
            <button
              key={language}
              type="button"
              lang={language}
              className="segmented__option"
              aria-pressed={language === i18n.language}
              data-testid={`applicant-language-${language}`}
              onClick={() => void i18n.changeLanguage(language)}
            >
              {LANGUAGE_NAMES[language]}
            </button>
          ))}
        </div>
      </header>
      <main className="applicant__main">
        {asking && request.birthDate ? (
          <SecretsForm request={request} onSent={() => void refresh()} />
        ) : (
          <Waiting state={request.state} />
        )}
      </main>
      {training ? <TrainingWatermark /> : null}
    </div>
  );
}

function Waiting({ state }: { state: ApplicantRequest['state'] }) {
  const { t } = useTranslation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [state]);
  const key = state === 'set' ? 'done' : state === 'setting' ? 'setting' : 'idle';
  return (
    <section className="applicant__secret" data-testid={`applicant-${key}`} aria-live="polite">
      <h1 ref={headingRef} tabIndex={-1}>
        {t(`applicant.${key}.title`)}
      </h1>
      <p>{t(`applicant.${key}.body`)}</p>
    </section>
  );
}

function SecretsForm({ request, onSent }: { request: ApplicantRequest; onSent: () => void }) {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const lang = (i18n.language === 'en' ? 'en' : 'ja') as Language;
  const [values, setValues] = useState<Record<CardSecret, string>>(EMPTY);
  const [confirm, setConfirm] = useState<Record<CardSecret, string>>(EMPTY);
  const [shown, setShown] = useState(false);
  const [failure, setFailure] = useState<CallError | null>(null);
  const [pending, setPending] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const birthDate = parseIsoDate(request.birthDate ?? '');

  useEffect(() => headingRef.current?.focus(), []);

  const problems = (secret: CardSecret): readonly PinProblem[] =>
    birthDate ? cardSecretProblems(secret, values[secret], { birthDate }) : [];
  const mismatch = (secret: CardSecret) =>
    confirm[secret] !== '' && confirm[secret] !== values[secret];
  const normalize = (secret: CardSecret, text: string) =>
    CARD_SECRETS[secret].format === 'signature-password'
      ? normalizeSignaturePassword(text)
      : normalizePin(text)
          .replace(/[^0-9]/g, '')
          .slice(0, 4);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setShown(true);
    const ready = SECRETS.every(
      (s) => problems(s).length === 0 && values[s] !== '' && confirm[s] === values[s],
    );
    if (!ready || pending) return;
    setPending(true);
    const secrets = { ...values };
    // The form forgets the secrets at once, whatever main answers.
    setValues(EMPTY);
    setConfirm(EMPTY);
    setShown(false);
    const result = await settle(api.applicant.setPins({ secrets }));
    for (const s of SECRETS) secrets[s] = '';
    setPending(false);
    if (result.ok) onSent();
    else setFailure(result.error);
  }

  return (
    <form className="form form--wide" noValidate onSubmit={(event) => void submit(event)}>
      <h1 ref={headingRef} tabIndex={-1}>
        {t('applicant.form.title')}
      </h1>
      <p>{t('applicant.form.intro')}</p>
      {failure ? (
        <div className="alert alert--error" role="alert" data-testid="applicant-error">
          <p className="alert__message">
            {failure.code === 'VALIDATION_FAILED'
              ? t('applicant.form.refused')
              : t('applicant.form.failed')}
          </p>
        </div>
      ) : null}
      {SECRETS.map((secret) => {
        const rule = CARD_SECRETS[secret];
        const found = problems(secret);
        const typed = values[secret] !== '';
        const id = `applicant-${secret}`;
        const error =
          shown && !typed
            ? t('applicant.form.required')
            : shown && mismatch(secret)
              ? t('applicant.form.mismatch')
              : shown && confirm[secret] === ''
                ? t('applicant.form.confirmRequired')
                : undefined;
        return (
          <fieldset key={secret} className="applicant__secret" data-testid={`${id}-group`}>
            <legend className="field__label">{rule.name[lang]}</legend>
            <ul className="rules" id={`${id}-rules`} data-testid={`${id}-rules`}>
              {RULES[rule.format].map((problem) => {
                const bad = typed && found.includes(problem);
                const ok = typed && !bad;
                return (
                  <li
                    key={problem}
                    className={`rules__item${bad ? ' rules__item--bad' : ok ? ' rules__item--ok' : ''}`}
                    data-rule={problem}
                    data-ok={ok || undefined}
                  >
                    <span aria-hidden="true">{bad ? '✗ ' : ok ? '✓ ' : '・'}</span>
                    {bad ? PIN_PROBLEM_MESSAGES[problem][lang] : t(`applicant.rules.${problem}`)}
                  </li>
                );
              })}
              {found.includes('full-width-characters') ? (
                <li className="rules__item rules__item--bad">
                  {PIN_PROBLEM_MESSAGES['full-width-characters'][lang]}
                </li>
              ) : null}
            </ul>
            <div className={error ? 'field field--invalid' : 'field'}>
              <label className="field__label" htmlFor={id}>
                {t(
                  rule.format === 'signature-password'
                    ? 'applicant.form.enterPassword'
                    : 'applicant.form.enter',
                )}
              </label>
              <input
                id={id}
                className="field__input"
                data-testid={id}
                type="password"
                autoComplete="off"
                spellCheck={false}
                inputMode={rule.format === 'four-digit-pin' ? 'numeric' : 'text'}
                aria-describedby={`${id}-rules${error ? ` ${id}-error` : ''}`}
                aria-invalid={error ? true : undefined}
                value={values[secret]}
                onChange={(event) =>
                  setValues((v) => ({ ...v, [secret]: normalize(secret, event.target.value) }))
                }
              />
            </div>
            <div className="field">
              <label className="field__label" htmlFor={`${id}-confirm`}>
                {t('applicant.form.confirm')}
              </label>
              <input
                id={`${id}-confirm`}
                className="field__input"
                data-testid={`${id}-confirm`}
                type="password"
                autoComplete="off"
                spellCheck={false}
                inputMode={rule.format === 'four-digit-pin' ? 'numeric' : 'text'}
                value={confirm[secret]}
                onChange={(event) =>
                  setConfirm((v) => ({ ...v, [secret]: normalize(secret, event.target.value) }))
                }
              />
            </div>
            {error ? (
              <p className="field__error" id={`${id}-error`} data-testid={`${id}-error`}>
                {error}
              </p>
            ) : null}
          </fieldset>
        );
      })}
      {request.signatureCertificate ? null : (
        <p className="note" data-testid="applicant-no-signature">
          {t('applicant.form.noSignatureCertificate')}
        </p>
      )}
      <div className="form__actions">
        <button
          type="submit"
          className="button button--primary"
          data-testid="applicant-submit"
          aria-disabled={pending || undefined}
        >
          {pending ? t('applicant.form.sending') : t('applicant.form.submit')}
        </button>
      </div>
    </form>
  );
}
