// Fuzz targets (fast-check) for every input that comes from outside the terminal: each renderer
// call of the contract through the real dispatcher and services, a hostile card answering the
// client, central's answers to the sync client, backup files given to `db restore`, export
// files given to central's import, ack files given to the terminal, and files given to
// `trust add`. The property is always the same: no crash, no hang, only typed errors (a stable
// code and a message), and nothing committed is lost.
//
// test/fuzz.test.ts runs each target briefly in `npm test`; bench/fuzz.ts runs them long
// (FUZZ_RUNS) in `npm run bench`. No vitest here, so the benchmark can bundle it.

import '../../main/card/trust/reflect-metadata';
import fc from 'fast-check';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { importExport } from '../../central/admin';
import { createEnrollmentCode } from '../../central/enroll';
import { IngestError } from '../../central/ingest';
import { startCentral } from '../../central/server';
import { openStore } from '../../db/open';
import { CaseStore } from '../../main/cases/case-store';
import { application, clerk } from '../../main/cases/testing';
import { CardError } from '../../main/card/errors';
import { MyNumberCard } from '../../main/card/mynumber/client';
import { identifyCard } from '../../main/card/mynumber/identify';
import { ascii, fixtureCard, testAnchors } from '../../main/card/mynumber/testing';
import type { CardChannel } from '../../main/card/channel';
import { virtualCardChannel } from '../../main/card/virtual/channel';
import { runCli } from '../../main/cli/madoguchi';
import { keyFileProvider } from '../../main/config/key-file';
import { createCounterServices, type ReaderSource } from '../../main/core/services';
import { createLogger } from '../../main/log/logger';
import { SyncError } from '../../main/sync/errors';
import { importAckFile } from '../../main/sync/export';
import type { SyncIdentity } from '../../main/sync/identity';
import { pullRevocations } from '../../main/sync/revocations';
import { pullStream, type CaseStream } from '../../main/sync/streams';
import { uploadPending } from '../../main/sync/upload';
import type { CentralClient, CentralResponse } from '../../main/sync/transport';
import { ExportFileError } from '../../sync/export-file';
import { CALL_NAMES, calls, ERROR_CODES, type Result } from '../../preload/contract';

export interface FuzzTarget {
  readonly name: string;
  /** Relative cost of one run (1 = cheap); `npm test` divides its runs by it. */
  readonly cost: number;
  /** Runs the property `numRuns` times; throws (fast-check's report) on a counterexample. */
  run(numRuns: number, seed?: number): Promise<void>;
}

/** A call or parse that takes longer than this is a hang. */
const HANG_MS = 10_000;
const silent = createLogger({ sink: () => undefined, level: 'error' });

function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function withinDeadline<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what} took over ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- arbitrary inputs shaped like a zod schema ---------------------------------------------

/** Personal data planted in the inputs: no error may carry it back. */
export const PLANTED = { myNumber: '123456789018', name: '漏洩\u3000太郎' } as const;

const scalar = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      PLANTED.myNumber,
      PLANTED.name,
      'ヤマダ\u3000タロウ',
      'YAMADA TARO',
      '2026-11-20',
      '1980-02-30',
      '9999-99-99',
      'APP-0001',
      'T0000010001',
      'ja',
      'en',
      'x'.repeat(201),
      '\u0000',
      '../../etc/passwd',
      // Values that pass validation, so calls reach the services.
      '1985-04-01',
      '東京都千代田区霞が関二丁目一番二号',
      'マドグチ　ハナコ',
      'MADOGUCHI HANAKO',
      'fuzz-super-01',
      'fuzz: correct horse battery 42',
      'counter inquiry',
    ),
  },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

type Schema = z.ZodType & { _zod: { def: Record<string, unknown> } };

/**
 * Values for `schema`: often the right shape with wrong or edge values in its fields, sometimes
 * right values, sometimes anything at all. Walks objects, enums, optionals and arrays; a new
 * contract call is covered without touching this file.
 */
