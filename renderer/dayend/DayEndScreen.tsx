import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type {
  ApprovalInput,
  CallError,
  DayEndSummary,
  DayEventRow,
  PrintDocument,
  Reconciliation,
  SavedFile,
} from '../../preload/contract';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { TrainingWatermark, useTraining } from '../app/training';
import { TextField } from '../components/TextField';
import { formatDate, formatDateTime } from '../format/dates';
import { CallErrorAlert } from '../components/CallErrorAlert';
import { approvalReady, NO_APPROVAL, SupervisorApproval } from '../components/SupervisorApproval';

/**
 * The day's end: what happened today, the count of the safe against the store, the cards
 * nobody collected in time with their reminder letters and the return list; printed to PDF
 * and exported as CSV by main.
 */
export function DayEndScreen() {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [summary, setSummary] = useState<DayEndSummary | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const [counted, setCounted] = useState('');
  const [countError, setCountError] = useState(false);
  const [result, setResult] = useState<Reconciliation | null>(null);
  const [saved, setSaved] = useState<{ what: 'csv' | PrintDocument; file: SavedFile } | null>(null);
  const [printing, setPrinting] = useState<PrintDocument | null>(null);
  // A bulk export needs a supervisor's approval on this terminal (two-person rule).
  const [exporting, setExporting] = useState(false);
  const [approval, setApproval] = useState<ApprovalInput>(NO_APPROVAL);
  const [approvalErrors, setApprovalErrors] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    const answer = await settle(api.dayEnd.summary({}));
    if (answer.ok) setSummary(answer.value);
    else setError(answer.error);
  }, [api]);

  useEffect(() => {
    void load();
    headingRef.current?.focus();
  }, [load]);

  // Print once the sheet is in the page: main prints what the window shows with its print
  // stylesheet (Electron's printToPDF; Chromium's page.pdf in the tests).
  useEffect(() => {
    if (!printing || !summary) return;
    const frame = requestAnimationFrame(() => {
      void (async () => {
        const answer = await settle(api.print.toPdf({ document: printing, date: summary.date }));
        if (answer.ok) {
          setSaved({ what: printing, file: answer.value });
          if (printing === 'reminder-letters') {
            const due = summary.uncollected.filter((u) => !u.reminderSentOn && !u.toReturn);
            if (due.length > 0) {
              await settle(
                api.dayEnd.recordReminders({ cardSerials: due.map((u) => u.cardSerial) }),
              );
            }
            await load();
          }
        } else setError(answer.error);
        setPrinting(null);
      })();
    });
    return () => cancelAnimationFrame(frame);
  }, [api, printing, summary, load]);

  async function reconcile(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = counted.normalize('NFKC').trim();
    if (!/^[0-9]{1,7}$/u.test(value)) {
      setCountError(true);
      return;
    }
    setCountError(false);
    const answer = await settle(api.dayEnd.reconcile({ counted: Number(value) }));
    if (answer.ok) {
      setResult(answer.value);
      setCounted('');
      await load();
    } else setError(answer.error);
  }

  async function exportCsv(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!approvalReady(approval)) {
      setApprovalErrors(true);
      return;
    }
    setApprovalErrors(false);
    const answer = await settle(api.dayEnd.exportCsv({ approval }));
    // The supervisor's password never stays in the form.
    setApproval((value) => ({ ...value, password: '' }));
    if (answer.ok) {
      setSaved({ what: 'csv', file: answer.value });
      setExporting(false);
      setApproval(NO_APPROVAL);
      setError(null);
    } else setError(answer.error);
  }

  if (!summary) {
    return (
      <section className="workspace" data-testid="screen-day-end" aria-busy="true">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('dayEnd.title')}
        </h1>
        {error ? <CallErrorAlert error={error} /> : <p role="status">{t('case.loading')}</p>}
      </section>
    );
  }

  const overdue = summary.uncollected.filter((u) => !u.toReturn);
  const toReturn = summary.uncollected.filter((u) => u.toReturn);

  return (
    <section className="workspace" data-testid="screen-day-end" data-date={summary.date}>
      <h1 ref={headingRef} tabIndex={-1}>
        {t('dayEnd.title')}
        <span className="heading__sub">{formatDate(summary.date, lang)}</span>
      </h1>
      {error ? <CallErrorAlert error={error} /> : null}
      <div className="form__actions">
        <button
          type="button"
          className="button button--primary"
          data-testid="print-day-report"
          onClick={() => setPrinting('day-report')}
        >
          {t('dayEnd.printReport')}
        </button>
        <button
          type="button"
          className="button button--secondary"
          data-testid="print-reminders"
          aria-disabled={overdue.length === 0 || undefined}
          onClick={() => (overdue.length > 0 ? setPrinting('reminder-letters') : undefined)}
        >
          {t('dayEnd.printReminders', { count: overdue.length })}
        </button>
        <button
          type="button"
          className="button button--secondary"
          data-testid="export-csv"
          aria-expanded={exporting}
          onClick={() => setExporting(true)}
        >
          {t('dayEnd.exportCsv')}
        </button>
      </div>
      {exporting ? (
        <form
          className="form card-panel"
          noValidate
          data-testid="export-form"
          aria-label={t('secondPerson.exportTitle')}
          onSubmit={(event) => void exportCsv(event)}
        >
          <p>{t('secondPerson.exportTitle')}</p>
          <SupervisorApproval
            value={approval}
            onChange={setApproval}
            testId="export-approval"
            showErrors={approvalErrors}
          />
          <div className="form__actions">
            <button type="submit" className="button button--primary" data-testid="export-confirm">
              {t('secondPerson.exportConfirm')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                setExporting(false);
                setApproval(NO_APPROVAL);
              }}
            >
              {t('secondPerson.cancel')}
            </button>
          </div>
        </form>
      ) : null}
      <div role="status" data-testid="day-end-saved">
        {printing ? t('dayEnd.printing') : null}
        {saved && !printing ? (
          <p className="alert alert--success" data-what={saved.what}>
            {t('dayEnd.saved', { file: saved.file.fileName, path: saved.file.path })}
          </p>
        ) : null}
      </div>

      <ul className="stats" data-testid="day-counts">
        <li
          className="stat"
          data-testid="count-applications"
          data-count={summary.applications.length}
        >
          <span className="stat__value">{summary.applications.length}</span>
          <span className="stat__label">{t('dayEnd.applications')}</span>
        </li>
        <li className="stat" data-testid="count-handovers" data-count={summary.handovers.length}>
          <span className="stat__value">{summary.handovers.length}</span>
          <span className="stat__label">{t('dayEnd.handovers')}</span>
        </li>
        <li
          className="stat"
          data-testid="count-suspensions"
          data-count={summary.suspensions.length}
        >
          <span className="stat__value">{summary.suspensions.length}</span>
          <span className="stat__label">{t('dayEnd.suspensions')}</span>
        </li>
        <li className="stat" data-testid="count-unsynced" data-count={summary.unsyncedEvents}>
          <span className="stat__value">{summary.unsyncedEvents}</span>
          <span className="stat__label">{t('dayEnd.unsynced')}</span>
        </li>
      </ul>

      <section className="card-panel" aria-labelledby="reconcile-h">
        <h2 id="reconcile-h">{t('dayEnd.reconcileTitle')}</h2>
        <p>{t('dayEnd.reconcileIntro')}</p>
        <form className="form form--inline" noValidate onSubmit={(event) => void reconcile(event)}>
          <TextField
            testId="reconcile-count"
            label={t('dayEnd.countedLabel')}
            inputMode="numeric"
            autoComplete="off"
            error={countError ? t('dayEnd.countedError') : undefined}
            value={counted}
            onChange={(event) => setCounted(event.target.value)}
          />
          <div className="form__actions">
            <button type="submit" className="button button--primary" data-testid="reconcile-submit">
              {t('dayEnd.reconcileSubmit')}
            </button>
          </div>
        </form>
        {result ? (
          <div
            className={`alert ${result.difference === 0 ? 'alert--success' : 'alert--error'}`}
            role="alert"
            data-testid="reconcile-result"
            data-difference={result.difference}
          >
            <p className="alert__message">
              {result.difference === 0
                ? t('dayEnd.reconcileMatch', { expected: result.expected })
                : t('dayEnd.reconcileDifference', {
                    expected: result.expected,
                    counted: result.counted,
                    difference:
                      result.difference > 0 ? `+${result.difference}` : String(result.difference),
                  })}
            </p>
          </div>
        ) : null}
        {summary.reconciliations.length > 0 ? (
          <table className="table" data-testid="reconcile-history">
            <caption>{t('dayEnd.reconcileHistory')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('case.when')}</th>
                <th scope="col">{t('dayEnd.expected')}</th>
                <th scope="col">{t('dayEnd.counted')}</th>
                <th scope="col">{t('dayEnd.difference')}</th>
                <th scope="col">{t('case.who')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.reconciliations.map((r) => (
                <tr
                  key={r.reconciliationId}
                  className={r.difference === 0 ? undefined : 'row--flagged'}
                >
                  <td>{formatDateTime(r.recordedAt, lang)}</td>
                  <td>{r.expected}</td>
                  <td>{r.counted}</td>
                  <td>
                    {r.difference === 0
                      ? '0'
                      : `${r.difference > 0 ? '+' : ''}${r.difference} ${t('dayEnd.flag')}`}
                  </td>
                  <td>{r.staffId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      <EventsTable
        title={t('dayEnd.applications')}
        rows={summary.applications}
        testId="list-applications"
      />
      <EventsTable title={t('dayEnd.handovers')} rows={summary.handovers} testId="list-handovers" />
      <EventsTable
        title={t('dayEnd.suspensions')}
        rows={summary.suspensions}
        testId="list-suspensions"
      />

      <section className="card-panel" aria-labelledby="uncollected-h">
        <h2 id="uncollected-h">{t('dayEnd.uncollectedTitle')}</h2>
        <p>{t('dayEnd.uncollectedIntro')}</p>
        <UncollectedTable rows={overdue} testId="list-uncollected" />
        <h3>{t('dayEnd.returnTitle')}</h3>
        <UncollectedTable rows={toReturn} testId="list-return" />
      </section>

      {printing
        ? createPortal(<PrintSheet document={printing} summary={summary} />, document.body)
        : null}
    </section>
  );
}

function EventsTable({
  title,
  rows,
  testId,
}: {
  title: string;
  rows: DayEventRow[];
  testId: string;
}) {
  const { t, i18n } = useTranslation();
  return (
    <section className="card-panel">
      <table className="table" data-testid={testId}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t('case.when')}</th>
            <th scope="col">{t('fields.applicationId.label')}</th>
            <th scope="col">{t('dayEnd.cardSerial')}</th>
            <th scope="col">{t('case.who')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={4}>{t('dayEnd.none')}</td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.seq}>
                <td>{formatDateTime(row.terminalTime, i18n.language)}</td>
                <td className="mono">{row.applicationId}</td>
                <td className="mono">{row.cardSerial ?? '—'}</td>
                <td>{row.actorStaffId ?? '—'}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}

function UncollectedTable({
  rows,
  testId,
}: {
  rows: DayEndSummary['uncollected'];
  testId: string;
}) {
  const { t, i18n } = useTranslation();
  return (
    <table className="table" data-testid={testId} data-count={rows.length}>
      <thead>
        <tr>
          <th scope="col">{t('fields.nameKanji.label')}</th>
          <th scope="col">{t('dayEnd.cardSerial')}</th>
          <th scope="col">{t('dayEnd.inCustodySince')}</th>
          <th scope="col">{t('dayEnd.deadline')}</th>
          <th scope="col">{t('dayEnd.reminderSent')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={5}>{t('dayEnd.none')}</td>
          </tr>
        ) : (
          rows.map((u) => (
            <tr key={u.cardSerial} data-card-serial={u.cardSerial}>
              <td>
                {u.nameKanji}
                <span className="result__kana">{u.nameKana}</span>
              </td>
              <td className="mono">{u.cardSerial}</td>
              <td>{formatDate(u.inCustodySince, i18n.language)}</td>
              <td>{formatDate(u.deadline, i18n.language)}</td>
              <td>
                {u.reminderSentOn
                  ? formatDate(u.reminderSentOn, i18n.language)
                  : t('dayEnd.notYet')}
              </td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

/** What goes on paper: outside #root, which the print stylesheet hides. */
function PrintSheet({
  document: kind,
  summary,
}: {
  document: PrintDocument;
  summary: DayEndSummary;
}) {
  const { t, i18n } = useTranslation();
  const training = useTraining();
  const lang = i18n.language;
  const mark = training ? <TrainingWatermark print /> : null;
  if (kind === 'reminder-letters') {
    return (
      <div className="print-sheet" data-testid="print-sheet" data-document={kind}>
        {mark}
        {summary.uncollected
          .filter((u) => !u.toReturn)
          .map((u) => (
            <article key={u.cardSerial} className="letter">
              <p className="letter__date">{formatDate(summary.date, lang)}</p>
              <p className="letter__to">
                {u.address}
                <br />
                {t('letter.salutation', { name: u.nameKanji })}
              </p>
              <h1 className="letter__title">{t('letter.title')}</h1>
              <p>
                {t('letter.body', {
                  since: formatDate(u.inCustodySince, lang),
                  deadline: formatDate(u.deadline, lang),
                })}
              </p>
              <p>{t('letter.bring')}</p>
              <p className="letter__ref mono">
                {t('fields.applicationId.label')}: {u.applicationId}
              </p>
            </article>
          ))}
      </div>
    );
  }
  return (
    <div className="print-sheet" data-testid="print-sheet" data-document={kind}>
      {mark}
      <h1>
        {t('dayEnd.title')} {formatDate(summary.date, lang)}
      </h1>
      <p>
        {t('dayEnd.applications')}: {summary.applications.length} / {t('dayEnd.handovers')}:{' '}
        {summary.handovers.length} / {t('dayEnd.suspensions')}: {summary.suspensions.length} /{' '}
        {t('dayEnd.inCustody')}: {summary.inCustody} / {t('dayEnd.unsynced')}:{' '}
        {summary.unsyncedEvents}
      </p>
      {summary.reconciliations.map((r) => (
        <p key={r.reconciliationId}>
          {t('dayEnd.reconcileTitle')}: {t('dayEnd.expected')} {r.expected} / {t('dayEnd.counted')}{' '}
          {r.counted} / {t('dayEnd.difference')} {r.difference}
        </p>
      ))}
      <EventsTable
        title={t('dayEnd.applications')}
        rows={summary.applications}
        testId="print-applications"
      />
      <EventsTable
        title={t('dayEnd.handovers')}
        rows={summary.handovers}
        testId="print-handovers"
      />
      <EventsTable
        title={t('dayEnd.suspensions')}
        rows={summary.suspensions}
        testId="print-suspensions"
      />
      <h2>{t('dayEnd.uncollectedTitle')}</h2>
      <UncollectedTable
        rows={summary.uncollected.filter((u) => !u.toReturn)}
        testId="print-uncollected"
      />
      <h2>{t('dayEnd.returnTitle')}</h2>
      <UncollectedTable
        rows={summary.uncollected.filter((u) => u.toReturn)}
        testId="print-return"
      />
    </div>
  );
}
