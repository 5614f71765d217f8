// `madoguchi db ...` as an administrator runs it, in-process, on real encrypted stores.

import {
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestVersion } from '../../db/migrations';
import { openStore } from '../../db/open';
import { tempDir } from '../../test/support/temp-dir';
import { runCli } from './madoguchi';
import { cli } from './testing';

const MARKER = 'YAMADA-TARO-CLI-MARKER';

function keyOf(dataDir: string): Buffer {
  return Buffer.from(readFileSync(join(dataDir, 'store.key'), 'utf8').trim(), 'hex');
}

/** A terminal set up with `db init`, holding one setting row with `value`. */
async function terminal(value = MARKER, rows = 0): Promise<string> {
  const dataDir = join(tempDir(), 'terminal');
  expect((await cli('--data-dir', dataDir, 'db', 'init')).code).toBe(0);
  const db = openStore({ path: join(dataDir, 'store.db'), key: keyOf(dataDir) });
  const insert = db.prepare('INSERT INTO terminal_setting (key, value) VALUES (?, ?)');
  insert.run('marker', value);
  for (let i = 0; i < rows; i += 1) insert.run(`filler-${i}`, 'x'.repeat(200));
  db.close();
  return dataDir;
}

function settingRows(dataDir: string): number {
  const db = openStore({ path: join(dataDir, 'store.db'), key: keyOf(dataDir), readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM terminal_setting').pluck().get() as number;
  } finally {
    db.close();
  }
}

function markerOf(dataDir: string): unknown {
  const db = openStore({ path: join(dataDir, 'store.db'), key: keyOf(dataDir), readonly: true });
  try {
    return db.prepare("SELECT value FROM terminal_setting WHERE key = 'marker'").pluck().get();
  } finally {
    db.close();
  }
}

function flipBytes(path: string, offset: number, count = 16): void {
  const bytes = readFileSync(path);
  for (let i = offset; i < offset + count; i += 1) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
  writeFileSync(path, bytes);
}

describe('madoguchi db init', () => {
  it('creates a private data directory, a private key and a store at the latest schema', async () => {
    const dataDir = join(tempDir(), 'new-terminal');
    const { code, stdout } = await cli('--data-dir', dataDir, '--json', 'db', 'init');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, schemaVersion: latestVersion() });
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'store.key')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'store.db'))).toBe(true);
  });

  it('refuses to replace an existing store', async () => {
    const dataDir = await terminal();
    const { code, stderr } = await cli('--data-dir', dataDir, 'db', 'init');
    expect(code).toBe(1);
    expect(stderr).toContain('A case store already exists');
    expect(markerOf(dataDir)).toBe(MARKER);
  });
});

describe('madoguchi db migrate', () => {
  it('reports the schema versions before and after', async () => {
    const dataDir = await terminal();
    const { code, stdout } = await cli('--data-dir', dataDir, '--json', 'db', 'migrate');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ from: latestVersion(), to: latestVersion() });
  });

  it('refuses a store written by a newer version', async () => {
    const dataDir = await terminal();
    const db = openStore({ path: join(dataDir, 'store.db'), key: keyOf(dataDir) });
    db.pragma(`user_version = ${latestVersion() + 10}`);
    db.close();
    const { code, stderr } = await cli('--data-dir', dataDir, '--json', 'db', 'migrate');
    expect(code).toBe(1);
    expect(JSON.parse(stderr)).toMatchObject({
      error: { code: 'STORE_FROM_NEWER_VERSION', message: expect.stringContaining('newer') },
    });
  });

  it('says how to create a store when there is none', async () => {
    const { code, stderr } = await cli('--data-dir', join(tempDir(), 'none'), 'db', 'migrate');
    expect(code).toBe(1);
    expect(stderr).toContain('madoguchi db init');
  });
});

