// A whole counter day through the real services, then a scan of everything the day left on
// disk for the personal data it used. The day: first-run setup and staff, applications taken
// at the counter (with a mistyped form and a My Number typed into the staff ID field), search,
// a revealed My Number, a handover with the in-process virtual card (PINs set on the card), a
// loss report and suspension, the day-end summary and CSV export, and sync with a real central
// service over HTTPS + mTLS. Logging goes to files at debug level (terminal and central), a
// diagnostic report is written to the crash-report directory while the services hold the day
// in memory, and TMPDIR points into the scanned tree so any temp file is caught.
//
// Scanned: every log file, the crash-report directory, temp files, the terminal's and central's
// store files as raw bytes (with their -wal, before and after close). Each My Number, name,
// address, PIN and password is looked for in UTF-8, UTF-16LE/BE, Shift_JIS, EUC-JP, JSON
// \u-escapes and (for digits) full-width and grouped forms. None may appear. The scan must
// find something to scan in each place, and a control file proves it would find a leak.

import '../main/card/trust/reflect-metadata';
import iconv from 'iconv-lite';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnrollmentCode } from '../central/enroll';
import { startCentral } from '../central/server';
import { myNumberCheckDigit } from '../domain/my-number';
import { MyNumberCard } from '../main/card/mynumber/client';
import { fixtureCard } from '../main/card/mynumber/testing';
import { virtualCardChannel } from '../main/card/virtual/channel';
import { person } from '../main/cases/testing';
import { cli } from '../main/cli/testing';
import { keyFileProvider } from '../main/config/key-file';
import { createCounterServices, type ReaderSource } from '../main/core/services';
import { HandoverSteps } from '../main/counter/handover';
import { caseWithCard } from '../main/counter/testing';
import { createLogger, type LogRecord, type Sink } from '../main/log/logger';
import type { Result } from '../preload/contract';
import { tempDir } from './support/temp-dir';

const ORIGIN = 'app://counter';
const OFFICE = '131016';

/** Log records as JSON lines in a file, as a deployment's log shipping would keep them. */
function fileSink(path: string): Sink {
  return (record: LogRecord) => writeFileSync(path, `${JSON.stringify(record)}\n`, { flag: 'a' });
}

/** A My Number no other test uses: 11 random digits and their check digit. */
function freshMyNumber(): string {
  const first11 = [...randomBytes(11)].map((b) => String(b % 10)).join('');
  return `${first11}${myNumberCheckDigit(first11)}`;
}

/** Every form a value could take on disk. */
function encodings(value: string): Buffer[] {
  const forms = new Set([value]);
  if (/^[0-9]+$/.test(value)) {
    forms.add(value.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d))));
    if (value.length === 12) {
      forms.add(`${value.slice(0, 4)} ${value.slice(4, 8)} ${value.slice(8)}`);
      forms.add(`${value.slice(0, 4)}-${value.slice(4, 8)}-${value.slice(8)}`);
    }
  }
  const out: Buffer[] = [];
  for (const form of forms) {
    out.push(Buffer.from(form, 'utf8'), Buffer.from(form, 'utf16le'));
    out.push(Buffer.from(form, 'utf16le').swap16());
    if (/[^ -~]/.test(form)) {
      out.push(iconv.encode(form, 'Shift_JIS'), iconv.encode(form, 'EUC-JP'));
      const escaped = [...form]
        .map((c) =>
          c.charCodeAt(0) > 0x7f ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c,
        )
        .join('');
      out.push(Buffer.from(escaped), Buffer.from(escaped.toUpperCase()));
    }
  }
  return out;
}

interface Finding {
  file: string;
  what: string;
}

function scan(files: readonly string[], secrets: ReadonlyMap<string, string>): Finding[] {
  const needles = [...secrets].flatMap(([what, value]) =>
    encodings(value).map((bytes) => ({ what, bytes })),
  );
  const findings: Finding[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const { what, bytes: needle } of needles) {
      if (bytes.includes(needle)) findings.push({ file, what });
    }
  }
  return findings;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

