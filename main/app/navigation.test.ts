import { describe, expect, it } from 'vitest';
import { isAllowedNavigation } from './navigation';
import { APP_START_URL, TRUSTED_ORIGINS, isAppUrl } from './origin';

const HOSTILE_URLS = [
  'https://evil.example/',
  'https://evil.example/?next=app://counter/',
  'https://evil.example/#app://counter/',
  'http://counter/',
  'app://counter.evil/',
  'app://evil/app://counter/',
  'app://counter@evil/',
  'app://user@counter/',
  'app://user:pass@counter/',
  'app://counter:443/',
  'file:///etc/passwd',
  'file://counter/',
  'javascript:location="app://counter/"',
  'data:text/html,app://counter/',
  'about:blank',
  'chrome://settings',
  'devtools://devtools/bundled/inspector.html',
  'APP-counter',
  '',
];

describe('the app origin', () => {
  it('is the only trusted origin, and the start URL lies inside it', () => {
    expect(TRUSTED_ORIGINS).toEqual(['app://counter']);
    expect(isAppUrl(APP_START_URL)).toBe(true);
  });

  it('is recognised by parsing, never by substring', () => {
    for (const url of HOSTILE_URLS) expect(isAppUrl(url), url).toBe(false);
  });
});

describe('isAllowedNavigation', () => {
  it('refuses every cross-document navigation, even to the app itself', () => {
    for (const url of [
      'app://counter/',
      'app://counter/index.html',
      'app://counter/other',
      ...HOSTILE_URLS,
    ]) {
      expect(isAllowedNavigation({ url, isSameDocument: false }), url).toBe(false);
    }
  });

  it('lets the page move between its own screens within the same document', () => {
    expect(isAllowedNavigation({ url: 'app://counter/#/handover', isSameDocument: true })).toBe(
      true,
    );
    expect(isAllowedNavigation({ url: 'app://counter/cases', isSameDocument: true })).toBe(true);
  });

  it('refuses a same-document flag on any other origin', () => {
    for (const url of HOSTILE_URLS)
      expect(isAllowedNavigation({ url, isSameDocument: true }), url).toBe(false);
  });
});
