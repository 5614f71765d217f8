import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY_HEADER } from './csp';
import { appResponseHeaders, resolveAppAsset, type AppAsset } from './app-asset';

const ROOT = path.resolve('/opt/madoguchi/dist/renderer');
const INDEX = path.join(ROOT, 'index.html');

const get = (url: string): AppAsset => resolveAppAsset(ROOT, { method: 'GET', url });

function expectServed(url: string, file: string, type: string): void {
  expect(get(url)).toEqual({ ok: true, filePath: path.join(ROOT, file), contentType: type });
}

function expectRefused(url: string, status?: number): void {
  const asset = get(url);
  expect(asset.ok, url).toBe(false);
  if (!asset.ok && status !== undefined) expect(asset.status, url).toBe(status);
}

/** Served or refused, a URL must never resolve outside the renderer directory. */
function expectInsideRoot(url: string): void {
  const asset = get(url);
  if (asset.ok) expect(asset.filePath.startsWith(`${ROOT}${path.sep}`), url).toBe(true);
}

describe('resolveAppAsset: what app://counter/ serves', () => {
  it('serves the built files with their content types', () => {
    expectServed('app://counter/index.html', 'index.html', 'text/html; charset=utf-8');
    expectServed(
      'app://counter/assets/index-3f2a.js',
      'assets/index-3f2a.js',
      'text/javascript; charset=utf-8',
    );
    expectServed('app://counter/assets/app.css', 'assets/app.css', 'text/css; charset=utf-8');
    expectServed(
      'app://counter/assets/noto-sans-jp-0.woff2',
      'assets/noto-sans-jp-0.woff2',
      'font/woff2',
    );
    expectServed('app://counter/assets/logo.SVG', 'assets/logo.SVG', 'image/svg+xml');
  });

  it('answers the root, directories and routes without a file extension with index.html', () => {
    for (const url of [
      'app://counter/',
      'app://counter',
      'app://counter/assets/',
      'app://counter/handover/case',
    ]) {
      expect(get(url), url).toEqual({
        ok: true,
        filePath: INDEX,
        contentType: 'text/html; charset=utf-8',
      });
    }
  });

  it('decodes percent-encoded names that are harmless', () => {
    expectServed('app://counter/assets/%E7%AA%93%E5%8F%A3.png', 'assets/窓口.png', 'image/png');
  });

  it('ignores the query string and fragment, even when they look like a path', () => {
    expectServed(
      'app://counter/index.html?next=../../../etc/passwd',
      'index.html',
      'text/html; charset=utf-8',
    );
    expectServed(
      'app://counter/assets/a.js#/../../x',
      'assets/a.js',
      'text/javascript; charset=utf-8',
    );
    expectServed(
      'app://counter/assets/a.js?%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'assets/a.js',
      'text/javascript; charset=utf-8',
    );
  });

  it('refuses every method but GET', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'get']) {
      expect(resolveAppAsset(ROOT, { method, url: 'app://counter/index.html' })).toMatchObject({
        ok: false,
        status: 405,
      });
    }
  });

  it('refuses other hosts, ports, userinfo and schemes', () => {
    for (const url of [
      'app://evil/index.html',
      'app://counter.evil/index.html',
      'app://evil.counter/index.html',
      'app://counter:8080/index.html',
      'app://user@counter/index.html',
      'app://user:pass@counter/index.html',
      'file:///etc/passwd',
      'file://counter/index.html',
      'http://counter/index.html',
      'https://counter/index.html',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'app:counter/index.html',
      'not a url',
      '',
    ]) {
      expectRefused(url, 403);
    }
  });

  it('never leaves the renderer directory through dot segments, plain or encoded', () => {
    // The URL parser already collapses these; whatever it leaves must stay inside the root.
    for (const url of [
      'app://counter/../../../etc/passwd',
      'app://counter/assets/../../../etc/passwd',
      'app://counter/%2e%2e/%2e%2e/etc/passwd',
      'app://counter/%2E%2E/%2E%2E/etc/passwd',
      'app://counter/.%2e/.%2e/etc/passwd',
      'app://counter/assets/./../../secret.js',
    ]) {
      expectInsideRoot(url);
    }
  });

  it('refuses traversal that only appears after decoding (encoded slashes)', () => {
    for (const url of [
      'app://counter/%2e%2e%2f%2e%2e%2fetc%2fpasswd.txt',
      'app://counter/assets/..%2f..%2f..%2fsecret.js',
      'app://counter/assets%2f..%2f..%2fsecret.js',
      'app://counter/%2F%2Fetc%2Fpasswd.txt',
      'app://counter/assets/%252e%252e%252fsecret.js',
    ]) {
      expectInsideRoot(url);
      if (!url.includes('%25')) expectRefused(url, 400);
    }
  });

  it('refuses backslashes, raw or encoded (a separator on Windows)', () => {
    for (const url of [
      'app://counter/..\\..\\windows\\win.ini',
      'app://counter/assets\\..\\..\\secret.js',
      'app://counter/%5c..%5c..%5csecret.js',
      'app://counter/assets/..%5C..%5Csecret.js',
    ]) {
      expectRefused(url, 400);
    }
  });

  it('refuses null bytes, drive letters, NTFS streams and malformed encodings', () => {
    for (const url of [
      'app://counter/index.html%00.png',
      'app://counter/%00',
      'app://counter/C:%2fWindows%2fwin.ini',
      'app://counter/C:/Windows/win.ini',
      'app://counter/index.html::$DATA',
      'app://counter/assets/%E0%A4%A.js',
      'app://counter/%',
    ]) {
      expectRefused(url, 400);
    }
  });

  it('does not serve hidden files or types the build never produces', () => {
    expectRefused('app://counter/.env', 404);
    expectRefused('app://counter/assets/.git/config', 404);
    expectRefused('app://counter/app.asar', 404);
    expectRefused('app://counter/main.cjs', 404);
    expectRefused('app://counter/native/better_sqlite3.node', 404);
    expectRefused('app://counter/index.html.exe', 404);
  });
});

describe('appResponseHeaders', () => {
  it('sends the CSP header (with frame-ancestors) and forbids MIME sniffing', () => {
    const headers = appResponseHeaders('text/html; charset=utf-8');
    expect(headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY_HEADER);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
  });
});
