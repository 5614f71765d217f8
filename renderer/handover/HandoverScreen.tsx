import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type {
  ApprovalInput,
  CallError,
  CardFaceView,
  HandoverCommitted,
  HandoverView,
  Result,
  SavedFile,
} from '../../preload/contract';
import {
  HANDOVER_ATTENDEES,
  IDENTITY_DOCUMENT_TYPES,
  type HandoverAttendee,
  type IdentityDocumentType,
} from '../../preload/values';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { TrainingWatermark, useTraining } from '../app/training';
import { CallErrorAlert } from '../components/CallErrorAlert';
import { Choice } from '../components/Choice';
import { approvalReady, NO_APPROVAL, SupervisorApproval } from '../components/SupervisorApproval';
import { formatDate, formatDateTime } from '../format/dates';
import './handover.css';

/** The screen's steps, in the order of the counter (W §3.3). */
export const HANDOVER_STEPS = [
  'identity',
  'card',
  'face',
  'pins',
  'recheck',
  'oldCard',
  'commit',
] as const;
export type HandoverStep = (typeof HANDOVER_STEPS)[number] | 'done';

/** One document from list A, or two from list B (as main checks it at the commit). */
export function documentsSuffice(documents: readonly IdentityDocumentType[]): boolean {
  return (
    documents.some((d) => d.startsWith('a-')) ||
    documents.filter((d) => d.startsWith('b-')).length >= 2
  );
}

/** Where a handover stands: the first step whose fact main has not recorded yet. */
export function stepOf(view: HandoverView): HandoverStep {
  if (!view.attendee || !documentsSuffice(view.documents)) return 'identity';
  if (!view.cardProved) return 'card';
  if (!view.faceCompared) return 'face';
  if (!view.pinsSet) return 'pins';
  if (!view.rechecked) return 'recheck';
  if (view.oldCardCollected === null) return 'oldCard';
  return 'commit';
}

interface HandoverScreenProps {
  cardSerial: string;
  applicationId: string;
  onDone: () => void;
}

/**
 * Handover (交付) as a stepper the clerk walks with the keyboard: every step is recorded by
 * main as it is done (handover_draft), so a reload or a restart comes back to the same step;
 * nothing is a fact of the case until the last step commits it in one transaction. The
 * applicant's PINs are typed on the applicant's own screen and never reach this one.
 */
