import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Checkbox } from 'react-aria-components';
import { PHOTO_REQUIREMENTS, type PhotoRequirement } from '../../domain/application-photo';
import {
  OVERSEAS_ELIGIBILITY_MESSAGES,
  overseasEligibility,
  type OverseasApplication,
  type OverseasIneligibility,
} from '../../domain/overseas-eligibility';
import { parseIsoDate } from '../../domain/japanese-era';
import type {
  CallError,
  OverseasFactsInput,
  OverseasReviewItem,
  ReviewDecided,
} from '../../preload/contract';
import { REVIEW_REJECT_REASONS, type ReviewRejectReason } from '../../preload/values';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { CallErrorAlert } from '../components/CallErrorAlert';
import { Choice } from '../components/Choice';
import { TextField } from '../components/TextField';
import { formatDate, formatDateTime, maskedMyNumber, parseDateInput } from '../format/dates';

const YES_NO = ['yes', 'no'] as const;
type YesNo = (typeof YES_NO)[number];
const NATIONALITIES = ['japanese', 'foreign'] as const;
type Nationality = (typeof NATIONALITIES)[number];
const DEPARTURES = ['on-date', 'never-resident', 'unknown'] as const;
type Departure = (typeof DEPARTURES)[number];
const DECISIONS = ['accept', 'reject'] as const;
type Decision = (typeof DECISIONS)[number];

interface Answers {
  nationality: Nationality | null;
  residentRecordInJapan: YesNo | null;
  onKosekiFuhyo: YesNo | null;
  departure: Departure | null;
  leftJapanOn: string;
  honsekiKnown: YesNo | null;
  expressIssuance: YesNo | null;
}

const NO_ANSWERS: Answers = {
  nationality: null,
  residentRecordInJapan: null,
  onKosekiFuhyo: null,
  departure: null,
  leftJapanOn: '',
  honsekiKnown: null,
  expressIssuance: null,
};

/** The answers as the contract's facts, or null while a question is open. */
function factsOf(answers: Answers): OverseasFactsInput | null {
  if (answers.nationality === null || answers.expressIssuance === null) return null;
  const expressIssuance = answers.expressIssuance === 'yes';
  if (answers.nationality === 'foreign') return { nationality: 'foreign', expressIssuance };
  const { residentRecordInJapan, onKosekiFuhyo, departure, honsekiKnown } = answers;
  if (
    residentRecordInJapan === null ||
    onKosekiFuhyo === null ||
    departure === null ||
    honsekiKnown === null
  ) {
    return null;
  }
  let leftJapanOn: string;
  if (departure === 'on-date') {
    const iso = parseDateInput(answers.leftJapanOn);
    if (!iso) return null;
    leftJapanOn = iso;
  } else leftJapanOn = departure;
  return {
    nationality: 'japanese',
    residentRecordInJapan: residentRecordInJapan === 'yes',
    onKosekiFuhyo: onKosekiFuhyo === 'yes',
    leftJapanOn,
    honsekiKnown: honsekiKnown === 'yes',
    expressIssuance,
  };
}

/** The domain's rules on the facts, shown as the reviewer answers; main decides again. */
function ineligibilityOf(facts: OverseasFactsInput): OverseasIneligibility[] {
  const application: OverseasApplication =
    facts.nationality === 'foreign'
      ? { applicant: { nationality: 'foreign' }, expressIssuance: facts.expressIssuance }
      : {
          applicant: {
            nationality: 'japanese',
            residentRecordInJapan: facts.residentRecordInJapan,
            onKosekiFuhyo: facts.onKosekiFuhyo,
            leftJapanOn:
              facts.leftJapanOn === 'never-resident' || facts.leftJapanOn === 'unknown'
                ? facts.leftJapanOn
                : (parseIsoDate(facts.leftJapanOn) ?? 'unknown'),
            honsekiKnown: facts.honsekiKnown,
          },
          expressIssuance: facts.expressIssuance,
        };
  const result = overseasEligibility(application);
  return result.eligible ? [] : [...result.reasons];
}

/**
 * Consular staff review the overseas online applications central sent this mission: the
 * eligibility rules on what the 戸籍の附票 says, the photo checklist, then accept or reject
 * with a reason. The decision is recorded in main and forwarded by sync.
 */
