import { useId, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';

type InputProps = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'aria-describedby' | 'aria-invalid' | 'children'
>;

interface TextFieldProps extends InputProps {
  label: string;
  /** Help shown above the input and read with it by screen readers. */
  hint?: ReactNode;
  /** A sentence saying what to fix; marks the input invalid. */
  error?: string | undefined;
  /** Ids of help shown elsewhere on the screen that a screen reader should read with it. */
  describedBy?: string;
  testId: string;
  ref?: Ref<HTMLInputElement>;
}

/**
 * A labelled input with its hint and error tied to it by aria-describedby. The label is
 * the accessible name, so tests can find the input by its label in either language.
 */
export function TextField({
  label,
  hint,
  error,
  describedBy,
  testId,
  ref,
  ...input
}: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const description = [hint ? hintId : null, describedBy ?? null, error ? errorId : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div className="field__hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <p className="field__error" id={errorId} data-testid={`${testId}-error`}>
          {error}
        </p>
      ) : null}
      <input
        {...input}
        ref={ref}
        id={id}
        className="field__input"
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        aria-describedby={description || undefined}
      />
    </div>
  );
}
