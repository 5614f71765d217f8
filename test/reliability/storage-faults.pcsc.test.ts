// The store's disk failing mid-day (issue 7, reliability 2), through the real services and the
// dispatcher the renderer calls: the data directory is a tiny tmpfs that fills up, then is
// turned read-only by the kernel after a disk error. The clerk gets a typed, actionable error (STORE_FULL, STORE_READ_ONLY),
// nothing committed is lost, and work resumes once space returns or the disk is repaired.
// Mounting needs root and a private mount namespace: named *.pcsc.test.ts so that npm test
// runs it inside test/harness/pcsc-namespace.sh (unshare -m), where no mount leaks out.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { myNumberCheckDigit } from '../../domain/my-number';
import { CardError } from '../../main/card/errors';
import { keyFileProvider } from '../../main/config/key-file';
import { createCounterServices, type CounterServices } from '../../main/core/services';
import { createLogger } from '../../main/log/logger';
import type { Result } from '../../preload/contract';
import { storeProblems } from './counter-work';

const ORIGIN = 'app://counter';
const PASSWORD = 'correct horse battery staple';
const silent = createLogger({ sink: () => undefined, level: 'error' });
const noReaders = {
  start: () => undefined,
  stop: () => undefined,
  snapshot: () => ({ service: 'unavailable' as const, readers: [] }),
  onChange: () => () => undefined,
  connect: () => Promise.reject(new CardError('NO_READER', 'No card reader is connected.')),
};

beforeAll(() => {
  // Outside the namespace these mounts would land on the host: refuse, loudly.
  const pcscdMount = execFileSync('findmnt', ['-n', '-o', 'FSTYPE', '--mountpoint', '/run/pcscd'], {
    encoding: 'utf8',
  }).trim();
  if (process.env['MADOGUCHI_PCSC_NAMESPACE'] !== '1' || pcscdMount !== 'tmpfs') {
    throw new Error('run inside test/harness/pcsc-namespace.sh (a private mount namespace)');
  }
});

