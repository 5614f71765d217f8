// Maps an app://counter/ request to a file of the built renderer (lesson 4, checklist item 18).
// Pure: no file system access, so every refusal is unit-tested. The protocol handler reads the
// file and falls back to index.html when it does not exist.
//
// Chromium already resolves `..` and `%2e%2e` segments of a standard scheme before the handler
// sees the URL; the checks here do not rely on that, because an encoded slash (`%2f`) or a
// backslash survives URL parsing and only turns into a separator after decoding or on Windows.

import path from 'node:path';
import { CONTENT_SECURITY_POLICY_HEADER } from './csp';
import { isAppUrl } from './origin';

/** The only types the renderer build produces. Anything else is refused, not guessed. */
const HTML = 'text/html; charset=utf-8';
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': HTML,
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
};

const INDEX_FILE = 'index.html';

export interface AppRequest {
  method: string;
  url: string;
}

export type AppAsset =
  | { ok: true; filePath: string; contentType: string }
  | { ok: false; status: 400 | 403 | 404 | 405; reason: string };

/** The page every unknown route is answered with (the UI routes inside one document). */
export function appIndexAsset(rootDir: string): AppAsset & { ok: true } {
  return { ok: true, filePath: path.join(path.resolve(rootDir), INDEX_FILE), contentType: HTML };
}

export function resolveAppAsset(rootDir: string, request: AppRequest): AppAsset {
  if (request.method !== 'GET') return refuse(405, 'only GET is served');
  if (!isAppUrl(request.url)) return refuse(403, 'not app://counter');
  // isAppUrl parsed it already; the query string and fragment never reach the file path.
  const rawPath = new URL(request.url).pathname;
  if (/\\|%5c/i.test(rawPath)) return refuse(400, 'backslash in path');

  const segments: string[] = [];
  for (const raw of rawPath.split('/').filter((part) => part !== '')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return refuse(400, 'malformed percent-encoding');
    }
    // After decoding: no separators, no NUL, no drive letters or NTFS streams, no dot segments.
    if (/[/\\\0:]/.test(segment) || segment === '.' || segment === '..') {
      return refuse(400, 'forbidden path segment');
    }
    if (segment.startsWith('.')) return refuse(404, 'hidden files are not served');
    segments.push(segment);
  }

  const last = segments.at(-1);
  if (last === undefined || rawPath.endsWith('/')) return appIndexAsset(rootDir);
  const extension = path.extname(last).toLowerCase();
  if (extension === '') return appIndexAsset(rootDir);
  const contentType = CONTENT_TYPES[extension];
  if (contentType === undefined) return refuse(404, 'file type not served');

  const root = path.resolve(rootDir);
  const filePath = path.join(root, ...segments);
  const relative = path.relative(root, filePath);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return refuse(403, 'outside the renderer directory');
  }
  return { ok: true, filePath, contentType };
}

/** Headers of every app:// response. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY_HEADER,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

function refuse(status: 400 | 403 | 404 | 405, reason: string): AppAsset {
  return { ok: false, status, reason };
}