export function shapedLike(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const def = schema._zod.def;
  const anyJson = fc.jsonValue({ maxDepth: 2 });
  if (depth > 4) return anyJson;
  switch (def['type']) {
    case 'object': {
      const shape = def['shape'] as Record<string, Schema>;
      const fields = Object.fromEntries(
        Object.entries(shape).map(([key, child]) => [key, shapedLike(child, depth + 1)]),
      );
      return fc.oneof(
        { weight: 3, arbitrary: fc.record(fields) },
        { weight: 2, arbitrary: fc.record(fields, { requiredKeys: [] }) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.record(fields, { requiredKeys: [] }), fc.string({ maxLength: 8 }), scalar)
            .map(([value, key, extra]) => ({ ...value, [key]: extra })),
        },
        { weight: 1, arbitrary: anyJson },
      );
    }
    case 'enum': {
      const values = Object.values(def['entries'] as Record<string, string>);
      return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, scalar);
    }
    case 'optional':
    case 'nullable':
    case 'default':
      return fc.oneof(
        fc.constantFrom(undefined, null),
        shapedLike(def['innerType'] as Schema, depth + 1),
      );
    case 'pipe':
      return shapedLike(def['in'] as Schema, depth + 1);
    case 'array':
      return fc.oneof(
        fc.array(shapedLike(def['element'] as Schema, depth + 1), { maxLength: 4 }),
        scalar,
      );
    default:
      return fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: anyJson });
  }
}

// ---- the contract through the real dispatcher ----------------------------------------------

const noReaders: ReaderSource = {
  start: () => undefined,
  stop: () => undefined,
  snapshot: () => ({ service: 'running', readers: [] }),
  onChange: () => () => undefined,
  connect: () => Promise.reject(new CardError('NO_READER', 'No card reader is connected.')),
};

const ORIGIN = 'app://counter';
const PASSWORD = 'fuzz: correct horse battery 42';
const STAFF = { administrator: 'fuzz-admin-01', supervisor: 'fuzz-super-01' } as const;

function checkResult(name: string, result: Result<unknown>): void {
  if (result.ok) return;
  const { code, message } = result.error;
  if (!(ERROR_CODES as readonly string[]).includes(code) || code === 'INTERNAL') {
    throw new Error(`${name}: untyped failure ${code}: ${message}`);
  }
  if (typeof message !== 'string' || message.length === 0) {
    throw new Error(`${name}: ${code} without a message`);
  }
  const text = JSON.stringify(result.error);
  if (text.includes(PLANTED.myNumber) || text.includes(PLANTED.name)) {
    throw new Error(`${name}: ${code} carries planted personal data back`);
  }
}

export const contractTarget: FuzzTarget = {
  cost: 1,
  name: 'contract: every call with arbitrary input through the dispatcher',
  async run(numRuns, seed) {
    const { dir, remove } = tempDir('madoguchi-fuzz-contract-');
    const services = await createCounterServices({
      dataDir: dir,
      keyProvider: keyFileProvider(dir, {}),
      host: 'test-bridge',
      log: silent,
      trustedOrigins: [ORIGIN],
      readers: noReaders,
    });
    const call = (name: string, input: unknown) =>
      withinDeadline(name, services.dispatch(name, input, `${ORIGIN}/index.html`));
    try {
      const first = await call('setup.createFirstAdministrator', {
        staffId: STAFF.administrator,
        displayName: 'Fuzz Administrator',
        password: PASSWORD,
      });
      const supervisor = await call('staff.create', {
        staffId: STAFF.supervisor,
        displayName: 'Fuzz Supervisor',
        role: 'supervisor',
        password: PASSWORD,
      });
      if (!first.ok || !supervisor.ok) throw new Error('fuzz setup failed');

      const signedInAs = async (role: keyof typeof STAFF) => {
        const session = services.auth.session();
        if (session && !session.locked && session.staffId === STAFF[role]) return;
        await call('auth.signOut', {});
        const signedIn = await call('auth.signIn', { staffId: STAFF[role], password: PASSWORD });
        if (!signedIn.ok) throw new Error(`cannot sign in again: ${signedIn.error.code}`);
      };
      const seen = new Map<string, number>();
      const step = fc
        .constantFrom(...CALL_NAMES)
        .chain((name) =>
          fc.tuple(
            fc.constant(name),
            fc.oneof(
              { weight: 4, arbitrary: shapedLike(calls[name].input as unknown as Schema) },
              { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
            ),
          ),
        );
      // The counter's roles in turn (a sign-in costs a password hash: not one per run).
      for (const role of ['supervisor', 'administrator'] as const) {
        await fc.assert(
          fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
            await signedInAs(role);
            for (const [name, input] of steps) {
              const result = await call(name, input);
              checkResult(name, result);
              const outcome = result.ok ? 'ok' : result.error.code;
              seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
            }
          }),
          { numRuns: Math.ceil(numRuns / 2), ...(seed !== undefined ? { seed } : {}) },
        );
      }
      if (process.env['FUZZ_VERBOSE']) {
        process.stdout.write(`contract outcomes: ${JSON.stringify(Object.fromEntries(seen))}\n`);
      }
      // Not vacuous: inputs got through validation to the services, and some were refused.
      if (!seen.get('ok') || !seen.get('VALIDATION_FAILED')) {
        throw new Error(`the fuzz never reached the services: ${JSON.stringify([...seen])}`);
      }
      // Still answering, and the store is sound.
      if (!(await call('app.info', {})).ok) throw new Error('the services stopped answering');
      const check = services.db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`store damaged: ${String(check)}`);
    } finally {
      await services.close();
      remove();
    }
  },
};

