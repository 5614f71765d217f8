import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { formatAge, syncLevel, useSyncStatus } from './useSyncStatus';

/**
 * The sync line under the top bar, on every screen: pending events and the oldest one's age,
 * the last successful sync, the revocation list's age. Warning and alarm have words as well
 * as colours, and changes are announced politely.
 */
export function SyncStatusBar({ onOpen }: { onOpen?: () => void }) {
  const { t, i18n } = useTranslation();
  const labelId = useId();
  const [state] = useSyncStatus();
  const status = state.phase === 'ready' ? state.status : null;
  const level = status ? syncLevel(status) : 'ok';
  const time = (iso: string) =>
    new Date(iso).toLocaleString(i18n.language, { dateStyle: 'short', timeStyle: 'short' });

  return (
    <section
      className={`sync-status sync-status--${level}`}
      aria-labelledby={labelId}
      data-testid="sync-status"
      data-level={level}
      data-state={status?.state ?? state.phase}
      data-pending={status?.pendingEvents ?? ''}
    >
      <span className="sync-status__label" id={labelId}>
        {t('sync.bar')}
      </span>
      <div className="sync-status__body" aria-live="polite" aria-atomic="true">
        {status === null ? null : !status.enrolled ? (
          <span className="sync-status__item">{t('sync.notEnrolled')}</span>
        ) : (
          <>
            <span className="sync-status__item" data-testid="sync-pending">
              {t('sync.pending', { count: status.pendingEvents })}
              {status.oldestPendingAgeMs !== null
                ? ` (${t('sync.oldest', { age: formatAge(t, status.oldestPendingAgeMs) })})`
                : ''}
            </span>
            <span className="sync-status__item">
              {status.lastSuccessAt
                ? t('sync.lastSuccess', { time: time(status.lastSuccessAt) })
                : t('sync.never')}
            </span>
            <span className="sync-status__item">
              {status.revocation.ageMs !== null
                ? t('sync.revocation', { age: formatAge(t, status.revocation.ageMs) })
                : t('sync.revocationNone')}
            </span>
            {level !== 'ok' && status.revocation.level !== 'fresh' ? (
              <strong className="sync-status__item sync-status__warning">
                {status.revocation.level === 'stale' ? t('sync.levelStale') : t('sync.levelWarn')}
              </strong>
            ) : null}
          </>
        )}
      </div>
      {onOpen ? (
        <button
          type="button"
          className="button button--secondary"
          data-testid="sync-open"
          onClick={onOpen}
        >
          {t('sync.open')}
        </button>
      ) : null}
    </section>
  );
}
