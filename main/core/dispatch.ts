// The one path every renderer call takes in main, in Electron and in the Playwright bridge:
// known call -> trusted sender origin -> input validated by the contract's schema ->
// permission -> handler -> Result. Nothing unvalidated reaches a service.

import {
  calls,
  type CallName,
  type CallParsed,
  type CallResult,
  type Permission,
  type Result,
} from '../../preload/contract';
import type { Logger } from '../log/logger';
import { AppError, storeFaultError } from './errors';

export type Handlers = {
  [N in CallName]: (input: CallParsed<N>) => CallResult<N> | Promise<CallResult<N>>;
};

export interface DispatcherOptions {
  handlers: Handlers;
  /** Origins (scheme://host) whose frames may call: app://counter in Electron. */
  trustedOrigins: readonly string[];
  /** Throws an AppError (NOT_SIGNED_IN, PERMISSION_DENIED) when the permission is not held. */
  authorize: (permission: Permission) => void;
  log: Logger;
  /** The store's directory: tells a read-only disk from a failing one (storeFaultError). */
  storeDir?: string;
}

export type Dispatch = (
  name: string,
  input: unknown,
  senderUrl: string,
) => Promise<Result<unknown>>;

/**
 * scheme://host of a URL. `URL.origin` is the string "null" for non-special schemes such as
 * app://, so the comparison is built from protocol and host instead.
 */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

function isCallName(name: string): name is CallName {
  return Object.hasOwn(calls, name);
}

export function createDispatcher(options: DispatcherOptions): Dispatch {
  const { handlers, trustedOrigins, authorize, log } = options;
  return async (name, input, senderUrl) => {
    if (!isCallName(name)) {
      return failure(new AppError('UNKNOWN_CALL', 'This request is not part of the contract.'));
    }
    const origin = originOf(senderUrl);
    if (origin === null || !trustedOrigins.includes(origin)) {
      log.warn('call refused: untrusted sender origin', { call: name, origin });
      return failure(new AppError('FORBIDDEN_ORIGIN', 'The request did not come from the app.'));
    }
    const def = calls[name];
    const parsed = def.input.safeParse(input);
    if (!parsed.success) {
      // Paths and reasons only: the rejected value may be personal data.
      const details = parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(input)',
        reason: issue.code,
      }));
      log.info('call refused: invalid input', { call: name, details });
      return failure(new AppError('VALIDATION_FAILED', 'The request was not valid.', details));
    }
    try {
      authorize(def.permission);
      const handler = handlers[name] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      return { ok: true, value: value ?? null };
    } catch (error) {
      if (error instanceof AppError) return failure(error);
      const fault = storeFaultError(error, options.storeDir);
      if (fault) {
        log.error('call failed: the store could not be written', { call: name, code: fault.code });
        return failure(fault);
      }
      log.error('call failed', { call: name, error });
      return failure(
        new AppError('INTERNAL', 'Something went wrong. The action was not completed.'),
      );
    }
  };
}

function failure(error: AppError): Result<never> {
  return { ok: false, error: error.toCallError() };
}
