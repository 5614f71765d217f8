// `madoguchi card simulate`: a virtual My Number Card in a vpcd reader, so the app, OpenSC or
// any PC/SC client can be tried without a real card (tests, training rooms, demonstrations).
// The card is built from a profile file (main/card/virtual/profile.ts, examples in
// test/fixtures/cards/) and carries certificates from a test JPKI CA kept in a directory, so
// every run is the same card under the same CA, and the CA's roots can be handed to the
// app's trust store in test/training mode (--write-root).

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createVirtualCard } from '../../card/virtual/create';
import { CardProfileError, loadCardProfile } from '../../card/virtual/profile';
import { createTestJpki, directoryKeys } from '../../card/virtual/test-jpki';
import { insertIntoVpcd, type InsertedVirtualCard } from '../../card/virtual/vpcd-connector';
import { CommandFailure, type CliIo, type Command } from '../command';
import { UsageError } from '../usage-error';

const USAGE =
  'madoguchi card simulate --profile FILE [--port N] [--host ADDR] [--ca-dir DIR] [--write-root FILE]';

const HELP = `Usage: ${USAGE}

Inserts a virtual My Number Card into the vpcd reader listening on ADDR:N (default host
127.0.0.1; the first vpcd reader is usually port 35963, the project's tests use 40001) and
answers it until Ctrl-C or SIGTERM, which take the card out (exit 0). When pcscd restarts,
the card goes back into the reader as soon as vpcd listens again.

  --profile FILE     the card: My Number, name, PIN state, ... (see test/fixtures/cards/*.json)
  --ca-dir DIR       where the test JPKI CA and the card keys are kept, created on first use
                     (default: virtual-cards/jpki-test-ca in the data directory). Never a real CA.
  --write-root FILE  also write the test CA's two root certificates (PEM) to FILE, for the
                     trust store of a test or training terminal; without --port, only that.`;

/** How long to wait before putting the card back after vpcd went away (pcscd restarting). */
const REINSERT_DELAY_MS = 250;

export const cardSimulateCommand: Command = {
  summary: 'Insert a virtual My Number Card into a vpcd reader (tests, training)',
  usage: USAGE,
  help: () => HELP,
  async run(args, global, io) {
    const { values, positionals } = parseArgs({
      args: args[0] === 'simulate' ? args.slice(1) : args,
      options: {
        profile: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        'ca-dir': { type: 'string' },
        'write-root': { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) {
      throw new UsageError(`Unexpected argument "${positionals[0]}".\nUsage: ${USAGE}`);
    }
    if (!values.profile)
      throw new UsageError(`Name the card profile: --profile FILE.\nUsage: ${USAGE}`);
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 0xffff)) {
      throw new UsageError(`--port needs a TCP port number (1-65535).\nUsage: ${USAGE}`);
    }
    if (port === undefined && !values['write-root']) {
      throw new UsageError(
        `Give --port N (the vpcd reader), --write-root FILE, or both.\nUsage: ${USAGE}`,
      );
    }

    const profile = await loadCardProfile(values.profile).catch((error: unknown) => {
      if (error instanceof CardProfileError) throw new CommandFailure(error.code, error.message);
      throw error;
    });
    // In the data directory, not next to the profile: the example profiles live in the
    // repository, and generated keys must not land there.
    const caDir = values['ca-dir'] ?? join(global.dataDir, 'virtual-cards', 'jpki-test-ca');
    if (!existsSync(caDir)) {
      io.stderr(
        `Creating the test JPKI CA in ${caDir} (RSA-2048 keys: a few seconds, first run only).`,
      );
    }
    const keys = directoryKeys(caDir);
    const jpki = await createTestJpki(keys);
    const card = await createVirtualCard(profile, { keys, jpki });

    const rootFile = values['write-root'];
    if (rootFile) {
      await writeFile(
        rootFile,
        `${jpki.authRoot.toString('pem')}\n${jpki.signRoot.toString('pem')}\n`,
      );
      io.stdout(
        `Wrote the test JPKI roots (user authentication, digital signature) to ${rootFile}.`,
      );
    }
    if (port === undefined) return 0;
    return simulate({
      insert: () => insertIntoVpcd(card, { port, host: values.host }),
      io,
      where: `${values.host}:${port}`,
      label: profile.label,
    });
  },
};

interface SimulateOptions {
  insert: () => Promise<InsertedVirtualCard>;
  io: CliIo;
  where: string;
  label: string | undefined;
}

/** Keeps the card in the reader until SIGINT or SIGTERM; puts it back after a pcscd restart. */
async function simulate({ insert, io, where, label }: SimulateOptions): Promise<number> {
  let stopRequested = false;
  let wake: () => void = () => undefined;
  const onSignal = (): void => {
    stopRequested = true;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let inserted: InsertedVirtualCard;
    try {
      inserted = await insert();
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new CommandFailure(
        'VPCD_UNREACHABLE',
        `No vpcd reader accepts a card at ${where} (${reason}). Check that pcscd runs with the vpcd driver and that the port is the reader's.`,
      );
    }
    io.stdout(
      `Virtual My Number Card${label ? ` "${label}"` : ''} inserted into the vpcd reader at ${where}. Ctrl-C or SIGTERM takes it out.`,
    );
    for (;;) {
      const woken = new Promise<void>((resolve) => (wake = resolve));
      await Promise.race([inserted.closed, woken]);
      if (stopRequested) {
        await inserted.remove();
        io.stdout('Card removed.');
        return 0;
      }
      io.stderr(
        `vpcd at ${where} closed the connection (pcscd stopped?); the card goes back in when it listens again.`,
      );
      for (;;) {
        await Promise.race([delay(REINSERT_DELAY_MS), woken]);
        if (stopRequested) {
          io.stdout('Card removed.');
          return 0;
        }
        const again = await insert().catch(() => null);
        if (again) {
          inserted = again;
          io.stdout(`Card back in the vpcd reader at ${where}.`);
          break;
        }
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
