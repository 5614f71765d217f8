// Test support: a real central on 127.0.0.1 (port 0) in a temporary data directory, and
// in-memory terminals enrolled with it over real HTTPS (sync/testing.ts TestTerminal plus a
// TLS client key and certificate).

import { request } from 'node:https';
import { onTestFinished } from 'vitest';
import { tempDir } from '../test/support/temp-dir';
import {
  paths,
  PROTOCOL_VERSION,
  type EnrollmentResponse,
  type UploadBatch,
} from '../sync/protocol';
import { TestTerminal } from '../sync/testing';
import { initCentral, loadCentralFiles, openCentralStore } from './data-dir';
import { createEnrollmentCode } from './enroll';
import { IngestError, ingestBatch, type IngestContext } from './ingest';
import { createTlsCsr } from './pki';
import { startCentral, type RunningCentral, type StartCentralOptions } from './server';

export interface HttpResult<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface ClientTls {
  cert?: string;
  key?: string;
  ca: string;
}

export function httpsJson<T = unknown>(
  url: string,
  options: { method?: string; body?: unknown; rawBody?: Buffer; tls: ClientTls },
): Promise<HttpResult<T>> {
  return new Promise((resolve, reject) => {
    const payload =
      options.rawBody ??
      (options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body)));
    const req = request(
      url,
      {
        method: options.method ?? (payload ? 'POST' : 'GET'),
        ca: options.tls.ca,
        cert: options.tls.cert,
        key: options.tls.key,
        agent: false,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': String(payload.length) }
          : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: (text ? JSON.parse(text) : null) as T,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function testCentral(
  options: Partial<StartCentralOptions> = {},
): Promise<RunningCentral & { dataDir: string }> {
  const dataDir = options.dataDir ?? `${tempDir('madoguchi-central-')}/central`;
  const central = await startCentral({ name: 'Test central', ...options, dataDir });
  onTestFinished(() => central.close());
  return { ...central, dataDir };
}

export interface EnrolledTerminal {
  terminal: TestTerminal;
  enrollment: EnrollmentResponse;
  tls: ClientTls;
  /** PUT a batch; returns status and body. */
  upload(batch: UploadBatch): Promise<HttpResult>;
  get(path: string): Promise<HttpResult>;
}

export async function enrollTestTerminal(
  central: RunningCentral,
  options: { officeId?: string; mission?: boolean; terminal?: TestTerminal } = {},
): Promise<EnrolledTerminal> {
  const terminal = options.terminal ?? new TestTerminal();
  const { code } = createEnrollmentCode(central.store, central.files, {
    officeId: options.officeId ?? '131016',
    mission: options.mission ?? false,
  });
  const csr = await createTlsCsr(terminal.terminalId);
  const response = await httpsJson<EnrollmentResponse>(`${central.url}${paths.enroll()}`, {
    body: {
      protocol: PROTOCOL_VERSION,
      code,
      terminal_id: terminal.terminalId,
      signing_public_key: terminal.signingPublicKey.toString('base64'),
      encryption_public_key: terminal.encryptionPublicKey.toString('base64'),
      csr_pem: csr.csrPem,
    },
    tls: { ca: central.caCertPem },
  });
  if (response.status !== 200)
    throw new Error(`enrollment failed: ${JSON.stringify(response.body)}`);
  terminal.epoch = response.body.epoch;
  const tls = { ca: central.caCertPem, cert: response.body.certificate_pem, key: csr.keyPem };
  return {
    terminal,
    enrollment: response.body,
    tls,
    upload: (batch) =>
      httpsJson(`${central.url}${paths.batch(batch.terminal_id, batch.from_seq, batch.to_seq)}`, {
        method: 'PUT',
        body: batch,
        tls,
      }),
    get: (path) => httpsJson(`${central.url}${path}`, { tls }),
  };
}

/** A central's store and keys without the HTTPS server: for ingest and rule tests. */
export async function localCentral() {
  const dataDir = `${tempDir('madoguchi-central-')}/central`;
  await initCentral(dataDir, 'Test central');
  const files = loadCentralFiles(dataDir);
  const store = openCentralStore(dataDir);
  onTestFinished(() => store.close());
  const now = () => new Date();
  const ctx: IngestContext = { store, signingKey: files.signingKey, now };
  return {
    dataDir,
    files,
    store,
    ctx,
    now,
    enroll(terminal: TestTerminal = new TestTerminal(), officeId = '131016'): TestTerminal {
      store.saveEnrollment({
        terminalId: terminal.terminalId,
        officeId,
        mission: false,
        signingPublicKey: terminal.signingPublicKey,
        encryptionPublicKey: terminal.encryptionPublicKey,
        certificatePem: 'test',
        certificateSerial: 'test',
        label: null,
        enrolledAt: now().toISOString(),
      });
      return terminal;
    },
    /** Ingests a batch as an upload would; returns the ack or the IngestError. */
    ingest(batch: UploadBatch) {
      try {
        return ingestBatch(
          ctx,
          { terminalId: batch.terminal_id, fromSeq: batch.from_seq, toSeq: batch.to_seq },
          Buffer.from(JSON.stringify(batch)),
        );
      } catch (error) {
        if (error instanceof IngestError) return error;
        throw error;
      }
    },
  };
}
