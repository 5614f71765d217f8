import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Checkbox } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { ArrivalCheckResult, CallError, ShipmentView } from '../../preload/contract';
import { ARRIVAL_OUTCOMES, type ArrivalOutcome } from '../../preload/values';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { CallErrorAlert } from '../components/CallErrorAlert';
import { TextField } from '../components/TextField';

/** What a keyboard-wedge scanner or a clerk types as a card serial. */
const SERIAL = /^[0-9A-Za-z-]{1,32}$/u;

function normalizeSerial(text: string): string {
  return text.normalize('NFKC').trim().toUpperCase();
}

/**
 * The arrival check of dispatched cards (交付前設定): scan the shipment's delivery list, then
 * each card: scan the serial on its face, look at the face, put it on the reader. Main reads
 * the chip and takes a matching card into custody; missing, extra, unreadable and wrong cards
 * are flagged on the list. Closing the shipment flags what never came out of the box.
 */
export function ArrivalScreen() {
  const api = useApi();
  const { t } = useTranslation();
  const [listed, setListed] = useState<string[]>([]);
  const [scan, setScan] = useState('');
  const [scanError, setScanError] = useState<string | undefined>(undefined);
  const [shipment, setShipment] = useState<ShipmentView | null>(null);
  const [serial, setSerial] = useState('');
  const [faceIntact, setFaceIntact] = useState(false);
  const [checkError, setCheckError] = useState<string | undefined>(undefined);
  const [last, setLast] = useState<ArrivalCheckResult | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const serialRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  function addScanned(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = normalizeSerial(scan);
    if (!SERIAL.test(value)) {
      setScanError(t('arrival.serialInvalid'));
      return;
    }
    setScanError(undefined);
    setListed((list) => (list.includes(value) ? list : [...list, value]));
    setScan('');
  }

  async function start() {
    if (listed.length === 0) {
      setScanError(t('arrival.listEmpty'));
      return;
    }
    const answer = await settle(api.arrival.start({ cardSerials: listed }));
    if (answer.ok) {
      setShipment(answer.value);
      setError(null);
      requestAnimationFrame(() => serialRef.current?.focus());
    } else setError(answer.error);
  }

  async function check(intact: boolean) {
    if (!shipment || busy) return;
    const value = normalizeSerial(serial);
    if (!SERIAL.test(value)) {
      setCheckError(t('arrival.serialInvalid'));
      return;
    }
    if (intact && !faceIntact) {
      setCheckError(t('arrival.faceRequired'));
      return;
    }
    setCheckError(undefined);
    setBusy(true);
    const answer = await settle(
      api.arrival.check({
        shipmentId: shipment.shipmentId,
        cardSerial: value,
        faceIntact: intact,
      }),
    );
    setBusy(false);
    if (answer.ok) {
      setLast(answer.value);
      setShipment(answer.value.shipment);
      setSerial('');
      setFaceIntact(false);
      setError(null);
      serialRef.current?.focus();
    } else setError(answer.error);
  }

  async function close() {
    if (!shipment) return;
    const answer = await settle(api.arrival.close({ shipmentId: shipment.shipmentId }));
    if (answer.ok) {
      setShipment(answer.value);
      setLast(null);
      setError(null);
      headingRef.current?.focus();
    } else setError(answer.error);
  }

  function restart() {
    setShipment(null);
    setListed([]);
    setLast(null);
    setError(null);
  }

  const counts = new Map<ArrivalOutcome, number>();
  for (const item of shipment?.items ?? []) {
    counts.set(item.outcome, (counts.get(item.outcome) ?? 0) + 1);
  }

  return (
    <section
      className="workspace"
      data-testid="screen-arrival"
      data-state={shipment ? (shipment.closedAt ? 'closed' : 'checking') : 'listing'}
    >
      <h1 ref={headingRef} tabIndex={-1}>
        {t('arrival.title')}
      </h1>
      {error ? <CallErrorAlert error={error} /> : null}

      {shipment === null ? (
        <section className="card-panel" aria-labelledby="arrival-list-h">
          <h2 id="arrival-list-h">{t('arrival.listTitle')}</h2>
          <p>{t('arrival.listIntro')}</p>
          <form className="form form--inline" noValidate onSubmit={addScanned}>
            <TextField
              testId="arrival-scan"
              label={t('arrival.scanLabel')}
              hint={t('arrival.scanHint')}
              autoComplete="off"
              spellCheck={false}
              error={scanError}
              value={scan}
              onChange={(event) => setScan(event.target.value)}
            />
          </form>
          <ol className="list" data-testid="arrival-list" data-count={listed.length}>
            {listed.map((s) => (
              <li key={s} className="mono">
                {s}
              </li>
            ))}
          </ol>
          <div className="form__actions">
            <button
              type="button"
              className="button button--primary"
              data-testid="arrival-start"
              onClick={() => void start()}
            >
              {t('arrival.start', { count: listed.length })}
            </button>
          </div>
        </section>
      ) : (
        <>
          {shipment.closedAt === null ? (
            <section className="card-panel" aria-labelledby="arrival-card-h">
              <h2 id="arrival-card-h">{t('arrival.cardTitle')}</h2>
              <p>{t('arrival.cardIntro')}</p>
              <form
                className="form"
                noValidate
                onSubmit={(event) => {
                  event.preventDefault();
                  void check(true);
                }}
              >
                <TextField
                  testId="arrival-card-serial"
                  ref={serialRef}
                  label={t('arrival.cardSerial')}
                  autoComplete="off"
                  spellCheck={false}
                  error={checkError}
                  value={serial}
                  onChange={(event) => setSerial(event.target.value)}
                />
                <Checkbox
                  className="checkbox"
                  data-testid="arrival-face-intact"
                  isSelected={faceIntact}
                  onChange={setFaceIntact}
                >
                  <span className="checkbox__box" aria-hidden="true" />
                  {t('arrival.faceIntact')}
                </Checkbox>
                <div className="form__actions">
                  <button
                    type="submit"
                    className="button button--primary"
                    data-testid="arrival-check"
                    aria-disabled={busy || undefined}
                  >
                    {busy ? t('arrival.reading') : t('arrival.check')}
                  </button>
                  <button
                    type="button"
                    className="button button--secondary"
                    data-testid="arrival-check-damaged"
                    onClick={() => void check(false)}
                  >
                    {t('arrival.damaged')}
                  </button>
                </div>
              </form>
              <div role="status" data-testid="arrival-last">
                {last ? (
                  <p
                    className={`alert ${last.outcome === 'matched' ? 'alert--success' : 'alert--error'}`}
                    data-outcome={last.outcome}
                  >
                    {t(`arrival.result.${last.outcome}`, { serial: last.cardSerial })}
                  </p>
                ) : null}
              </div>
            </section>
          ) : (
            <div className="alert alert--success" role="status" data-testid="arrival-closed">
              {t('arrival.closed')}
            </div>
          )}

          <ul className="stats" data-testid="arrival-counts">
            {ARRIVAL_OUTCOMES.filter((o) => (counts.get(o) ?? 0) > 0).map((outcome) => (
              <li
                key={outcome}
                className="stat"
                data-testid={`arrival-count-${outcome}`}
                data-count={counts.get(outcome)}
              >
                <span className="stat__value">{counts.get(outcome)}</span>
                <span className="stat__label">{t(`arrival.outcomes.${outcome}`)}</span>
              </li>
            ))}
          </ul>

          <table className="table" data-testid="arrival-items">
            <caption>{t('arrival.itemsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('arrival.cardSerial')}</th>
                <th scope="col">{t('arrival.onList')}</th>
                <th scope="col">{t('arrival.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {shipment.items.map((item) => (
                <tr
                  key={item.cardSerial}
                  data-testid="arrival-item"
                  data-card-serial={item.cardSerial}
                  data-outcome={item.outcome}
                >
                  <td className="mono">{item.cardSerial}</td>
                  <td>{item.listed ? t('arrival.yes') : t('arrival.no')}</td>
                  <td>
                    <span
                      className={`badge badge--${item.outcome === 'matched' ? 'in-custody' : item.outcome === 'listed' ? 'dispatched' : 'arrival-check-failed'}`}
                    >
                      {t(`arrival.outcomes.${item.outcome}`)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>

          <div className="form__actions">
            {shipment.closedAt === null ? (
              <button
                type="button"
                className="button button--secondary"
                data-testid="arrival-close"
                onClick={() => void close()}
              >
                {t('arrival.close')}
              </button>
            ) : (
              <button
                type="button"
                className="button button--primary"
                data-testid="arrival-new"
                onClick={restart}
              >
                {t('arrival.new')}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
