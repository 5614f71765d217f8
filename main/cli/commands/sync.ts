// `madoguchi sync run|status|export|import-ack`: sync with central now, see where it stands,
// or carry the pending events on removable media (air-gapped transfer).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../../../db/open';
import { STORE_FILE } from '../../config/data-dir';
import { createLogger } from '../../log/logger';
import { SyncEngine } from '../../sync/engine';
import { exportPending, importAckFile } from '../../sync/export';
import { syncStatus, type SyncStatus } from '../../sync/service';
import { CommandFailure, type Command } from '../command';
import { withKey } from '../store-key';
import { UsageError } from '../usage-error';
import { asCommandFailure } from './terminal';

const USAGE = `madoguchi sync run
       madoguchi sync status
       madoguchi sync export --out FILE
       madoguchi sync import-ack FILE

  run         Sync once now: revocation list, then pending events, then applications,
              dispatched cards and card status. Exit 1 if the sync failed.
  status      Pending events, oldest pending age, last success, revocation list age.
  export      Write the pending events to FILE, encrypted to central and signed, for a
              courier ("madoguchi-central import FILE" on the central side).
  import-ack  Apply the acknowledgement file central wrote for an import.`;

function age(ms: number | null): string {
  if (ms === null) return '-';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
}

function printStatus(status: SyncStatus): string {
  return [
    `State            ${status.state}${status.lastError ? ` (${status.lastError.code}: ${status.lastError.message})` : ''}`,
    `Last success     ${status.lastSuccessAt ?? 'never'}`,
    `Pending events   ${status.pendingEvents} (acknowledged through ${status.ackedThroughSeq} of ${status.lastSeq})`,
    `Oldest pending   ${age(status.oldestPendingAgeMs)}`,
    `Revocation list  ${status.revocation.listVersion === null ? 'none' : `version ${status.revocation.listVersion}, ${age(status.revocation.ageMs)} old`} - ${status.revocation.level}${status.revocation.reasons.length ? ` (${status.revocation.reasons.join(', ')})` : ''}`,
    `Review items     ${status.openReviewItems} open`,
    ...(status.alerts.length ? [`Alerts           ${status.alerts.join(', ')}`] : []),
  ].join('\n');
}

export const syncCommand: Command = {
  summary: 'Sync with the central service now, show its status, or export for a courier',
  usage: 'madoguchi sync run | status | export --out FILE | import-ack FILE',
  help: () => `Usage: ${USAGE}`,
  async run(args, global, io) {
    const [sub, ...rest] = args;
    const storePath = join(global.dataDir, STORE_FILE);
    const now = (): Date => new Date();
    if (sub === 'status') {
      if (rest.length > 0) throw new UsageError(`status takes no arguments.\nUsage: ${USAGE}`);
      const status = await withKey({ global, io, storePath }, (key) => {
        const db = openStore({ path: storePath, key, readonly: true });
        try {
          return syncStatus(db, now());
        } finally {
          db.close();
        }
      });
      io.stdout(global.json ? JSON.stringify(status, null, 2) : printStatus(status));
      return 0;
    }
    if (sub === 'run') {
      if (rest.length > 0) throw new UsageError(`run takes no arguments.\nUsage: ${USAGE}`);
      const { report, status } = await withKey({ global, io, storePath }, async (key) => {
        const db = openStore({ path: storePath, key });
        const engine = new SyncEngine({
          db,
          log: createLogger({ sink: () => undefined, level: 'error' }),
        });
        try {
          const result = await engine.run('demand');
          return { report: result, status: syncStatus(db, now()) };
        } finally {
          engine.close();
          db.close();
        }
      });
      if (global.json) io.stdout(JSON.stringify({ outcome: report.outcome, status }, null, 2));
      else
        io.stdout(
          `${report.outcome.ok ? 'Sync done.' : `Sync failed: ${report.outcome.code}: ${report.outcome.message}`}\n${printStatus(status)}`,
        );
      return report.outcome.ok ? 0 : 1;
    }
    if (sub === 'export') {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { out: { type: 'string' } },
        strict: true,
        allowPositionals: true,
      });
      if (!values.out || positionals.length > 0) {
        throw new UsageError(`export needs --out FILE.\nUsage: ${USAGE}`);
      }
      const out = values.out;
      const result = await withKey({ global, io, storePath }, (key) => {
        const db = openStore({ path: storePath, key });
        try {
          return exportPending(db, now());
        } catch (error) {
          throw asCommandFailure(error);
        } finally {
          db.close();
        }
      });
      if (!result) {
        throw new CommandFailure('SYNC_NOTHING_PENDING', 'No pending events: nothing to export.');
      }
      // wx: never overwrite a file a courier may already be carrying.
      try {
        writeFileSync(out, `${JSON.stringify(result.file)}\n`, { flag: 'wx', mode: 0o600 });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new CommandFailure(
          'SYNC_EXPORT_WRITE_FAILED',
          code === 'EEXIST'
            ? `${out} already exists; choose a new file name.`
            : `Cannot write ${out} (${code ?? 'error'}).`,
        );
      }
      const summary = {
        file: out,
        fromSeq: result.fromSeq,
        toSeq: result.toSeq,
        events: result.events,
        batches: result.batches,
      };
      io.stdout(
        global.json
          ? JSON.stringify(summary, null, 2)
          : `Exported events ${result.fromSeq}-${result.toSeq} (${result.events} events, ${result.batches} batches) to ${out}, encrypted to central and signed.`,
      );
      return 0;
    }
    if (sub === 'import-ack') {
      if (rest.length !== 1) throw new UsageError(`import-ack needs FILE.\nUsage: ${USAGE}`);
      const file = rest[0] as string;
      let content: unknown;
      try {
        content = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch {
        throw new CommandFailure('SYNC_BAD_ANSWER', `${file} is not an acknowledgement file.`);
      }
      const result = await withKey({ global, io, storePath }, (key) => {
        const db = openStore({ path: storePath, key });
        try {
          return importAckFile(db, content, now());
        } catch (error) {
          throw asCommandFailure(error);
        } finally {
          db.close();
        }
      });
      io.stdout(
        global.json
          ? JSON.stringify(result)
          : `Acknowledged through seq ${result.ackedThroughSeq}.`,
      );
      return 0;
    }
    throw new UsageError(
      `${sub === undefined ? 'Name a sync subcommand.' : `Unknown sync subcommand "${sub}".`}\nUsage: ${USAGE}`,
    );
  },
};
