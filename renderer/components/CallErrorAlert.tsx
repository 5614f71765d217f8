import { useTranslation } from 'react-i18next';
import type { CallError } from '../../preload/contract';

interface CallErrorAlertProps {
  error: CallError;
  /** A heading above the message, when the screen says what failed. */
  title?: string;
  testId?: string;
}

/**
 * A call that main refused, in the clerk's language: the message translated from the error
 * code (never main's English text), announced by screen readers (role="alert").
 */
export function CallErrorAlert({ error, title, testId = 'form-error' }: CallErrorAlertProps) {
  const { t } = useTranslation();
  return (
    <div className="alert alert--error" role="alert" data-testid={testId} data-code={error.code}>
      {title ? <h2 className="alert__title">{title}</h2> : null}
      <p className="alert__message">
        {t(`errors.${error.code}`, { defaultValue: t('errors.unknown') })}
      </p>
    </div>
  );
}
