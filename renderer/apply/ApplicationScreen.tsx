import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Checkbox } from 'react-aria-components';
import { APPLICATION_KINDS, type ApplicationKind } from '../../domain/case-lifecycle';
import type { ApplicationRecorded, CallError } from '../../preload/contract';
import { SEXES, type Sex } from '../../preload/values';
import { useApi } from '../app/ApiContext';
import { settle } from '../app/settle';
import { Choice } from '../components/Choice';
import { ErrorSummary } from '../components/ErrorSummary';
import { TextField } from '../components/TextField';
import { formatDate, parseDateInput } from '../format/dates';
import { fieldErrorKind, type FieldErrorKind } from '../i18n/field-errors';

const TEXT_FIELDS = [
  'applicationId',
  'nameKanji',
  'nameKana',
  'alias',
  'nameLatin',
  'birthDate',
  'address',
  'myNumber',
] as const;
type TextFieldName = (typeof TEXT_FIELDS)[number];
type FieldName = TextFieldName | 'kind' | 'sex';

/** Main's error paths ('person.nameKana') to the form's fields. */
function fieldOf(path: string): FieldName | undefined {
  const name = path.replace(/^person\./u, '');
  return ([...TEXT_FIELDS, 'kind', 'sex'] as readonly string[]).includes(name)
    ? (name as FieldName)
    : undefined;
}

function errorsOf(error: CallError | null): Partial<Record<FieldName, FieldErrorKind | 'taken'>> {
  const result: Partial<Record<FieldName, FieldErrorKind | 'taken'>> = {};
  if (!error) return result;
  if (error.code === 'MY_NUMBER_INVALID') result.myNumber = 'invalid';
  if (error.code === 'APPLICATION_ID_TAKEN') result.applicationId = 'taken';
  for (const detail of error.details ?? []) {
    const field = fieldOf(detail.path);
    if (field && result[field] === undefined) result[field] = fieldErrorKind(detail.reason);
  }
  return result;
}

interface ApplicationScreenProps {
  /** A renewal or reissue for a person on record: their details are not typed again. */
  personId?: string;
  kind?: ApplicationKind;
  onOpen: (applicationId: string) => void;
}

