// The `madoguchi` command: the same main services as the app, for IT administrators and
// automation. Exit codes: 0 ok, 1 operational failure, 2 usage error.

import { parseArgs } from 'node:util';
import { checkPcsc } from '../card/pcsc-check';
import { defaultDataDir } from '../config/data-dir';
import { keyFileProvider } from '../config/key-file';
import { APP_NAME, APP_VERSION } from '../core/version';
import { runDoctor, type CheckStatus } from '../doctor/doctor';
import { formatTable } from '../../domain/text-table';
import { UsageError } from './usage-error';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

interface GlobalOptions {
  dataDir: string;
  json: boolean;
}

interface Command {
  summary: string;
  usage: string;
  run(args: string[], global: GlobalOptions, io: CliIo): Promise<number>;
}

const HELP = `Usage: madoguchi [--data-dir DIR] [--json] <command> [options]

Commands:
  doctor      Check the data directory, the case store, the smart-card service and the central service
  --version   Print the version

Global options:
  --data-dir DIR   The terminal's data directory (default: $MADOGUCHI_DATA_DIR or ~/.local/share/madoguchi)
  --json           Print machine-readable JSON instead of text
  -h, --help       Show this help

Exit codes: 0 ok, 1 a check or operation failed, 2 the command was called wrongly.`;

const STATUS_LABEL: Record<CheckStatus, string> = {
  ok: 'OK',
  warn: 'WARN',
  fail: 'FAIL',
  skip: 'SKIP',
};

const commands: Record<string, Command> = {
  doctor: {
    summary: 'Check this terminal',
    usage: 'madoguchi doctor [--central URL] [--timeout MS]',
    async run(args, global, io) {
      const { values } = parseArgs({
        args,
        options: { central: { type: 'string' }, timeout: { type: 'string' } },
        strict: true,
        allowPositionals: false,
      });
      const timeoutMs = values.timeout === undefined ? 5000 : Number(values.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > 60_000) {
        throw new UsageError('--timeout takes a whole number of milliseconds between 1 and 60000.');
      }
      const report = await runDoctor({
        dataDir: global.dataDir,
        keyProvider: keyFileProvider(global.dataDir, io.env),
        centralUrl: values.central ?? io.env['MADOGUCHI_CENTRAL_URL'] ?? null,
        checkPcsc,
        timeoutMs,
      });
      if (global.json) {
        io.stdout(
          JSON.stringify({ version: APP_VERSION, dataDir: global.dataDir, ...report }, null, 2),
        );
      } else {
        io.stdout(`${APP_NAME} ${APP_VERSION} doctor — ${global.dataDir}\n`);
        io.stdout(
          formatTable(
            ['CHECK', 'STATUS', 'DETAIL'],
            report.checks.map((c) => [c.title, STATUS_LABEL[c.status], c.detail]),
          ),
        );
        io.stdout(
          report.ok ? '\nAll required checks passed.' : '\nSome checks failed: see DETAIL.',
        );
      }
      return report.ok ? 0 : 1;
    },
  },
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
      io.stdout(`Usage: ${command.usage}\n\n${command.summary}.`);
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
    if (json) io.stderr(JSON.stringify({ error: { code: usage ? 'USAGE' : 'FAILED', message } }));
    else
      io.stderr(
        `madoguchi: ${message}${usage ? '\nRun "madoguchi --help" for the commands and options.' : ''}`,
      );
    return usage ? 2 : 1;
  }
}

function isParseArgsError(error: unknown): error is Error {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
