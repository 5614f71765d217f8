// The office around the reliability harnesses' terminals: a real central service (central/
// server.ts, HTTPS + mTLS on loopback) in this process, terminals enrolled at it, and the
// check that central holds each terminal event exactly once. No vitest here: bench/ uses it.

// @peculiar/x509 (central's PKI) needs the Reflect metadata API loaded first.
import '../../main/card/trust/reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEnrollmentCode } from '../../central/enroll';
import { startCentral, type RunningCentral } from '../../central/server';
import { openStore, type Db } from '../../db/open';
import { enrollTerminal } from '../../main/sync/enroll';
import { backlog } from '../../main/sync/outbox';
import { OFFICE } from './counter-work';

/** A real central service in this process and a new terminal store enrolled at it. */
export async function centralAndTerminal(
  root: string,
  count = 1,
): Promise<{ central: RunningCentral; terminals: { path: string; key: Buffer }[] }> {
  const central = await startCentral({
    dataDir: join(root, 'central'),
    port: 0,
    name: 'Test Central',
  });
  const terminals: { path: string; key: Buffer }[] = [];
  for (let i = 0; i < count; i += 1) {
    const dir = join(root, `terminal-${i + 1}`);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'store.db');
    const key = randomBytes(32);
    const db = openStore({ path, key });
    const { code } = createEnrollmentCode(central.store, central.files, {
      officeId: OFFICE,
      mission: false,
    });
    await enrollTerminal(db, { centralUrl: central.url, code });
    db.close();
    terminals.push({ path, key });
  }
  return { central, terminals };
}

/**
 * Central holds each of the terminal's events exactly once: the same event at the same seq
 * with the same hash, none missing, none applied twice. Returns the problems found.
 */
export function centralProblems(central: RunningCentral, db: Db, terminalId: string): string[] {
  const problems: string[] = [];
  const stats = central.store.stats();
  if (stats.duplicatesApplied !== 0)
    problems.push(`duplicates applied: ${stats.duplicatesApplied}`);
  const local = backlog(db);
  if (local.pending !== 0) problems.push(`still pending: ${local.pending}`);
  const row = stats.terminals.find((x) => x.terminalId === terminalId);
  if (row?.lastSeq !== local.lastSeq || row.events !== local.lastSeq) {
    problems.push(`central has ${JSON.stringify(row)}, terminal last seq ${local.lastSeq}`);
  }
  const events = db.prepare('SELECT seq, event_id, hash FROM case_event ORDER BY seq').all() as {
    seq: number;
    event_id: string;
    hash: Buffer;
  }[];
  for (const event of events) {
    const stored = central.store.getEventBySeq(terminalId, event.seq);
    if (stored?.eventId !== event.event_id || !stored.hash.equals(event.hash)) {
      problems.push(`event ${event.seq} differs at central`);
      if (problems.length > 20) break;
    }
  }
  const acks = db.prepare('SELECT count(*) FROM outbox_ack').pluck().get() as number;
  if (acks !== local.lastSeq) problems.push(`${acks} acks for ${local.lastSeq} events`);
  return problems;
}
