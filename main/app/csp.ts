// The renderer's Content-Security-Policy (checklist item 7). One string for both places that
// state it: the <meta> tag the renderer build writes into index.html, and the header the
// app:// protocol handler sends. `frame-ancestors` is ignored inside <meta>, so only the header
// adds it.
//
// connect-src is 'none': the renderer has no network at all; sync and the card reader run in
// main and reach the page only through the preload contract.

const DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['font-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['connect-src', "'none'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-src', "'none'"],
];

export const CONTENT_SECURITY_POLICY = DIRECTIVES.map(([name, value]) => `${name} ${value}`).join(
  '; ',
);

/** The header form: the meta policy plus what only a header can carry. */
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;
