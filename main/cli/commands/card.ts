// `madoguchi card readers | read | simulate`: the card reader and the My Number Card client
// from a terminal, for IT administrators checking a counter and for automation.
//
// PINs never come from the command line (shell history, ps): `--pin-env VAR` names an
// environment variable holding the card-information PIN, `--auth-pin-env VAR` the
// user-authentication PIN for the possession proof.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../../../db/open';
import { maskMyNumber } from '../../../domain/my-number';
import { toIsoDate } from '../../../domain/japanese-era';
import { formatTable } from '../../../domain/text-table';
import { CardError } from '../../card/errors';
import { PINS, type PinId } from '../../card/mynumber/card-map';
import { MyNumberCard, type PinStatus } from '../../card/mynumber/client';
import { identifyCard, type CardIdentity } from '../../card/mynumber/identify';
import { openChannel } from '../../card/reader-manager';
import type { ReaderPort } from '../../card/reader-port';
import { createSmartcardPort } from '../../card/smartcard-port';
import { CHAIN_PROBLEM_TEXT, type Anchor } from '../../card/trust/chain';
import { TrustStore } from '../../card/trust/trust-store';
import { STORE_FILE } from '../../config/data-dir';
import { CommandFailure, type CliIo, type Command, type GlobalOptions } from '../command';
import { withKey } from '../store-key';
import { UsageError } from '../usage-error';

const READ_USAGE =
  'madoguchi card read [--reader NAME] [--pin-env VAR] [--auth-pin-env VAR] [--reveal] [--training] [--json]';
const USAGE = `madoguchi card readers [--json]
       ${READ_USAGE}
       madoguchi card simulate --port PORT --profile FILE   (a virtual card behind vpcd)`;

const HELP = `Usage: ${USAGE}

card readers   Lists the card readers and whether a card is in each.
card read      Reads the card in the reader (or the only reader holding a card): its PIN
               counters (spending no try), its user-authentication certificate and whether that
               chains to a JPKI root in this terminal's trust store ("madoguchi trust list").
  --pin-env VAR       the card-information PIN is in environment variable VAR: also reads the
                      My Number (shown as its last 4 digits) and name, address, birth date, sex
  --auth-pin-env VAR  the user-authentication PIN is in VAR: the card proves it holds the key
                      of its certificate by signing a random challenge
  --reveal            shows the whole My Number
  --training          accepts test and training roots (training terminals only)
  Exit 1 when the card cannot be read or its certificate is not trusted.
card simulate  Runs a virtual My Number Card behind vpcd (tests, training).`;

/** Set by tests to reach the virtual readers; the product uses the PC/SC port. */
export interface CardCommandDeps {
  port: () => ReaderPort;
  now: () => Date;
}

const defaultDeps: CardCommandDeps = { port: () => createSmartcardPort(), now: () => new Date() };

export function createCardCommand(deps: CardCommandDeps = defaultDeps): Command {
  return {
    summary: 'The card reader: list readers, read a My Number Card, simulate one',
    usage: USAGE,
    help: () => HELP,
    async run(args, global, io) {
      const [sub, ...rest] = args;
      if (sub === 'readers') return readers(rest, global, io, deps);
      if (sub === 'read') return read(rest, global, io, deps);
      if (sub === 'simulate') {
        const { cardSimulateCommand } = await import('./card-simulate');
        return cardSimulateCommand.run(rest, global, io);
      }
      throw new UsageError(
        `${sub === undefined ? 'Name a card subcommand.' : `Unknown card subcommand "${sub}".`}\nUsage: ${USAGE}`,
      );
    },
  };
}

export const cardCommand = createCardCommand();

async function readers(
  args: string[],
  global: GlobalOptions,
  io: CliIo,
  deps: CardCommandDeps,
): Promise<number> {
  parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  const list = await withCardErrors(async () => {
    const session = await deps.port().open();
    try {
      return session.readers();
    } finally {
      await session.close();
    }
  });
  if (global.json) io.stdout(JSON.stringify({ readers: list }, null, 2));
  else if (list.length === 0) io.stdout('No card reader is connected.');
  else
    io.stdout(
      formatTable(
        ['READER', 'CARD', 'ATR'],
        list.map((r) => [r.name, r.card, r.atr ?? '']),
      ),
    );
  return 0;
}

