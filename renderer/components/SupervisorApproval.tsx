import { useTranslation } from 'react-i18next';
import type { ApprovalInput } from '../../preload/contract';
import { TextField } from './TextField';

export const NO_APPROVAL: ApprovalInput = { supervisorId: '', password: '', reason: '' };

/** The fields are filled in enough to send; main checks the rest. */
export function approvalReady(value: ApprovalInput): boolean {
  return (
    value.supervisorId.trim() !== '' && value.password !== '' && value.reason.trim().length >= 3
  );
}

/**
 * The two-person rule on screen: a supervisor, at this terminal, types their staff ID and
 * password and the reason (main/auth/second-person.ts checks them; the password is never kept
 * and is cleared from the form once sent). One group of fields used by every step that needs it.
 */
export function SupervisorApproval({
  value,
  onChange,
  testId = 'approval',
  showErrors = false,
}: {
  value: ApprovalInput;
  onChange: (value: ApprovalInput) => void;
  testId?: string;
  showErrors?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="fieldset approval" data-testid={testId}>
      <legend className="field__label">{t('secondPerson.legend')}</legend>
      <p className="note">{t('secondPerson.intro')}</p>
      <TextField
        testId={`${testId}-supervisor`}
        label={t('secondPerson.supervisorId')}
        autoComplete="off"
        spellCheck={false}
        value={value.supervisorId}
        error={
          showErrors && value.supervisorId.trim() === '' ? t('secondPerson.required') : undefined
        }
        onChange={(event) => onChange({ ...value, supervisorId: event.target.value })}
      />
      <TextField
        testId={`${testId}-password`}
        label={t('secondPerson.password')}
        type="password"
        autoComplete="off"
        value={value.password}
        error={showErrors && value.password === '' ? t('secondPerson.required') : undefined}
        onChange={(event) => onChange({ ...value, password: event.target.value })}
      />
      <TextField
        testId={`${testId}-reason`}
        label={t('secondPerson.reason')}
        autoComplete="off"
        maxLength={200}
        value={value.reason}
        error={
          showErrors && value.reason.trim().length < 3 ? t('secondPerson.reasonShort') : undefined
        }
        onChange={(event) => onChange({ ...value, reason: event.target.value })}
      />
    </fieldset>
  );
}
