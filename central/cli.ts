// `madoguchi-central`: the reference central service's command line. `runCentralCli` is the
// whole CLI (tests run it in process); central/main.ts is the built entry
// (dist/central/madoguchi-central.mjs, started by bin/madoguchi-central.mjs).

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliIo } from '../main/cli/command';
import { ExportFileError } from '../sync/export-file';
import {
  addTrustRoot,
  AdminError,
  cancelApplication,
  importExport,
  revokeTerminal,
  seedOffice,
  suspendCards,
} from './admin';
import { CentralSetupError, initCentral, loadCentralFiles, openCentralStore } from './data-dir';
import { createEnrollmentCode } from './enroll';
import { IngestError } from './ingest';
import { startCentral } from './server';
import type { CentralStore, TrustRootRecord } from './store/central-store';

export const CENTRAL_HELP = `madoguchi-central: the reference central service for Madoguchi sync

Usage:
  madoguchi-central init --data-dir D --name NAME
  madoguchi-central serve --data-dir D [--port P] [--host H]
  madoguchi-central terminal code --data-dir D --office OFFICE_ID [--mission] [--ttl-hours H] [--json]
  madoguchi-central terminal revoke TERMINAL_ID --data-dir D [--reason R]
  madoguchi-central seed --data-dir D --office OFFICE_ID --applications N --cards N [--seed S] [--json]
  madoguchi-central suspend --data-dir D --card SERIAL [--card SERIAL ...] [--reason R] [--revoke]
  madoguchi-central cancel --data-dir D --application ID [--reason R]
  madoguchi-central import FILE --data-dir D [--ack-out ACK_FILE] [--json]
  madoguchi-central review list --data-dir D [--open] [--json]
  madoguchi-central review resolve REVIEW_ID --data-dir D --by STAFF_ID
  madoguchi-central trust add FILE --data-dir D [--test] [--json]
  madoguchi-central trust list --data-dir D [--json]
  madoguchi-central resets list --data-dir D [--card SERIAL] [--json]
  madoguchi-central stats --data-dir D [--json]

--data-dir defaults to $MADOGUCHI_CENTRAL_DIR. Protocol: docs/sync-protocol.md.`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  name: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  office: { type: 'string' },
  mission: { type: 'boolean' },
  'ttl-hours': { type: 'string' },
  reason: { type: 'string' },
  applications: { type: 'string' },
  cards: { type: 'string' },
  seed: { type: 'string' },
  card: { type: 'string', multiple: true },
  revoke: { type: 'boolean' },
  application: { type: 'string' },
  'ack-out': { type: 'string' },
  json: { type: 'boolean' },
  open: { type: 'boolean' },
  by: { type: 'string' },
  test: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

class UsageError extends Error {}

function count(value: string | undefined, what: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isSafeInteger(n) || n < 0)
    throw new UsageError(`${what} must be a whole number.`);
  return n;
}

export interface CentralCliOptions {
  /** Resolves when `serve` should stop (default: SIGINT or SIGTERM). */
  stopSignal?: Promise<void>;
}

