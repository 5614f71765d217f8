// The central service over HTTPS with mutual TLS (docs/sync-protocol.md). One node:https
// server: the TLS layer asks every client for a certificate but lets the handshake finish
// without one, because enrollment is the one request made before the terminal has a
// certificate; every other route requires a certificate the central CA issued, naming an
// active terminal whose current certificate it is.

import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import {
  BATCH_PATH_PATTERN,
  MAX_BATCH_BYTES_HARD,
  PROTOCOL_VERSION,
  RESET_SECRET_PATH_PATTERN,
  SNAPSHOT_PATH_PATTERN,
  STREAM_PATH_PATTERN,
  TERMINAL_STATE_PATH_PATTERN,
  paths,
  type ErrorBody,
  type StreamName,
  type TerminalState,
} from '../sync/protocol';
import {
  initCentral,
  isInitialized,
  loadCentralFiles,
  openCentralStore,
  type CentralFiles,
} from './data-dir';
import { createLogger, type Logger } from '../main/log/logger';
import { enrollTerminal } from './enroll';
import { serveResetSecret } from './reset-secret';
import { IngestError, ingestBatch, syncError } from './ingest';
import type { CentralStore, TerminalRecord } from './store/central-store';
import {
  DEFAULT_REVOCATION_MAX_AGE_MS,
  DEFAULT_REVOCATION_REFRESH_MS,
  applicationsPage,
  cardStatusPage,
  cardsPage,
  pageLimit,
  revocationSnapshotPage,
  revocationsPage,
  trustRootsPage,
  type StreamContext,
} from './streams';

export interface StartCentralOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** Used by `init` when the data directory is empty (tests). */
  name?: string;
  now?: () => Date;
  revocationRefreshMs?: number;
  revocationMaxAgeMs?: number;
  log?: Logger;
}

export interface RunningCentral {
  url: string;
  port: number;
  caCertPem: string;
  /** Raw Ed25519 public key that signs receipts and revocation lists. */
  signingPublicKey: Buffer;
  store: CentralStore;
  files: CentralFiles;
  close(): Promise<void>;
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
};

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...JSON_HEADERS,
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: IngestError): void {
  const retry = error.body.error.retry_after_s;
  send(res, error.status, error.body, retry !== undefined ? { 'retry-after': String(retry) } : {});
}

