// `madoguchi db ...`: the case store for IT administrators: create, upgrade, check, describe,
// back up, restore, and seed synthetic cases on training and test terminals. Nothing printed
// holds a stored value: versions, sizes, counts and SQLite's own diagnostics only.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backupStore, restoreStore } from '../../../db/backup';
import { latestVersion } from '../../../db/migrations';
import { openStore, schemaVersion, StoreError, type Db } from '../../../db/open';
import {
  foreignKeyProblems,
  integrityProblems,
  openFailure,
  storeStats,
  tableNames,
} from '../../../db/stats';
import { formatTable } from '../../../domain/text-table';
import { verifyAuditChain } from '../../audit/verify';
import { caseEventProblems } from '../../cases/consistency';
import { purgeClosedCases, PurgeRefused, type PurgeReport } from '../../cases/retention';
import { seedCases, SeedRefused } from '../../cases/seed';
import {
  DEFAULT_RETENTION_DAYS,
  RetentionSettingError,
  retentionDays,
  setRetentionDays,
} from '../../settings/retention';
import { ensureDataDir, STORE_FILE } from '../../config/data-dir';
import { keyFileProvider } from '../../config/key-file';
import { CommandFailure, type CliIo, type Command, type GlobalOptions } from '../command';
import { type StoreContext, withKey } from '../store-key';
import { UsageError } from '../usage-error';

interface Subcommand {
  usage: string;
  summary: string;
  options: Record<string, { type: 'string' | 'boolean' }>;
  run(values: Record<string, string | boolean | undefined>, ctx: Context): Promise<number>;
}

type Context = StoreContext;

