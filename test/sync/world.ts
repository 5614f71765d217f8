// The fault suite's world: one real central service (central/server.ts, HTTPS + mTLS on
// loopback, its own encrypted store) and real terminals (each a data directory with its
// encrypted store and key, enrolled through `madoguchi terminal enroll`), optionally behind
// the fault proxy. After every scenario, checkInvariants() is the Jepsen-style checker of
// reference/sync-protocol.md §3.9.

// @peculiar/x509 (central's PKI) needs the Reflect metadata API loaded first.
import '../../main/card/trust/reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server';
import { createEnrollmentCode } from '../../central/enroll';
import { seedOffice } from '../../central/admin';
import { runCentralCli } from '../../central/cli';
import type { CentralStats } from '../../central/store/central-store';
import { openStore, type Db } from '../../db/open';
import { REQUIREMENTS, type CaseEvent } from '../../domain/case-lifecycle';
import { verifyAuditChain } from '../../main/audit/verify';
import { CaseStore } from '../../main/cases/case-store';
import { application, clerk } from '../../main/cases/testing';
import { cli } from '../../main/cli/testing';
import { createLogger } from '../../main/log/logger';
import { SyncEngine, type SyncRunReport } from '../../main/sync/engine';
import { readIdentity, type SyncIdentity } from '../../main/sync/identity';
import { backlog } from '../../main/sync/outbox';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy';
import { tempDir } from '../support/temp-dir';

export const OFFICE = '131016';
const silent = createLogger({ sink: () => undefined, level: 'error' });
export const ALL_REQUIREMENTS = new Set(REQUIREMENTS);

export interface Terminal {
  dataDir: string;
  db: Db;
  cases: CaseStore;
  identity: SyncIdentity;
  /** One sync run, as `madoguchi sync run` does it. */
  sync(): Promise<SyncRunReport>;
  /** Points the terminal at another address (the proxy, a restarted central). */
  setCentralUrl(url: string): void;
  /** Closes and reopens the store (after a child process wrote to it). */
  reopen(): void;
}

export interface World {
  root: string;
  centralDir: string;
  central: RunningCentral;
  terminals: Terminal[];
  proxy: FaultProxy | null;
  restartCentral(): Promise<void>;
}

export function storeKey(dataDir: string): Buffer {
  return Buffer.from(readFileSync(join(dataDir, 'store.key'), 'utf8').trim(), 'hex');
}

export async function createWorld(
  options: {
    terminals?: number;
    proxy?: boolean;
    /** Request deadline of the terminals (short, so stalls end quickly). */
    requestMs?: number;
    /** Applications and dispatched cards central seeds for the office. */
    seed?: { applications: number; cards: number };
  } = {},
): Promise<World> {
  const root = tempDir('madoguchi-sync-');
  const centralDir = join(root, 'central');
  let central = await startCentral({ dataDir: centralDir, port: 0, name: 'Test Central' });
  const terminals: Terminal[] = [];
  const world: World = {
    root,
    centralDir,
    central,
    terminals,
    proxy: null,
    async restartCentral() {
      await central.close();
      central = await startCentral({ dataDir: centralDir, port: 0 });
      world.central = central;
      if (world.proxy) world.proxy.setUpstream(central.url);
      else for (const t of terminals) t.setCentralUrl(central.url);
    },
  };
  onTestFinished(async () => {
    await world.proxy?.close();
    for (const t of terminals) if (t.db.open) t.db.close();
    await world.central.close();
  });
  if (options.seed) {
    seedOffice(central.store, { officeId: OFFICE, seed: 1, ...options.seed });
  }
  for (let i = 0; i < (options.terminals ?? 2); i += 1) {
    terminals.push(await enrolledTerminal(world.central, join(root, `terminal-${i + 1}`), options));
  }
  if (options.proxy) {
    world.proxy = await startFaultProxy({
      upstream: central.url,
      caPem: central.files.caCertPem,
      serverKeyPem: central.files.serverKeyPem,
      serverCertPem: central.files.serverCertPem,
      terminals: new Map(
        terminals.map((t) => [
          t.identity.terminalId,
          { keyPem: t.identity.tlsKeyPem, certPem: t.identity.tlsCertPem },
        ]),
      ),
      stallMs: 3_000,
    });
    for (const t of terminals) t.setCentralUrl(world.proxy.url);
  }
  return world;
}