describe('madoguchi db stats', () => {
  it('prints versions, sizes and row counts, and no stored value', async () => {
    const dataDir = await terminal();
    const json = await cli('--data-dir', dataDir, '--json', 'db', 'stats');
    expect(json.code).toBe(0);
    const stats = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(stats).toMatchObject({
      schemaVersion: latestVersion(),
      tables: { terminal_setting: 1, staff: 0 },
    });
    expect(stats['pageCount']).toEqual(expect.any(Number));
    expect(stats['walBytes']).toEqual(expect.any(Number));
    const text = await cli('--data-dir', dataDir, 'db', 'stats');
    expect(text.stdout).toMatch(/^terminal_setting\s+1$/m);
    expect(text.stdout).toContain('WAL size');
    expect(json.stdout + text.stdout).not.toContain(MARKER);
  });
});

describe('madoguchi db check', () => {
  it('passes a sound store', async () => {
    const dataDir = await terminal();
    const { code, stdout } = await cli('--data-dir', dataDir, '--json', 'db', 'check');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { ok: boolean; checks: { id: string; status: string }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual([
      'open',
      'integrity',
      'foreign-keys',
      'audit-chain',
      'case-events',
    ]);
  });

  it('exits 1 with a clear finding when a page of the store is damaged', async () => {
    const dataDir = await terminal(MARKER, 200);
    const path = join(dataDir, 'store.db');
    flipBytes(path, 4096 * 5 + 200);
    const { code, stdout } = await cli('--data-dir', dataDir, 'db', 'check');
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL/);
    expect(stdout).toContain('The store has problems');
  });

  it('exits 1 with a clear finding when the store file was truncated', async () => {
    const dataDir = await terminal(MARKER, 200);
    const path = join(dataDir, 'store.db');
    expect(statSync(path).size).toBeGreaterThan(4096 * 6);
    truncateSync(path, 4096 * 3);
    const { code, stdout } = await cli('--data-dir', dataDir, 'db', 'check');
    expect(code).toBe(1);
    expect(stdout).toMatch(/damaged \(truncated or altered\)|^Integrity \(full\)\s+FAIL/m);
    expect(stdout).toContain('The store has problems');
    expect(stdout).not.toContain(MARKER);
  });

  it('exits 1 with a clear finding when the first page is damaged', async () => {
    const dataDir = await terminal();
    flipBytes(join(dataDir, 'store.db'), 100);
    const { code, stdout } = await cli('--data-dir', dataDir, 'db', 'check');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Open with key\s+FAIL\s+The case store cannot be decrypted/m);
  });
});

