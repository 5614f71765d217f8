import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallError } from '../../preload/contract';
import { TopBar } from '../components/TopBar';
import en from '../i18n/en.json';
import ja from '../i18n/ja.json';

export function StartingScreen() {
  const { t } = useTranslation();
  return (
    <>
      <TopBar />
      <main className="page" data-testid="screen-starting" aria-busy="true">
        <p className="lead" role="status">
          {t('app.starting')}
        </p>
      </main>
    </>
  );
}

interface StartFailedScreenProps {
  error: CallError | undefined;
  onRetry: () => void;
}

export function StartFailedScreen({ error, onRetry }: StartFailedScreenProps) {
  const { t } = useTranslation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  return (
    <>
      <TopBar />
      <main className="page" data-testid="screen-start-failed">
        <div className="panel">
          <h1 ref={headingRef} tabIndex={-1}>
            {t('app.startFailedTitle')}
          </h1>
          <div className="alert alert--error" data-testid="form-error" data-code={error?.code}>
            <p className="alert__message">
              {error
                ? t(`errors.${error.code}`, { defaultValue: t('errors.unknown') })
                : t('errors.unknown')}
            </p>
          </div>
          <div className="form__actions">
            <button
              type="button"
              className="button button--primary"
              data-testid="start-retry"
              onClick={onRetry}
            >
              {t('app.retry')}
            </button>
          </div>
        </div>
      </main>
    </>
  );
}

/**
 * Shown when the page is opened outside Madoguchi (no window.madoguchi bridge). There is no
 * settings call to ask for the language, so it says it in both.
 */
export function MissingBridgeScreen() {
  return (
    <main className="page" data-testid="screen-missing-bridge">
      <div className="panel">
        <h1 lang="ja">{ja.missingBridge.title}</h1>
        <p lang="ja">{ja.missingBridge.body}</p>
        <h2 lang="en" className="missing-bridge__en">
          {en.missingBridge.title}
        </h2>
        <p lang="en">{en.missingBridge.body}</p>
      </div>
    </main>
  );
}
