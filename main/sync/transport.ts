// HTTPS to central with mutual TLS: the terminal's certificate from enrolment, the central CA
// pinned at enrolment (and nothing else trusted). Every request has a deadline
// (reference/sync-protocol.md §3.6: connect 15 s; request 60 s + 1 s per 50 KiB; no
// unbounded request, replicache-old#61), and every failure becomes a SyncError whose kind
// tells the scheduler to back off.

import { createHash, X509Certificate } from 'node:crypto';
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { parseRetryAfter } from './backoff';
import { SyncError } from './errors';

export interface Timeouts {
  connectMs: number;
  requestMs: number;
  /** Added per 50 KiB of request body. */
  perFiftyKibMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 15_000,
  requestMs: 60_000,
  perFiftyKibMs: 1_000,
};

/** Bigger answers are refused: a revocation snapshot page is well below. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface CentralResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type TlsTrust =
  /** Enrolled: our client certificate, and only the pinned CA is trusted. */
  | { kind: 'mtls'; keyPem: string; certPem: string; caPem: string }
  /**
   * Enrolling: no client certificate yet; the server must be certified by the central CA
   * that probePinnedCa() found under the enrollment code's pin.
   */
  | { kind: 'server'; caPem: string };

/** The CA pin of the enrollment code: first 16 bytes of SHA-256 over the DER, hex. */
export function caPinOf(certPem: string | Buffer): string {
  const der = new X509Certificate(certPem).raw;
  return createHash('sha256').update(der).digest('hex').slice(0, 32);
}

export class CentralClient {
  readonly #base: URL;
  readonly #agent: Agent;
  readonly #timeouts: Timeouts;

  constructor(baseUrl: string, trust: TlsTrust, timeouts: Partial<Timeouts> = {}) {
    this.#base = new URL(baseUrl);
    if (this.#base.protocol !== 'https:') {
      throw new SyncError(
        'SYNC_OFFLINE',
        'The central service URL must start with https://.',
        'usage',
      );
    }
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...timeouts };
    this.#agent =
      trust.kind === 'mtls'
        ? new Agent({
            keepAlive: true,
            maxSockets: 1,
            key: trust.keyPem,
            cert: trust.certPem,
            ca: trust.caPem,
          })
        : new Agent({ keepAlive: false, ca: trust.caPem });
  }

  close(): void {
    this.#agent.destroy();
  }

  async json(
    method: 'GET' | 'PUT' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<CentralResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    return this.request(method, path, payload);
  }

  request(method: string, path: string, body?: Buffer): Promise<CentralResponse> {
    const url = new URL(path, this.#base);
    const deadline =
      this.#timeouts.requestMs +
      Math.ceil((body?.length ?? 0) / (50 * 1024)) * this.#timeouts.perFiftyKibMs;
    return new Promise<CentralResponse>((resolve, reject) => {
      let settled = false;
      const fail = (error: SyncError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(overall);
        clearTimeout(connectTimer);
        req.destroy();
        reject(error);
      };
      const req = httpsRequest(
        url,
        {
          method,
          agent: this.#agent,
          headers: {
            accept: 'application/json',
            ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              fail(new SyncError('SYNC_BAD_ANSWER', 'Central sent an answer larger than 64 MiB.'));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', () =>
            fail(
              new SyncError('SYNC_OFFLINE', 'The connection to central broke during the answer.'),
            ),
          );
          res.on('aborted', () =>
            fail(
              new SyncError('SYNC_OFFLINE', 'The connection to central broke during the answer.'),
            ),
          );
          res.on('end', () => {
            if (settled) return;
            if (!res.complete) {
              fail(new SyncError('SYNC_OFFLINE', 'Central’s answer was cut off.'));
              return;
            }
            settled = true;
            clearTimeout(overall);
            clearTimeout(connectTimer);
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
            });
          });
        },
      );
      const overall = setTimeout(
        () =>
          fail(
            new SyncError(
              'SYNC_TIMEOUT',
              `Central did not answer within ${Math.round(deadline / 1000)} s.`,
            ),
          ),
        deadline,
      );
      const connectTimer = setTimeout(
        () =>
          fail(
            new SyncError(
              'SYNC_TIMEOUT',
              `No connection to central within ${Math.round(this.#timeouts.connectMs / 1000)} s.`,
            ),
          ),
        this.#timeouts.connectMs,
      );
      req.on('socket', (socket) => {
        const tls = socket as TLSSocket;
        const connected = (): void => {
          clearTimeout(connectTimer);
        };
        if (tls.encrypted && !tls.connecting && tls.authorized !== undefined) connected();
        else tls.once('secureConnect', connected);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(connectTimer);
        fail(
          new SyncError(
            'SYNC_OFFLINE',
            `Central cannot be reached (${error.code ?? error.message}).`,
          ),
        );
      });
      req.end(body);
    });
  }
}

/**
 * Enrollment's first step: a TLS handshake that sends nothing, to find in the chain central
 * presents the CA certificate whose pin the enrollment code carries. Only then does the
 * terminal send its one-time code, over TLS verified against that CA: a server that cannot
 * show the pinned CA never sees the code.
 */
export function probePinnedCa(
  baseUrl: string,
  caPin: string,
  timeouts: Partial<Timeouts> = {},
): Promise<string> {
  const url = new URL(baseUrl);
  const connectMs = timeouts.connectMs ?? DEFAULT_TIMEOUTS.connectMs;
  return new Promise<string>((resolve, reject) => {
    const socket = tlsConnect({
      host: url.hostname,
      port: Number(url.port || 443),
      // Nothing is trusted yet: the chain is checked against the pin below, and the socket
      // is closed without a byte of application data either way.
      rejectUnauthorized: false,
      ...(isIP(url.hostname) ? {} : { servername: url.hostname }),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new SyncError(
          'SYNC_TIMEOUT',
          `No connection to central within ${Math.round(connectMs / 1000)} s.`,
        ),
      );
    }, connectMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const ca = pinnedCertificateInChain(socket, caPin);
      socket.destroy();
      if (ca) resolve(ca.toString());
      else
        reject(
          new SyncError(
            'SYNC_CA_PIN_MISMATCH',
            'The server does not present the central CA named by the enrollment code. The code was not sent and nothing was stored.',
            'usage',
          ),
        );
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new SyncError(
          'SYNC_OFFLINE',
          `Central cannot be reached (${error.code ?? error.message}).`,
        ),
      );
    });
  });
}

function pinnedCertificateInChain(socket: TLSSocket, pin: string): X509Certificate | undefined {
  let cert = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    if (createHash('sha256').update(cert.raw).digest('hex').slice(0, 32) === pin) {
      const certificate = new X509Certificate(cert.raw);
      // A pin on a certificate that is not a CA, or does not sign itself, pins nothing.
      return certificate.ca && certificate.checkIssued(certificate) ? certificate : undefined;
    }
    cert = cert.issuerCertificate;
  }
  return undefined;
}

/** Retry-After of a response, in ms. */
export function retryAfterOf(response: CentralResponse, nowMs: number): number | undefined {
  const header = response.headers['retry-after'];
  return parseRetryAfter(Array.isArray(header) ? header[0] : header, nowMs);
}

/** Parses a JSON body, or a SyncError naming what central sent. */
export function parseBody(response: CentralResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8')) as unknown;
  } catch {
    throw new SyncError(
      'SYNC_BAD_ANSWER',
      `Central answered ${response.status} with a body that is not JSON (truncated or not central).`,
    );
  }
}
