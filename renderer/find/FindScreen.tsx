import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallError, CaseHit, SearchKind } from '../../preload/contract';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { formatDate, maskedMyNumber } from '../format/dates';
import { WedgeDetector } from './scanner';
import { CallErrorAlert } from '../components/CallErrorAlert';

const PAGE = 200;
const ROW_HEIGHT = 76;

interface Results {
  query: string;
  kind: SearchKind;
  hits: CaseHit[];
  nextCursor: string | null;
  scanned: boolean;
}

interface FindScreenProps {
  onOpen: (applicationId: string) => void;
}

/**
 * One box for everything the applicant hands over: application ID, My Number, card serial,
 * name in kanji, kana or Latin letters, birth date; or the notice's barcode from a scanner.
 * Results are a virtualized list: only the rows in view are in the page, however many match.
 */
export function FindScreen({ onOpen }: FindScreenProps) {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [results, setResults] = useState<Results | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const [loading, setLoading] = useState(false);
  const [active, setActive] = useState(0);
  const detector = useRef(new WedgeDetector());
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const loadingMore = useRef(false);
  const inputId = useId();
  const hintId = useId();
  const listId = useId();

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const search = useCallback(
    async (query: string, scanned: boolean) => {
      setLoading(true);
      const result = await settle(api.cases.search({ query, limit: PAGE }));
      setLoading(false);
      if (!result.ok) {
        setError(result.error);
        setResults(null);
        return;
      }
      setError(null);
      setActive(0);
      const page = result.value;
      // A scanned notice names exactly one application: open it straight away.
      if (scanned && page.hits.length === 1 && page.hits[0]) {
        onOpen(page.hits[0].applicationId);
        return;
      }
      setResults({ query, kind: page.kind, hits: page.hits, nextCursor: page.nextCursor, scanned });
    },
    [api, onOpen],
  );

  const loadMore = useCallback(async () => {
    if (!results?.nextCursor || loadingMore.current) return;
    loadingMore.current = true;
    const result = await settle(
      api.cases.search({ query: results.query, cursor: results.nextCursor, limit: PAGE }),
    );
    loadingMore.current = false;
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setResults((previous) =>
      previous && previous.query === results.query
        ? {
            ...previous,
            hits: [...previous.hits, ...result.value.hits],
            nextCursor: result.value.nextCursor,
          }
        : previous,
    );
  }, [api, results]);

  const hits = results?.hits ?? [];
  const virtualizer = useVirtualizer({
    count: hits.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (results?.nextCursor && lastIndex >= hits.length - 30) void loadMore();
  }, [lastIndex, hits.length, results?.nextCursor, loadMore]);

  function onInputKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter') {
      event.preventDefault();
      const scanned = detector.current.enter(event.timeStamp, text.length);
      if (text.trim() === '') {
        setError({ code: 'SEARCH_QUERY_EMPTY', message: '' });
        return;
      }
      void search(text, scanned);
    } else if (event.key === 'ArrowDown' && hits.length > 0) {
      event.preventDefault();
      listRef.current?.focus();
    } else if (event.key.length === 1) {
      detector.current.key(event.timeStamp);
    } else if (event.key === 'Backspace' || event.key === 'Delete') {
      detector.current.reset();
    }
  }

  function move(to: number) {
    const index = Math.max(0, Math.min(hits.length - 1, to));
    setActive(index);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  }

  function onListKey(event: KeyboardEvent<HTMLDivElement>) {
    const pageRows = Math.max(1, Math.floor((listRef.current?.clientHeight ?? 400) / ROW_HEIGHT));
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => (active === 0 ? inputRef.current?.focus() : move(active - 1)),
      PageDown: () => move(active + pageRows),
      PageUp: () => move(active - pageRows),
      Home: () => move(0),
      End: () => move(hits.length - 1),
      Enter: () => {
        const hit = hits[active];
        if (hit) onOpen(hit.applicationId);
      },
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  }

  const activeId = hits[active] ? `${listId}-${active}` : undefined;

  return (
    <section className="workspace" data-testid="screen-find" aria-labelledby={`${inputId}-h`}>
      <h1 id={`${inputId}-h`}>{t('find.title')}</h1>
      <div className="search">
        <label className="field__label" htmlFor={inputId}>
          {t('find.label')}
        </label>
        <p className="field__hint" id={hintId}>
          {t('find.hint')}
        </p>
        <div className="search__row">
          <input
            ref={inputRef}
            id={inputId}
            className="field__input search__input"
            data-testid="find-input"
            type="search"
            autoComplete="off"
            spellCheck={false}
            aria-describedby={hintId}
            aria-controls={listId}
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              if (event.target.value === '') detector.current.reset();
            }}
            onKeyDown={onInputKey}
          />
          <button
            type="button"
            className="button button--primary"
            data-testid="find-submit"
            onClick={() => void search(text, false)}
          >
            {t('find.submit')}
          </button>
        </div>
      </div>
      <div role="status" className="search__status" data-testid="find-status">
        {loading ? t('find.searching') : null}
        {!loading && results ? (
          <span data-count={hits.length} data-more={results.nextCursor !== null}>
            {results.scanned ? `${t('find.scanned')} ` : ''}
            {t(`find.kind.${results.kind}`)}
            {' — '}
            {hits.length === 0
              ? t('find.none')
              : results.nextCursor
                ? t('find.countMore', { count: hits.length })
                : t('find.count', { count: hits.length })}
          </span>
        ) : null}
      </div>
      {error ? <CallErrorAlert error={error} /> : null}
      <div
        ref={listRef}
        className="results"
        data-testid="find-results"
        hidden={hits.length === 0}
        tabIndex={hits.length > 0 ? 0 : -1}
        role="listbox"
        id={listId}
        aria-label={t('find.resultsLabel')}
        aria-activedescendant={activeId}
        onKeyDown={onListKey}
      >
        <div className="results__canvas" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const hit = hits[item.index];
            if (!hit) return null;
            return (
              <div
                key={hit.applicationId}
                id={`${listId}-${item.index}`}
                role="option"
                aria-selected={item.index === active}
                aria-setsize={results?.nextCursor ? -1 : hits.length}
                aria-posinset={item.index + 1}
                className="result"
                data-testid="find-row"
                data-application-id={hit.applicationId}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onOpen(hit.applicationId)}
              >
                <span className="result__name">
                  <span className="result__kanji">{hit.nameKanji}</span>
                  <span className="result__kana">{hit.nameKana}</span>
                  {hit.nameLatin ? <span className="result__latin">{hit.nameLatin}</span> : null}
                </span>
                <span className="result__meta">
                  <span>
                    <span className="visually-hidden">{t('case.birthDate')}: </span>
                    {formatDate(hit.birthDate, i18n.language)}
                  </span>
                  <span className="mono">
                    <span className="visually-hidden">{t('case.myNumber')}: </span>
                    {maskedMyNumber(hit.myNumberLast4)}
                  </span>
                  <span className="mono">{hit.applicationId}</span>
                  <span className={`badge badge--${hit.card?.state ?? 'none'}`}>
                    {hit.card ? t(`cardStates.${hit.card.state}`) : t('cardStates.none')}
                  </span>
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