/** The client went away mid-request (a dropped or truncated upload): nothing to answer. */
class ClientGone extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    req.on('aborted', () => reject(new ClientGone('client aborted')));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(syncError(413, 'too_large', `A request body may have at most ${limit} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => reject(new ClientGone('client connection failed')));
  });
}

/** The terminal an mTLS request comes from, or the reason it is refused. */
function authenticate(req: IncomingMessage, store: CentralStore): TerminalRecord {
  const socket = req.socket as TLSSocket;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) {
    throw syncError(
      401,
      'unauthenticated',
      'This request needs the terminal certificate issued at enrollment.',
    );
  }
  if (!socket.authorized) {
    throw syncError(
      401,
      'unauthenticated',
      'The client certificate was not issued by this central service.',
    );
  }
  const terminalId = typeof cert.subject?.CN === 'string' ? cert.subject.CN : '';
  const terminal = store.getTerminal(terminalId);
  if (!terminal)
    throw syncError(401, 'unauthenticated', 'The client certificate names no enrolled terminal.');
  if (
    cert.serialNumber.toLowerCase().replace(/^0+/, '') !==
    terminal.certificateSerial.toLowerCase().replace(/^0+/, '')
  ) {
    throw syncError(
      403,
      'terminal_revoked',
      'This certificate was replaced by a later enrollment of the terminal.',
    );
  }
  if (terminal.status !== 'active') {
    throw syncError(
      403,
      'terminal_revoked',
      `This terminal is ${terminal.status} at central; ask IT to re-enroll it.`,
    );
  }
  return terminal;
}

export async function startCentral(options: StartCentralOptions): Promise<RunningCentral> {
  if (!isInitialized(options.dataDir))
    await initCentral(options.dataDir, options.name ?? 'Madoguchi central');
  const files = loadCentralFiles(options.dataDir);
  const store = openCentralStore(options.dataDir);
  const now = options.now ?? (() => new Date());
  const log = options.log ?? createLogger({ scope: 'madoguchi-central' });
  const ingestContext = { store, signingKey: files.signingKey, now };
  const streamContext: StreamContext = {
    store,
    signingKey: files.signingKey,
    now,
    revocationRefreshMs: options.revocationRefreshMs ?? DEFAULT_REVOCATION_REFRESH_MS,
    revocationMaxAgeMs: options.revocationMaxAgeMs ?? DEFAULT_REVOCATION_MAX_AGE_MS,
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://central.invalid');
    const path = url.pathname;
    if (path === paths.enroll()) {
      if (req.method !== 'POST') throw syncError(405, 'protocol', 'Enrollment is a POST.');
      const body = await readBody(req, 64 * 1024);
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        throw syncError(400, 'protocol', 'The enrollment request is not JSON.');
      }
      send(res, 200, await enrollTerminal(store, files, json, now()));
      return;
    }
    if (path === '/sync/v1/health') {
      send(res, 200, { protocol: PROTOCOL_VERSION, ok: true, server_time: now().toISOString() });
      return;
    }
    const terminal = authenticate(req, store);
    const batch = BATCH_PATH_PATTERN.exec(path);
    if (batch) {
      if (req.method !== 'PUT') throw syncError(405, 'protocol', 'Batches are uploaded with PUT.');
      const terminalId = decodeURIComponent(batch[1] as string);
      if (terminalId !== terminal.terminalId) {
        throw syncError(
          403,
          'terminal_mismatch',
          'The client certificate belongs to another terminal than this path.',
        );
      }
      const body = await readBody(req, MAX_BATCH_BYTES_HARD);
      const ack = ingestBatch(
        ingestContext,
        { terminalId, fromSeq: Number(batch[2]), toSeq: Number(batch[3]) },
        body,
      );
      send(res, 200, ack);
      return;
    }
    const reset = RESET_SECRET_PATH_PATTERN.exec(path);
    if (reset) {
      if (req.method !== 'POST') throw syncError(405, 'protocol', 'A reset secret is a POST.');
      if (decodeURIComponent(reset[1] as string) !== terminal.terminalId) {
        throw syncError(
          403,
          'terminal_mismatch',
          'The client certificate belongs to another terminal than this path.',
        );
      }
      const body = await readBody(req, 4 * 1024);
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        throw syncError(400, 'protocol', 'The reset secret request is not JSON.');
      }
      send(res, 200, serveResetSecret({ store, now }, terminal, json));
      return;
    }
    if (req.method !== 'GET') throw syncError(405, 'protocol', 'Only GET here.');
    const state = TERMINAL_STATE_PATH_PATTERN.exec(path);
    if (state) {
      if (decodeURIComponent(state[1] as string) !== terminal.terminalId) {
        throw syncError(
          403,
          'terminal_mismatch',
          'The client certificate belongs to another terminal than this path.',
        );
      }
      const body: TerminalState = {
        protocol: PROTOCOL_VERSION,
        terminal_id: terminal.terminalId,
        office_id: terminal.officeId,
        status: terminal.status,
        epoch: terminal.epoch,
        acked_through_seq: terminal.lastSeq,
        expected_seq: terminal.lastSeq + 1,
        server_time: now().toISOString(),
      };
      send(res, 200, body);
      return;
    }
    const after = url.searchParams.get('after');
    const limit = url.searchParams.get('limit');
    const stream = STREAM_PATH_PATTERN.exec(path);
    if (stream) {
      const name = stream[1] as StreamName;
      let page;
      switch (name) {
        case 'revocations':
          page = revocationsPage(streamContext, after, limit);
          break;
        case 'applications':
          page = applicationsPage(streamContext, terminal, after, pageLimit(limit));
          break;
        case 'cards':
          page = cardsPage(streamContext, terminal, after, pageLimit(limit));
          break;
        case 'card_status':
          page = cardStatusPage(streamContext, terminal, after, pageLimit(limit));
          break;
        case 'trust_roots':
          page = trustRootsPage(streamContext, after, pageLimit(limit));
          break;
        default:
          throw syncError(404, 'not_found', `There is no stream ${name}.`);
      }
      store.recordCursor(terminal.terminalId, name, after ?? '', now().toISOString());
      send(res, 200, page);
      return;
    }
    const snapshot = SNAPSHOT_PATH_PATTERN.exec(path);
    if (snapshot) {
      send(res, 200, revocationSnapshotPage(streamContext, Number(snapshot[1]), after, limit));
      return;
    }
    throw syncError(404, 'not_found', 'No such sync resource.');
  }

  const server: Server = createServer(
    {
      key: files.serverKeyPem,
      // The whole chain, so an enrolling terminal finds the CA its code pins in the handshake
      // and verifies the server before it sends the code (main/sync/transport.ts).
      cert: `${files.serverCertPem.trimEnd()}\n${files.caCertPem}`,
      ca: [files.caCertPem],
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      route(req, res).catch((error: unknown) => {
        if (res.headersSent || error instanceof ClientGone) {
          res.destroy();
          return;
        }
        if (error instanceof IngestError) {
          sendError(res, error);
          return;
        }
        const busy = error instanceof Error && /SQLITE_BUSY|database is locked/.test(error.message);
        const body: ErrorBody = busy
          ? {
              error: {
                code: 'unavailable',
                message: 'Central is busy; try again shortly.',
                retry_after_s: 2,
              },
            }
          : {
              error: {
                code: 'internal',
                message: 'Central failed to process the request; nothing was applied.',
              },
            };
        if (!busy) {
          log.error('request failed', {
            path: (req.url ?? '').split('?')[0],
            error: error instanceof Error ? error.message : String(error),
          });
        }
        send(res, busy ? 503 : 500, body, busy ? { 'retry-after': '2' } : {});
      });
    },
  );
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `https://${host}:${address.port}`,
    port: address.port,
    caCertPem: files.caCertPem,
    signingPublicKey: files.signingPublicKey,
    store,
    files,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          store.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
