// The `madoguchi` command: the same main services as the app, for IT administrators and
// automation. Exit codes: 0 ok, 1 operational failure, 2 usage error.

import { BackupError } from '../../db/backup';
import { StoreError } from '../../db/open';
import { defaultDataDir } from '../config/data-dir';
import { APP_NAME, APP_VERSION } from '../core/version';
import { CommandFailure, type CliIo, type Command, type GlobalOptions } from './command';
import { auditCommand } from './commands/audit';
import { cardCommand } from './commands/card';
import { casesCommand } from './commands/cases';
import { dbCommand } from './commands/db';
import { settingsCommand } from './commands/settings';
import { doctorCommand } from './commands/doctor';
import { syncCommand } from './commands/sync';
import { terminalCommand } from './commands/terminal';
import { trustCommand } from './commands/trust';
import { UsageError } from './usage-error';

export type { CliIo } from './command';

const HELP = `Usage: madoguchi [--data-dir DIR] [--json] <command> [options]

Commands:
  doctor      Check the data directory, the case store, the smart-card service and the central service
  db          The case store: init, migrate, check, stats, backup --out FILE, restore --from FILE
              (run "madoguchi db --help" for each)
  cases       Find cases: cases search QUERY (application ID, card serial, My Number, name, birth date)
  audit       audit verify: check every case event's hash, link and signature; name the first broken link
  terminal    terminal enroll --central URL --code CODE | terminal status: this terminal's identity at central
  sync        sync run | status | export --out FILE | import-ack FILE: sync with central, or by courier
  card        card readers | read [--reader NAME] [--pin-env VAR] [--reveal] | simulate: the card reader
              and the My Number Card (run "madoguchi card --help")
  trust       trust add FILE [--test] | list: the JPKI root certificates card certificates must chain to
  settings    settings | settings content-protection on|off: this terminal's settings
  --version   Print the version

Global options:
  --data-dir DIR   The terminal's data directory (default: $MADOGUCHI_DATA_DIR or ~/.local/share/madoguchi)
  --json           Print machine-readable JSON instead of text
  -h, --help       Show this help

Exit codes: 0 ok, 1 a check or operation failed, 2 the command was called wrongly.`;

const commands: Record<string, Command> = {
  doctor: doctorCommand,
  db: dbCommand,
  cases: casesCommand,
  audit: auditCommand,
  terminal: terminalCommand,
  sync: syncCommand,
  card: cardCommand,
  trust: trustCommand,
  settings: settingsCommand,
};

interface Invocation extends Partial<GlobalOptions> {
  command?: string;
  args: string[];
  help: boolean;
  version: boolean;
}

/** Global options may stand before or after the command; everything else is the command's. */
function splitArgs(argv: readonly string[]): Invocation {
  const out: Invocation = { args: [], help: false, version: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--json') out.json = true;
    else if (arg === '--data-dir' || arg.startsWith('--data-dir=')) {
      const value = arg === '--data-dir' ? argv[(i += 1)] : arg.slice('--data-dir='.length);
      if (!value || value.startsWith('-')) throw new UsageError('--data-dir needs a directory.');
      out.dataDir = value;
    } else if (out.command === undefined && (arg === '--help' || arg === '-h')) out.help = true;
    else if (out.command === undefined && arg === '--version') out.version = true;
    else if (out.command === undefined && arg.startsWith('-'))
      throw new UsageError(`Unknown option ${arg}.`);
    else if (out.command === undefined) out.command = arg;
    else out.args.push(arg);
  }
  return out;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    const call = splitArgs(argv);
    if (call.version && !call.command) {
      io.stdout(
        json
          ? JSON.stringify({ name: APP_NAME, version: APP_VERSION })
          : `${APP_NAME} ${APP_VERSION}`,
      );
      return 0;
    }
    if (call.help && !call.command) {
      io.stdout(HELP);
      return 0;
    }
    if (!call.command) throw new UsageError('Name a command.');
    const command = Object.hasOwn(commands, call.command) ? commands[call.command] : undefined;
    if (!command) throw new UsageError(`Unknown command "${call.command}".`);
    if (call.args.includes('--help') || call.args.includes('-h')) {
      io.stdout(command.help?.(call.args) ?? `Usage: ${command.usage}\n\n${command.summary}.`);
      return 0;
    }
    const global = { dataDir: call.dataDir ?? defaultDataDir(io.env), json };
    try {
      return await command.run(call.args, global, io);
    } catch (error) {
      if (isParseArgsError(error))
        throw new UsageError(`${error.message}\nUsage: ${command.usage}`);
      throw error;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const usage = error instanceof UsageError;
    // SQLite's findings about a damaged backup (page numbers, index names; never values).
    const problems = error instanceof BackupError ? error.problems : [];
    if (json) {
      const code = usage ? 'USAGE' : failureCode(error);
      io.stderr(
        JSON.stringify({
          error: { code, message, ...(problems.length > 0 ? { problems } : {}) },
        }),
      );
    } else
      io.stderr(
        `madoguchi: ${message}${problems.map((p) => `\n  ${p}`).join('')}${usage ? '\nRun "madoguchi --help" for the commands and options.' : ''}`,
      );
    return usage ? 2 : 1;
  }
}

/** A stable code for --json: the store's and the CLI's own codes, else FAILED. */
function failureCode(error: unknown): string {
  const known =
    error instanceof StoreError || error instanceof BackupError || error instanceof CommandFailure;
  return known ? error.code : 'FAILED';
}

function isParseArgsError(error: unknown): error is Error {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
