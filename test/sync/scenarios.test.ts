// The situations of reference/sync-protocol.md §3.9 other than network faults: clock skew,
// a central restored from an older backup, a terminal restored from an old copy (fork), a
// revoked terminal, revocations applied while uploads fail, a poison event that parks the
// queue, a long offline backlog, and the air-gapped export.

import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importExport, revokeTerminal, suspendCards } from '../../central/admin';
import { cli } from '../../main/cli/testing';
import { CaseStore } from '../../main/cases/case-store';
import { application, clerk } from '../../main/cases/testing';
import { createLogger } from '../../main/log/logger';
import { SyncEngine } from '../../main/sync/engine';
import { backlog } from '../../main/sync/outbox';
import { revocationFreshness, revocationOf } from '../../main/sync/revocations';
import {
  checkInvariants,
  counterApplications,
  createWorld,
  handOverAll,
  syncUntilDone,
} from './world';

const silent = createLogger({ sink: () => undefined, level: 'error' });
const HOUR = 3_600_000;

describe('sync scenarios', () => {
  it('a terminal clock hours ahead: events flagged CLOCK_SKEW, order and states unaffected', async () => {
    const world = await createWorld({ terminals: 2, seed: { applications: 4, cards: 4 } });
    const [a, b] = world.terminals;
    if (!a || !b) throw new Error('two terminals');
    const skewed = () => new Date(Date.now() + 5 * HOUR);
    const cases = new CaseStore({ db: a.db, log: silent, now: skewed });
    const engine = new SyncEngine({ db: a.db, log: silent, now: skewed });
    try {
      expect((await engine.run('demand')).outcome).toEqual({ ok: true });
      cases.receiveApplication(application(), clerk);
      a.cases = cases;
      handOverAll(a, 2);
      expect((await engine.run('demand')).outcome).toEqual({ ok: true });
      const offset = a.db.prepare('SELECT clock_offset_ms FROM sync_state').pluck().get() as number;
      expect(Math.round(offset / HOUR)).toBe(-5);
      expect(
        a.db
          .prepare("SELECT count(*) FROM outbox_ack WHERE outcome_detail LIKE '%CLOCK_SKEW%'")
          .pluck()
          .get(),
      ).toBe(backlog(a.db).lastSeq);
      // The revocation list was received on the same skewed clock: still fresh.
      expect(revocationFreshness(a.db, skewed(), undefined, offset).level).toBe('fresh');
    } finally {
      engine.close();
    }
    await syncUntilDone(b);
    await syncUntilDone(a);
    await checkInvariants(world);
  }, 60_000);

  it('central restored from an older backup: the terminal resends from expected_seq', async () => {
    const world = await createWorld({ terminals: 2 });
    const [a, b] = world.terminals;
    if (!a || !b) throw new Error('two terminals');
    counterApplications(a, 120);
    await syncUntilDone(a);
    await syncUntilDone(b);
    // Backup: the central store files as they are now (central stopped, WAL checkpointed).
    await world.central.close();
    const db = join(world.centralDir, 'central.db');
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(db + suffix)) copyFileSync(db + suffix, `${db}${suffix}.bak`);
    }
    await world.restartCentral();
    counterApplications(a, 300);
    counterApplications(b, 50);
    await syncUntilDone(a);
    await syncUntilDone(b);
    expect(backlog(a.db).ackedThroughSeq).toBe(420);
    // Disaster: central comes back from the backup, without the last 300 + 50 events.
    await world.central.close();
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(db + suffix, { force: true });
      if (existsSync(`${db}${suffix}.bak`)) copyFileSync(`${db}${suffix}.bak`, db + suffix);
    }
    await world.restartCentral();
    expect(world.central.store.getTerminal(a.identity.terminalId)?.lastSeq).toBe(120);
    counterApplications(a, 5);
    await syncUntilDone(a);
    await syncUntilDone(b);
    await checkInvariants(world);
  }, 90_000);

  it('a terminal restored from an old copy is stopped as a fork, never silently merged', async () => {
    const world = await createWorld({ terminals: 1 });
    const [a] = world.terminals;
    if (!a) throw new Error('terminal');
    counterApplications(a, 10);
    await syncUntilDone(a);
    a.db.close();
    const file = join(a.dataDir, 'store.db');
    copyFileSync(file, `${file}.old`);
    a.reopen();
    counterApplications(a, 10);
    await syncUntilDone(a);
    a.db.close();
    copyFileSync(`${file}.old`, file);
    for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
    a.reopen();
    counterApplications(a, 3);
    const report = await a.sync();
    expect(report.outcome).toMatchObject({ ok: false, kind: 'halted', code: 'SYNC_SEQ_CONFLICT' });
    const status = JSON.parse(
      (await cli('--data-dir', a.dataDir, '--json', 'sync', 'status')).stdout,
    ) as { standing: string; alerts: string[]; pendingEvents: number };
    expect(status).toMatchObject({ standing: 'quarantined', pendingEvents: 3 });
    expect(status.alerts).toContain('SYNC_HALTED');
  }, 60_000);

  it('a terminal revoked centrally is refused and stops, keeping its events', async () => {
    const world = await createWorld({ terminals: 1 });
    const [a] = world.terminals;
    if (!a) throw new Error('terminal');
    counterApplications(a, 4);
    revokeTerminal(world.central.store, a.identity.terminalId);
    const report = await a.sync();
    expect(report.outcome).toMatchObject({
      ok: false,
      kind: 'halted',
      code: 'SYNC_TERMINAL_REVOKED',
    });
    expect(backlog(a.db).pending).toBe(4);
    expect((await a.sync()).outcome).toMatchObject({ code: 'SYNC_TERMINAL_REVOKED' });
  }, 60_000);

  it('a suspension reaches the terminal even while every upload fails', async () => {
    const world = await createWorld({
      terminals: 1,
      proxy: true,
      seed: { applications: 3, cards: 3 },
    });
    const [a] = world.terminals;
    if (!a) throw new Error('terminal');
    await syncUntilDone(a);
    const serial = a.db.prepare('SELECT card_serial FROM card LIMIT 1').pluck().get() as string;
    handOverAll(a, 1);
    world.proxy?.setDecide(({ method }) => (method === 'PUT' ? 'status-500' : 'none'));
    const other = a.db
      .prepare("SELECT card_serial FROM card WHERE state = 'dispatched' LIMIT 1")
      .pluck()
      .get() as string;
    suspendCards(world.central.store, [other], { status: 'suspended' });
    const report = await a.sync();
    expect(report.outcome).toMatchObject({ ok: false, code: 'SYNC_CENTRAL_UNAVAILABLE' });
    expect(revocationOf(a.db, other)).toMatchObject({ status: 'suspended' });
    expect(backlog(a.db).pending).toBe(3);
    world.proxy?.setDecide(() => 'none');
    await syncUntilDone(a);
    expect(revocationOf(a.db, serial)).toBeNull();
    await checkInvariants(world);
  }, 60_000);

  it('a poison event parks the queue with an alert; nothing is dropped, later work stays queued, downloads go on', async () => {
    const world = await createWorld({ terminals: 1, seed: { applications: 2, cards: 1 } });
    const [a] = world.terminals;
    if (!a) throw new Error('terminal');
    counterApplications(a, 3);
    // An insider edits event 2 behind the app: central refuses its hash (422 bad_event).
    a.db.exec('DROP TRIGGER case_event_no_update');
    a.db
      .prepare("UPDATE case_event SET terminal_time = '2020-01-01T00:00:00.000Z' WHERE seq = 2")
      .run();
    const report = await a.sync();
    expect(report.outcome).toMatchObject({ ok: false, kind: 'parked', code: 'SYNC_BATCH_REFUSED' });
    expect(
      a.db.prepare("SELECT count(*) FROM application WHERE channel != 'counter'").pluck().get(),
    ).toBe(2);
    counterApplications(a, 2);
    const status = JSON.parse(
      (await cli('--data-dir', a.dataDir, '--json', 'sync', 'status')).stdout,
    ) as { pendingEvents: number; parkedAtSeq: number; alerts: string[] };
    expect(status).toMatchObject({ pendingEvents: 5, parkedAtSeq: 1 });
    expect(status.alerts).toContain('QUEUE_PARKED');
  }, 60_000);

  it('drains a backlog of 50,000 events after weeks offline, through lost acknowledgements', async () => {
    const world = await createWorld({ terminals: 2, proxy: true, requestMs: 5_000 });
    const [a, b] = world.terminals;
    if (!a || !b) throw new Error('two terminals');
    counterApplications(a, 50_000);
    counterApplications(b, 500);
    // Every 40th upload's answer is lost after central committed it: the terminal times out,
    // resends, and central answers "duplicate" (each loss costs one request timeout).
    let n = 0;
    world.proxy?.setDecide(({ method }) =>
      method === 'PUT' && (n += 1) % 40 === 0 ? 'drop-response' : 'none',
    );
    await Promise.all([syncUntilDone(a, 60), syncUntilDone(b, 60)]);
    const runs = a.db.prepare("SELECT count(*) FROM sync_run WHERE result = 'ok'").pluck().get();
    expect(runs).toBeGreaterThan(0);
    await checkInvariants(world);
  }, 900_000);

  it('carries the backlog by courier: export, import twice, acknowledgement file back', async () => {
    const world = await createWorld({ terminals: 1 });
    const [a] = world.terminals;
    if (!a) throw new Error('terminal');
    counterApplications(a, 450);
    const out = join(world.root, 'courier.json');
    const exported = await cli('--data-dir', a.dataDir, '--json', 'sync', 'export', '--out', out);
    expect(exported.stderr).toBe('');
    expect(JSON.parse(exported.stdout)).toMatchObject({ fromSeq: 1, toSeq: 450, batches: 3 });
    // The file carries no personal data in clear.
    expect(readFileSync(out, 'utf8')).not.toContain('窓口');
    const first = importExport(world.central.store, world.central.files, readFileSync(out, 'utf8'));
    const second = importExport(
      world.central.store,
      world.central.files,
      readFileSync(out, 'utf8'),
    );
    expect(first).toMatchObject({ events: 450, applied: 450, duplicates: 0 });
    expect(second).toMatchObject({ events: 450, applied: 0, duplicates: 450 });
    expect(world.central.store.stats().duplicatesApplied).toBe(0);
    const ackFile = join(world.root, 'ack.json');
    writeFileSync(ackFile, JSON.stringify(first.ackFile));
    a.db.close();
    const acked = await cli('--data-dir', a.dataDir, '--json', 'sync', 'import-ack', ackFile);
    a.reopen();
    expect(acked.stderr).toBe('');
    expect(JSON.parse(acked.stdout)).toEqual({ ackedThroughSeq: 450 });
    await syncUntilDone(a);
    await checkInvariants(world);
  }, 90_000);
});