async function read(
  args: string[],
  global: GlobalOptions,
  io: CliIo,
  deps: CardCommandDeps,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      reader: { type: 'string' },
      'pin-env': { type: 'string' },
      'auth-pin-env': { type: 'string' },
      reveal: { type: 'boolean', default: false },
      training: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const textPin = pinFromEnv(io, values['pin-env']);
  const authPin = pinFromEnv(io, values['auth-pin-env']);
  try {
    const anchors = await trustAnchors(global, io);
    const readerName = values.reader ?? (await onlyReaderWithCard(deps));
    const identity = await withCardErrors(async () => {
      const channel = await openChannel(deps.port(), readerName);
      try {
        return await identifyCard(new MyNumberCard(channel), {
          anchors,
          at: deps.now(),
          mode: values.training ? 'training' : 'production',
          ...(authPin ? { authPin } : {}),
          ...(textPin ? { textPin } : {}),
        });
      } finally {
        await channel.close();
      }
    });
    const shown = values.reveal ? identity : masked(identity);
    if (global.json) io.stdout(JSON.stringify(shown, null, 2));
    else io.stdout(describe(shown, anchors.length));
    return identity.authCertificate.chain.valid ? 0 : 1;
  } finally {
    textPin?.fill(0);
    authPin?.fill(0);
  }
}

/** Without --reader: the one reader holding a card (several: the administrator names one). */
async function onlyReaderWithCard(deps: CardCommandDeps): Promise<string | undefined> {
  const readers = await withCardErrors(async () => {
    const session = await deps.port().open();
    try {
      return session.readers();
    } finally {
      await session.close();
    }
  });
  const withCard = readers.filter((r) => r.card === 'present');
  if (withCard.length <= 1) return withCard[0]?.name;
  throw new UsageError(
    `Cards are in ${withCard.length} readers (${withCard.map((r) => `"${r.name}"`).join(', ')}): name one with --reader NAME.`,
  );
}

function pinFromEnv(io: CliIo, name: string | undefined): Uint8Array | undefined {
  if (name === undefined) return undefined;
  const value = io.env[name];
  if (value === undefined || value === '') {
    throw new UsageError(
      `The environment variable ${name} is empty or not set; put the PIN there.`,
    );
  }
  return new TextEncoder().encode(value);
}

/** The anchors of this terminal's store; none when there is no store yet (chain: unknown issuer). */
async function trustAnchors(global: GlobalOptions, io: CliIo): Promise<Anchor[]> {
  const storePath = join(global.dataDir, STORE_FILE);
  if (!existsSync(storePath)) return [];
  return withKey({ global, io, storePath }, (key) => {
    const db = openStore({ path: storePath, key, readonly: true });
    try {
      return new TrustStore(db).anchors();
    } finally {
      db.close();
    }
  });
}

async function withCardErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CardError) {
      throw new CommandFailure(error.code, `${error.message} (${error.code}: ${error.detail})`);
    }
    throw error;
  }
}

function masked(identity: CardIdentity): CardIdentity {
  if (!identity.personal) return identity;
  return {
    ...identity,
    personal: { ...identity.personal, myNumber: maskMyNumber(identity.personal.myNumber) },
  };
}

function pinText(status: PinStatus | undefined): string {
  if (status === undefined) return 'not read';
  if (status === 'not-set') return 'not set yet';
  if (status === 'verified') return 'verified';
  if (status === 0) return 'LOCKED';
  return status === 1 ? '1 try left' : `${status} tries left`;
}

function describe(identity: CardIdentity, anchorCount: number): string {
  const cert = identity.authCertificate;
  const chain = cert.chain.valid
    ? `valid (root SHA-256 ${cert.chain.anchor.slice(0, 16)}…)`
    : `NOT valid: ${CHAIN_PROBLEM_TEXT[cert.chain.problem]}${anchorCount === 0 ? ' (the trust store holds no root: madoguchi trust add)' : ''}`;
  const lines = [
    `Reader:       ${identity.readerName}`,
    `ATR:          ${identity.atr}`,
    'PINs:',
    ...(Object.entries(identity.pins) as [PinId, PinStatus][]).map(
      ([pin, status]) => `  ${PINS[pin].label}: ${pinText(status)}`,
    ),
    'Authentication certificate:',
    `  Subject:    ${cert.subject}`,
    `  Issuer:     ${cert.issuer}`,
    `  Serial:     ${cert.serial}`,
    `  Valid:      ${cert.notBefore} to ${cert.notAfter}`,
    `  Chain:      ${chain}`,
    `  Key:        ${identity.possession === 'proven' ? 'the card proved it holds the key' : 'not checked (no --auth-pin-env)'}`,
  ];
  const personal = identity.personal;
  if (personal) {
    lines.push(
      `My Number:    ${personal.myNumber}`,
      `Name:         ${personal.basicFour.name}`,
      `Address:      ${personal.basicFour.address}`,
      `Birth date:   ${toIsoDate(personal.basicFour.birthDate)}`,
      `Sex:          ${personal.basicFour.sex}`,
    );
  }
  return lines.join('\n');
}
