import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  ApprovalInput,
  CallError,
  CardPinStatusView,
  PinResetDone,
  ReinstatementDone,
} from '../../preload/contract';
import {
  CARD_SECRET_NAMES,
  HANDOVER_ATTENDEES,
  IDENTITY_DOCUMENT_TYPES,
  type CardSecretName,
  type HandoverAttendee,
  type IdentityDocumentType,
} from '../../preload/values';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { CallErrorAlert } from '../components/CallErrorAlert';
import { Choice } from '../components/Choice';
import { approvalReady, NO_APPROVAL, SupervisorApproval } from '../components/SupervisorApproval';
import { TextField } from '../components/TextField';
import { documentsSuffice } from '../handover/HandoverScreen';

// Two counter services on the holder's card, both under the two-person rule: a PIN reset
// (issue 5 workflow 6) and reinstating a suspended card (workflow 5). The holder types the new
// or current PIN in a field that never shows its digits (type=password, nothing stored in the
// page after the call); the applicant-facing window (#applicant) serves the handover's four
// secrets only.

interface Identity {
  attendee: HandoverAttendee | null;
  documents: IdentityDocumentType[];
}

/** Who came and which documents were seen (by type only), as at handover. */
function IdentityCheck({
  value,
  onChange,
  testId,
  showErrors,
}: {
  value: Identity;
  onChange: (value: Identity) => void;
  testId: string;
  showErrors: boolean;
}) {
  const { t } = useTranslation();
  const documentsError =
    showErrors && !documentsSuffice(value.documents)
      ? t('cardService.documentsRequired')
      : undefined;
  const toggle = (document: IdentityDocumentType) =>
    onChange({
      ...value,
      documents: value.documents.includes(document)
        ? value.documents.filter((d) => d !== document)
        : [...value.documents, document],
    });
  return (
    <section className="card-panel" aria-labelledby={`${testId}-h`}>
      <h2 id={`${testId}-h`}>{t('cardService.identityTitle')}</h2>
      <Choice
        testId={`${testId}-attendee`}
        label={t('handover.attendee')}
        options={HANDOVER_ATTENDEES}
        optionLabel={(a) => t(`handover.attendees.${a}`)}
        value={value.attendee}
        onChange={(attendee) => onChange({ ...value, attendee })}
        error={showErrors && !value.attendee ? t('handover.attendeeRequired') : undefined}
        orientation="vertical"
      />
      {(['a', 'b'] as const).map((list) => (
        <fieldset
          key={list}
          className={documentsError ? 'field fieldset field--invalid' : 'field fieldset'}
          data-testid={`${testId}-documents-${list}`}
        >
          <legend className="field__label">{t(`handover.documentList.${list}`)}</legend>
          <ul className="checks">
            {IDENTITY_DOCUMENT_TYPES.filter((d) => d.startsWith(`${list}-`)).map((document) => (
              <li key={document}>
                <label className="check">
                  <input
                    type="checkbox"
                    data-testid={`${testId}-document-${document}`}
                    checked={value.documents.includes(document)}
                    onChange={() => toggle(document)}
                  />
                  <span>{t(`handover.documents.${document}`)}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      ))}
      {documentsError ? (
        <p className="field__error" role="alert">
          {documentsError}
        </p>
      ) : null}
    </section>
  );
}

const NO_IDENTITY: Identity = { attendee: null, documents: [] };

function identityReady(identity: Identity): identity is Identity & { attendee: HandoverAttendee } {
  return identity.attendee !== null && documentsSuffice(identity.documents);
}

interface CardServiceProps {
  applicationId: string;
  cardSerial: string;
  onDone: () => void;
}

/** A PIN reset at the counter: identity, the card's PIN counters, the new PIN, a supervisor. */
export function PinResetScreen({ applicationId, cardSerial, onDone }: CardServiceProps) {
  const api = useApi();
  const { t } = useTranslation();
  const [identity, setIdentity] = useState<Identity>(NO_IDENTITY);
  const [status, setStatus] = useState<CardPinStatusView | null>(null);
  const [secret, setSecret] = useState<CardSecretName | null>(null);
  const [pin, setPin] = useState('');
  const [pinAgain, setPinAgain] = useState('');
  const [approval, setApproval] = useState<ApprovalInput>(NO_APPROVAL);
  const [showErrors, setShowErrors] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const [done, setDone] = useState<PinResetDone | null>(null);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  async function readCard() {
    setBusy(true);
    const answer = await settle(api.pinReset.status({ cardSerial }));
    setBusy(false);
    if (answer.ok) {
      setStatus(answer.value);
      setError(null);
      const blocked = answer.value.pins.find((p) => p.blocked);
      if (blocked && secret === null) setSecret(blocked.secret);
    } else setError(answer.error);
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const pinsMatch = pin !== '' && pin === pinAgain;
    if (!identityReady(identity) || !secret || !pinsMatch || !approvalReady(approval)) {
      setShowErrors(true);
      return;
    }
    setShowErrors(false);
    setBusy(true);
    const answer = await settle(
      api.pinReset.reset({
        cardSerial,
        attendee: identity.attendee,
        documents: identity.documents,
        secret,
        newValue: pin,
        approval,
      }),
    );
    setBusy(false);
    // Neither the holder's PIN nor the supervisor's password stays in the page.
    setPin('');
    setPinAgain('');
    setApproval((value) => ({ ...value, password: '' }));
    if (answer.ok) {
      setDone(answer.value);
      setError(null);
      setApproval(NO_APPROVAL);
    } else setError(answer.error);
  }

  return (
    <section
      className="workspace"
      data-testid="screen-pin-reset"
      data-application-id={applicationId}
    >
      <h1 ref={headingRef} tabIndex={-1}>
        {t('cardService.pinResetTitle')}
        <span className="heading__sub mono">{cardSerial}</span>
      </h1>
      {error ? <CallErrorAlert error={error} /> : null}
      {done ? (
        <div className="alert alert--success" role="status" data-testid="pin-reset-done">
          <p>
            {t('cardService.pinResetDone', {
              secret: t(`cardService.secrets.${done.secret}`),
              tries: done.triesLeft ?? '-',
            })}
          </p>
          <button
            type="button"
            className="button button--primary"
            data-testid="pin-reset-back"
            onClick={onDone}
          >
            {t('cardService.backToCase')}
          </button>
        </div>
      ) : (
        <form className="form form--wide" noValidate onSubmit={(event) => void submit(event)}>
          <IdentityCheck
            value={identity}
            onChange={setIdentity}
            testId="pin-reset-identity"
            showErrors={showErrors}
          />
          <section className="card-panel" aria-labelledby="pin-reset-card-h">
            <h2 id="pin-reset-card-h">{t('cardService.cardTitle')}</h2>
            <p>{t('cardService.cardIntro')}</p>
            <button
              type="button"
              className="button button--secondary"
              data-testid="pin-reset-read"
              aria-disabled={busy || undefined}
              onClick={() => void readCard()}
            >
              {t('cardService.readCard')}
            </button>
            {status ? (
              <ul className="checks" data-testid="pin-reset-status">
                {status.pins.map((p) => (
                  <li
                    key={p.secret}
                    data-secret={p.secret}
                    data-blocked={p.blocked ? 'true' : 'false'}
                  >
                    {t(`cardService.secrets.${p.secret}`)}:{' '}
                    {p.blocked
                      ? t('cardService.blocked')
                      : t('cardService.triesLeft', { tries: p.triesLeft ?? '-' })}
                  </li>
                ))}
              </ul>
            ) : null}
            <Choice
              testId="pin-reset-secret"
              label={t('cardService.secretLabel')}
              options={CARD_SECRET_NAMES}
              optionLabel={(s) => t(`cardService.secrets.${s}`)}
              value={secret}
              onChange={setSecret}
              error={showErrors && !secret ? t('cardService.secretRequired') : undefined}
              orientation="vertical"
            />
          </section>
          <section className="card-panel" aria-labelledby="pin-reset-new-h">
            <h2 id="pin-reset-new-h">{t('cardService.newPinTitle')}</h2>
            <p className="note">{t('cardService.newPinIntro')}</p>
            <TextField
              testId="pin-reset-new"
              label={t('cardService.newPin')}
              type="password"
              inputMode={secret === 'signature-password' ? 'text' : 'numeric'}
              autoComplete="off"
              maxLength={16}
              value={pin}
              error={showErrors && pin === '' ? t('secondPerson.required') : undefined}
              onChange={(event) => setPin(event.target.value)}
            />
            <TextField
              testId="pin-reset-new-again"
              label={t('cardService.newPinAgain')}
              type="password"
              inputMode={secret === 'signature-password' ? 'text' : 'numeric'}
              autoComplete="off"
              maxLength={16}
              value={pinAgain}
              error={
                showErrors && pin !== '' && pin !== pinAgain
                  ? t('cardService.pinsDiffer')
                  : undefined
              }
              onChange={(event) => setPinAgain(event.target.value)}
            />
          </section>
          <SupervisorApproval
            value={approval}
            onChange={setApproval}
            testId="pin-reset-approval"
            showErrors={showErrors}
          />
          <div className="form__actions">
            <button
              type="submit"
              className="button button--primary"
              data-testid="pin-reset-submit"
              aria-disabled={busy || undefined}
            >
              {busy ? t('cardService.working') : t('cardService.resetSubmit')}
            </button>
            <button type="button" className="button button--secondary" onClick={onDone}>
              {t('secondPerson.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Reinstating a found card: identity again, the card and its PIN, a supervisor. */
export function ReinstateScreen({
  applicationId,
  cardSerial,
  version,
  onDone,
}: CardServiceProps & { version: number }) {
  const api = useApi();
  const { t } = useTranslation();
  const [identity, setIdentity] = useState<Identity>(NO_IDENTITY);
  const [pin, setPin] = useState('');
  const [approval, setApproval] = useState<ApprovalInput>(NO_APPROVAL);
  const [showErrors, setShowErrors] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const [done, setDone] = useState<ReinstatementDone | null>(null);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (!identityReady(identity) || !/^[0-9]{4}$/u.test(pin) || !approvalReady(approval)) {
      setShowErrors(true);
      return;
    }
    setShowErrors(false);
    setBusy(true);
    const answer = await settle(
      api.cards.reinstate({
        cardSerial,
        expectedVersion: version,
        attendee: identity.attendee,
        documents: identity.documents,
        pin,
        approval,
      }),
    );
    setBusy(false);
    setPin('');
    setApproval((value) => ({ ...value, password: '' }));
    if (answer.ok) {
      setDone(answer.value);
      setError(null);
      setApproval(NO_APPROVAL);
    } else setError(answer.error);
  }

  return (
    <section
      className="workspace"
      data-testid="screen-reinstate"
      data-application-id={applicationId}
    >
      <h1 ref={headingRef} tabIndex={-1}>
        {t('cardService.reinstateTitle')}
        <span className="heading__sub mono">{cardSerial}</span>
      </h1>
      {error ? <CallErrorAlert error={error} /> : null}
      {done ? (
        <div className="alert alert--success" role="status" data-testid="reinstate-done">
          <p>{t('cardService.reinstateDone')}</p>
          <button
            type="button"
            className="button button--primary"
            data-testid="reinstate-back"
            onClick={onDone}
          >
            {t('cardService.backToCase')}
          </button>
        </div>
      ) : (
        <form className="form form--wide" noValidate onSubmit={(event) => void submit(event)}>
          <p>{t('cardService.reinstateIntro')}</p>
          <IdentityCheck
            value={identity}
            onChange={setIdentity}
            testId="reinstate-identity"
            showErrors={showErrors}
          />
          <section className="card-panel" aria-labelledby="reinstate-pin-h">
            <h2 id="reinstate-pin-h">{t('cardService.cardTitle')}</h2>
            <p className="note">{t('cardService.reinstatePinIntro')}</p>
            <TextField
              testId="reinstate-pin"
              label={t('cardService.holderPin')}
              type="password"
              inputMode="numeric"
              autoComplete="off"
              maxLength={4}
              value={pin}
              error={
                showErrors && !/^[0-9]{4}$/u.test(pin) ? t('cardService.pinFourDigits') : undefined
              }
              onChange={(event) => setPin(event.target.value)}
            />
          </section>
          <SupervisorApproval
            value={approval}
            onChange={setApproval}
            testId="reinstate-approval"
            showErrors={showErrors}
          />
          <div className="form__actions">
            <button
              type="submit"
              className="button button--primary"
              data-testid="reinstate-submit"
              aria-disabled={busy || undefined}
            >
              {busy ? t('cardService.working') : t('cardService.reinstateSubmit')}
            </button>
            <button type="button" className="button button--secondary" onClick={onDone}>
              {t('secondPerson.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
