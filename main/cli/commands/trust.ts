// `madoguchi trust add FILE [--test]` and `madoguchi trust list`: the JPKI root certificates
// this terminal accepts when it checks a card's certificate (main/card/trust/).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../../../db/open';
import { formatTable } from '../../../domain/text-table';
import { TrustError, TrustStore, type TrustAnchorInfo } from '../../card/trust/trust-store';
import { STORE_FILE } from '../../config/data-dir';
import { CommandFailure, type CliIo, type Command, type GlobalOptions } from '../command';
import { withKey } from '../store-key';
import { UsageError } from '../usage-error';

const USAGE = `madoguchi trust add FILE [--test]
       madoguchi trust list [--json]`;

const HELP = `Usage: ${USAGE}

trust add FILE   Adds a JPKI root certificate (PEM or DER, as J-LIS publishes it) to this
                 terminal's trust store. --test marks a test or training root: accepted only in
                 training mode. Adding a root the store holds already changes nothing.
trust list       Lists the roots with serial number and validity.`;

export const trustCommand: Command = {
  summary: 'The JPKI root certificates this terminal trusts: add, list',
  usage: USAGE,
  help: () => HELP,
  async run(args, global, io) {
    const [sub, ...rest] = args;
    if (sub === 'add') return add(rest, global, io);
    if (sub === 'list') return list(rest, global, io);
    throw new UsageError(
      `${sub === undefined ? 'Name a trust subcommand.' : `Unknown trust subcommand "${sub}".`}\nUsage: ${USAGE}`,
    );
  },
};

function withTrustStore<T>(
  global: GlobalOptions,
  io: CliIo,
  use: (store: TrustStore) => T,
): Promise<T> {
  const storePath = join(global.dataDir, STORE_FILE);
  return withKey({ global, io, storePath }, (key) => {
    const db = openStore({ path: storePath, key });
    try {
      return use(new TrustStore(db));
    } finally {
      db.close();
    }
  });
}

async function add(args: string[], global: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { test: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: true,
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError(`trust add takes one FILE.\nUsage: ${USAGE}`);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new CommandFailure('TRUST_FILE_UNREADABLE', `Cannot read ${file} (${code}).`);
  }
  const text = bytes.toString('latin1');
  const certificate = text.includes('-----BEGIN CERTIFICATE-----') ? text : bytes;
  const result = await withTrustStore(global, io, (store) => {
    try {
      return store.add(certificate, { source: 'administrator', test: values.test });
    } catch (error) {
      if (error instanceof TrustError) throw new CommandFailure(error.code, error.message);
      throw error;
    }
  });
  if (global.json) io.stdout(JSON.stringify(result, null, 2));
  else
    io.stdout(
      `${result.added ? 'Added' : 'Already trusted'}: ${result.anchor.subject}, serial ${result.anchor.serial}, valid ${day(result.anchor.notBefore)} to ${day(result.anchor.notAfter)}${result.anchor.test ? ' (test root: training mode only)' : ''}.`,
    );
  return 0;
}

async function list(args: string[], global: GlobalOptions, io: CliIo): Promise<number> {
  parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  const anchors = await withTrustStore(global, io, (store) => store.list());
  if (global.json) io.stdout(JSON.stringify({ anchors }, null, 2));
  else if (anchors.length === 0)
    io.stdout(
      'The trust store holds no root: no card certificate can be trusted. Add one with "madoguchi trust add FILE".',
    );
  else io.stdout(table(anchors));
  return 0;
}

function table(anchors: readonly TrustAnchorInfo[]): string {
  return formatTable(
    ['SUBJECT', 'SERIAL', 'VALID FROM', 'VALID TO', 'SOURCE', 'TEST', 'SHA-256'],
    anchors.map((a) => [
      a.subject,
      a.serial,
      day(a.notBefore),
      day(a.notAfter),
      a.source,
      a.test ? 'test' : '',
      `${a.fingerprint.slice(0, 16)}…`,
    ]),
  );
}

function day(iso: string): string {
  return iso.slice(0, 10);
}