export function ReviewScreen() {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const [queue, setQueue] = useState<OverseasReviewItem[] | null>(null);
  const [loadError, setLoadError] = useState<CallError | null>(null);
  const [open, setOpen] = useState<OverseasReviewItem | null>(null);
  const [done, setDone] = useState<ReviewDecided | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    const answer = await settle(api.applications.reviewQueue({}));
    if (answer.ok) {
      setQueue(answer.value);
      setLoadError(null);
    } else setLoadError(answer.error);
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (!open) headingRef.current?.focus();
  }, [open]);

  if (open) {
    return (
      <ReviewForm
        key={open.applicationId}
        item={open}
        onCancel={() => setOpen(null)}
        onDecided={(decided) => {
          setDone(decided);
          setOpen(null);
          void load();
        }}
      />
    );
  }

  return (
    <section className="workspace" data-testid="screen-review">
      <h1 ref={headingRef} tabIndex={-1}>
        {t('review.title')}
      </h1>
      <p className="lead">{t('review.intro')}</p>
      {done ? (
        <div
          className="alert alert--success"
          role="status"
          data-testid="review-done"
          data-decision={done.decision}
          data-application-id={done.applicationId}
        >
          <p className="alert__message">
            {t(`review.${done.decision}`, { id: done.applicationId })}
          </p>
        </div>
      ) : null}
      {loadError ? <CallErrorAlert error={loadError} /> : null}
      <h2>{t('review.queue')}</h2>
      {queue === null ? null : queue.length === 0 ? (
        <p className="note" data-testid="review-queue-empty">
          {t('review.queueEmpty')}
        </p>
      ) : (
        <ul className="card-list" data-testid="review-queue">
          {queue.map((item) => (
            <li key={item.applicationId} className="card-row">
              <button
                type="button"
                className="button button--secondary"
                data-testid="review-open"
                data-application-id={item.applicationId}
                aria-label={t('review.open', { id: item.applicationId })}
                onClick={() => setOpen(item)}
              >
                {t('review.open', { id: item.applicationId })}
              </button>
              <span>
                {item.nameKanji}（{item.nameKana}）{item.nameLatin ? ` ${item.nameLatin}` : ''}
              </span>
              <span className="note">
                {t('review.received', { date: formatDateTime(item.receivedAt, i18n.language) })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ReviewForm({
  item,
  onCancel,
  onDecided,
}: {
  item: OverseasReviewItem;
  onCancel: () => void;
  onDecided: (decided: ReviewDecided) => void;
}) {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'ja';
  const [answers, setAnswers] = useState<Answers>(NO_ANSWERS);
  const [photo, setPhoto] = useState<PhotoRequirement[]>([]);
  const [decision, setDecision] = useState<Decision | null>(null);
  const [reason, setReason] = useState<ReviewRejectReason | null>(null);
  const [note, setNote] = useState('');
  const [failure, setFailure] = useState<CallError | null>(null);
  const [pending, setPending] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const facts = factsOf(answers);
  const ineligible = facts ? ineligibilityOf(facts) : null;
  const photoMet = PHOTO_REQUIREMENTS.every((requirement) => photo.includes(requirement));
  const answer =
    <K extends keyof Answers>(key: K) =>
    (value: Answers[K]) =>
      setAnswers((previous) => ({ ...previous, [key]: value }));
  const fieldError = (path: 'decision' | 'reason' | 'note' | 'facts'): string | undefined =>
    failure?.details?.some((detail) => detail.path === path)
      ? t(`review.errors.${path}`)
      : undefined;

  function choose(next: Decision) {
    setDecision(next);
    // Rejecting for a rule the applicant fails: that rule is the likely reason.
    if (next === 'reject' && reason === null) {
      const first = ineligible?.[0] ?? (photoMet ? null : 'photo-unsuitable');
      if (first) setReason(first);
    }
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    const result = await settle(
      api.applications.review({
        applicationId: item.applicationId,
        expectedVersion: item.version,
        decision: (decision ?? '') as Decision,
        ...(facts ? { facts } : {}),
        photoChecks: photo,
        ...(decision === 'reject' && reason ? { reason } : {}),
        note,
      }),
    );
    setPending(false);
    if (result.ok) onDecided(result.value);
    else setFailure(result.error);
  }

  const yesNo = (
    key: 'residentRecordInJapan' | 'onKosekiFuhyo' | 'honsekiKnown' | 'expressIssuance',
  ) => (
    <Choice
      testId={`review-${key}`}
      label={t(`review.questions.${key}`)}
      options={YES_NO}
      optionLabel={(value) => t(`review.${value}`)}
      value={answers[key]}
      onChange={answer(key)}
    />
  );

  return (
    <section className="workspace" data-testid="screen-review-form">
      <h1 ref={headingRef} tabIndex={-1} data-testid="review-application-id">
        {item.applicationId}
      </h1>
      <p className="lead">{t('review.intro')}</p>
      {failure ? <CallErrorAlert error={failure} title={t('review.failedTitle')} /> : null}
      <h2>{t('review.applicant')}</h2>
      <dl className="facts">
        <dt>{t('review.name')}</dt>
        <dd data-testid="review-name">
          {item.nameKanji}（{item.nameKana}）{item.nameLatin ? ` ${item.nameLatin}` : ''}
        </dd>
        <dt>{t('review.birthDate')}</dt>
        <dd>{formatDate(item.birthDate, i18n.language)}</dd>
        <dt>{t('review.address')}</dt>
        <dd>{item.address}</dd>
        <dt>{t('review.myNumber')}</dt>
        <dd className="mono">{maskedMyNumber(item.myNumberLast4)}</dd>
        <dt>{t('fields.kind.label')}</dt>
        <dd>{t(`kinds.${item.kind}`)}</dd>
        <dt>{t('case.receivedAt')}</dt>
        <dd>{formatDateTime(item.receivedAt, i18n.language)}</dd>
      </dl>
      <form className="form form--wide" noValidate onSubmit={(event) => void submit(event)}>
        <fieldset className="fieldset">
          <legend>{t('review.eligibility')}</legend>
          <Choice
            testId="review-nationality"
            label={t('review.questions.nationality')}
            options={NATIONALITIES}
            optionLabel={(value) => t(`review.nationalities.${value}`)}
            value={answers.nationality}
            onChange={answer('nationality')}
          />
          {answers.nationality === 'japanese' ? (
            <>
              {yesNo('residentRecordInJapan')}
              {yesNo('onKosekiFuhyo')}
              <Choice
                testId="review-departure"
                label={t('review.questions.departure')}
                options={DEPARTURES}
                optionLabel={(value) => t(`review.departures.${value}`)}
                value={answers.departure}
                onChange={answer('departure')}
              />
              {answers.departure === 'on-date' ? (
                <TextField
                  testId="review-left-japan-on"
                  label={t('review.questions.leftJapanOn')}
                  hint={t('review.questions.leftJapanOnHint')}
                  value={answers.leftJapanOn}
                  onChange={(event) => answer('leftJapanOn')(event.target.value)}
                  autoComplete="off"
                />
              ) : null}
              {yesNo('honsekiKnown')}
            </>
          ) : null}
          {yesNo('expressIssuance')}
          {fieldError('facts') ? (
            <p className="field__error" data-testid="review-facts-error">
              {fieldError('facts')}
            </p>
          ) : null}
          <div
            role="status"
            data-testid="review-eligibility"
            data-eligible={ineligible === null ? 'unknown' : String(ineligible.length === 0)}
            className={
              ineligible === null
                ? 'alert alert--info'
                : ineligible.length === 0
                  ? 'alert alert--success'
                  : 'alert alert--warning'
            }
          >
            {ineligible === null ? (
              <p className="alert__message">{t('review.incomplete')}</p>
            ) : ineligible.length === 0 ? (
              <p className="alert__message">{t('review.eligible')}</p>
            ) : (
              <>
                <p className="alert__message">{t('review.ineligible')}</p>
                <ul>
                  {ineligible.map((code) => (
                    <li key={code} data-code={code}>
                      {OVERSEAS_ELIGIBILITY_MESSAGES[code][language]}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        </fieldset>
        <fieldset className="fieldset" data-testid="review-photo">
          <legend>{t('review.photo')}</legend>
          {item.photoAvailable ? null : <p className="note">{t('review.photoNotSent')}</p>}
          {PHOTO_REQUIREMENTS.map((requirement) => (
            <Checkbox
              key={requirement}
              className="checkbox"
              data-testid={`review-photo-${requirement}`}
              isSelected={photo.includes(requirement)}
              onChange={(selected) =>
                setPhoto((previous) =>
                  selected
                    ? [...previous, requirement]
                    : previous.filter((other) => other !== requirement),
                )
              }
            >
              <span className="checkbox__box" aria-hidden="true" />
              {t(`review.photoRequirements.${requirement}`)}
            </Checkbox>
          ))}
          {photoMet ? null : <p className="note">{t('review.photoUnmet')}</p>}
        </fieldset>
        <Choice
          testId="review-decision"
          label={t('review.decision')}
          options={DECISIONS}
          optionLabel={(value) => t(`review.decisions.${value}`)}
          value={decision}
          onChange={choose}
          error={fieldError('decision')}
        />
        {decision === 'reject' ? (
          <Choice
            testId="review-reason"
            label={t('review.reason')}
            orientation="vertical"
            options={REVIEW_REJECT_REASONS}
            optionLabel={(value) => t(`review.reasons.${value}`)}
            value={reason}
            onChange={setReason}
            error={fieldError('reason')}
          />
        ) : null}
        <TextField
          testId="review-note"
          label={t('review.note')}
          hint={t('review.noteHint')}
          error={fieldError('note')}
          value={note}
          maxLength={200}
          onChange={(event) => setNote(event.target.value)}
          autoComplete="off"
        />
        <div className="form__actions">
          <button
            type="submit"
            className="button button--primary"
            data-testid="review-submit"
            aria-disabled={pending || undefined}
          >
            {t('review.submit')}
          </button>
          <button
            type="button"
            className="button button--secondary"
            data-testid="review-back"
            onClick={onCancel}
          >
            {t('review.back')}
          </button>
        </div>
      </form>
    </section>
  );
}
