import type { CallError, ErrorCode } from '../../preload/contract';

/**
 * An error a service throws on purpose: it crosses the bridge as `{ code, message }`.
 * The message must be safe to show and to log: never a My Number, a name or a PIN.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: CallError['details'];

  constructor(code: ErrorCode, message: string, details?: CallError['details']) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toCallError(): CallError {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}
