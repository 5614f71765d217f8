// The applicant-facing window (a second window on the second display, W §3.3 "PIN setting")
// runs the same renderer on its own route. It may make only the applicant's calls, and only it
// may make them: the four secrets go from that window straight to main, so the clerk's
// window can neither read them nor send them, and the public-facing window can do no
// clerk's work.

import type { Dispatch } from '../core/dispatch';

/** The route (URL fragment) of the applicant window: app://counter/#applicant. */
export const APPLICANT_ROUTE = '#applicant';

/** Calls only the applicant window makes. */
export const APPLICANT_CALLS: ReadonlySet<string> = new Set([
  'applicant.request',
  'applicant.setPins',
]);
/** Calls the applicant window may make besides its own: whether this is a training terminal. */
const APPLICANT_ALSO: ReadonlySet<string> = new Set(['app.info']);

export function isApplicantWindow(senderUrl: string): boolean {
  try {
    return new URL(senderUrl).hash === APPLICANT_ROUTE;
  } catch {
    return false;
  }
}

export function guardApplicantWindow(dispatch: Dispatch): Dispatch {
  return async (name, input, senderUrl) => {
    const fromApplicant = isApplicantWindow(senderUrl);
    const allowed = fromApplicant
      ? APPLICANT_CALLS.has(name) || APPLICANT_ALSO.has(name)
      : !APPLICANT_CALLS.has(name);
    if (!allowed) {
      return {
        ok: false,
        error: {
          code: 'PERMISSION_DENIED',
          message: fromApplicant
            ? 'The applicant screen cannot do this.'
            : 'Only the applicant screen can send the PINs.',
        },
      };
    }
    return dispatch(name, input, senderUrl);
  };
}