/** A new terminal in `dataDir`, enrolled at `central` through `madoguchi terminal enroll`. */
export async function enrolledTerminal(
  central: Pick<RunningCentral, 'url' | 'store' | 'files'>,
  dataDir: string,
  options: { requestMs?: number },
): Promise<Terminal> {
  expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
  const { code } = createEnrollmentCode(central.store, central.files, {
    officeId: OFFICE,
    mission: false,
  });
  const enrolled = await cli(
    '--data-dir',
    dataDir,
    'terminal',
    'enroll',
    '--central',
    central.url,
    '--code',
    code,
  );
  expect(enrolled.stderr).toBe('');
  expect(enrolled.code).toBe(0);
  const open = (): Db => openStore({ path: join(dataDir, 'store.db'), key: storeKey(dataDir) });
  let db = open();
  let engine: SyncEngine;
  const makeEngine = (): SyncEngine =>
    new SyncEngine({
      db,
      log: silent,
      timeouts: { requestMs: options.requestMs ?? 10_000, connectMs: 5_000 },
    });
  engine = makeEngine();
  const terminal: Terminal = {
    dataDir,
    db,
    cases: new CaseStore({ db, log: silent }),
    identity: readIdentity(db) as SyncIdentity,
    sync: () => engine.run('demand'),
    setCentralUrl(url) {
      db.prepare('UPDATE sync_identity SET central_url = ? WHERE id = 1').run(url);
      terminal.identity = readIdentity(db) as SyncIdentity;
      engine.close();
      engine = makeEngine();
    },
    reopen() {
      engine.close();
      db.close();
      db = open();
      terminal.db = db;
      terminal.cases = new CaseStore({ db, log: silent });
      engine = makeEngine();
    },
  };
  onTestFinished(() => engine.close());
  return terminal;
}

/** Counter work while offline: new applications at the counter (one event each). */
export function counterApplications(t: Terminal, count: number): void {
  t.db.transaction(() => {
    for (let i = 0; i < count; i += 1) t.cases.receiveApplication(application(), clerk);
  })();
}

/** Takes every dispatched card of the terminal through receive, check and hand-over. */
export function handOverAll(t: Terminal, limit = Number.POSITIVE_INFINITY): number {
  const cards = t.db
    .prepare("SELECT card_serial, version FROM card WHERE state = 'dispatched' ORDER BY 1 LIMIT ?")
    .all(Number.isFinite(limit) ? limit : -1) as { card_serial: string; version: number }[];
  const steps: CaseEvent[] = ['receive', 'arrival-check-pass', 'hand-over'];
  for (const card of cards) {
    let version = card.version;
    for (const step of steps) {
      version = t.cases.recordCardTransition(
        card.card_serial,
        step,
        clerk,
        ALL_REQUIREMENTS,
        version,
      ).version;
    }
  }
  return cards.length;
}

/** Syncs until a run succeeds (faults may fail some), at most `attempts` runs. */
export async function syncUntilDone(t: Terminal, attempts = 40): Promise<SyncRunReport[]> {
  const reports: SyncRunReport[] = [];
  for (let i = 0; i < attempts; i += 1) {
    const report = await t.sync();
    reports.push(report);
    if (report.outcome.ok && backlog(t.db).pending === 0) return reports;
  }
  throw new Error(
    `sync did not converge in ${attempts} runs: ${JSON.stringify(reports.at(-1)?.outcome)}`,
  );
}

/**
 * After a scenario: every event exactly once at central, no gap per terminal, hash chains
 * valid, local and central states agree, no duplicate applied.
 */
export async function checkInvariants(world: {
  terminals: Terminal[];
  central: Pick<RunningCentral, 'store'>;
  centralDir: string;
}): Promise<void> {
  const store = world.central.store;
  // What an operator sees: `madoguchi-central stats --json`.
  const out: string[] = [];
  const code = await runCentralCli(['stats', '--data-dir', world.centralDir, '--json'], {
    stdout: (text) => out.push(text),
    stderr: (text) => out.push(text),
    env: {},
  });
  expect(code).toBe(0);
  const stats = JSON.parse(out.join('\n')) as CentralStats;
  expect(stats.duplicatesApplied).toBe(0);
  for (const t of world.terminals) {
    const chain = verifyAuditChain(t.db);
    expect(chain.ok).toBe(true);
    const local = backlog(t.db);
    expect(local.pending).toBe(0);
    const row = stats.terminals.find((x) => x.terminalId === t.identity.terminalId);
    expect(row).toMatchObject({ lastSeq: local.lastSeq, events: local.lastSeq });
    const events = t.db
      .prepare('SELECT seq, event_id, hash FROM case_event ORDER BY seq')
      .all() as { seq: number; event_id: string; hash: Buffer }[];
    for (const event of events) {
      const stored = store.getEventBySeq(t.identity.terminalId, event.seq);
      expect(stored?.eventId).toBe(event.event_id);
      expect(stored?.hash.equals(event.hash)).toBe(true);
    }
    // Every outcome central gave is recorded locally, once per event.
    expect(t.db.prepare('SELECT count(*) FROM outbox_ack').pluck().get()).toBe(local.lastSeq);
    // Case states agree: every card the terminal knows is in the same state at central.
    const cards = t.db.prepare('SELECT card_serial, state FROM card').all() as {
      card_serial: string;
      state: string;
    }[];
    for (const card of cards) {
      expect({ serial: card.card_serial, state: store.getCard(card.card_serial)?.state }).toEqual({
        serial: card.card_serial,
        state: card.state,
      });
    }
  }
}