/** Taking a new, renewal or reissue application at the counter. */
export function ApplicationScreen({ personId, kind: initialKind, onOpen }: ApplicationScreenProps) {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<ApplicationKind | null>(initialKind ?? null);
  const [sex, setSex] = useState<Sex | null>(null);
  const [overseas, setOverseas] = useState(false);
  const [values, setValues] = useState<Record<TextFieldName, string>>({
    applicationId: '',
    nameKanji: '',
    nameKana: '',
    alias: '',
    nameLatin: '',
    birthDate: '',
    address: '',
    myNumber: '',
  });
  const [failure, setFailure] = useState<{ error: CallError; attempt: number } | null>(null);
  const [recorded, setRecorded] = useState<ApplicationRecorded | null>(null);
  const [pending, setPending] = useState(false);
  const refs = useRef<Partial<Record<FieldName, HTMLElement | null>>>({});
  const summaryRef = useRef<HTMLDivElement>(null);
  const doneRef = useRef<HTMLHeadingElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const fieldErrors = errorsOf(failure?.error ?? null);
  const birthIso = parseDateInput(values.birthDate);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  useEffect(() => {
    if (failure) summaryRef.current?.focus();
  }, [failure]);
  useEffect(() => {
    if (recorded) doneRef.current?.focus();
  }, [recorded]);

  const set = (name: TextFieldName) => (event: { target: { value: string } }) =>
    setValues((previous) => ({ ...previous, [name]: event.target.value }));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    const input = {
      // Missing choices go to main as they are: its schema names them per field.
      kind: (kind ?? '') as ApplicationKind,
      applicationId: values.applicationId.trim(),
      ...(personId
        ? { personId }
        : {
            person: {
              nameKanji: values.nameKanji,
              nameKana: values.nameKana.normalize('NFKC'),
              alias: values.alias,
              ...(values.nameLatin.trim() ? { nameLatin: values.nameLatin } : {}),
              // Sent as typed when it is no date, so main names the field.
              birthDate: birthIso ?? values.birthDate,
              sex: (sex ?? '') as Sex,
              address: values.address,
              overseas,
              myNumber: values.myNumber.normalize('NFKC').replace(/[\s-]/gu, ''),
            },
          }),
    };
    const result = await settle(api.applications.record(input));
    setPending(false);
    if (result.ok) {
      setRecorded(result.value);
      setFailure(null);
    } else {
      setFailure((previous) => ({ error: result.error, attempt: (previous?.attempt ?? 0) + 1 }));
    }
  }

  if (recorded) {
    return (
      <section className="workspace" data-testid="screen-apply-done">
        <div className="alert alert--success">
          <h1 ref={doneRef} tabIndex={-1}>
            {t('apply.doneTitle')}
          </h1>
          <p>
            {t('apply.doneBody')}{' '}
            <strong className="mono" data-testid="apply-recorded-id">
              {recorded.applicationId}
            </strong>
          </p>
          <div className="form__actions">
            <button
              type="button"
              className="button button--primary"
              data-testid="apply-open-case"
              onClick={() => onOpen(recorded.applicationId)}
            >
              {t('apply.openCase')}
            </button>
          </div>
        </div>
      </section>
    );
  }

  const errorText = (name: TextFieldName): string | undefined => {
    const kindOfError = fieldErrors[name];
    return kindOfError
      ? t(`fields.${name}.errors.${kindOfError}`, { defaultValue: t('errors.VALIDATION_FAILED') })
      : undefined;
  };
  const summaryItems = (Object.keys(fieldErrors) as FieldName[]).map((name) => ({
    target: () => refs.current[name] ?? null,
    text:
      name === 'kind' || name === 'sex'
        ? t(`fields.${name}.errors.required`)
        : (errorText(name) ?? ''),
  }));

  return (
    <section className="workspace" data-testid="screen-apply">
      <h1 ref={headingRef} tabIndex={-1}>
        {personId ? t('apply.titleKnown') : t('apply.title')}
      </h1>
      <p className="lead">{personId ? t('apply.introKnown') : t('apply.intro')}</p>
      {failure ? (
        <ErrorSummary
          ref={summaryRef}
          key={failure.attempt}
          title={t('form.errorTitle')}
          code={failure.error.code}
          message={t(`errors.${failure.error.code}`, { defaultValue: t('errors.unknown') })}
          items={summaryItems}
        />
      ) : null}
      <form className="form form--wide" noValidate onSubmit={(event) => void submit(event)}>
        <div ref={(el) => void (refs.current.kind = el?.querySelector('input') ?? null)}>
          <Choice
            testId="apply-kind"
            label={t('fields.kind.label')}
            options={APPLICATION_KINDS}
            optionLabel={(k) => t(`kinds.${k}`)}
            value={kind}
            onChange={setKind}
            error={fieldErrors.kind ? t('fields.kind.errors.required') : undefined}
          />
        </div>
        <TextField
          testId="apply-application-id"
          ref={(el) => void (refs.current.applicationId = el)}
          label={t('fields.applicationId.label')}
          hint={t('fields.applicationId.hint')}
          error={errorText('applicationId')}
          value={values.applicationId}
          onChange={set('applicationId')}
          autoComplete="off"
          spellCheck={false}
        />
        {personId ? null : (
          <fieldset className="fieldset">
            <legend>{t('apply.person')}</legend>
            <TextField
              testId="apply-name-kanji"
              ref={(el) => void (refs.current.nameKanji = el)}
              label={t('fields.nameKanji.label')}
              hint={t('fields.nameKanji.hint')}
              error={errorText('nameKanji')}
              aria-required="true"
              value={values.nameKanji}
              onChange={set('nameKanji')}
              autoComplete="off"
            />
            <TextField
              testId="apply-name-kana"
              ref={(el) => void (refs.current.nameKana = el)}
              label={t('fields.nameKana.label')}
              hint={t('fields.nameKana.hint')}
              error={errorText('nameKana')}
              aria-required="true"
              value={values.nameKana}
              onChange={set('nameKana')}
              autoComplete="off"
            />
            <TextField
              testId="apply-alias"
              ref={(el) => void (refs.current.alias = el)}
              label={t('fields.alias.label')}
              hint={t('fields.alias.hint')}
              error={errorText('alias')}
              value={values.alias}
              onChange={set('alias')}
              autoComplete="off"
            />
            <TextField
              testId="apply-name-latin"
              ref={(el) => void (refs.current.nameLatin = el)}
              label={t('fields.nameLatin.label')}
              hint={t('fields.nameLatin.hint')}
              error={errorText('nameLatin')}
              lang="en"
              value={values.nameLatin}
              onChange={set('nameLatin')}
              autoComplete="off"
            />
            <TextField
              testId="apply-birth-date"
              ref={(el) => void (refs.current.birthDate = el)}
              label={t('fields.birthDate.label')}
              hint={
                <>
                  {t('fields.birthDate.hint')}
                  {birthIso ? (
                    <span className="date-preview" data-testid="apply-birth-date-preview">
                      {' '}
                      {t('fields.birthDate.reads', { date: formatDate(birthIso, i18n.language) })}
                    </span>
                  ) : null}
                </>
              }
              error={errorText('birthDate')}
              aria-required="true"
              value={values.birthDate}
              onChange={set('birthDate')}
              autoComplete="off"
            />
            <div ref={(el) => void (refs.current.sex = el?.querySelector('input') ?? null)}>
              <Choice
                testId="apply-sex"
                label={t('fields.sex.label')}
                options={SEXES}
                optionLabel={(s) => t(`fields.sex.${s}`)}
                value={sex}
                onChange={setSex}
                error={fieldErrors.sex ? t('fields.sex.errors.required') : undefined}
              />
            </div>
            <TextField
              testId="apply-address"
              ref={(el) => void (refs.current.address = el)}
              label={t('fields.address.label')}
              hint={t('fields.address.hint')}
              error={errorText('address')}
              aria-required="true"
              value={values.address}
              onChange={set('address')}
              autoComplete="off"
            />
            <Checkbox
              className="checkbox"
              data-testid="apply-overseas"
              isSelected={overseas}
              onChange={setOverseas}
            >
              <span className="checkbox__box" aria-hidden="true" />
              {t('fields.overseas.label')}
            </Checkbox>
            <TextField
              testId="apply-my-number"
              ref={(el) => void (refs.current.myNumber = el)}
              label={t('fields.myNumber.label')}
              hint={t('fields.myNumber.hint')}
              error={errorText('myNumber')}
              aria-required="true"
              inputMode="numeric"
              value={values.myNumber}
              onChange={set('myNumber')}
              autoComplete="off"
            />
          </fieldset>
        )}
        <div className="form__actions">
          <button
            type="submit"
            className="button button--primary"
            data-testid="apply-submit"
            aria-disabled={pending || undefined}
          >
            {pending ? t('apply.submitting') : t('apply.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