const mounted: string[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const dir of mounted.splice(0)) {
    // Lazily, and never failing: a test that failed midway may have left it unmounted.
    spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A tmpfs of `size` (mount's notation, e.g. "8m") at a fresh directory. */
function tinyDisk(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  mounted.push(dir);
  return dir;
}
/**
 * A small ext4 file system on a loop device, mounted with errors=remount-ro as offices mount
 * their disks: fail() makes ext4 report an error (its sysfs trigger_fs_error), and the kernel
 * turns it read-only at once under the open store, as on a failing disk; repair() is what IT
 * does then: unmount, e2fsck, mount again.
 */
function ext4Disk(): { dir: string; fail(): void; repair(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-disk-'));
  const image = `${dir}.img`;
  execFileSync('truncate', ['-s', '64M', image]);
  execFileSync('mkfs.ext4', ['-q', '-F', image]);
  const mount = () => execFileSync('mount', ['-o', 'loop,errors=remount-ro', image, dir]);
  mount();
  mounted.push(dir);
  cleanups.push(() => rmSync(image, { force: true }));
  return {
    dir,
    fail() {
      const device = execFileSync('findmnt', ['-n', '-o', 'SOURCE', dir], { encoding: 'utf8' });
      writeFileSync(`/sys/fs/ext4/${basename(device.trim())}/trigger_fs_error`, '1');
    },
    repair() {
      execFileSync('umount', [dir]);
      // Exit status 1: errors were found and corrected, as after a disk error.
      const fsck = spawnSync('e2fsck', ['-f', '-y', image], { stdio: 'ignore' });
      if (fsck.status !== 0 && fsck.status !== 1) throw new Error(`e2fsck: ${fsck.status}`);
      mount();
    },
  };
}

const remount = (dir: string, options: string) =>
  execFileSync('mount', ['-o', `remount,${options}`, dir]);
const usedKiB = (dir: string): number =>
  Number(execFileSync('df', ['--output=used', '-k', dir], { encoding: 'utf8' }).split('\n')[1]);

let n = 0;
function applicant() {
  n += 1;
  const first11 = String(30_000_000_000 + n * 7919).padStart(11, '0');
  return {
    kind: 'new',
    person: {
      nameKanji: '窓口花子',
      nameKana: 'マドグチハナコ',
      birthDate: '1985-04-01',
      sex: 'female',
      // A long address: each application fills the disk faster.
      address: `東京都千代田区霞が関二丁目一番二号${'　架空ビル'.repeat(40)}`,
      overseas: false,
      myNumber: `${first11}${myNumberCheckDigit(first11)}`,
    },
  };
}

async function counterOn(dataDir: string) {
  const services = await createCounterServices({
    dataDir,
    keyProvider: keyFileProvider(dataDir, {}),
    host: 'test-bridge',
    log: silent,
    trustedOrigins: [ORIGIN],
    readers: noReaders,
  });
  const call = (name: string, input: unknown): Promise<Result<unknown>> =>
    services.dispatch(name, input, `${ORIGIN}/index.html`);
  return { services, call };
}

async function signedInCounter(dataDir: string) {
  const counter = await counterOn(dataDir);
  const admin = await counter.call('setup.createFirstAdministrator', {
    staffId: 'admin-01',
    displayName: 'Disk Test Administrator',
    password: PASSWORD,
  });
  expect(admin.ok).toBe(true);
  // Applications are a clerk's work.
  const clerk = await counter.call('staff.create', {
    staffId: 'clerk-01',
    displayName: 'Disk Test Clerk',
    role: 'clerk',
    password: PASSWORD,
  });
  expect(clerk.ok).toBe(true);
  await counter.call('auth.signOut', {});
  const signedIn = await counter.call('auth.signIn', { staffId: 'clerk-01', password: PASSWORD });
  expect(signedIn.ok).toBe(true);
  return counter;
}

/** Applications recorded in the store, read afresh from the file (what a restart would see). */
function applicationsOnDisk(services: CounterServices): string[] {
  return services.db
    .prepare('SELECT application_id FROM application ORDER BY application_id')
    .pluck()
    .all() as string[];
}

describe('the store on a disk that fills up or turns read-only', () => {
  it(
    'says the disk is full, loses nothing committed, and works again once space returns',
    { timeout: 120_000 },
    async () => {
      const disk = tinyDisk('16m');
      const { services, call } = await signedInCounter(disk);
      try {
        // Shrink the disk to what is used plus a little: the day's applications fill it.
        remount(disk, `size=${usedKiB(disk) + 512}k`);
        const recorded: string[] = [];
        let refused: Result<unknown> | null = null;
        for (let i = 0; i < 5_000 && !refused; i += 1) {
          const result = await call('applications.record', applicant());
          if (result.ok) recorded.push((result.value as { applicationId: string }).applicationId);
          else refused = result;
        }
        expect(recorded.length).toBeGreaterThan(0);
        expect(refused).toMatchObject({
          ok: false,
          error: { code: 'STORE_FULL', message: expect.stringMatching(/full.*not saved/s) },
        });
        // Refused again while full, and nothing half-written meanwhile.
        expect(await call('applications.record', applicant())).toMatchObject({
          error: { code: 'STORE_FULL' },
        });
        expect(applicationsOnDisk(services)).toEqual([...recorded].sort());
        expect(storeProblems(services.db)).toEqual([]);

        // IT frees space: the same terminal, without a restart, records again.
        remount(disk, 'size=64m');
        const after = await call('applications.record', applicant());
        expect(after.ok).toBe(true);
        recorded.push((after as { value: { applicationId: string } }).value.applicationId);
        expect(applicationsOnDisk(services)).toEqual([...recorded].sort());
      } finally {
        await services.close();
      }
      // And the store reopens whole with everything in it.
      const reopened = await counterOn(disk);
      try {
        expect(storeProblems(reopened.services.db)).toEqual([]);
      } finally {
        await reopened.services.close();
      }
    },
  );

  it(
    'says the disk turned read-only, loses nothing committed, and works again once IT has repaired it',
    { timeout: 120_000 },
    async () => {
      const disk = ext4Disk();
      const { services, call } = await signedInCounter(disk.dir);
      const before: string[] = [];
      try {
        for (let i = 0; i < 20; i += 1) {
          const result = await call('applications.record', applicant());
          expect(result).toEqual({ ok: true, value: expect.anything() });
          before.push((result as { value: { applicationId: string } }).value.applicationId);
        }
        // A disk error: the kernel remounts the file system read-only under the running app.
        disk.fail();
        const refused = await call('applications.record', applicant());
        expect(refused).toMatchObject({
          ok: false,
          error: {
            code: 'STORE_READ_ONLY',
            message: expect.stringMatching(/read-only.*not saved/s),
          },
        });
        // The clerk can still look cases up: reading works.
        expect(await call('cases.search', { query: 'マドグチ' })).toMatchObject({ ok: true });
        expect(applicationsOnDisk(services)).toEqual([...before].sort());
      } finally {
        await services.close();
      }
      // IT checks the disk and mounts it again; the app starts again on it.
      disk.repair();
      const again = await counterOn(disk.dir);
      try {
        await again.call('auth.signIn', { staffId: 'clerk-01', password: PASSWORD });
        expect(applicationsOnDisk(again.services)).toEqual([...before].sort());
        const after = await again.call('applications.record', applicant());
        expect(after).toEqual({ ok: true, value: expect.anything() });
        expect(applicationsOnDisk(again.services)).toHaveLength(before.length + 1);
        expect(storeProblems(again.services.db)).toEqual([]);
      } finally {
        await again.services.close();
      }
    },
  );
});
