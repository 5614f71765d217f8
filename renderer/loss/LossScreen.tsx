import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallError } from '../../preload/contract';
import { LOSS_REASONS, type LossReason } from '../../preload/values';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { Choice } from '../components/Choice';
import { ErrorSummary } from '../components/ErrorSummary';
import { TextField } from '../components/TextField';
import { formatDate, parseDateInput } from '../format/dates';
import { fieldErrorKind, type FieldErrorKind } from '../i18n/field-errors';

const FIELDS = ['reason', 'occurredOn', 'place', 'policeReportNumber'] as const;
type Field = (typeof FIELDS)[number];

interface LossScreenProps {
  applicationId: string;
  cardSerial: string;
  version: number;
  onDone: () => void;
}

/**
 * A lost or stolen card, reported at the counter: the card is suspended in this terminal's
 * store the moment the clerk records it; central makes it effective everywhere once synced.
 */
export function LossScreen({ cardSerial, version, onDone }: LossScreenProps) {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const [reason, setReason] = useState<LossReason | null>(null);
  const [occurredOn, setOccurredOn] = useState('');
  const [place, setPlace] = useState('');
  const [police, setPolice] = useState('');
  const [failure, setFailure] = useState<{ error: CallError; attempt: number } | null>(null);
  const [pending, setPending] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const refs = useRef<Partial<Record<Field, HTMLElement | null>>>({});
  const occurredIso = parseDateInput(occurredOn);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  useEffect(() => {
    if (failure) summaryRef.current?.focus();
  }, [failure]);

  const errors: Partial<Record<Field, FieldErrorKind>> = {};
  for (const detail of failure?.error.details ?? []) {
    const field = FIELDS.find((f) => f === detail.path);
    if (field && errors[field] === undefined) errors[field] = fieldErrorKind(detail.reason);
  }
  const text = (field: Field) =>
    errors[field]
      ? t(
          `loss.errors.${field}.${errors[field] === 'tooLong' ? 'tooLong' : errors[field] === 'required' ? 'required' : 'invalid'}`,
        )
      : undefined;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    const result = await settle(
      api.cards.reportLoss({
        cardSerial,
        expectedVersion: version,
        reason: (reason ?? '') as LossReason,
        occurredOn: occurredIso ?? occurredOn,
        place,
        policeReportNumber: police.normalize('NFKC'),
      }),
    );
    setPending(false);
    if (result.ok) onDone();
    else setFailure((previous) => ({ error: result.error, attempt: (previous?.attempt ?? 0) + 1 }));
  }

  return (
    <section className="workspace" data-testid="screen-loss">
      <h1 ref={headingRef} tabIndex={-1}>
        {t('loss.title')}
      </h1>
      <p className="lead">{t('loss.intro', { serial: cardSerial })}</p>
      <div className="alert alert--info">
        <p className="alert__message">{t('loss.effectNote')}</p>
      </div>
      {failure ? (
        <ErrorSummary
          ref={summaryRef}
          key={failure.attempt}
          title={t('loss.failedTitle')}
          code={failure.error.code}
          message={t(`errors.${failure.error.code}`, { defaultValue: t('errors.unknown') })}
          items={(Object.keys(errors) as Field[]).map((field) => ({
            target: () => refs.current[field] ?? null,
            text: text(field) ?? '',
          }))}
        />
      ) : null}
      <form className="form form--wide" noValidate onSubmit={(event) => void submit(event)}>
        <div ref={(el) => void (refs.current.reason = el?.querySelector('input') ?? null)}>
          <Choice
            testId="loss-reason"
            label={t('loss.reason')}
            options={LOSS_REASONS}
            optionLabel={(r) => t(`loss.reasons.${r}`)}
            value={reason}
            onChange={setReason}
            error={text('reason')}
          />
        </div>
        <TextField
          testId="loss-occurred-on"
          ref={(el) => void (refs.current.occurredOn = el)}
          label={t('loss.occurredOn')}
          hint={
            <>
              {t('loss.occurredOnHint')}
              {occurredIso ? (
                <span className="date-preview">
                  {' '}
                  {t('fields.birthDate.reads', { date: formatDate(occurredIso, i18n.language) })}
                </span>
              ) : null}
            </>
          }
          error={text('occurredOn')}
          aria-required="true"
          value={occurredOn}
          onChange={(event) => setOccurredOn(event.target.value)}
          autoComplete="off"
        />
        <TextField
          testId="loss-place"
          ref={(el) => void (refs.current.place = el)}
          label={t('loss.place')}
          hint={t('loss.placeHint')}
          error={text('place')}
          aria-required="true"
          value={place}
          onChange={(event) => setPlace(event.target.value)}
          autoComplete="off"
        />
        <TextField
          testId="loss-police"
          ref={(el) => void (refs.current.policeReportNumber = el)}
          label={t('loss.policeReportNumber')}
          hint={t('loss.policeHint')}
          error={text('policeReportNumber')}
          value={police}
          onChange={(event) => setPolice(event.target.value)}
          autoComplete="off"
        />
        <div className="form__actions">
          <button
            type="submit"
            className="button button--danger"
            data-testid="loss-submit"
            aria-disabled={pending || undefined}
          >
            {t('loss.submit')}
          </button>
          <button type="button" className="button button--secondary" onClick={onDone}>
            {t('case.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
