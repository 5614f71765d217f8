// app://counter/ serves the built renderer (lesson 4, checklist item 18). Which file answers
// which URL is decided by the pure resolveAppAsset; this file only reads it.

import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import type { Logger } from '../../log/logger';
import { appIndexAsset, appResponseHeaders, resolveAppAsset } from '../app-asset';
import { APP_SCHEME } from '../origin';

/**
 * Must run before 'ready'. `standard` gives app:// a real origin (and resolves relative URLs),
 * `secure` makes it a secure context, `supportFetchAPI` lets the page fetch its own assets.
 * Nothing else: no CORS bypass, no service workers, no stream privileges.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveApp(rendererDir: string, log: Logger): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const asset = resolveAppAsset(rendererDir, request);
    if (!asset.ok) {
      log.warn('app request refused', { status: asset.status, reason: asset.reason });
      return new Response(null, { status: asset.status });
    }
    let served = asset;
    let body: Buffer;
    try {
      body = await readFile(asset.filePath);
    } catch (error) {
      if (!isMissing(error)) {
        log.error('app asset unreadable', { error });
        return new Response(null, { status: 500 });
      }
      // Unknown paths get the single page: the UI routes inside it.
      served = appIndexAsset(rendererDir);
      body = await readFile(served.filePath);
    }
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: appResponseHeaders(served.contentType),
    });
  });

  // Pages never load from the file scheme: answer every such request with a refusal, so even a
  // dropped file or an injected link cannot read the disk.
  protocol.handle('file', () => new Response(null, { status: 403 }));
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