const subcommands: Record<string, Subcommand> = {
  init: {
    usage: 'madoguchi db init',
    summary: 'Create the data directory, the key and an empty store at the latest schema',
    options: {},
    async run(_values, { global, io, storePath }) {
      if (existsSync(storePath)) {
        throw new CommandFailure(
          'STORE_EXISTS',
          `A case store already exists at ${storePath}; init never replaces one (use "madoguchi db migrate" to upgrade it).`,
        );
      }
      ensureDataDir(global.dataDir);
      const provider = keyFileProvider(global.dataDir, io.env);
      const key = await provider.getOrCreateKey();
      let version: number;
      try {
        const db = openStore({ path: storePath, key });
        version = schemaVersion(db);
        db.close();
      } finally {
        key.fill(0);
      }
      print(
        io,
        global,
        { ok: true, store: storePath, schemaVersion: version, key: provider.source },
        [
          `Created the case store ${storePath} at schema ${version}.`,
          `Its key: ${provider.source}. Keep a copy of the key with the backups: a backup cannot be restored without it.`,
        ],
      );
      return 0;
    },
  },

  migrate: {
    usage: 'madoguchi db migrate',
    summary: "Upgrade the store to this version's schema",
    options: {},
    async run(_values, ctx) {
      const { from, to } = await withKey(ctx, (key) => {
        const before = openStore({ path: ctx.storePath, key, readonly: true });
        const from = schemaVersion(before);
        before.close();
        const db = openStore({ path: ctx.storePath, key });
        const to = schemaVersion(db);
        db.close();
        return { from, to };
      });
      print(ctx.io, ctx.global, { ok: true, store: ctx.storePath, from, to }, [
        from === to
          ? `The store is already at schema ${to}; nothing to do.`
          : `Migrated ${ctx.storePath} from schema ${from} to ${to}.`,
      ]);
      return 0;
    },
  },

  check: {
    usage: 'madoguchi db check',
    summary: 'Full integrity check, foreign keys and the audit chain',
    options: {},
    async run(_values, ctx) {
      const checks = await withKey(ctx, (key) => checkStore(ctx.storePath, key));
      const ok = checks.every((c) => c.status !== 'fail');
      if (ctx.global.json) {
        ctx.io.stdout(JSON.stringify({ ok, store: ctx.storePath, checks }, null, 2));
      } else {
        ctx.io.stdout(
          formatTable(
            ['CHECK', 'STATUS', 'DETAIL'],
            checks.map((c) => [c.title, c.status.toUpperCase(), c.detail]),
          ),
        );
        const findings = checks.flatMap((c) => c.findings.map((f) => `  ${c.title}: ${f}`));
        if (findings.length > 0) ctx.io.stdout(`\nFindings:\n${findings.join('\n')}`);
        ctx.io.stdout(ok ? '\nThe store is sound.' : '\nThe store has problems: see above.');
      }
      return ok ? 0 : 1;
    },
  },

  stats: {
    usage: 'madoguchi db stats',
    summary: 'Schema version, sizes and row counts (no personal data)',
    options: {},
    async run(_values, ctx) {
      const stats = await withKey(ctx, (key) =>
        withReadonlyStore(ctx.storePath, key, (db) => storeStats(db, ctx.storePath)),
      );
      if (ctx.global.json) {
        ctx.io.stdout(JSON.stringify({ store: ctx.storePath, ...stats }, null, 2));
        return 0;
      }
      ctx.io.stdout(
        formatTable(
          ['FACT', 'VALUE'],
          [
            ['Store', ctx.storePath],
            ['Schema version', `${stats.schemaVersion} (this version: ${stats.appSchemaVersion})`],
            ['File size', `${stats.fileBytes} bytes`],
            ['Pages', `${stats.pageCount} of ${stats.pageSize} bytes, ${stats.freePages} free`],
            ['WAL size', `${stats.walBytes} bytes`],
          ],
        ),
      );
      ctx.io.stdout(
        `\n${formatTable(
          ['TABLE', 'ROWS'],
          Object.entries(stats.tables).map(([name, rows]) => [name, String(rows)]),
        )}`,
      );
      return 0;
    },
  },

  backup: {
    usage: 'madoguchi db backup --out FILE [--force]',
    summary: 'Write a verified, encrypted backup of the store to FILE',
    options: { out: { type: 'string' }, force: { type: 'boolean' } },
    async run(values, ctx) {
      const out = values['out'];
      if (typeof out !== 'string' || out === '')
        throw new UsageError(
          'backup needs --out FILE.\nUsage: madoguchi db backup --out FILE [--force]',
        );
      const facts = await withKey(ctx, (key) =>
        withReadonlyStore(ctx.storePath, key, (db) =>
          backupStore(db, key, out, { force: values['force'] === true }),
        ),
      );
      print(ctx.io, ctx.global, { ok: true, ...facts }, [
        `Backup written to ${facts.path} (${facts.bytes} bytes, schema ${facts.schemaVersion}).`,
        'Verified: it opens with this terminal key, passes the integrity check and has the same row counts as the store.',
      ]);
      return 0;
    },
  },

  restore: {
    usage: 'madoguchi db restore --from FILE',
    summary: 'Replace the store with a verified backup (close the app first)',
    options: { from: { type: 'string' } },
    async run(values, ctx) {
      const from = values['from'];
      if (typeof from !== 'string' || from === '')
        throw new UsageError('restore needs --from FILE.\nUsage: madoguchi db restore --from FILE');
      const result = await withKey(
        ctx,
        (key) => {
          ensureDataDir(ctx.global.dataDir);
          return restoreStore({ storePath: ctx.storePath, from, key });
        },
        { storeMayBeMissing: true },
      );
      const version = result.restored.schemaVersion;
      print(ctx.io, ctx.global, { ok: true, store: ctx.storePath, ...result }, [
        `Restored ${result.restored.path} (schema ${version}) to ${ctx.storePath}.`,
        result.previous
          ? `The replaced store is kept as ${result.previous}; restore from it to undo.`
          : 'There was no store before.',
        ...(version < latestVersion()
          ? [`Madoguchi upgrades it to schema ${latestVersion()} on next start.`]
          : []),
      ]);
      return 0;
    },
  },

  seed: {
    usage: 'madoguchi db seed --cases N --seed S [--append]',
    summary:
      'Fill the store with N synthetic cases, the same for the same seed (training and testing only; refuses a store with cases unless --append)',
    options: { cases: { type: 'string' }, seed: { type: 'string' }, append: { type: 'boolean' } },
    async run(values, ctx) {
      const usage = 'Usage: madoguchi db seed --cases N --seed S [--append]';
      const cases = wholeNumber(values['cases'], '--cases', usage);
      const seed = wholeNumber(values['seed'], '--seed', usage);
      if (cases < 1 || cases > 10_000_000) {
        throw new UsageError(`--cases must be from 1 to 10000000.\n${usage}`);
      }
      if (seed > 0xffffffff) throw new UsageError(`--seed must be from 0 to 4294967295.\n${usage}`);
      const started = performance.now();
      const summary = await withKey(ctx, async (key) => {
        const db = openStore({ path: ctx.storePath, key });
        try {
          return await seedCases(db, { cases, seed, append: values['append'] === true });
        } catch (error) {
          if (error instanceof SeedRefused)
            throw new CommandFailure('STORE_HAS_CASES', error.message);
          throw error;
        } finally {
          db.close();
        }
      });
      const seconds = (performance.now() - started) / 1000;
      // Counts and states only: the seeded people are treated as personal data.
      print(ctx.io, ctx.global, { ok: true, store: ctx.storePath, seed, seconds, ...summary }, [
        `Seeded ${summary.cases} synthetic case(s) with seed ${seed} (${summary.events} signed events) in ${seconds.toFixed(1)} s.`,
        `Card states: ${Object.entries(summary.cardStates)
          .map(([state, n]) => `${state} ${n}`)
          .join(', ')}.`,
      ]);
      return 0;
    },
  },
};