// ---- a hostile card ------------------------------------------------------------------------

/** A real virtual card whose answers are damaged: truncated, bytes flipped, odd status words. */
function damagedChannel(inner: CardChannel, damage: readonly number[]): CardChannel {
  let n = 0;
  return {
    ...inner,
    readerName: inner.readerName,
    atr: inner.atr,
    extendedLength: inner.extendedLength,
    async transmit(command) {
      const answer = Uint8Array.from(await inner.transmit(command));
      const d = damage[n % damage.length] ?? 0;
      n += 1;
      switch (d % 8) {
        case 1:
          return answer.subarray(0, (d >> 3) % (answer.length + 1));
        case 2:
          if (answer.length > 0) answer[(d >> 3) % answer.length]! ^= 1 << (d % 7);
          return answer;
        case 3:
          return Uint8Array.of(0x61, d & 0xff);
        case 4:
          return Uint8Array.of(0x6c, d & 0xff);
        case 5:
          return Uint8Array.of(...answer.subarray(0, Math.max(0, answer.length - 2)), 0x90, 0x00);
        case 6:
          return randomBytes((d >> 3) % 300);
        default:
          return answer;
      }
    },
  };
}

export const cardTarget: FuzzTarget = {
  cost: 3,
  name: 'card: identify a card whose answers are damaged',
  async run(numRuns, seed) {
    const anchors = await testAnchors();
    // One card for the run: what earlier damage did to it (a PIN counter spent) is fair game.
    const virtual = await fixtureCard('issued');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), async (damage) => {
        const card = new MyNumberCard(damagedChannel(virtualCardChannel(virtual), damage));
        try {
          await withinDeadline(
            'identifyCard',
            identifyCard(card, {
              anchors,
              at: new Date('2026-11-22T10:00:00Z'),
              mode: 'training',
              authPin: ascii('4826'),
              textPin: ascii('4826'),
            }),
          );
        } catch (error) {
          if (!(error instanceof CardError)) throw error;
        }
      }),
      { numRuns, ...(seed !== undefined ? { seed } : {}) },
    );
  },
};

// ---- central's answers to the sync client ------------------------------------------------