describe('madoguchi db backup and restore', () => {
  it('round-trips the store through an encrypted backup', async () => {
    const source = await terminal();
    const out = join(tempDir(), 'backup.db');
    const backup = await cli('--data-dir', source, '--json', 'db', 'backup', '--out', out);
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ ok: true, path: out });
    expect(readFileSync(out).includes(MARKER)).toBe(false);

    // A replacement terminal with the same key (copied from escrow) and no store yet.
    const replacement = join(tempDir(), 'replacement');
    const env = { MADOGUCHI_DB_KEY: keyOf(source).toString('hex') };
    const out2: string[] = [];
    const code = await runCli(['--data-dir', replacement, 'db', 'restore', '--from', out], {
      stdout: (t) => out2.push(t),
      stderr: (t) => out2.push(t),
      env,
    });
    expect(code).toBe(0);
    expect(out2.join('\n')).toContain('There was no store before.');
    const db = openStore({ path: join(replacement, 'store.db'), key: keyOf(source) });
    expect(
      db.prepare("SELECT value FROM terminal_setting WHERE key = 'marker'").pluck().get(),
    ).toBe(MARKER);
    db.close();
  });

  it('refuses to overwrite an existing file unless --force', async () => {
    const dataDir = await terminal();
    const out = join(tempDir(), 'backup.db');
    writeFileSync(out, 'last week');
    const refused = await cli('--data-dir', dataDir, 'db', 'backup', '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists');
    expect(readFileSync(out, 'utf8')).toBe('last week');
    expect(readdirSync(join(out, '..'))).toEqual(['backup.db']);
    expect((await cli('--data-dir', dataDir, 'db', 'backup', '--out', out, '--force')).code).toBe(
      0,
    );
    expect(readFileSync(out).subarray(0, 9).toString()).not.toBe('last week');
  });

  it('keeps the replaced store aside when a restore succeeds', async () => {
    const dataDir = await terminal('before the backup');
    const out = join(tempDir(), 'backup.db');
    expect((await cli('--data-dir', dataDir, 'db', 'backup', '--out', out)).code).toBe(0);
    const db = openStore({ path: join(dataDir, 'store.db'), key: keyOf(dataDir) });
    db.prepare("UPDATE terminal_setting SET value = 'after the backup' WHERE key = 'marker'").run();
    db.close();

    const { code, stdout } = await cli('--data-dir', dataDir, 'db', 'restore', '--from', out);
    expect(code).toBe(0);
    expect(stdout).toContain('restore from it to undo');
    // No -wal/-shm of the old store left beside the restored one.
    const files = readdirSync(dataDir).sort();
    expect(files).toEqual([
      'store.db',
      expect.stringMatching(/^store\.db\.before-restore-\d{8}T\d{6}Z$/),
      'store.key',
    ]);
    const kept = files.filter((f) => f.includes('before-restore'));
    expect(markerOf(dataDir)).toBe('before the backup');
    const previous = openStore({
      path: join(dataDir, kept[0] ?? ''),
      key: keyOf(dataDir),
      readonly: true,
    });
    expect(
      previous.prepare("SELECT value FROM terminal_setting WHERE key = 'marker'").pluck().get(),
    ).toBe('after the backup');
    previous.close();
  });

  describe('refuses a bad backup and leaves the current store as it was', () => {
    async function refusedRestore(damage: (backup: string, key: Buffer) => Promise<void> | void) {
      const dataDir = await terminal(MARKER, 100);
      const out = join(tempDir(), 'backup.db');
      expect((await cli('--data-dir', dataDir, 'db', 'backup', '--out', out)).code).toBe(0);
      await damage(out, keyOf(dataDir));
      const storeBefore = readFileSync(join(dataDir, 'store.db'));
      const filesBefore = readdirSync(dataDir).sort();
      const result = await cli('--data-dir', dataDir, '--json', 'db', 'restore', '--from', out);
      expect(result.code).toBe(1);
      expect(readFileSync(join(dataDir, 'store.db')).equals(storeBefore)).toBe(true);
      expect(readdirSync(dataDir).sort()).toEqual(filesBefore);
      expect(settingRows(dataDir)).toBe(101);
      return (JSON.parse(result.stderr) as { error: { code: string; message: string } }).error;
    }

    it('a truncated backup', async () => {
      const error = await refusedRestore((backup) => truncateSync(backup, 4096 * 3));
      expect(error.code).toBe('BACKUP_DAMAGED');
      expect(error.message).toContain('damaged');
    });

    it('a backup with flipped bytes', async () => {
      const error = await refusedRestore((backup) => flipBytes(backup, 4096 * 4 + 300));
      expect(error.code).toBe('BACKUP_DAMAGED');
    });

    it('a backup made with another key', async () => {
      const error = await refusedRestore(async (backup) => {
        const other = await terminal();
        expect(
          (await cli('--data-dir', other, 'db', 'backup', '--out', backup, '--force')).code,
        ).toBe(0);
      });
      expect(error.code).toBe('BACKUP_UNREADABLE');
      expect(error.message).toContain('made with another key');
    });

    it('a backup from a newer version', async () => {
      const error = await refusedRestore((backup, key) => {
        const db = openStore({ path: backup, key });
        db.pragma(`user_version = ${latestVersion() + 10}`);
        db.close();
      });
      expect(error.code).toBe('BACKUP_FROM_NEWER_VERSION');
    });

    it('an empty file', async () => {
      const error = await refusedRestore((backup) => truncateSync(backup, 0));
      expect(error.code).toBe('BACKUP_DAMAGED');
    });
  });

  it('refuses to restore while the app holds the store open', async () => {
    const dataDir = await terminal();
    const out = join(tempDir(), 'backup.db');
    expect((await cli('--data-dir', dataDir, 'db', 'backup', '--out', out)).code).toBe(0);
    const app = openStore({ path: join(dataDir, 'store.db'), key: keyOf(dataDir) });
    try {
      const { code, stderr } = await cli('--data-dir', dataDir, 'db', 'restore', '--from', out);
      expect(code).toBe(1);
      expect(stderr).toContain('is Madoguchi running?');
    } finally {
      app.close();
    }
    expect(readdirSync(dataDir).some((f) => f.includes('before-restore'))).toBe(false);
  });
});