const noReaders: ReaderSource = {
  start: () => undefined,
  stop: () => undefined,
  snapshot: () => ({ service: 'running', readers: [] }),
  onChange: () => () => undefined,
  connect: () => Promise.reject(new Error('the handover reads the in-process card directly')),
};

let savedTmp: string | undefined;
afterEach(() => {
  if (savedTmp === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmp;
});

describe('a whole counter day leaves no personal data in clear on disk', () => {
  it('logs, crash reports, temp files and the stores hold no My Number, name, address, PIN or password', async () => {
    const root = tempDir('madoguchi-pii-');
    const dataDir = join(root, 'terminal');
    const logDir = join(root, 'logs');
    const crashDir = join(root, 'crash-reports');
    const tmp = join(root, 'tmp');
    for (const dir of [logDir, crashDir, tmp]) mkdirSync(dir, { recursive: true });
    savedTmp = process.env['TMPDIR'];
    process.env['TMPDIR'] = tmp;

    // What the day uses. The card's own person is the virtual card fixture's (new-card.json).
    const applicants = [
      person({
        myNumber: freshMyNumber(),
        nameKanji: '漏洩検査\u3000一郎',
        nameKana: 'ロウエイケンサ\u3000イチロウ',
        nameLatin: 'ROEIKENSA ICHIRO',
        address: '検査県走査市平文町三丁目四番五号',
      }),
      person({
        myNumber: freshMyNumber(),
        nameKanji: '秘匿\u3000花代',
        nameKana: 'ヒトク\u3000ハナヨ',
        nameLatin: 'HITOKU HANAYO',
        address: '検査県暗号市鍵穴町九丁目八番',
      }),
    ];
    const holder = person({
      myNumber: '100000000021',
      birthDate: '1992-11-03',
      nameKanji: '見本\u3000太郎',
      nameKana: 'ミホン\u3000タロウ',
      address: 'テスト県見本市架空町一丁目２番３号',
    });
    const lost = person({
      myNumber: freshMyNumber(),
      nameKanji: '紛失\u3000次郎',
      nameKana: 'フンシツ\u3000ジロウ',
      address: '検査県遺失市落物町七番地',
    });
    const PINS = {
      'signature-password': 'PIISCAN7SIGN',
      'user-authentication-pin': '7395',
      'resident-registry-pin': '7395',
      'card-info-input-pin': '7395',
    };
    const PASSWORDS = {
      admin: 'scan-admin-pw-Kq83',
      clerk: 'scan-clerk-pw-Zt57',
      supervisor: 'scan-super-pw-Wm29',
    };
    const LOSS_PLACE = '走査駅東口改札前';

    const secrets = new Map<string, string>();
    for (const [i, p] of [...applicants, holder, lost].entries()) {
      secrets.set(`person ${i} My Number`, p.myNumber);
      secrets.set(`person ${i} kanji name`, p.nameKanji);
      secrets.set(`person ${i} kana name`, p.nameKana);
      secrets.set(`person ${i} address`, p.address);
      if (p.nameLatin && i < 2) secrets.set(`person ${i} latin name`, p.nameLatin);
    }
    secrets.set('signature password', PINS['signature-password']);
    secrets.set('PIN', PINS['user-authentication-pin']);
    secrets.set('admin password', PASSWORDS.admin);
    secrets.set('clerk password', PASSWORDS.clerk);
    secrets.set('supervisor password', PASSWORDS.supervisor);
    secrets.set('loss place', LOSS_PLACE);

    // Central, logging to its own file at debug level.
    const central = await startCentral({
      dataDir: join(root, 'central'),
      port: 0,
      name: 'PII Scan Central',
      log: createLogger({ sink: fileSink(join(logDir, 'central.log')), level: 'debug' }),
    });
    try {
      expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
      const { code } = createEnrollmentCode(central.store, central.files, {
        officeId: OFFICE,
        mission: false,
      });
      const enrolled = await cli(
        '--data-dir',
        dataDir,
        'terminal',
        'enroll',
        '--central',
        central.url,
        '--code',
        code,
      );
      expect(enrolled.code, enrolled.stderr).toBe(0);

      const log = createLogger({
        sink: fileSink(join(logDir, 'madoguchi.log')),
        level: 'debug',
      });
      const services = await createCounterServices({
        dataDir,
        keyProvider: keyFileProvider(dataDir, {}),
        host: 'test-bridge',
        log,
        trustedOrigins: [ORIGIN],
        readers: noReaders,
      });
      const rawStore: string[] = [];
      try {
        const call = async (name: string, input: unknown = {}): Promise<Result<unknown>> =>
          services.dispatch(name, input, `${ORIGIN}/index.html`);
        const ok = async (name: string, input: unknown = {}): Promise<unknown> => {
          const result = await call(name, input);
          if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
          return result.value;
        };

        // Morning: the administrator, the clerk.
        await ok('setup.createFirstAdministrator', {
          staffId: 'admin-01',
          displayName: '管理者',
          password: PASSWORDS.admin,
        });
        await ok('staff.create', {
          staffId: 'clerk-01',
          displayName: '窓口係',
          role: 'clerk',
          password: PASSWORDS.clerk,
        });
        await ok('staff.create', {
          staffId: 'super-01',
          displayName: '監督者',
          role: 'supervisor',
          password: PASSWORDS.supervisor,
        });
        await ok('auth.signOut');
        // A clerk types an applicant's My Number into the staff ID field, then a wrong password.
        expect(
          await call('auth.signIn', {
            staffId: applicants[0]!.myNumber,
            password: PASSWORDS.clerk,
          }),
        ).toMatchObject({ ok: false });
        expect(
          await call('auth.signIn', { staffId: 'clerk-01', password: applicants[1]!.myNumber }),
        ).toMatchObject({ ok: false });
        await ok('auth.signIn', { staffId: 'clerk-01', password: PASSWORDS.clerk });

        // Applications; one form first sent with a bad kana field (refused, then corrected).
        expect(
          await call('applications.record', {
            kind: 'new',
            person: { ...applicants[0], nameKana: applicants[0]!.nameKanji },
          }),
        ).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
        const recorded: string[] = [];
        for (const applicant of applicants) {
          const value = (await ok('applications.record', { kind: 'new', person: applicant })) as {
            applicationId: string;
          };
          recorded.push(value.applicationId);
        }
        await ok('cases.search', { query: applicants[0]!.myNumber });
        await ok('cases.search', { query: applicants[1]!.nameKana });
        await ok('cases.get', { applicationId: recorded[0] });
        await ok('cases.revealMyNumber', { applicationId: recorded[0], reason: 'identity-check' });

        // A handover with the virtual card: identity, card proof, PINs set, re-check, commit.
        const { cardSerial } = caseWithCard(services.cases, 'in-custody', { person: holder });
        const steps = new HandoverSteps({
          db: services.db,
          store: services.cases,
          now: () => new Date(),
          log: log.child('handover'),
        });
        const clerk = { staffId: 'clerk-01', role: 'clerk' as const };
        const card = new MyNumberCard(virtualCardChannel(await fixtureCard('new-card')));
        steps.start(cardSerial, clerk);
        steps.recordIdentity(cardSerial, {
          attendee: 'holder',
          documents: ['a-driving-licence'],
          faceCompared: true,
        });
        await steps.proveCard(cardSerial, card);
        await steps.setPins(
          cardSerial,
          card,
          Buffer.from('00112233445566778899aabbccddeeff', 'hex'),
          PINS,
        );
        expect((await steps.recheck(cardSerial, card)).missing).toEqual([]);
        steps.commit(cardSerial, clerk, true);

        // A lost card reported and suspended.
        const stolen = caseWithCard(services.cases, 'handed-over', { person: lost });
        await ok('cards.reportLoss', {
          cardSerial: stolen.cardSerial,
          expectedVersion: stolen.version,
          reason: 'theft',
          occurredOn: new Date().toISOString().slice(0, 10),
          place: LOSS_PLACE,
          policeReportNumber: 'R-2026-77',
        });

        // Day end, and sync with central.
        await ok('dayEnd.summary', {});
        // A bulk export needs a supervisor's approval where the two-person rule is in place.
        const exported = await call('dayEnd.exportCsv', {});
        if (!exported.ok) {
          await ok('dayEnd.exportCsv', {
            approval: {
              supervisorId: 'super-01',
              password: PASSWORDS.supervisor,
              reason: '日次締め',
            },
          });
        }
        const synced = (await ok('sync.runNow')) as { lastError: unknown; pendingEvents: number };
        expect(synced).toMatchObject({ lastError: null, pendingEvents: 0 });

        // The crash-report directory: a diagnostic report written while the day is in memory.
        process.report.writeReport(join(crashDir, 'madoguchi-report.json'));

        // The store as it sits on disk mid-day, WAL included.
        const snapshot = join(root, 'store-snapshot');
        mkdirSync(snapshot);
        for (const file of readdirSync(dataDir).filter((f) => f.startsWith('store.db'))) {
          writeFileSync(join(snapshot, file), readFileSync(join(dataDir, file)));
          rawStore.push(join(snapshot, file));
        }
      } finally {
        await services.close();
      }

      // The scan.
      const logs = filesUnder(logDir);
      const crash = filesUnder(crashDir);
      const temps = filesUnder(tmp);
      const stores = [
        ...rawStore,
        ...filesUnder(dataDir).filter((f) => /store\.db(-wal|-shm)?$/.test(f)),
        ...filesUnder(join(root, 'central')).filter((f) => /\.db(-wal|-shm)?$/.test(f)),
      ];
      // Not vacuous: there is something in each place, at debug level, WAL included.
      const size = (files: string[]) => files.reduce((n, f) => n + statSync(f).size, 0);
      // central.log too when central had something to say; the terminal's log always.
      expect(logs.map((f) => relative(root, f))).toContain('logs/madoguchi.log');
      const lines = readFileSync(join(logDir, 'madoguchi.log'), 'utf8').trim().split('\n');
      expect(lines.length).toBeGreaterThan(10);
      // The refusals and the workflows logged (at debug level nothing is filtered out).
      const logged = lines.map((l) => JSON.parse(l) as LogRecord);
      expect(logged.map((r) => r.msg)).toEqual(
        expect.arrayContaining(['call refused: invalid input', 'signed in']),
      );
      expect(size(crash)).toBeGreaterThan(1000);
      expect(rawStore.some((f) => f.endsWith('-wal') && statSync(f).size > 0)).toBe(true);
      expect(size(stores)).toBeGreaterThan(100_000);

      const everything = [...logs, ...crash, ...temps, ...stores];
      expect(scan(everything, secrets)).toEqual([]);

      // The day-end export is an output the office asked for; it still carries no My Number,
      // PIN or password.
      const exports = filesUnder(join(dataDir, 'exports'));
      expect(exports.length).toBeGreaterThan(0);
      const noNumbers = new Map([...secrets].filter(([what]) => !/name|address|place/.test(what)));
      expect(scan(exports, noNumbers)).toEqual([]);

      // Control: the scanner finds each encoding when the data IS there.
      const control = join(root, 'control');
      mkdirSync(control);
      const sample = applicants[0]!;
      writeFileSync(join(control, 'sjis'), iconv.encode(`x${sample.address}y`, 'Shift_JIS'));
      writeFileSync(join(control, 'utf16'), Buffer.from(`\u0000${sample.nameKanji}`, 'utf16le'));
      writeFileSync(
        join(control, 'json'),
        JSON.stringify({ v: sample.nameKana }).replace(
          /[^ -~]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16)}`,
        ),
      );
      writeFileSync(join(control, 'fullwidth'), encodings(sample.myNumber)[3]!);
      expect(
        scan(filesUnder(control), secrets)
          .map((f) => relative(control, f.file))
          .sort(),
      ).toEqual(['fullwidth', 'json', 'sjis', 'utf16']);
    } finally {
      await central.close();
    }
  }, 120_000);
});
