import { Label, Radio, RadioGroup, FieldError, Text } from 'react-aria-components';

interface ChoiceProps<V extends string> {
  label: string;
  options: readonly V[];
  optionLabel: (value: V) => string;
  value: V | null;
  onChange: (value: V) => void;
  error?: string | undefined;
  hint?: string;
  testId: string;
  orientation?: 'horizontal' | 'vertical';
}

/**
 * A set of large radio buttons (react-aria-components): arrow keys move between options, Tab
 * leaves the group, the label and error are announced with it.
 */
export function Choice<V extends string>({
  label,
  options,
  optionLabel,
  value,
  onChange,
  error,
  hint,
  testId,
  orientation = 'horizontal',
}: ChoiceProps<V>) {
  return (
    <RadioGroup
      className={error ? 'field choice field--invalid' : 'field choice'}
      data-testid={testId}
      orientation={orientation}
      value={value}
      onChange={(next) => onChange(next as V)}
      isInvalid={error !== undefined}
      validationBehavior="aria"
    >
      <Label className="field__label">{label}</Label>
      {hint ? (
        <Text slot="description" className="field__hint">
          {hint}
        </Text>
      ) : null}
      <FieldError className="field__error" data-testid={`${testId}-error`}>
        {error}
      </FieldError>
      <div className={`choice__options choice__options--${orientation}`}>
        {options.map((option) => (
          <Radio
            key={option}
            value={option}
            className="choice__option"
            data-testid={`${testId}-${option}`}
          >
            {optionLabel(option)}
          </Radio>
        ))}
      </div>
    </RadioGroup>
  );
}