const PURGE_USAGE = 'Usage: madoguchi db purge [--dry-run] [--as-of YYYY-MM-DD]';

function printPurge(ctx: Context, report: PurgeReport): void {
  const erased = Object.entries(report.rowsErased)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');
  const verb = report.dryRun ? 'Would purge' : 'Purged';
  print(ctx.io, ctx.global, { ok: true, store: ctx.storePath, ...report }, [
    `${verb} the personal data of ${report.casesPurged} closed case(s) (${report.personsErased} person(s)), closed before ${report.cutoff.slice(0, 10)} (retention ${report.retentionDays} days counted to ${report.asOf}).`,
    `Held: ${report.casesHeldForOtherCase} case(s) whose person has another case still open or not yet due; ${report.casesHeldUnsynced} case(s) not yet acknowledged by central.`,
    ...(report.dryRun
      ? ['Dry run: nothing was changed.']
      : [
          `Other rows erased: ${erased === '' ? 'none' : erased}. Each purged case has its own signed audit event.`,
          report.checkpoint === 'busy'
            ? 'The WAL could not be checkpointed (the app holds the store open): old page images stay in it until the next checkpoint.'
            : `WAL checkpoint: ${report.checkpoint}.`,
        ]),
  ]);
}

subcommands['purge'] = {
  usage: 'madoguchi db purge [--dry-run] [--as-of YYYY-MM-DD]',
  summary:
    'Erase the personal data of closed cases kept longer than the retention period (counts only; --dry-run changes nothing)',
  options: { 'dry-run': { type: 'boolean' }, 'as-of': { type: 'string' } },
  async run(values, ctx) {
    const asOf = values['as-of'];
    if (
      asOf !== undefined &&
      (typeof asOf !== 'string' || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/u.test(asOf))
    ) {
      throw new UsageError(`--as-of needs a date like 2026-04-01.\n${PURGE_USAGE}`);
    }
    const report = await withKey(ctx, (key) => {
      const dryRun = values['dry-run'] === true;
      const db = openStore({ path: ctx.storePath, key });
      try {
        return purgeClosedCases(db, { dryRun, ...(asOf === undefined ? {} : { asOf }) });
      } catch (error) {
        if (error instanceof PurgeRefused) throw new CommandFailure('PURGE_REFUSED', error.message);
        throw error;
      } finally {
        db.close();
      }
    });
    printPurge(ctx, report);
    return 0;
  },
};