describe('madoguchi db usage', () => {
  it.each([
    [['db'], 'Name a db subcommand'],
    [['db', 'frobnicate'], 'Unknown db subcommand "frobnicate"'],
    [['db', 'backup'], 'backup needs --out FILE'],
    [['db', 'backup', '--out'], "Option '--out <value>' argument missing"],
    [['db', 'restore'], 'restore needs --from FILE'],
    [['db', 'check', '--full'], "Unknown option '--full'"],
    [['db', 'stats', 'extra'], 'Unexpected argument'],
  ])('exits 2 with a helpful message for %j', async (argv, message) => {
    const { code, stdout, stderr } = await cli('--data-dir', join(tempDir(), 't'), ...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: madoguchi db');
  });

  it('lists the subcommands in its help, and explains each one', async () => {
    const all = await cli('db', '--help');
    expect(all.code).toBe(0);
    for (const name of [
      'init',
      'migrate',
      'check',
      'stats',
      'backup --out FILE',
      'restore --from FILE',
    ])
      expect(all.stdout).toContain(name);
    const backup = await cli('db', 'backup', '--help');
    expect(backup.stdout).toContain('Usage: madoguchi db backup --out FILE [--force]');
    expect((await cli('--help')).stdout).toContain('db ');
  });

  it('writes nothing anywhere for a usage error', async () => {
    const dataDir = join(tempDir(), 'untouched');
    expect((await cli('--data-dir', dataDir, 'db', 'backup')).code).toBe(2);
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('madoguchi db seed', () => {
  it('fills an empty store with synthetic cases, prints only counts, and refuses to seed it twice', async () => {
    const dataDir = await terminal();
    const seeded = await cli(
      '--data-dir',
      dataDir,
      '--json',
      'db',
      'seed',
      '--cases',
      '20',
      '--seed',
      '5',
    );
    expect(seeded.code).toBe(0);
    const report = JSON.parse(seeded.stdout) as { cases: number; events: number };
    expect(report).toMatchObject({ ok: true, cases: 20, seed: 5, firstCase: 0 });
    expect(report.events).toBeGreaterThanOrEqual(20);
    expect(seeded.stdout).not.toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);

    const again = await cli(
      '--data-dir',
      dataDir,
      '--json',
      'db',
      'seed',
      '--cases',
      '5',
      '--seed',
      '5',
    );
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr)).toMatchObject({ error: { code: 'STORE_HAS_CASES' } });
    const appended = await cli(
      '--data-dir',
      dataDir,
      'db',
      'seed',
      '--cases',
      '5',
      '--seed',
      '6',
      '--append',
    );
    expect(appended.code).toBe(0);
    expect(appended.stdout).toContain('Seeded 5 synthetic case(s) with seed 6');

    const check = await cli('--data-dir', dataDir, '--json', 'db', 'check');
    expect(check.code).toBe(0);
  });

  it('says how to call it when --cases or --seed is missing or not a number', async () => {
    const dataDir = await terminal();
    const missing = await cli('--data-dir', dataDir, 'db', 'seed', '--cases', '10');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--seed');
    const wrong = await cli('--data-dir', dataDir, 'db', 'seed', '--cases', 'ten', '--seed', '1');
    expect(wrong.code).toBe(2);
    const help = await cli('db', '--help');
    expect(help.stdout).toContain('seed --cases N --seed S [--append]');
  });
});