const STREAM_SHAPES = fc.record(
  {
    items: fc.array(
      fc.record(
        {
          application_id: fc.oneof(fc.string({ maxLength: 12 }), fc.constant('APP-1')),
          card_serial: fc.string({ maxLength: 12 }),
          version: fc.oneof(fc.integer(), fc.constant(1)),
          state: fc.constantFrom('dispatched', 'suspended', 'x'),
          cursor: fc.string({ maxLength: 12 }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    next_cursor: fc.oneof(fc.string({ maxLength: 12 }), fc.constant(null)),
    up_to_date: fc.boolean(),
    protocol: fc.constantFrom(1, 2),
  },
  { requiredKeys: [] },
);

/** Central's terminal state and upload acknowledgements, right in shape, edgy in value. */
const STATE_AND_ACK_SHAPES = fc.record(
  {
    protocol: fc.constantFrom(1, 1, 2),
    terminal_id: fc.constantFrom('T-FUZZ-0001', 'T-OTHER-0002'),
    office_id: fc.constant('131016'),
    status: fc.constantFrom('active', 'active', 'revoked', 'quarantined'),
    epoch: fc.constantFrom(1, 1, 2),
    from_seq: fc.integer({ min: 0, max: 6 }),
    to_seq: fc.integer({ min: 0, max: 6 }),
    acked_through_seq: fc.integer({ min: 0, max: 6 }),
    expected_seq: fc.integer({ min: 0, max: 7 }),
    results: fc.array(
      fc.record({
        seq: fc.integer({ min: 0, max: 6 }),
        event_id: fc.string({ maxLength: 8 }),
        outcome: fc.constantFrom('applied', 'duplicate', 'applied-with-conflict', 'rejected'),
      }),
      { maxLength: 3 },
    ),
    stopped: fc.constantFrom(null, 'gap'),
    server_time: fc.constant(new Date().toISOString()),
    signature: fc.base64String({ maxLength: 88 }),
  },
  { requiredKeys: [] },
);

const centralAnswer: fc.Arbitrary<CentralResponse> = fc.record({
  status: fc.constantFrom(200, 200, 200, 204, 400, 401, 403, 404, 409, 422, 429, 500, 503, 599),
  headers: fc.oneof(
    fc.constant({}),
    fc.record({ 'retry-after': fc.oneof(fc.string({ maxLength: 12 }), fc.constant('5')) }),
  ),
  body: fc
    .oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
      STREAM_SHAPES.map((v) => Buffer.from(JSON.stringify(v))),
      STATE_AND_ACK_SHAPES.map((v) => Buffer.from(JSON.stringify(v))),
      fc
        .record({ error: fc.record({ code: fc.string(), message: fc.string() }) })
        .map((v) => Buffer.from(JSON.stringify(v))),
    )
    .map((b) => b as Buffer),
});

export const syncAnswersTarget: FuzzTarget = {
  cost: 1,
  name: 'sync: central answers anything to stream pulls, revocation pulls and uploads; ack files of anything',
  async run(numRuns, seed) {
    const { dir, remove } = tempDir('madoguchi-fuzz-sync-');
    const db = openStore({ path: join(dir, 'store.db'), key: randomBytes(32) });
    // Events waiting to upload, and the identity fields the upload reads. Central's answers
    // are not signed with this key, so a receipt or list that parses is still refused.
    const cases = new CaseStore({ db, log: silent });
    for (let i = 0; i < 3; i += 1) cases.receiveApplication(application(), clerk);
    const centralKey = randomBytes(32);
    const identity = {
      terminalId: 'T-FUZZ-0001',
      epoch: 1,
      centralSigningKey: centralKey,
    } as SyncIdentity;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<CaseStream>('applications', 'cards', 'card_status'),
          fc.array(centralAnswer, { minLength: 1, maxLength: 5 }),
          fc.jsonValue({ maxDepth: 3 }),
          async (stream, answers, ackFile) => {
            let n = 0;
            // The transport is the one thing replaced: it hands back central's fuzzed answers,
            // then goes offline as the real one does when the link drops.
            const client = {
              json: () => {
                const answer = answers[n];
                n += 1;
                return answer
                  ? Promise.resolve(answer)
                  : Promise.reject(new SyncError('SYNC_OFFLINE', 'Central cannot be reached.'));
              },
            } as unknown as CentralClient;
            for (const attempt of [
              () => pullStream(db, client, stream, () => new Date()),
              () => pullRevocations(db, client, centralKey, () => new Date()),
              () => uploadPending(db, client, identity, () => new Date()),
              () => Promise.resolve().then(() => importAckFile(db, ackFile, new Date())),
            ]) {
              try {
                await withinDeadline<unknown>(`pull ${stream}`, attempt());
              } catch (error) {
                if (!(error instanceof SyncError)) throw error;
              }
            }
          },
        ),
        { numRuns, ...(seed !== undefined ? { seed } : {}) },
      );
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`store damaged: ${String(check)}`);
    } finally {
      db.close();
      remove();
    }
  },
};