export async function runCentralCli(
  argv: string[],
  io: CliIo,
  cli: CentralCliOptions = {},
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n\n${CENTRAL_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.stdout(CENTRAL_HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  const dataDir = values['data-dir'] ?? io.env.MADOGUCHI_CENTRAL_DIR;
  const withStore = <T>(fn: (store: CentralStore) => T): T => {
    const store = openCentralStore(need(dataDir, '--data-dir'));
    try {
      return fn(store);
    } finally {
      store.close();
    }
  };
  const print = (json: unknown, text: string): void =>
    io.stdout(values.json ? JSON.stringify(json) : text);
  try {
    switch (command) {
      case 'init': {
        const dir = need(dataDir, '--data-dir');
        await initCentral(dir, need(values.name, '--name'));
        print({ ok: true, dataDir: dir }, `Central service created in ${dir}.`);
        return 0;
      }
      case 'serve': {
        const running = await startCentral({
          dataDir: need(dataDir, '--data-dir'),
          port: values.port === undefined ? 0 : count(values.port, '--port'),
          host: values.host ?? '127.0.0.1',
        });
        // One line a parent process can wait for.
        io.stdout(`madoguchi-central listening on ${running.url}`);
        await (cli.stopSignal ??
          new Promise<void>((resolve) => {
            process.once('SIGINT', () => resolve());
            process.once('SIGTERM', () => resolve());
          }));
        await running.close();
        return 0;
      }
      case 'terminal': {
        const [sub, terminalId] = rest;
        if (sub === 'code') {
          const dir = need(dataDir, '--data-dir');
          const files = loadCentralFiles(dir);
          const office = need(values.office, '--office');
          const ttl =
            values['ttl-hours'] === undefined
              ? undefined
              : count(values['ttl-hours'], '--ttl-hours') * 3_600_000;
          const code = withStore((store) =>
            createEnrollmentCode(store, files, {
              officeId: office,
              mission: values.mission ?? false,
              ttlMs: ttl,
            }),
          );
          print(
            { ...code, office, mission: values.mission ?? false },
            `${code.code}\n(single use, expires ${code.expiresAt})`,
          );
          return 0;
        }
        if (sub === 'revoke') {
          const id = need(terminalId, 'TERMINAL_ID');
          withStore((store) => revokeTerminal(store, id, values.reason));
          print(
            { ok: true, terminalId: id },
            `Terminal ${id} revoked: its requests are refused from now on.`,
          );
          return 0;
        }
        throw new UsageError('terminal code | terminal revoke TERMINAL_ID');
      }
      case 'seed': {
        const result = withStore((store) =>
          seedOffice(store, {
            officeId: need(values.office, '--office'),
            applications: count(values.applications, '--applications'),
            cards: count(values.cards ?? '0', '--cards'),
            seed: values.seed === undefined ? 1 : count(values.seed, '--seed'),
          }),
        );
        print(
          result,
          `Seeded ${result.applications} applications and ${result.cards} dispatched cards.`,
        );
        return 0;
      }
      case 'suspend': {
        const serials = values.card ?? [];
        const result = withStore((store) =>
          suspendCards(store, serials, {
            status: values.revoke ? 'revoked' : 'suspended',
            reason: values.reason,
          }),
        );
        print(
          result,
          `Revocation list version ${result.listVersion} lists ${serials.length} card(s) as ${values.revoke ? 'revoked' : 'suspended'}.`,
        );
        return 0;
      }
      case 'cancel': {
        const id = need(values.application, '--application');
        const result = withStore((store) =>
          cancelApplication(store, id, { reason: values.reason }),
        );
        print(
          { applicationId: result.applicationId, version: result.version },
          `Application ${id} cancelled.`,
        );
        return 0;
      }
      case 'import': {
        const file = need(rest[0], 'FILE');
        const dir = need(dataDir, '--data-dir');
        const files = loadCentralFiles(dir);
        const text = readFileSync(file, 'utf8');
        const summary = withStore((store) => importExport(store, files, text));
        if (values['ack-out'])
          writeFileSync(values['ack-out'], `${JSON.stringify(summary.ackFile)}\n`);
        const { ackFile: _ack, ...figures } = summary;
        print(
          figures,
          `Imported ${summary.events} events from terminal ${summary.terminalId}: ${summary.applied} applied, ${summary.duplicates} duplicate, ${summary.conflicts} with conflict, ${summary.rejected} rejected.`,
        );
        return 0;
      }
      case 'review': {
        const [sub, reviewId] = rest;
        if (sub === 'list') {
          const items = withStore((store) =>
            store.listReviewItems(values.open ? 'open' : undefined),
          );
          print(
            items,
            items
              .map(
                (i) =>
                  `${i.reviewId}  ${i.state}  ${i.reason}  ${i.caseRef}  ${i.cardSerial ?? '-'}  ${i.detail}`,
              )
              .join('\n') || 'No review items.',
          );
          return 0;
        }
        if (sub === 'resolve') {
          const id = need(reviewId, 'REVIEW_ID');
          const by = need(values.by, '--by');
          const done = withStore((store) =>
            store.resolveReviewItem(id, by, new Date().toISOString()),
          );
          if (!done) throw new AdminError('CENTRAL_NOT_FOUND', `No open review item ${id}.`);
          print({ ok: true, reviewId: id }, `Review item ${id} resolved by ${by}.`);
          return 0;
        }
        throw new UsageError('review list | review resolve REVIEW_ID --by STAFF_ID');
      }
      case 'trust': {
        const [sub, file] = rest;
        if (sub === 'add') {
          const certificate = readFileSync(need(file, 'FILE'));
          const test = values.test ?? false;
          const { root, added } = withStore((store) => addTrustRoot(store, certificate, { test }));
          print(
            { ok: true, added, root: trustRootJson(root) },
            `${added ? 'Trusted' : 'Already trusted'}${root.test ? ' (test root: training mode only)' : ''}: ${root.subject}, serial ${root.serial}, valid ${root.notBefore} to ${root.notAfter}, SHA-256 ${root.fingerprint}. Terminals receive it at their next sync.`,
          );
          return 0;
        }
        if (sub === 'list') {
          const roots = withStore((store) => store.readTrustRoots(0, Number.MAX_SAFE_INTEGER));
          print(
            roots.map(trustRootJson),
            roots.length === 0
              ? 'No trusted roots.'
              : roots
                  .map(
                    (r) =>
                      `${r.subject}${r.test ? ' [test]' : ''}\n  serial ${r.serial}, valid ${r.notBefore} to ${r.notAfter}\n  SHA-256 ${r.fingerprint}`,
                  )
                  .join('\n'),
          );
          return 0;
        }
        throw new UsageError('trust add FILE [--test] | trust list');
      }
      case 'resets': {
        // Every request a terminal made for a card's reset secret, served or refused.
        if (rest[0] !== 'list') throw new UsageError('resets list [--card SERIAL]');
        const card = values.card?.[0];
        const requests = withStore((store) => store.listResetSecretRequests(card));
        print(
          requests,
          requests
            .map(
              (r) =>
                `${r.requestedAt}  ${r.cardSerial}  ${r.terminalId} (${r.officeId})  ${r.reason}  ${r.outcome}${r.refusal ? `: ${r.refusal}` : ''}`,
            )
            .join('\n') || 'No reset secret requests.',
        );
        return 0;
      }
      case 'stats': {
        const stats = withStore((store) => store.stats());
        print(
          stats,
          [
            `events: ${stats.events} (duplicates refused: ${stats.duplicatesRefused}, duplicates applied: ${stats.duplicatesApplied})`,
            `conflicts open: ${stats.conflictsOpen}; review items open: ${stats.reviewItems.open}`,
            `revocation list version: ${stats.revocationListVersion}`,
            ...stats.terminals.map(
              (t) =>
                `terminal ${t.terminalId} (${t.officeId}, ${t.status}): ${t.events} events, last seq ${t.lastSeq}`,
            ),
          ].join('\n'),
        );
        return 0;
      }
      default:
        throw new UsageError(`Unknown command: ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${CENTRAL_HELP}`);
      return 2;
    }
    if (
      error instanceof CentralSetupError ||
      error instanceof AdminError ||
      error instanceof ExportFileError
    ) {
      print({ ok: false, error: { code: error.code, message: error.message } }, '');
      io.stderr(`${error.code}: ${error.message}`);
      return 1;
    }
    if (error instanceof IngestError) {
      print({ ok: false, error: error.body.error }, '');
      io.stderr(`${error.body.error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function trustRootJson(root: TrustRootRecord) {
  const { der: _der, pos: _pos, ...rest } = root;
  return rest;
}

function need(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`${what} is required.`);
  return value;
}