subcommands['retention'] = {
  usage: 'madoguchi db retention [--days N]',
  summary: 'Show, or set with --days, how many days personal data of a closed case is kept',
  options: { days: { type: 'string' } },
  async run(values, ctx) {
    const usage = 'Usage: madoguchi db retention [--days N]';
    const days =
      values['days'] === undefined ? undefined : wholeNumber(values['days'], '--days', usage);
    const current = await withKey(ctx, (key) => {
      const db = openStore({ path: ctx.storePath, key, readonly: days === undefined });
      try {
        if (days !== undefined) {
          try {
            setRetentionDays(db, days);
          } catch (error) {
            if (error instanceof RetentionSettingError)
              throw new UsageError(`${error.message}\n${usage}`);
            throw error;
          }
        }
        return retentionDays(db);
      } finally {
        db.close();
      }
    });
    print(
      ctx.io,
      ctx.global,
      {
        ok: true,
        store: ctx.storePath,
        retentionDays: current,
        defaultDays: DEFAULT_RETENTION_DAYS,
      },
      [
        `${days === undefined ? 'Personal data of a closed case is kept' : 'From now on, personal data of a closed case is kept'} ${current} days after the case closed${current === DEFAULT_RETENTION_DAYS ? ' (the default)' : ''}; "madoguchi db purge" erases it after that.`,
      ],
    );
    return 0;
  },
};

const USAGE = (() => {
  const rows = Object.values(subcommands).map((s) => ({
    usage: s.usage.slice('madoguchi db '.length),
    summary: s.summary,
  }));
  const width = Math.max(...rows.map((r) => r.usage.length));
  const lines = rows.map((r) => `  ${r.usage.padEnd(width)}  ${r.summary}`);
  return `madoguchi db <subcommand> [options]\n\nSubcommands:\n${lines.join('\n')}`;
})();

export const dbCommand: Command = {
  summary: 'Create, upgrade, check, describe, back up, restore and seed the case store',
  usage: USAGE,
  help(args) {
    const sub = args[0] !== undefined ? subcommandNamed(args[0]) : undefined;
    return sub ? `Usage: ${sub.usage}\n\n${sub.summary}.` : `Usage: ${USAGE}`;
  },
  async run(args, global, io) {
    const [name, ...rest] = args;
    if (name === undefined || name.startsWith('-')) {
      throw new UsageError(`Name a db subcommand.\nUsage: ${USAGE}`);
    }
    const sub = subcommandNamed(name);
    if (!sub) throw new UsageError(`Unknown db subcommand "${name}".\nUsage: ${USAGE}`);
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args: rest,
        options: sub.options,
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new UsageError(
        `${error instanceof Error ? error.message : String(error)}\nUsage: ${sub.usage}`,
      );
    }
    return sub.run(values, { global, io, storePath: join(global.dataDir, STORE_FILE) });
  },
};

function subcommandNamed(name: string): Subcommand | undefined {
  return Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
}