// ---- files an administrator hands over -----------------------------------------------------

async function madoguchi(...argv: string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  const code = await runCli(argv, { stdout: () => undefined, stderr: (t) => err.push(t), env: {} });
  return { code, stderr: err.join('\n') };
}

/** `--json` failures name a stable code; FAILED is the CLI's word for an untyped error. */
function typedFailure(what: string, stderr: string): string {
  const { code, message } =
    (JSON.parse(stderr) as { error?: { code?: string; message?: string } }).error ?? {};
  if (!code || code === 'FAILED') throw new Error(`${what}: untyped failure: ${stderr}`);
  // A message an administrator can act on: a sentence, not a bare code or a stack.
  if (!message || message.length < 20 || /\n\s+at /.test(message)) {
    throw new Error(`${what}: ${code} without a clear message: ${stderr}`);
  }
  return code;
}

/** Damage to a file: flip bytes, cut it short, or replace a stretch with anything. */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bits: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ maxLength: 64 }),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(original: Buffer, changes: readonly Mutation[]): Buffer {
  let bytes = Buffer.from(original);
  for (const change of changes) {
    const at = bytes.length === 0 ? 0 : change.at % bytes.length;
    if (change.kind === 'flip' && bytes.length > 0) bytes[at] = (bytes[at] ?? 0) ^ change.bits;
    else if (change.kind === 'cut') bytes = bytes.subarray(0, at);
    else if (change.kind === 'splice')
      bytes = Buffer.concat([
        bytes.subarray(0, at),
        change.bytes,
        bytes.subarray(at + change.bytes.length),
      ]);
  }
  return bytes;
}

/** The store key `db init` wrote into the data directory (store.key, hex). */
function storeKeyOf(dataDir: string): Buffer {
  return Buffer.from(readFileSync(join(dataDir, 'store.key'), 'utf8').trim(), 'hex');
}

const sha256 = (path: string): string =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

export const backupTarget: FuzzTarget = {
  cost: 4,
  name: 'db restore: damaged or arbitrary backup files',
  async run(numRuns, seed) {
    const { dir, remove } = tempDir('madoguchi-fuzz-backup-');
    try {
      const dataDir = join(dir, 'terminal');
      if ((await madoguchi('--data-dir', dataDir, 'db', 'init')).code !== 0) {
        throw new Error('db init failed');
      }
      await madoguchi('--data-dir', dataDir, 'db', 'seed', '--cases', '20', '--seed', '7');
      const good = join(dir, 'good.backup');
      if ((await madoguchi('--data-dir', dataDir, 'db', 'backup', '--out', good)).code !== 0) {
        throw new Error('db backup failed');
      }
      const original = readFileSync(good);
      const store = join(dataDir, 'store.db');
      const candidate = join(dir, 'candidate.backup');
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            {
              weight: 4,
              arbitrary: fc
                .array(mutation, { minLength: 1, maxLength: 4 })
                .map((m) => mutate(original, m)),
            },
            { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8192 }).map((b) => Buffer.from(b)) },
          ),
          async (bytes) => {
            writeFileSync(candidate, bytes);
            const before = sha256(store);
            const { code, stderr } = await withinDeadline(
              'db restore',
              madoguchi('--data-dir', dataDir, '--json', 'db', 'restore', '--from', candidate),
            );
            if (code === 0) {
              // A harmless change (say, to a free page) restored: the store must still check.
              const checked = await madoguchi('--data-dir', dataDir, 'db', 'check');
              if (checked.code !== 0)
                throw new Error(`restored a damaged backup: ${checked.stderr}`);
              return;
            }
            typedFailure('db restore', stderr);
            if (sha256(store) !== before) throw new Error('a refused restore changed the store');
          },
        ),
        { numRuns, ...(seed !== undefined ? { seed } : {}) },
      );
    } finally {
      remove();
    }
  },
};

