import { useTranslation } from 'react-i18next';

interface IdleWarningProps {
  secondsLeft: number;
  onStay: () => void;
}

/** Shown in the last minute before main locks an idle session. */
export function IdleWarning({ secondsLeft, onStay }: IdleWarningProps) {
  const { t } = useTranslation();
  return (
    <div className="idle-warning" data-testid="idle-warning" data-seconds={secondsLeft}>
      {/* Announced once; the ticking number is for the eye only. */}
      <p role="alert" className="idle-warning__text">
        {t('session.idleWarning')}
      </p>
      <p className="idle-warning__count" aria-hidden="true">
        {t('session.idleCountdown', { seconds: secondsLeft })}
      </p>
      <button
        type="button"
        className="button button--secondary"
        data-testid="idle-stay"
        onClick={onStay}
      >
        {t('session.stay')}
      </button>
    </div>
  );
}
