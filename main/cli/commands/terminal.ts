// `madoguchi terminal enroll|status`: this terminal's identity at the central service.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../../../db/open';
import { STORE_FILE } from '../../config/data-dir';
import { enrollTerminal } from '../../sync/enroll';
import { SyncError } from '../../sync/errors';
import { readIdentity } from '../../sync/identity';
import { CommandFailure, type Command } from '../command';
import { withKey } from '../store-key';
import { UsageError } from '../usage-error';

const USAGE = `madoguchi terminal enroll --central URL --code CODE [--ca-pin PIN] [--label TEXT]
       madoguchi terminal status

  enroll   Give this terminal its identity at the central service: central issues a
           certificate for a new TLS key, registers the audit signing key, and the central
           CA and keys are pinned. CODE is the one-time code central IT printed
           ("madoguchi-central terminal code"); it carries the CA pin unless --ca-pin is given.
  status   The terminal ID, its office, the central service and its standing there.`;

/** SyncErrors leave the CLI as CommandFailures: the same code for --json, exit 1 (or 2). */
export function asCommandFailure(error: unknown): unknown {
  if (error instanceof SyncError) {
    return new CommandFailure(error.code, error.message);
  }
  return error;
}

export const terminalCommand: Command = {
  summary: 'Enroll this terminal with the central service, or show its identity',
  usage: 'madoguchi terminal enroll --central URL --code CODE | terminal status',
  help: () => `Usage: ${USAGE}`,
  async run(args, global, io) {
    const [sub, ...rest] = args;
    const storePath = join(global.dataDir, STORE_FILE);
    if (sub === 'enroll') {
      const { values, positionals } = parseArgs({
        args: rest,
        options: {
          central: { type: 'string' },
          code: { type: 'string' },
          'ca-pin': { type: 'string' },
          label: { type: 'string' },
        },
        strict: true,
        allowPositionals: true,
      });
      if (!values.central || !values.code || positionals.length > 0) {
        throw new UsageError(`enroll needs --central URL and --code CODE.\nUsage: ${USAGE}`);
      }
      const identity = await withKey({ global, io, storePath }, async (key) => {
        const db = openStore({ path: storePath, key });
        try {
          return await enrollTerminal(db, {
            centralUrl: values.central as string,
            code: values.code as string,
            ...(values['ca-pin'] ? { caPin: values['ca-pin'] } : {}),
            ...(values.label ? { label: values.label } : {}),
          });
        } catch (error) {
          throw asCommandFailure(error);
        } finally {
          db.close();
        }
      });
      const summary = {
        terminalId: identity.terminalId,
        office: identity.officeCode,
        mission: identity.mission,
        central: identity.centralUrl,
        centralName: identity.officeName,
        epoch: identity.epoch,
      };
      if (global.json) io.stdout(JSON.stringify(summary, null, 2));
      else
        io.stdout(
          `Enrolled: terminal ${summary.terminalId}, office ${summary.office}${summary.mission ? ' (mission)' : ''}, central ${summary.centralName} at ${summary.central}.`,
        );
      return 0;
    }
    if (sub === 'status') {
      if (rest.length > 0) throw new UsageError(`status takes no arguments.\nUsage: ${USAGE}`);
      const identity = await withKey({ global, io, storePath }, (key) => {
        const db = openStore({ path: storePath, key, readonly: true });
        try {
          return readIdentity(db);
        } finally {
          db.close();
        }
      });
      const status = identity
        ? {
            enrolled: true,
            terminalId: identity.terminalId,
            office: identity.officeCode,
            mission: identity.mission,
            central: identity.centralUrl,
            centralName: identity.officeName,
            epoch: identity.epoch,
            enrolledAt: identity.enrolledAt,
            standing: identity.status,
          }
        : { enrolled: false };
      if (global.json) io.stdout(JSON.stringify(status, null, 2));
      else if (!identity)
        io.stdout('Not enrolled. Run "madoguchi terminal enroll --central URL --code CODE".');
      else
        io.stdout(
          [
            `Terminal   ${identity.terminalId}`,
            `Office     ${identity.officeCode}${identity.mission ? ' (mission)' : ''}`,
            `Central    ${identity.officeName} at ${identity.centralUrl}`,
            `Enrolled   ${identity.enrolledAt} (epoch ${identity.epoch})`,
            `Standing   ${identity.status}`,
          ].join('\n'),
        );
      return 0;
    }
    throw new UsageError(
      `${sub === undefined ? 'Name a terminal subcommand.' : `Unknown terminal subcommand "${sub}".`}\nUsage: ${USAGE}`,
    );
  },
};
