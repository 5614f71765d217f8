import type { Ref } from 'react';
import type { ErrorCode } from '../../preload/contract';

export interface ErrorSummaryItem {
  /** The input to focus when the clerk picks this line. */
  target: () => HTMLElement | null;
  text: string;
}

interface ErrorSummaryProps {
  title: string;
  message?: string | undefined;
  /** The contract error code, for tests; undefined for a check made in the renderer. */
  code?: ErrorCode | undefined;
  items?: ErrorSummaryItem[];
  ref?: Ref<HTMLDivElement>;
}

/**
 * What went wrong, at the top of a form. role="alert" makes a screen reader announce it;
 * render it with a new key for each attempt so a repeated error is announced again.
 */
export function ErrorSummary({ title, message, code, items = [], ref }: ErrorSummaryProps) {
  return (
    <div
      className="alert alert--error"
      role="alert"
      tabIndex={-1}
      ref={ref}
      data-testid="form-error"
      data-code={code ?? 'LOCAL'}
    >
      <h2 className="alert__title">{title}</h2>
      {message ? <p className="alert__message">{message}</p> : null}
      {items.length > 0 ? (
        <ul className="alert__list">
          {items.map((item) => (
            <li key={item.text}>
              <button type="button" className="link-button" onClick={() => item.target()?.focus()}>
                {item.text}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
