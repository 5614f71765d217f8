// Runs the built renderer in Debian's Chromium against the REAL counter services in this
// Node process: the same createCounterServices + dispatcher main/app registers in Electron,
// the real encrypted store, the real reader manager. Only the IPC transport is replaced.

import { build } from 'esbuild';
import { readFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { appResponseHeaders, resolveAppAsset } from '../../main/app/app-asset';
import { keyFileProvider } from '../../main/config/key-file';
import {
  createCounterServices,
  type CounterServices,
  type CounterServicesOptions,
  type ReaderSource,
} from '../../main/core/services';
import { createLogger, type LogRecord } from '../../main/log/logger';
import { EVENT_NAMES, type CallName } from '../../preload/contract';

const RENDERER_DIR = resolve('dist/renderer');
export const SCREENSHOT_DIR = resolve('test-results/screenshots');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** Serves dist/renderer with the app:// handler's own path policy and headers. */
async function serveRenderer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const asset = resolveAppAsset(RENDERER_DIR, {
      method: request.method ?? 'GET',
      url: `app://counter${request.url ?? '/'}`,
    });
    if (!asset.ok) {
      response.writeHead(asset.status).end();
      return;
    }
    readFile(asset.filePath).then(
      (body) => response.writeHead(200, appResponseHeaders(asset.contentType)).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

let preloadScript: Promise<string> | null = null;
function bridgePreload(): Promise<string> {
  preloadScript ??= build({
    entryPoints: [resolve('test/e2e/bridge-preload.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome140',
  }).then((out) => out.outputFiles[0]?.text ?? '');
  return preloadScript;
}

export interface CounterOptions {
  browser: Browser;
  dataDir: string;
  readers: ReaderSource;
  viewport?: { width: number; height: number };
  idleLockSeconds?: number;
  training?: boolean;
  syncSchedule?: CounterServicesOptions['syncSchedule'];
  /** A PIN reset's card reset secrets (the test knows its virtual cards' secrets). */
  resetSecrets?: CounterServicesOptions['resetSecrets'];
}

export interface Counter {
  page: Page;
  context: BrowserContext;
  services: CounterServices;
  origin: string;
  logs: LogRecord[];
  /** Requests the renderer tried to send anywhere but its own origin (all are blocked). */
  blockedRequests: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openCounter(options: CounterOptions): Promise<Counter> {
  const logs: LogRecord[] = [];
  const { server, origin } = await serveRenderer();
  // The print pipeline: Electron prints the window with printToPDF; here Chromium's page.pdf
  // prints the same page with the same print stylesheet.
  let printPage: Page | null = null;
  const services = await createCounterServices({
    printer: {
      async toPdf() {
        if (!printPage) throw new Error('no page to print');
        return printPage.pdf({ format: 'A4', printBackground: true });
      },
    },
    ...(options.idleLockSeconds !== undefined ? { idleLockSeconds: options.idleLockSeconds } : {}),
    ...(options.training ? { training: true } : {}),
    ...(options.syncSchedule ? { syncSchedule: options.syncSchedule } : {}),
    ...(options.resetSecrets ? { resetSecrets: options.resetSecrets } : {}),
    dataDir: options.dataDir,
    keyProvider: keyFileProvider(options.dataDir, {}),
    host: 'test-bridge',
    log: createLogger({ sink: (record) => logs.push(record), level: 'debug' }),
    trustedOrigins: [origin],
    readers: options.readers,
  });

  const context = await options.browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  const blockedRequests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    blockedRequests.push(url);
    return route.abort('blockedbyclient');
  });
  await context.exposeBinding('__madoguchiInvoke', (source, name: CallName, input: unknown) =>
    services.dispatch(name, input, source.frame.url()),
  );
  await context.addInitScript({ content: await bridgePreload() });

  const page = await context.newPage();
  printPage = page;
  const unsubscribers = EVENT_NAMES.map((name) =>
    services.bus.on(name, (payload) => {
      page
        .evaluate(
          ([n, p]) =>
            (
              window as unknown as { __madoguchiDeliver(n: string, p: unknown): void }
            ).__madoguchiDeliver(n, p),
          [name, payload] as const,
        )
        .catch(() => undefined); // the page may be closing or navigating; the next snapshot call catches up
    }),
  );
  await page.goto(`${origin}/`);

  return {
    page,
    context,
    services,
    origin,
    logs,
    blockedRequests,
    async screenshot(name) {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      await context.close();
      await services.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
