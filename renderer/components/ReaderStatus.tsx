import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallError, ReaderCardState, ReaderSnapshot } from '../../preload/contract';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';

type View =
  | { phase: 'loading' }
  | { phase: 'failed'; error: CallError }
  | { phase: 'ready'; snapshot: ReaderSnapshot };

/** What the container's data-service says, for tests to wait on. */
type ServiceState = 'loading' | 'failed' | ReaderSnapshot['service'];

/**
 * The card readers as main sees them: reader.snapshot once (the component is only mounted
 * for a signed-in clerk, as the call needs a session), then every reader.changed event.
 * Each state has a word and a shape as well as a colour, and changes are announced politely.
 */
export function ReaderStatus() {
  const api = useApi();
  const { t } = useTranslation();
  const labelId = useId();
  const [view, setView] = useState<View>({ phase: 'loading' });

  useEffect(() => {
    let active = true;
    // Subscribe first; an event that arrives before the snapshot answer is the newer news.
    let eventSeen = false;
    const unsubscribe = api.on('reader.changed', (snapshot) => {
      eventSeen = true;
      setView({ phase: 'ready', snapshot });
    });
    void settle(api.reader.snapshot({})).then((result) => {
      if (!active || eventSeen) return;
      setView(
        result.ok
          ? { phase: 'ready', snapshot: result.value }
          : { phase: 'failed', error: result.error },
      );
    });
    return () => {
      active = false;
      unsubscribe();
    };
  }, [api]);

  const service: ServiceState = view.phase === 'ready' ? view.snapshot.service : view.phase;
  const readers = view.phase === 'ready' && service === 'running' ? view.snapshot.readers : [];

  return (
    <section
      className="reader-status"
      aria-labelledby={labelId}
      data-testid="reader-status"
      data-service={service}
      data-readers={readers.length}
    >
      <span className="reader-status__label" id={labelId}>
        {t('reader.title')}
      </span>
      <div className="reader-status__body" aria-live="polite" aria-atomic="true">
        {view.phase === 'loading' ? <p className="reader-note">{t('reader.loading')}</p> : null}
        {view.phase === 'failed' ? (
          <p className="reader-note reader-note--warning" data-code={view.error.code}>
            <StateIcon state="unavailable" />
            {t('reader.failed')}
          </p>
        ) : null}
        {service === 'unavailable' ? (
          <p className="reader-note reader-note--warning">
            <StateIcon state="unavailable" />
            {t('reader.serviceUnavailable')}
          </p>
        ) : null}
        {service === 'running' && readers.length === 0 ? (
          <p className="reader-note">
            <StateIcon state="empty" />
            {t('reader.noReader')}
          </p>
        ) : null}
        {readers.length > 0 ? (
          <ul className="reader-list">
            {readers.map((reader) => (
              <li
                key={reader.name}
                className={`reader reader--${reader.card}`}
                data-testid="reader-row"
                data-state={reader.card}
                data-reader={reader.name}
              >
                {/* Read as "name: state"; shown state first, which scans better by eye. */}
                <span className="visually-hidden">
                  {t('reader.row', { name: reader.name, state: t(`reader.${reader.card}`) })}
                </span>
                <span className="reader__state" aria-hidden="true">
                  <StateIcon state={reader.card} />
                  {t(`reader.${reader.card}`)}
                </span>
                <span className="reader__name" aria-hidden="true" title={reader.name}>
                  {reader.name}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}

/** A shape per state, so the state never depends on seeing colour. Decorative for AT. */
function StateIcon({ state }: { state: ReaderCardState }) {
  return (
    <svg className="state-icon" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
      {state === 'present' ? (
        <>
          <circle cx="10" cy="10" r="9" fill="currentColor" />
          <path
            d="M5.5 10.5l3 3 6-7"
            fill="none"
            stroke="#fff"
            strokeWidth="2.2"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </>
      ) : null}
      {state === 'empty' ? (
        <circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" strokeWidth="2" />
      ) : null}
      {state === 'unavailable' ? (
        <>
          <path d="M10 1.5L19 18H1z" fill="currentColor" />
          <path d="M10 7v5.5" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" />
          <circle cx="10" cy="15.3" r="1.3" fill="#fff" />
        </>
      ) : null}
    </svg>
  );
}
