// A fault-injecting proxy between terminals and central for the sync fault suite
// (reference/sync-protocol.md §3.9): drops requests, drops responses after central committed
// (lost ack), duplicates requests, replays old ones late (reordering), truncates bodies,
// stalls, and answers 500/503/429 itself. Every fault is decided per request from a seeded
// random generator, so a failing run replays exactly with the same seed.
//
// The design choice, stated honestly: a TCP-level proxy cannot see HTTP requests inside
// mutual TLS, let alone duplicate one (a replayed TLS record is refused) or forge a 503.
// So this proxy TERMINATES TLS: it serves a certificate from central's own CA (the terminal
// pins that CA, so it connects), demands the terminal's client certificate and checks it
// chains to the CA, and re-originates mutual TLS to central presenting that same terminal's
// certificate with its private key, which the test hands to the proxy. Central therefore
// still authenticates each terminal by its own certificate, and the terminal still checks a
// certificate of the pinned CA, but the TLS session is not end-to-end: a test-only trusted
// middlebox holding the test terminals' keys. Faults that need no HTTP view (a connection
// cut mid-body) are produced by destroying sockets at the chosen moment.

import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export const FAULTS = [
  'none',
  /** The request never reaches central: the connection is cut. */
  'drop-request',
  /** Central processes and commits; its answer is lost on the way back (lost ack). */
  'drop-response',
  /** The request reaches central twice; the terminal gets the first answer. */
  'duplicate',
  /** After this request, an older request of the same terminal reaches central again (late). */
  'replay-old',
  /** Half of the request body reaches central, then the connection breaks. */
  'truncate-request',
  /** Central answers in full; the terminal gets half of the body, then a cut. */
  'truncate-response',
  /** Nothing happens until the terminal gives up (its request deadline). */
  'stall',
  'status-500',
  'status-503',
  'status-429',
] as const;
export type Fault = (typeof FAULTS)[number];

/** mulberry32: a small seeded generator, enough to replay a fault schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface TerminalCredentials {
  keyPem: string;
  certPem: string;
}

export interface FaultProxyOptions {
  /** central's https://host:port */
  upstream: string;
  /** The central CA, which the terminals pin, and a server key/cert it issued for the proxy. */
  caPem: string;
  serverKeyPem: string;
  serverCertPem: string;
  /** terminal_id (the client certificate's CN) -> its TLS credentials, to re-originate mTLS. */
  terminals: Map<string, TerminalCredentials>;
  /** Decides the fault for each request; default none. `index` counts requests from 0. */
  decide?: (request: { method: string; path: string; index: number; terminal: string }) => Fault;
  /** How long a stall lasts before the connection is cut (longer than the client deadline). */
  stallMs?: number;
}

export interface FaultProxy {
  url: string;
  /** How often each fault was applied. */
  counts: Record<Fault, number>;
  setDecide(decide: NonNullable<FaultProxyOptions['decide']>): void;
  /** Points the proxy at another central (a restarted one listens on a new port). */
  setUpstream(url: string): void;
  close(): Promise<void>;
}

interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Faults at random with the given weights (the rest 'none'), from a seed. */
export function randomFaults(
  seed: number,
  weights: Partial<Record<Fault, number>>,
): NonNullable<FaultProxyOptions['decide']> {
  const random = seededRandom(seed);
  const entries = Object.entries(weights) as [Fault, number][];
  return () => {
    let r = random();
    for (const [fault, weight] of entries) {
      if (r < weight) return fault;
      r -= weight;
    }
    return 'none';
  };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let decide = options.decide ?? (() => 'none' as Fault);
  const counts = Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<Fault, number>;
  const history = new Map<string, Recorded[]>();
  const agents = new Map<string, Agent>();
  let upstream = new URL(options.upstream);
  const stallMs = options.stallMs ?? 30_000;
  const timers = new Set<NodeJS.Timeout>();
  let index = 0;

  const agentFor = (terminal: string): Agent | undefined => {
    const credentials = options.terminals.get(terminal);
    if (!credentials) return undefined;
    let agent = agents.get(terminal);
    if (!agent) {
      agent = new Agent({
        keepAlive: true,
        key: credentials.keyPem,
        cert: credentials.certPem,
        ca: options.caPem,
        // The upstream certificate is central's; its name is checked against the CA, not DNS.
        checkServerIdentity: () => undefined,
      });
      agents.set(terminal, agent);
    }
    return agent;
  };

  /** Sends a recorded request to central; resolves with the full answer. */
  const forward = (
    terminal: string,
    recorded: Recorded,
    truncateAt?: number,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const agent = agentFor(terminal);
      if (!agent) {
        reject(new Error(`fault proxy: no credentials for terminal ${terminal}`));
        return;
      }
      const req = httpsRequest(
        new URL(recorded.path, upstream),
        { method: recorded.method, headers: recorded.headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: Object.fromEntries(
                Object.entries(res.headers).filter(
                  (e): e is [string, string] => typeof e[1] === 'string',
                ),
              ),
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (truncateAt !== undefined) {
        req.write(recorded.body.subarray(0, truncateAt));
        // Let the partial body reach central, then break the connection.
        const timer = setTimeout(() => {
          timers.delete(timer);
          req.destroy(new Error('truncated by the fault proxy'));
        }, 50);
        timers.add(timer);
      } else req.end(recorded.body);
    });

  const reply = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    const bytes = Buffer.from(JSON.stringify(body));
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': bytes.length,
    });
    res.end(bytes);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate();
    const cn = peer?.subject?.CN;
    const terminal = (Array.isArray(cn) ? cn[0] : cn) ?? '';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded: Recorded = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(
          (e): e is [string, string] =>
            typeof e[1] === 'string' && !['host', 'connection'].includes(e[0]),
        ),
      ),
      body: Buffer.concat(chunks),
    };
    const fault = decide({ method: recorded.method, path: recorded.path, index, terminal });
    index += 1;
    counts[fault] += 1;
    const past = history.get(terminal) ?? [];
    if (recorded.method === 'PUT') {
      past.push(recorded);
      if (past.length > 50) past.shift();
      history.set(terminal, past);
    }
    switch (fault) {
      case 'drop-request':
        socket.destroy();
        return;
      case 'stall': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          socket.destroy();
        }, stallMs);
        timers.add(timer);
        return;
      }
      case 'status-500':
        reply(res, 500, { error: { code: 'internal', message: 'injected by the fault proxy' } });
        return;
      case 'status-503':
        reply(
          res,
          503,
          { error: { code: 'unavailable', message: 'injected', retry_after_s: 1 } },
          { 'retry-after': '1' },
        );
        return;
      case 'status-429':
        reply(
          res,
          429,
          { error: { code: 'rate_limited', message: 'injected', retry_after_s: 1 } },
          { 'retry-after': '1' },
        );
        return;
      case 'truncate-request':
        await forward(terminal, recorded, Math.floor(recorded.body.length / 2)).catch(
          () => undefined,
        );
        socket.destroy();
        return;
      default:
        break;
    }
    const answer = await forward(terminal, recorded);
    if (fault === 'duplicate') await forward(terminal, recorded).catch(() => undefined);
    if (fault === 'replay-old' && past.length > 1) {
      const old = past[Math.floor(past.length / 2) - 1] ?? past[0];
      if (old) await forward(terminal, old).catch(() => undefined);
    }
    if (fault === 'drop-response') {
      socket.destroy();
      return;
    }
    if (fault === 'truncate-response') {
      res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
      res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
      const timer = setTimeout(() => {
        timers.delete(timer);
        socket.destroy();
      }, 20);
      timers.add(timer);
      return;
    }
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
    res.end(answer.body);
  };

  const server: Server = createServer(
    {
      key: options.serverKeyPem,
      cert: options.serverCertPem,
      ca: options.caPem,
      // Only a terminal with a certificate of the central CA gets through, as at central.
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) reply(res, 502, { error: { code: 'internal', message: 'proxy' } });
        else req.socket.destroy();
      });
    },
  );
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    counts,
    setDecide(next) {
      decide = next;
    },
    setUpstream(url) {
      upstream = new URL(url);
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const agent of agents.values()) agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