export function HandoverScreen({ cardSerial, applicationId, onDone }: HandoverScreenProps) {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const training = useTraining();
  const [view, setView] = useState<HandoverView | null>(null);
  const [face, setFace] = useState<CardFaceView | null | 'unread'>('unread');
  const [error, setError] = useState<{ error: CallError; attempt: number } | null>(null);
  const [pending, setPending] = useState(false);
  const [committed, setCommitted] = useState<HandoverCommitted | null>(null);
  const [faceMismatch, setFaceMismatch] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const step: HandoverStep = committed ? 'done' : view ? stepOf(view) : 'identity';

  const fail = useCallback((failure: CallError) => {
    setError((previous) => ({ error: failure, attempt: (previous?.attempt ?? 0) + 1 }));
  }, []);

  /** One call that moves the handover: its answer replaces the view, or says what failed. */
  const run = useCallback(
    async <T,>(call: () => Promise<Result<T>>, apply: (value: T) => void): Promise<boolean> => {
      if (pending) return false;
      setPending(true);
      const result = await settle(call());
      setPending(false);
      if (result.ok) {
        setError(null);
        apply(result.value);
        return true;
      }
      fail(result.error);
      return false;
    },
    [pending, fail],
  );

  useEffect(() => {
    void settle(api.handover.open({ cardSerial })).then((result) => {
      if (result.ok) setView(result.value);
      else fail(result.error);
    });
  }, [api, cardSerial, fail]);

  // The applicant's progress: states only (never a digit), pushed by main.
  useEffect(
    () =>
      api.on('handover.applicant', (progress) => {
        if (progress.cardSerial !== cardSerial && progress.cardSerial !== null) return;
        void settle(api.handover.get({ cardSerial })).then((result) => {
          if (result.ok && result.value) setView(result.value);
        });
        if (progress.state === 'failed' && progress.code) {
          fail({ code: progress.code, message: '' });
        }
      }),
    [api, cardSerial, fail],
  );

  // Each step (and the first one shown once main answered) takes the focus to its heading.
  const loaded = view !== null;
  useEffect(() => {
    if (loaded) headingRef.current?.focus();
  }, [step, loaded]);

  if (!view) {
    return (
      <section className="workspace" data-testid="screen-handover" aria-busy="true">
        {error ? (
          <CallErrorAlert error={error.error} title={t('handover.failed')} />
        ) : (
          <p role="status">{t('handover.loading')}</p>
        )}
      </section>
    );
  }
  const lang = i18n.language;

  return (
    <section
      className="workspace handover"
      data-testid="screen-handover"
      data-step={step}
      data-card-serial={cardSerial}
    >
      <h1>{t('handover.title')}</h1>
      <p className="lead" data-testid="handover-person">
        {view.person.nameKanji}（{view.person.nameKana}）{' '}
        {t('handover.born', { date: formatDate(view.person.birthDate, lang) })}{' '}
        <span className="mono">{cardSerial}</span>
      </p>
      <ol className="stepper" aria-label={t('handover.steps')}>
        {HANDOVER_STEPS.map((name, index) => {
          const current = step === name;
          const done = step === 'done' || HANDOVER_STEPS.indexOf(step as never) > index;
          return (
            <li
              key={name}
              className={`stepper__item${current ? ' stepper__item--current' : ''}${done ? ' stepper__item--done' : ''}`}
              aria-current={current ? 'step' : undefined}
              data-testid={`handover-stepper-${name}`}
            >
              <span className="stepper__number" aria-hidden="true">
                {done ? '✓' : index + 1}
              </span>
              <span>{t(`handover.step.${name}`)}</span>
              {done ? <span className="visually-hidden">{t('handover.stepDone')}</span> : null}
            </li>
          );
        })}
      </ol>

      {view.revocation !== 'fresh' && step !== 'done' ? (
        <div
          className={`alert ${view.overrideRequired ? 'alert--error' : 'alert--info'}`}
          data-testid="handover-revocation"
          data-level={view.revocation}
        >
          <p className="alert__message">
            {t(view.overrideRequired ? 'handover.revocationStale' : 'handover.revocationWarn')}
          </p>
        </div>
      ) : null}

      {error ? (
        <CallErrorAlert
          key={error.attempt}
          error={error.error}
          title={t('handover.failed')}
          testId="handover-error"
        />
      ) : null}

      <section className="card-panel handover__step" aria-labelledby="handover-step-h">
        <h2 id="handover-step-h" ref={headingRef} tabIndex={-1} data-testid="handover-step-title">
          {t(`handover.step.${step}`)}
        </h2>
        {renderStep()}
      </section>
      {committed ? <ReceiptPortal committed={committed} view={view} training={training} /> : null}
    </section>
  );

  function renderStep() {
    if (!view) return null;
    switch (step) {
      case 'identity':
        return (
          <IdentityStep
            view={view}
            pending={pending}
            onSubmit={(attendee, documents) =>
              void run(
                () => api.handover.recordIdentity({ cardSerial, attendee, documents }),
                setView,
              )
            }
          />
        );
      case 'card':
        return (
          <>
            <p>{t('handover.cardIntro')}</p>
            <div className="form__actions">
              <button
                type="button"
                className="button button--primary"
                data-testid="handover-read-card"
                aria-disabled={pending || undefined}
                onClick={() =>
                  void run(
                    () => api.handover.proveCard({ cardSerial }),
                    (value) => {
                      setView(value.handover);
                      setFace(value.face);
                    },
                  )
                }
              >
                {pending ? t('handover.reading') : t('handover.readCard')}
              </button>
            </div>
          </>
        );
      case 'face':
        return (
          <>
            <p>{t('handover.faceIntro')}</p>
            <div className="face-compare" data-testid="handover-face">
              <figure className="face-compare__item" data-testid="face-application">
                <div className="face-compare__photo face-compare__photo--none">
                  <p>{t('handover.noApplicationPhoto')}</p>
                </div>
                <figcaption>{t('handover.applicationPhoto')}</figcaption>
              </figure>
              <figure className="face-compare__item" data-testid="face-card">
                {face !== 'unread' && face?.photo ? (
                  <img
                    className="face-compare__photo"
                    src={face.photo}
                    alt={t('handover.cardPhotoAlt')}
                  />
                ) : (
                  <div className="face-compare__photo face-compare__photo--none">
                    <p data-testid="face-card-note">
                      {face === 'unread'
                        ? t('handover.faceNotRead')
                        : face === null
                          ? t('handover.faceUnavailable')
                          : t('handover.facePhotoFormat', { format: face.photoFormat })}
                    </p>
                  </div>
                )}
                {face !== 'unread' && face?.nameImage ? (
                  <img
                    className="face-compare__name"
                    src={face.nameImage}
                    alt={t('handover.cardNameAlt')}
                  />
                ) : null}
                <figcaption>{t('handover.cardPhoto')}</figcaption>
              </figure>
            </div>
            {face === 'unread' ? (
              <button
                type="button"
                className="button button--secondary"
                data-testid="handover-read-face"
                aria-disabled={pending || undefined}
                onClick={() => void run(() => api.handover.readCardFace({ cardSerial }), setFace)}
              >
                {t('handover.readFace')}
              </button>
            ) : null}
            {faceMismatch ? (
              <div className="alert alert--error" role="alert" data-testid="handover-face-stop">
                <p className="alert__message">{t('handover.faceMismatch')}</p>
              </div>
            ) : null}
            <div className="form__actions">
              <button
                type="button"
                className="button button--primary"
                data-testid="handover-face-match"
                aria-disabled={pending || undefined}
                onClick={() =>
                  void run(() => api.handover.recordFace({ cardSerial, matches: true }), setView)
                }
              >
                {t('handover.faceMatch')}
              </button>
              <button
                type="button"
                className="button button--danger"
                data-testid="handover-face-mismatch"
                onClick={() => setFaceMismatch(true)}
              >
                {t('handover.faceNoMatch')}
              </button>
            </div>
          </>
        );
      case 'pins':
        return (
          <>
            <p>{t('handover.pinsIntro')}</p>
            <p
              className="handover__applicant"
              role="status"
              data-testid="handover-applicant-state"
              data-state={view.applicant}
            >
              {t(`handover.applicantState.${view.applicant}`)}
            </p>
            <div className="form__actions">
              {view.applicant === 'idle' ? (
                <button
                  type="button"
                  className="button button--primary"
                  data-testid="handover-request-pins"
                  aria-disabled={pending || undefined}
                  onClick={() => void run(() => api.handover.requestPins({ cardSerial }), setView)}
                >
                  {t('handover.requestPins')}
                </button>
              ) : (
                <button
                  type="button"
                  className="button button--secondary"
                  data-testid="handover-cancel-pins"
                  aria-disabled={pending || view.applicant === 'setting' || undefined}
                  onClick={() => void run(() => api.handover.cancelPins({ cardSerial }), setView)}
                >
                  {t('handover.cancelPins')}
                </button>
              )}
            </div>
          </>
        );
      case 'recheck':
        return (
          <>
            <p data-testid="handover-pins-set">{t('handover.pinsSet')}</p>
            <p>{t('handover.recheckIntro')}</p>
            <div className="form__actions">
              <button
                type="button"
                className="button button--primary"
                data-testid="handover-recheck"
                aria-disabled={pending || undefined}
                onClick={() => void run(() => api.handover.recheck({ cardSerial }), setView)}
              >
                {t('handover.recheck')}
              </button>
            </div>
          </>
        );
      case 'oldCard':
        return (
          <OldCardStep
            view={view}
            pending={pending}
            onSubmit={(collected) =>
              void run(() => api.handover.recordOldCard({ cardSerial, collected }), setView)
            }
          />
        );
      case 'commit':
        return (
          <CommitStep
            view={view}
            pending={pending}
            onCommit={(override) =>
              run(
                () => api.handover.commit(override ? { cardSerial, override } : { cardSerial }),
                setCommitted,
              )
            }
          />
        );
      case 'done':
        return committed ? (
          <DoneStep
            committed={committed}
            lang={lang}
            onDone={onDone}
            applicationId={applicationId}
          />
        ) : null;
    }
  }
}

