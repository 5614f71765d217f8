import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallError, Role, SyncReviewItemView, SyncRunView } from '../../preload/contract';
import { roleHolds } from '../../preload/permissions';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { formatDateTime } from '../format/dates';
import { useSyncStatus } from './useSyncStatus';
import { CallErrorAlert } from '../components/CallErrorAlert';
import { reasonCodes } from './reasons';

/**
 * The sync screen: the state, a "sync now" button, the recent runs, and the review items a
 * supervisor closes with a note of what was done (no conflict is ever dropped silently).
 */
export function SyncScreen({ role }: { role: Role }) {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [state, setStatus] = useSyncStatus();
  const [runs, setRuns] = useState<SyncRunView[]>([]);
  const [items, setItems] = useState<SyncReviewItemView[]>([]);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const canResolve = roleHolds(role, 'sync.review');

  const load = useCallback(async () => {
    const [history, review] = await Promise.all([
      settle(api.sync.history({ limit: 20 })),
      settle(api.sync.reviewItems({ state: 'open' })),
    ]);
    if (history.ok) setRuns(history.value);
    else setError(history.error);
    if (review.ok) setItems(review.value);
    else setError(review.error);
  }, [api]);

  useEffect(() => {
    void load();
    headingRef.current?.focus();
  }, [load]);

  // A run that ends on its own timer changes the status: the history follows it.
  const status = state.phase === 'ready' ? state.status : null;
  const lastAttempt = status?.lastAttemptAt ?? null;
  const openItems = status?.openReviewItems ?? 0;
  useEffect(() => {
    void load();
  }, [load, lastAttempt, openItems]);

  async function syncNow() {
    if (running) return;
    setRunning(true);
    setError(null);
    const answer = await settle(api.sync.runNow({}));
    setRunning(false);
    if (answer.ok) setStatus(answer.value);
    else setError(answer.error);
    await load();
  }

  return (
    <div className="stack" data-testid="screen-sync">
      <h1 ref={headingRef} tabIndex={-1}>
        {t('sync.title')}
      </h1>
      {error ? <CallErrorAlert error={error} testId="sync-error" /> : null}
      <section className="stack">
        <p data-testid="sync-state" data-state={status?.state ?? ''}>
          {t('sync.stateLabel')}: {status ? t(`sync.states.${status.state}`) : '…'}
        </p>
        {status?.lastError ? (
          <p data-testid="sync-last-error">
            {t('sync.lastError', { code: status.lastError.code })}
          </p>
        ) : null}
        <div>
          <button
            type="button"
            className="button button--primary"
            data-testid="sync-now"
            aria-disabled={running || status?.enrolled === false || undefined}
            onClick={() => void syncNow()}
          >
            {running ? t('sync.syncing') : t('sync.syncNow')}
          </button>
        </div>
      </section>

      <section className="stack" aria-labelledby="sync-review-heading">
        <h2 id="sync-review-heading">{t('sync.review')}</h2>
        <p>{t('sync.reviewIntro')}</p>
        {!canResolve && items.length > 0 ? <p>{t('sync.supervisorOnly')}</p> : null}
        {items.length === 0 ? (
          <p data-testid="review-empty">{t('sync.reviewEmpty')}</p>
        ) : (
          <ul className="stack" data-testid="review-items" data-count={items.length}>
            {items.map((item) => (
              <ReviewItemRow
                key={item.reviewId}
                item={item}
                canResolve={canResolve}
                onResolved={() => void load()}
              />
            ))}
          </ul>
        )}
      </section>

      <section className="stack">
        {runs.length === 0 ? (
          <>
            <h2>{t('sync.history')}</h2>
            <p>{t('sync.historyEmpty')}</p>
          </>
        ) : (
          <table className="table" data-testid="sync-history" data-count={runs.length}>
            <caption>{t('sync.history')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sync.col.started')}</th>
                <th scope="col">{t('sync.col.trigger')}</th>
                <th scope="col">{t('sync.col.result')}</th>
                <th scope="col">{t('sync.col.uploaded')}</th>
                <th scope="col">{t('sync.col.downloaded')}</th>
                <th scope="col">{t('sync.col.error')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr
                  key={run.runId}
                  className={
                    run.result === 'ok' || run.result === null ? undefined : 'row--flagged'
                  }
                  data-result={run.result ?? 'running'}
                >
                  <td>{formatDateTime(run.startedAt, lang)}</td>
                  <td>{t(`sync.triggers.${run.trigger}`, { defaultValue: run.trigger })}</td>
                  <td>{t(`sync.results.${run.result ?? 'running'}`)}</td>
                  <td>{run.uploaded}</td>
                  <td>{run.downloaded}</td>
                  <td>{run.errorCode ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function ReviewItemRow({
  item,
  canResolve,
  onResolved,
}: {
  item: SyncReviewItemView;
  canResolve: boolean;
  onResolved: () => void;
}) {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const [note, setNote] = useState('');
  const [error, setError] = useState<CallError | null>(null);
  const [pending, setPending] = useState(false);
  const noteId = `note-${item.reviewId}`;

  async function resolve() {
    if (pending) return;
    setPending(true);
    const answer = await settle(api.sync.resolveReviewItem({ reviewId: item.reviewId, note }));
    setPending(false);
    if (answer.ok) onResolved();
    else setError(answer.error);
  }

  return (
    <li className="card" data-testid="review-item" data-kind={item.kind} data-reason={item.reason}>
      <h3>{t(`sync.reviewKind.${item.kind}`)}</h3>
      <p>
        {formatDateTime(item.createdAt, i18n.language)}
        {item.seq !== null ? ` · ${t('sync.reviewEvent', { seq: item.seq })}` : ''}
      </p>
      <p className="review-reasons__label">{t('sync.reasonsLabel')}</p>
      <ul className="review-reasons" data-testid="review-reasons">
        {reasonCodes(item.reason).map((code) => (
          <li key={code} data-code={code}>
            {t(`sync.reasons.${code}`, { defaultValue: t('sync.reasonUnknown', { code }) })}
          </li>
        ))}
      </ul>
      {canResolve ? (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void resolve();
          }}
        >
          <div className={error ? 'field field--invalid' : 'field'}>
            <label className="field__label" htmlFor={noteId}>
              {t('sync.note')}
            </label>
            {error ? (
              <p className="field__error" id={`${noteId}-error`} data-testid="review-note-error">
                {t(`errors.${error.code}`, { defaultValue: t('errors.unknown') })}
              </p>
            ) : null}
            <input
              id={noteId}
              className="field__input"
              data-testid="review-note"
              value={note}
              maxLength={200}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${noteId}-error` : undefined}
              onChange={(event) => setNote(event.target.value)}
            />
          </div>
          <div>
            <button type="submit" className="button button--primary" data-testid="review-resolve">
              {t('sync.resolve')}
            </button>
          </div>
        </form>
      ) : null}
    </li>
  );
}
