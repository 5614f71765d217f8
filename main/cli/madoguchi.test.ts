import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir';
import { APP_VERSION } from '../core/version';
import { cli } from './testing';

describe('the madoguchi command', () => {
  it('prints its version', async () => {
    expect(await cli('--version')).toMatchObject({ code: 0, stdout: `Madoguchi ${APP_VERSION}` });
    const json = await cli('--version', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ name: 'Madoguchi', version: APP_VERSION });
  });

  it('prints help that lists the commands and exit codes', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('doctor');
    expect(stdout).toMatch(/^ {2}db /m);
    expect(stdout).toMatch(/^ {2}cases /m);
    expect(stdout).toContain('--data-dir');
    expect(stdout).toContain('Exit codes');
  });

  it.each([
    [[], 'Name a command'],
    [['frobnicate'], 'Unknown command "frobnicate"'],
    [['--colour', 'doctor'], 'Unknown option --colour'],
    [['doctor', '--bogus'], "Unknown option '--bogus'"],
    [['doctor', '--timeout', 'soon'], '--timeout takes a whole number'],
    [['--data-dir'], '--data-dir needs a directory'],
  ])('exits 2 with a helpful message for %j', async (argv, message) => {
    const { code, stderr, stdout } = await cli(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it('reports usage errors as JSON under --json', async () => {
    const { code, stderr } = await cli('--json', 'frobnicate');
    expect(code).toBe(2);
    expect(JSON.parse(stderr)).toEqual({
      error: { code: 'USAGE', message: 'Unknown command "frobnicate".' },
    });
  });

  it('doctor --json describes each check, with global options before or after the command', async () => {
    const dataDir = join(tempDir(), 'terminal');
    for (const argv of [
      ['--data-dir', dataDir, '--json', 'doctor'],
      ['doctor', '--json', `--data-dir=${dataDir}`],
    ]) {
      const { code, stdout } = await cli(...argv, '--timeout', '2000');
      const report = JSON.parse(stdout) as {
        ok: boolean;
        dataDir: string;
        checks: { id: string; status: string; detail: string }[];
      };
      expect(report.dataDir).toBe(dataDir);
      expect(report.checks.map((c) => c.id)).toEqual(['data-dir', 'store', 'pcscd', 'central']);
      for (const check of report.checks) {
        expect(['ok', 'warn', 'fail', 'skip']).toContain(check.status);
        expect(check.detail.length).toBeGreaterThan(0);
      }
      expect(code).toBe(report.ok ? 0 : 1);
    }
  });

  it('doctor prints a readable table without --json', async () => {
    const { stdout } = await cli(
      'doctor',
      '--data-dir',
      join(tempDir(), 'terminal'),
      '--timeout',
      '2000',
    );
    const lines = stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^CHECK\s+STATUS\s+DETAIL$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Case store\s+WARN\s+No case store yet/));
  });
});