function IdentityStep({
  view,
  pending,
  onSubmit,
}: {
  view: HandoverView;
  pending: boolean;
  onSubmit: (attendee: HandoverAttendee, documents: IdentityDocumentType[]) => void;
}) {
  const { t } = useTranslation();
  const [attendee, setAttendee] = useState<HandoverAttendee | null>(view.attendee);
  const [documents, setDocuments] = useState<IdentityDocumentType[]>(view.documents);
  const [shown, setShown] = useState(false);
  const attendeeError = shown && !attendee ? t('handover.attendeeRequired') : undefined;
  const documentsError =
    shown && !documentsSuffice(documents) ? t('handover.documentsInsufficient') : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    setShown(true);
    if (!attendee || !documentsSuffice(documents)) return;
    onSubmit(attendee, documents);
  }

  const toggle = (document: IdentityDocumentType) =>
    setDocuments((current) =>
      current.includes(document) ? current.filter((d) => d !== document) : [...current, document],
    );

  return (
    <form className="form form--wide" noValidate onSubmit={submit}>
      <Choice
        testId="handover-attendee"
        label={t('handover.attendee')}
        hint={t('handover.attendeeHint')}
        options={HANDOVER_ATTENDEES}
        optionLabel={(a) => t(`handover.attendees.${a}`)}
        value={attendee}
        onChange={setAttendee}
        error={attendeeError}
        orientation="vertical"
      />
      {(['a', 'b'] as const).map((list) => (
        <fieldset
          key={list}
          className={documentsError ? 'field fieldset field--invalid' : 'field fieldset'}
          data-testid={`handover-documents-${list}`}
          aria-describedby={documentsError ? 'handover-documents-error' : undefined}
        >
          <legend className="field__label">{t(`handover.documentList.${list}`)}</legend>
          <ul className="checks">
            {IDENTITY_DOCUMENT_TYPES.filter((d) => d.startsWith(`${list}-`)).map((document) => (
              <li key={document}>
                <label className="check">
                  <input
                    type="checkbox"
                    data-testid={`handover-document-${document}`}
                    checked={documents.includes(document)}
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
        <p className="field__error" id="handover-documents-error" role="alert">
          {documentsError}
        </p>
      ) : null}
      <p className="note">{t('handover.documentsNote')}</p>
      <div className="form__actions">
        <button
          type="submit"
          className="button button--primary"
          data-testid="handover-identity-submit"
          aria-disabled={pending || undefined}
        >
          {t('handover.recordIdentity')}
        </button>
      </div>
    </form>
  );
}

function OldCardStep({
  view,
  pending,
  onSubmit,
}: {
  view: HandoverView;
  pending: boolean;
  onSubmit: (collected: boolean) => void;
}) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<'collected' | 'none' | null>(null);
  const [shown, setShown] = useState(false);
  const which = view.oldCardRequired ? 'previous' : 'notice';
  return (
    <form
      className="form form--wide"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setShown(true);
        if (choice) onSubmit(choice === 'collected');
      }}
    >
      <Choice
        testId="handover-old-card"
        label={t(`handover.oldCard.${which}.label`)}
        hint={t(`handover.oldCard.${which}.hint`)}
        options={['collected', 'none'] as const}
        optionLabel={(o) => t(`handover.oldCard.${which}.${o}`)}
        value={choice}
        onChange={setChoice}
        error={shown && !choice ? t('handover.oldCardRequired') : undefined}
        orientation="vertical"
      />
      <div className="form__actions">
        <button
          type="submit"
          className="button button--primary"
          data-testid="handover-old-card-submit"
          aria-disabled={pending || undefined}
        >
          {t('handover.recordOldCard')}
        </button>
      </div>
    </form>
  );
}

