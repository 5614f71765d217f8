// `madoguchi card simulate` as an administrator or a trainer runs it: a card in the vpcd
// reader of the real pcscd until SIGTERM, readable by OpenSC meanwhile, and back in the
// reader after pcscd restarts.

import { execFile } from 'node:child_process';
import { copyFile, cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPcscd, type PcscdHandle } from '../../../test/harness/pcscd';
import { untilReaderShows } from '../../../test/harness/virtual-card';
import { tempDir } from '../../../test/support/temp-dir';
import type { CliIo } from '../command';
import { cardSimulateCommand } from './card-simulate';

const run = promisify(execFile);

/** A data directory whose test CA starts from the committed test keys (no key generation). */
async function dataDirWithFixtureKeys(): Promise<string> {
  const dir = tempDir();
  await cp('test/fixtures/card-keys', join(dir, 'virtual-cards', 'jpki-test-ca'), {
    recursive: true,
  });
  return dir;
}

function collectingIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {} };
}

describe('madoguchi card simulate, with the real pcscd', () => {
  let pcscd: PcscdHandle;

  beforeAll(async () => {
    pcscd = await startPcscd();
  });

  afterAll(async () => {
    await pcscd?.stop();
  });

  it('keeps the card in the reader for OpenSC, back in after a pcscd restart, out on SIGTERM', async () => {
    const dir = await dataDirWithFixtureKeys();
    const profile = join(dir, 'card.json');
    await copyFile('test/fixtures/cards/issued.json', profile);
    const reader = pcscd.readers[0]!;
    const io = collectingIo();
    let exit: Promise<number> | undefined;
    await untilReaderShows(reader, 'present', async () => {
      exit = cardSimulateCommand.run(
        [
          'simulate',
          '--profile',
          profile,
          '--port',
          String(reader.port),
          '--write-root',
          join(dir, 'roots.pem'),
        ],
        { dataDir: dir, json: false },
        io,
      );
    });
    expect((await run('opensc-tool', ['--reader', '0', '--name'])).stdout.trim()).toBe('jpki');
    const roots = await readFile(join(dir, 'roots.pem'), 'utf8');
    expect(roots.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);

    await pcscd.restart();
    await untilReaderShows(reader, 'present');
    expect((await run('opensc-tool', ['--reader', '0', '--name'])).stdout.trim()).toBe('jpki');

    await untilReaderShows(reader, 'empty', async () => {
      process.emit('SIGTERM');
      expect(await exit).toBe(0);
    });
    expect(io.out.join('\n')).toContain('Card removed.');
    // Nothing personal on the console: no name, no My Number.
    expect([...io.out, ...io.err].join('\n')).not.toMatch(/試験|100000000013/);
  });

  it('reuses its CA directory: the same roots on every run', async () => {
    const dir = await dataDirWithFixtureKeys();
    const profile = join(dir, 'card.json');
    await copyFile('test/fixtures/cards/issued.json', profile);
    const write = async (file: string) => {
      const code = await cardSimulateCommand.run(
        ['--profile', profile, '--write-root', join(dir, file)],
        { dataDir: dir, json: false },
        collectingIo(),
      );
      expect(code).toBe(0);
      return readFile(join(dir, file), 'utf8');
    };
    expect(await write('first.pem')).toBe(await write('second.pem'));
  });

  it('says clearly when no vpcd reader listens at the port', async () => {
    const dir = await dataDirWithFixtureKeys();
    const error: unknown = await cardSimulateCommand
      .run(
        [
          '--profile',
          'test/fixtures/cards/issued.json',
          '--port',
          '1',
          '--ca-dir',
          join(dir, 'ca'),
        ],
        { dataDir: dir, json: false },
        collectingIo(),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VPCD_UNREACHABLE' });
  });
});