export const trustFileTarget: FuzzTarget = {
  cost: 2,
  name: 'trust add: arbitrary and damaged certificate files',
  async run(numRuns, seed) {
    const { dir, remove } = tempDir('madoguchi-fuzz-trust-');
    try {
      const dataDir = join(dir, 'terminal');
      await madoguchi('--data-dir', dataDir, 'db', 'init');
      // The test JPKI's authentication root, as DER and PEM: damaged copies of a real root.
      const [root] = await testAnchors();
      if (!root) throw new Error('no test root');
      const der = Buffer.from(root.certificate.raw);
      const pem = Buffer.from(
        `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`,
      );
      const file = join(dir, 'root.cer');
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.array(mutation, { minLength: 1, maxLength: 3 }).map((m) => mutate(pem, m)),
            fc.array(mutation, { minLength: 1, maxLength: 3 }).map((m) => mutate(der, m)),
            fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
            fc
              .string({ maxLength: 300 })
              .map((t) =>
                Buffer.from(`-----BEGIN CERTIFICATE-----\n${t}\n-----END CERTIFICATE-----\n`),
              ),
          ),
          async (bytes) => {
            writeFileSync(file, bytes);
            const { code, stderr } = await withinDeadline(
              'trust add',
              madoguchi('--data-dir', dataDir, '--json', 'trust', 'add', file),
            );
            if (code !== 0) typedFailure('trust add', stderr);
          },
        ),
        { numRuns, ...(seed !== undefined ? { seed } : {}) },
      );
    } finally {
      remove();
    }
  },
};

export const exportFileTarget: FuzzTarget = {
  cost: 2,
  name: 'central import: damaged and arbitrary courier export files',
  async run(numRuns, seed) {
    const { dir, remove } = tempDir('madoguchi-fuzz-export-');
    // A real central and a real enrolled terminal, so damaged copies of a real export reach
    // the signature, decryption and batch checks, not only the outer parse.
    const central = await startCentral({
      dataDir: join(dir, 'central'),
      port: 0,
      name: 'Fuzz Central',
      log: silent,
    });
    try {
      const dataDir = join(dir, 'terminal');
      await madoguchi('--data-dir', dataDir, 'db', 'init');
      const { code } = createEnrollmentCode(central.store, central.files, {
        officeId: '131016',
        mission: false,
      });
      const enrolled = await madoguchi(
        '--data-dir',
        dataDir,
        'terminal',
        'enroll',
        '--central',
        central.url,
        '--code',
        code,
      );
      if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.stderr}`);
      const db = openStore({ path: join(dataDir, 'store.db'), key: storeKeyOf(dataDir) });
      try {
        const cases = new CaseStore({ db, log: silent });
        for (let i = 0; i < 3; i += 1) cases.receiveApplication(application(), clerk);
      } finally {
        db.close();
      }
      const exportPath = join(dir, 'export.json');
      const exported = await madoguchi(
        '--data-dir',
        dataDir,
        'sync',
        'export',
        '--out',
        exportPath,
      );
      if (exported.code !== 0) throw new Error(`export failed: ${exported.stderr}`);
      const real = readFileSync(exportPath);
      const realJson = JSON.parse(real.toString('utf8')) as Record<string, unknown>;
      const fieldNames = Object.keys(realJson);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            {
              weight: 3,
              arbitrary: fc
                .array(mutation, { minLength: 1, maxLength: 3 })
                .map((m) => mutate(real, m).toString('utf8')),
            },
            {
              weight: 2,
              arbitrary: fc
                .tuple(fc.constantFrom(...fieldNames), fc.jsonValue({ maxDepth: 2 }))
                .map(([field, value]) => JSON.stringify({ ...realJson, [field]: value })),
            },
            { weight: 1, arbitrary: fc.string({ maxLength: 400 }) },
            {
              weight: 1,
              arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
            },
          ),
          async (text) => {
            try {
              importExport(central.store, central.files, text);
            } catch (error) {
              if (!(error instanceof ExportFileError) && !(error instanceof IngestError))
                throw error;
            }
          },
        ),
        { numRuns, ...(seed !== undefined ? { seed } : {}) },
      );
      // The real export still imports: refusals left central's state sound.
      importExport(central.store, central.files, real.toString('utf8'));
    } finally {
      await central.close();
      remove();
    }
  },
};

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  contractTarget,
  cardTarget,
  syncAnswersTarget,
  backupTarget,
  trustFileTarget,
  exportFileTarget,
];