function CommitStep({
  view,
  pending,
  onCommit,
}: {
  view: HandoverView;
  pending: boolean;
  onCommit: (override: ApprovalInput | null) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [approval, setApproval] = useState<ApprovalInput>(NO_APPROVAL);
  const [shown, setShown] = useState(false);
  return (
    <form
      className="form form--wide"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setShown(true);
        if (view.overrideRequired && !approvalReady(approval)) return;
        void onCommit(view.overrideRequired ? approval : null).then(() =>
          setApproval((a) => ({ ...a, password: '' })),
        );
      }}
    >
      <dl className="facts" data-testid="handover-summary">
        <dt>{t('handover.attendee')}</dt>
        <dd>{view.attendee ? t(`handover.attendees.${view.attendee}`) : '—'}</dd>
        <dt>{t('handover.documentsSeen')}</dt>
        <dd>{view.documents.map((d) => t(`handover.documents.${d}`)).join('、')}</dd>
        <dt>{t('handover.step.pins')}</dt>
        <dd>{t('handover.pinsSetShort')}</dd>
        <dt>{t(`handover.oldCard.${view.oldCardRequired ? 'previous' : 'notice'}.label`)}</dt>
        <dd>
          {t(
            `handover.oldCard.${view.oldCardRequired ? 'previous' : 'notice'}.${view.oldCardCollected ? 'collected' : 'none'}`,
          )}
        </dd>
      </dl>
      {view.overrideRequired ? (
        <SupervisorApproval
          value={approval}
          onChange={setApproval}
          testId="handover-override"
          showErrors={shown}
        />
      ) : null}
      <div className="form__actions">
        <button
          type="submit"
          className="button button--primary"
          data-testid="handover-commit"
          aria-disabled={pending || undefined}
        >
          {t('handover.commit')}
        </button>
      </div>
    </form>
  );
}