function withReadonlyStore<T>(path: string, key: Buffer, use: (db: Db) => T): T {
  const db = openStore({ path, key, readonly: true });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

interface CheckFinding {
  id: 'open' | 'integrity' | 'foreign-keys' | 'audit-chain' | 'case-events';
  title: string;
  status: 'ok' | 'fail' | 'skip';
  detail: string;
  findings: string[];
}

function checkStore(path: string, key: Buffer): CheckFinding[] {
  let db: Db;
  try {
    db = openStore({ path, key, readonly: true });
  } catch (error) {
    // With authenticated page encryption a damaged first page cannot be told from a wrong key; a
    // truncated file or a damaged index on page 1 can.
    const damaged =
      error instanceof StoreError &&
      error.code === 'STORE_WRONG_KEY' &&
      openFailure(path, key) === 'damaged';
    const detail = damaged
      ? 'The store decrypts with this terminal key but is damaged (truncated or altered).'
      : messageOf(error);
    return [{ id: 'open', title: 'Open with key', status: 'fail', detail, findings: [] }];
  }
  try {
    const checks: CheckFinding[] = [
      {
        id: 'open',
        title: 'Open with key',
        status: 'ok',
        detail: `schema ${schemaVersion(db)}`,
        findings: [],
      },
    ];
    const integrity = integrityProblems(db);
    checks.push({
      id: 'integrity',
      title: 'Integrity (full)',
      status: integrity.length === 0 ? 'ok' : 'fail',
      detail: integrity.length === 0 ? 'ok' : `${integrity.length} problem(s)`,
      findings: integrity,
    });
    const foreignKeys = foreignKeyProblems(db);
    checks.push({
      id: 'foreign-keys',
      title: 'Foreign keys',
      status: foreignKeys.length === 0 ? 'ok' : 'fail',
      detail: foreignKeys.length === 0 ? 'ok' : `${foreignKeys.length} problem(s)`,
      findings: foreignKeys,
    });
    checks.push(checkAuditChain(db));
    checks.push(checkCaseEvents(db));
    return checks;
  } finally {
    db.close();
  }
}

function checkAuditChain(db: Db): CheckFinding {
  const base = { id: 'audit-chain', title: 'Audit chain', findings: [] } as const;
  let hasLog: boolean;
  try {
    hasLog = tableNames(db).includes('case_event');
  } catch (error) {
    return { ...base, status: 'fail', detail: messageOf(error), findings: [] };
  }
  if (!hasLog) {
    return { ...base, status: 'skip', detail: 'no audit log in this schema yet', findings: [] };
  }
  try {
    const result = verifyAuditChain(db);
    if (result.ok) {
      return {
        ...base,
        status: 'ok',
        detail: `${result.events} event(s), last sequence ${result.lastSeq}`,
        findings: [],
      };
    }
    return {
      ...base,
      status: 'fail',
      detail: `broken at sequence ${result.seq}`,
      findings: [`sequence ${result.seq}: ${result.reason}`],
    };
  } catch (error) {
    return { ...base, status: 'fail', detail: messageOf(error), findings: [] };
  }
}

/** Every case state with its event, every event with its case (main/cases/consistency.ts). */
function checkCaseEvents(db: Db): CheckFinding {
  const base = { id: 'case-events', title: 'Cases and events' } as const;
  const tables = tableNames(db);
  if (!tables.includes('case_event') || !tables.includes('application')) {
    return { ...base, status: 'skip', detail: 'no cases in this schema yet', findings: [] };
  }
  try {
    const problems = caseEventProblems(db);
    return {
      ...base,
      status: problems.length === 0 ? 'ok' : 'fail',
      detail: problems.length === 0 ? 'ok' : `${problems.length} problem(s)`,
      findings: problems.map((p) => `${p.kind}: ${p.ref}`),
    };
  } catch (error) {
    return { ...base, status: 'fail', detail: messageOf(error), findings: [] };
  }
}

function print(io: CliIo, global: GlobalOptions, json: object, lines: string[]): void {
  io.stdout(global.json ? JSON.stringify(json, null, 2) : lines.join('\n'));
}

/** A whole number option (digits only), or a usage error naming the option. */
function wholeNumber(value: string | boolean | undefined, option: string, usage: string): number {
  if (typeof value !== 'string' || !/^[0-9]{1,10}$/.test(value)) {
    throw new UsageError(`${option} needs a whole number.\n${usage}`);
  }
  return Number(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
