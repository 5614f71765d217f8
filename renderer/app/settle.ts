import type { Result } from '../../preload/contract';

/**
 * Calls resolve to a Result and never reject for business errors. A broken bridge (the
 * window outliving main, say) still must not leave a screen waiting forever, so a rejection
 * becomes an INTERNAL error the screen already knows how to show.
 */
export async function settle<T>(pending: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await pending;
  } catch {
    return {
      ok: false,
      error: { code: 'INTERNAL', message: 'The request did not reach the app.' },
    };
  }
}
