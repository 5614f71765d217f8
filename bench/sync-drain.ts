// Draining a long offline backlog: BENCH_EVENTS (default 50,000) case events uploaded by the
// terminal's sync engine (batches read from the encrypted store, signed receipts verified,
// acks applied) to a real central service over HTTPS + mTLS on loopback. Central runs in its
// own process, so the memory figures are the terminal's alone.
// Baseline in the same run, to the same central: a second terminal's batches of the same
// size, serialized beforehand, PUT raw over one mTLS connection with undici (no store reads,
// no receipt checks, no ack transactions). Goal: sync within 1.5x of raw; memory flat, not
// growing with the backlog (RSS sampled at 10%, 50% and 100% of the drain).
// Run: npm run bench -- sync-drain

import '../main/card/trust/reflect-metadata';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { createEnrollmentCode } from '../central/enroll';
import { initCentral, loadCentralFiles, openCentralStore } from '../central/data-dir';
import { startCentral } from '../central/server';
import { openStore, type Db } from '../db/open';
import { CaseStore } from '../main/cases/case-store';
import { application, clerk } from '../main/cases/testing';
import { createLogger } from '../main/log/logger';
import { enrollTerminal } from '../main/sync/enroll';
import { SyncEngine } from '../main/sync/engine';
import type { SyncIdentity } from '../main/sync/identity';
import { buildBatch } from '../main/sync/upload';
import { paths } from '../sync/protocol';
import { report as reportResult } from './report';

/** Benchmarks print their figures on stdout, one line each (no logger: nothing personal here). */
const line = (text: string): void => void process.stdout.write(`${text}\n`);

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 50_000);
const silent = createLogger({ sink: () => undefined, level: 'error' });

if (process.argv[2] === '--central') {
  const central = await startCentral({ dataDir: process.argv[3] as string, port: 0 });
  process.stdout.write(`listening ${central.url}\n`);
} else {
  await main();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-'));
  const centralDir = join(dir, 'central');
  await initCentral(centralDir, 'Bench Central');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--central', centralDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const match = /listening (\S+)/.exec(text);
        if (match) resolve(match[1] as string);
      });
      child.once('exit', () => reject(new Error('central exited')));
    });
    const files = loadCentralFiles(centralDir);
    const code = (): string => {
      const store = openCentralStore(centralDir);
      try {
        return createEnrollmentCode(store, files, { officeId: '131016', mission: false }).code;
      } finally {
        store.close();
      }
    };
    const terminal = async (name: string): Promise<{ db: Db; identity: SyncIdentity }> => {
      const db = openStore({ path: join(dir, `${name}.db`), key: randomBytes(32) });
      const identity = await enrollTerminal(db, { centralUrl: url, code: code() });
      const cases = new CaseStore({ db, log: silent });
      for (let done = 0; done < EVENTS; done += 1_000) {
        db.transaction(() => {
          for (let i = done; i < Math.min(done + 1_000, EVENTS); i += 1) {
            cases.receiveApplication(application(), clerk);
          }
        })();
      }
      return { db, identity };
    };
    process.stdout.write(
      `preparing two terminals with ${EVENTS.toLocaleString('en')} events each...\n`,
    );
    const a = await terminal('terminal-a');
    const b = await terminal('terminal-b');

    // The terminal's sync.
    global.gc?.();
    const rssAt: Record<string, number> = { start: process.memoryUsage().rss };
    let peak = rssAt['start'] as number;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const engine = new SyncEngine({
      db: a.db,
      log: silent,
      onBatch: (ack) => {
        const fraction = ack.acked_through_seq / EVENTS;
        if (fraction >= 0.1 && !rssAt['10%']) rssAt['10%'] = process.memoryUsage().rss;
        if (fraction >= 0.5 && !rssAt['50%']) rssAt['50%'] = process.memoryUsage().rss;
      },
    });
    const started = process.hrtime.bigint();
    const report = await engine.run('demand');
    const syncSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    rssAt['100%'] = process.memoryUsage().rss;
    clearInterval(sampler);
    engine.close();
    if (!report.outcome.ok || report.upload?.eventsAcked !== EVENTS) {
      throw new Error(`sync did not drain: ${JSON.stringify(report.outcome)}`);
    }

    // Baseline: the same amount of batch bytes, prepared beforehand, PUT raw with undici.
    const bodies: { path: string; body: string }[] = [];
    let bytes = 0;
    for (let from = 1; from <= EVENTS;) {
      const batch = buildBatch(b.db, b.identity, from);
      if (!batch) break;
      const body = JSON.stringify(batch);
      bytes += Buffer.byteLength(body);
      bodies.push({ path: paths.batch(b.identity.terminalId, batch.from_seq, batch.to_seq), body });
      from = batch.to_seq + 1;
    }
    const client = new Client(url, {
      connect: {
        key: b.identity.tlsKeyPem,
        cert: b.identity.tlsCertPem,
        ca: b.identity.caCertPem,
      },
    });
    const rawStart = process.hrtime.bigint();
    for (const { path, body } of bodies) {
      const response = await client.request({
        method: 'PUT',
        path,
        body,
        headers: { 'content-type': 'application/json' },
      });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`raw PUT ${response.statusCode}: ${text}`);
    }
    const rawSeconds = Number(process.hrtime.bigint() - rawStart) / 1e9;
    await client.close();

    const mb = (n: number | undefined): string => `${((n ?? 0) / 1024 / 1024).toFixed(0)} MB`;
    line(
      `sync drain: ${EVENTS.toLocaleString('en')} events in ${report.upload.batches} batches (${(bytes / 1024 / 1024).toFixed(1)} MiB on the wire)`,
    );
    line(
      `  terminal sync engine: ${syncSeconds.toFixed(1)} s (${Math.round(EVENTS / syncSeconds).toLocaleString('en')} events/s)`,
    );
    line(
      `  baseline raw undici PUT of the same bytes: ${rawSeconds.toFixed(1)} s (${Math.round(EVENTS / rawSeconds).toLocaleString('en')} events/s)`,
    );
    line(`  ratio sync / raw: ${(syncSeconds / rawSeconds).toFixed(2)}x (goal <= 1.5x)`);
    reportResult({
      name: `sync-drain: ${EVENTS.toLocaleString('en')} events`,
      figure: `${syncSeconds.toFixed(1)} s`,
      baseline: `${rawSeconds.toFixed(1)} s raw PUT`,
      ratio: syncSeconds / rawSeconds,
      goal: 'ratio <= 1.5',
      pass: syncSeconds / rawSeconds <= 1.5,
    });
    line(
      `  terminal RSS: start ${mb(rssAt['start'])}, at 10% ${mb(rssAt['10%'])}, at 50% ${mb(rssAt['50%'])}, at 100% ${mb(rssAt['100%'])}; peak ${mb(peak)}`,
    );
    a.db.close();
    b.db.close();
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