function DoneStep({
  committed,
  lang,
  onDone,
}: {
  committed: HandoverCommitted;
  lang: string;
  applicationId: string;
  onDone: () => void;
}) {
  const api = useApi();
  const { t } = useTranslation();
  const [printing, setPrinting] = useState(false);
  const [saved, setSaved] = useState<SavedFile | null>(null);
  const [error, setError] = useState<CallError | null>(null);

  async function print() {
    if (printing) return;
    setPrinting(true);
    const result = await settle(api.handover.printReceipt({ cardSerial: committed.cardSerial }));
    setPrinting(false);
    if (result.ok) setSaved(result.value);
    else setError(result.error);
  }

  return (
    <>
      <div className="alert alert--success" role="status" data-testid="handover-done">
        <p className="alert__message">
          {t('handover.committed', { when: formatDateTime(committed.handedOverAt, lang) })}
        </p>
      </div>
      {committed.overriddenBy ? (
        <p className="note" data-testid="handover-overridden">
          {t('handover.overriddenBy', { supervisor: committed.overriddenBy })}
        </p>
      ) : null}
      <p className="note">{t('handover.syncNote')}</p>
      {error ? <CallErrorAlert error={error} testId="handover-print-error" /> : null}
      {saved ? (
        <p role="status" data-testid="handover-receipt-saved">
          {t('handover.receiptSaved', { path: saved.path })}
        </p>
      ) : null}
      <div className="form__actions">
        <button
          type="button"
          className="button button--primary"
          data-testid="handover-print"
          aria-disabled={printing || undefined}
          onClick={() => void print()}
        >
          {printing ? t('handover.printing') : t('handover.printReceipt')}
        </button>
        <button
          type="button"
          className="button button--secondary"
          data-testid="handover-back"
          onClick={onDone}
        >
          {t('handover.backToCase')}
        </button>
      </div>
    </>
  );
}

/** The receipt (受領書) in the page for the print stylesheet: outside #root, print-only. */
function ReceiptPortal({
  committed,
  view,
  training,
}: {
  committed: HandoverCommitted;
  view: HandoverView;
  training: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return createPortal(
    <div className="print-sheet" data-testid="print-sheet" data-document="handover-receipt">
      {training ? <TrainingWatermark print /> : null}
      <article className="letter">
        <h1 className="letter__title">{t('handover.receipt.title')}</h1>
        <p className="letter__date">{formatDateTime(committed.handedOverAt, lang)}</p>
        <dl className="facts">
          <dt>{t('handover.receipt.name')}</dt>
          <dd>{view.person.nameKanji}</dd>
          <dt>{t('fields.applicationId.label')}</dt>
          <dd className="mono">{committed.applicationId}</dd>
          <dt>{t('handover.receipt.cardSerial')}</dt>
          <dd className="mono">{committed.cardSerial}</dd>
          <dt>{t('handover.attendee')}</dt>
          <dd>{t(`handover.attendees.${committed.attendee}`)}</dd>
          <dt>{t('handover.documentsSeen')}</dt>
          <dd>{committed.documents.map((d) => t(`handover.documents.${d}`)).join('、')}</dd>
          <dt>{t('handover.receipt.staff')}</dt>
          <dd>{committed.handedOverBy}</dd>
        </dl>
        <p>{t('handover.receipt.body')}</p>
        <p className="letter__sign">{t('handover.receipt.signature')}</p>
      </article>
    </div>,
    document.body,
  );
}
