import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Radio, RadioGroup, Label } from 'react-aria-components';
import type { ApprovalInput, CallError, CaseDetail, MyNumberReveal } from '../../preload/contract';
import { REVEAL_IN_CASE, REVEAL_REASONS, type RevealReason } from '../../preload/values';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { formatDate, formatDateTime, groupedMyNumber, maskedMyNumber } from '../format/dates';
import type { View } from '../home/HomeScreen';
import { CallErrorAlert } from '../components/CallErrorAlert';
import { approvalReady, NO_APPROVAL, SupervisorApproval } from '../components/SupervisorApproval';

interface CaseScreenProps {
  applicationId: string;
  /** The session locked: a revealed My Number is hidden at once. */
  locked: boolean;
  onNavigate: (view: View) => void;
}

/** One application: the person, the cards, suspensions with their sync state, the history. */
export function CaseScreen({ applicationId, locked, onNavigate }: CaseScreenProps) {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    const result = await settle(api.cases.get({ applicationId }));
    if (result.ok) setDetail(result.value);
    else setError(result.error);
  }, [api, applicationId]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (detail) headingRef.current?.focus();
  }, [detail]);

  if (error) {
    return (
      <section className="workspace" data-testid="screen-case">
        <CallErrorAlert error={error} />
      </section>
    );
  }
  if (!detail) {
    return (
      <section className="workspace" data-testid="screen-case" aria-busy="true">
        <p role="status">{t('case.loading')}</p>
      </section>
    );
  }

  const { person } = detail;
  const lang = i18n.language;
  return (
    <section className="workspace" data-testid="screen-case" data-application-id={applicationId}>
      <div className="workspace__head">
        <button
          type="button"
          className="button button--secondary"
          data-testid="case-back"
          onClick={() => onNavigate({ name: 'find' })}
        >
          {t('case.back')}
        </button>
        <h1 ref={headingRef} tabIndex={-1}>
          {person.nameKanji}
          <span className="heading__sub">{t('case.title')}</span>
        </h1>
      </div>

      {detail.suspensions.map((s) => (
        <div
          key={s.suspensionId}
          className={`alert ${s.sync === 'acknowledged' ? 'alert--info' : 'alert--warning'}`}
          data-testid="suspension-banner"
          data-sync={s.sync}
        >
          <h2 className="alert__title">
            {t(`case.suspended.${s.reason}`, { serial: s.cardSerial })}
          </h2>
          <p className="alert__message" data-testid="suspension-sync">
            {t(`case.suspendedSync.${s.sync}`)}
          </p>
          <dl className="facts facts--inline">
            <dt>{t('loss.occurredOn')}</dt>
            <dd>{s.occurredOn ? formatDate(s.occurredOn, lang) : '—'}</dd>
            <dt>{t('loss.place')}</dt>
            <dd>{s.place ?? '—'}</dd>
            <dt>{t('loss.policeReportNumber')}</dt>
            <dd>{s.policeReportNumber ?? t('loss.noPoliceReport')}</dd>
            <dt>{t('case.suspendedAt')}</dt>
            <dd>{formatDateTime(s.suspendedAt, lang)}</dd>
          </dl>
          <div className="form__actions">
            <button
              type="button"
              className="button button--primary"
              data-testid="start-reissue"
              onClick={() =>
                onNavigate({
                  name: 'apply',
                  personId: person.personId,
                  kind: 'reissue-loss',
                  fromApplicationId: applicationId,
                })
              }
            >
              {t('case.startReissue')}
            </button>
          </div>
          <p className="note">{t('case.reinstateNote')}</p>
        </div>
      ))}

      <div className="columns">
        <section className="card-panel" aria-labelledby="person-h">
          <h2 id="person-h">{t('case.person')}</h2>
          <dl className="facts">
            <dt>{t('fields.nameKanji.label')}</dt>
            <dd data-testid="case-name">{person.nameKanji}</dd>
            <dt>{t('fields.nameKana.label')}</dt>
            <dd>{person.nameKana}</dd>
            {person.alias ? (
              <>
                <dt>{t('fields.alias.label')}</dt>
                <dd>{person.alias}</dd>
              </>
            ) : null}
            {person.nameLatin ? (
              <>
                <dt>{t('fields.nameLatin.label')}</dt>
                <dd lang="en">{person.nameLatin}</dd>
              </>
            ) : null}
            <dt>{t('case.birthDate')}</dt>
            <dd>{formatDate(person.birthDate, lang)}</dd>
            <dt>{t('fields.sex.label')}</dt>
            <dd>{t(`fields.sex.${person.sex}`)}</dd>
            <dt>{t('fields.address.label')}</dt>
            <dd>{person.address}</dd>
            <dt>{t('case.myNumber')}</dt>
            <dd>
              <MyNumber
                applicationId={applicationId}
                last4={person.myNumberLast4}
                locked={locked}
              />
            </dd>
          </dl>
        </section>

        <section className="card-panel" aria-labelledby="application-h">
          <h2 id="application-h">{t('case.application')}</h2>
          <dl className="facts">
            <dt>{t('fields.applicationId.label')}</dt>
            <dd className="mono" data-testid="case-application-id">
              {detail.applicationId}
            </dd>
            <dt>{t('fields.kind.label')}</dt>
            <dd>{t(`kinds.${detail.kind}`)}</dd>
            <dt>{t('case.receivedAt')}</dt>
            <dd>{formatDateTime(detail.receivedAt, lang)}</dd>
          </dl>
          <h3>{t('case.cards')}</h3>
          {detail.cards.length === 0 ? (
            <p className="note">{t('case.noCard')}</p>
          ) : (
            <ul className="card-list">
              {detail.cards.map((card) => (
                <li
                  key={card.cardSerial}
                  className="card-row"
                  data-testid="card-row"
                  data-state={card.state}
                >
                  <span className="mono">{card.cardSerial}</span>
                  <span className={`badge badge--${card.state}`}>
                    {t(`cardStates.${card.state}`)}
                  </span>
                  {card.state === 'in-custody' ? (
                    <button
                      type="button"
                      className="button button--primary"
                      data-testid="start-handover"
                      onClick={() =>
                        onNavigate({ name: 'handover', applicationId, cardSerial: card.cardSerial })
                      }
                    >
                      {t('handover.start')}
                    </button>
                  ) : null}
                  {card.state === 'handed-over' ? (
                    <button
                      type="button"
                      className="button button--secondary"
                      data-testid="report-loss"
                      onClick={() =>
                        onNavigate({
                          name: 'loss',
                          applicationId,
                          cardSerial: card.cardSerial,
                          version: card.version,
                        })
                      }
                    >
                      {t('case.reportLoss')}
                    </button>
                  ) : null}
                  {card.state === 'handed-over' ? (
                    <button
                      type="button"
                      className="button button--secondary"
                      data-testid="reset-pin"
                      onClick={() =>
                        onNavigate({ name: 'pinReset', applicationId, cardSerial: card.cardSerial })
                      }
                    >
                      {t('cardService.resetPin')}
                    </button>
                  ) : null}
                  {card.state === 'suspended' ? (
                    <button
                      type="button"
                      className="button button--primary"
                      data-testid="reinstate"
                      onClick={() =>
                        onNavigate({
                          name: 'reinstate',
                          applicationId,
                          cardSerial: card.cardSerial,
                          version: card.version,
                        })
                      }
                    >
                      {t('cardService.reinstate')}
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="card-panel" aria-labelledby="history-h">
        <h2 id="history-h">{t('case.history')}</h2>
        <table className="table" data-testid="case-history">
          <thead>
            <tr>
              <th scope="col">{t('case.when')}</th>
              <th scope="col">{t('case.what')}</th>
              <th scope="col">{t('case.who')}</th>
              <th scope="col">{t('case.sync')}</th>
            </tr>
          </thead>
          <tbody>
            {detail.events.map((e) => (
              <tr key={e.seq} data-type={e.type}>
                <td>{formatDateTime(e.terminalTime, lang)}</td>
                <td>{t(`eventTypes.${e.type}`, { defaultValue: e.type })}</td>
                <td>
                  {e.actorStaffId ?? t(`actors.${e.actorRole}`, { defaultValue: e.actorRole })}
                </td>
                <td>{t(`syncMarks.${e.sync}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}

/** The masked number; showing it in full asks why, is audited by main, and ends by itself. */
function MyNumber({
  applicationId,
  last4,
  locked,
}: {
  applicationId: string;
  last4: string;
  locked: boolean;
}) {
  const api = useApi();
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState<RevealReason | null>(null);
  const [reveal, setReveal] = useState<MyNumberReveal | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const [now, setNow] = useState(() => Date.now());
  // Outside a case (REVEAL_IN_CASE), a supervisor approves on this terminal (two-person rule).
  const [approval, setApproval] = useState<ApprovalInput>(NO_APPROVAL);
  const needsApproval = reason !== null && !REVEAL_IN_CASE.includes(reason);

  useEffect(() => {
    if (!reveal) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [reveal]);

  const secondsLeft = reveal ? Math.ceil((Date.parse(reveal.visibleUntil) - now) / 1000) : 0;
  useEffect(() => {
    if (reveal && (secondsLeft <= 0 || locked)) setReveal(null);
  }, [reveal, secondsLeft, locked]);

  async function confirm() {
    if (!reason) {
      setError({ code: 'VALIDATION_FAILED', message: '' });
      return;
    }
    if (needsApproval && !approvalReady(approval)) {
      setError({ code: 'SECOND_PERSON_REQUIRED', message: '' });
      return;
    }
    const result = await settle(
      api.cases.revealMyNumber({ applicationId, reason, ...(needsApproval ? { approval } : {}) }),
    );
    setApproval((value) => ({ ...value, password: '' }));
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    setAsking(false);
    setReason(null);
    setApproval(NO_APPROVAL);
    setNow(Date.now());
    setReveal(result.value);
  }

  if (reveal) {
    return (
      <div className="my-number" data-testid="my-number-revealed">
        <span className="mono my-number__value">{groupedMyNumber(reveal.myNumber)}</span>
        <span className="note" role="status">
          {t('case.revealCountdown', { seconds: Math.max(0, secondsLeft) })}
        </span>
        <button
          type="button"
          className="button button--secondary"
          data-testid="hide-my-number"
          onClick={() => setReveal(null)}
        >
          {t('case.hide')}
        </button>
      </div>
    );
  }
  return (
    <div className="my-number">
      <span className="mono" data-testid="my-number-masked">
        {maskedMyNumber(last4)}
      </span>
      {asking ? (
        <div className="reveal-box">
          <RadioGroup
            className="choice"
            data-testid="reveal-reason"
            value={reason}
            onChange={(value) => setReason(value as RevealReason)}
            isInvalid={error?.code === 'VALIDATION_FAILED'}
          >
            <Label className="field__label">{t('case.revealReason')}</Label>
            {REVEAL_REASONS.map((r, index) => (
              <Radio
                key={r}
                value={r}
                autoFocus={index === 0}
                className="choice__option"
                data-testid={`reveal-reason-${r}`}
              >
                {t(`revealReasons.${r}`)}
              </Radio>
            ))}
          </RadioGroup>
          {needsApproval ? (
            <SupervisorApproval
              value={approval}
              onChange={setApproval}
              testId="reveal-approval"
              showErrors={error?.code === 'SECOND_PERSON_REQUIRED'}
            />
          ) : null}
          {error ? (
            <p className="field__error" role="alert">
              {error.code === 'VALIDATION_FAILED'
                ? t('case.revealReasonRequired')
                : t(`errors.${error.code}`, { defaultValue: t('errors.unknown') })}
            </p>
          ) : null}
          <div className="form__actions">
            <button
              type="button"
              className="button button--primary"
              data-testid="reveal-confirm"
              onClick={() => void confirm()}
            >
              {t('case.revealConfirm')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => setAsking(false)}
            >
              {t('case.cancel')}
            </button>
          </div>
          <p className="note">{t('case.revealAudited')}</p>
        </div>
      ) : (
        <button
          type="button"
          className="button button--secondary"
          data-testid="reveal-my-number"
          onClick={() => setAsking(true)}
        >
          {t('case.reveal')}
        </button>
      )}
    </div>
  );
}
