import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir';
import { keyFileProvider } from './key-file';

describe('the store key outside Electron', () => {
  it('is created once, 256 bits, readable by its owner only, and then reused', async () => {
    const dir = tempDir();
    const first = await keyFileProvider(dir, {}).getOrCreateKey();
    expect(first).toHaveLength(32);
    expect(statSync(join(dir, 'store.key')).mode & 0o777).toBe(0o600);
    expect(await keyFileProvider(dir, {}).getOrCreateKey()).toEqual(first);
    expect(readFileSync(join(dir, 'store.key'), 'utf8').trim()).toBe(first.toString('hex'));
  });

  it('refuses a key file that other users can read, and says how to fix it', async () => {
    const dir = tempDir();
    await keyFileProvider(dir, {}).getOrCreateKey();
    chmodSync(join(dir, 'store.key'), 0o644);
    await expect(keyFileProvider(dir, {}).getOrCreateKey()).rejects.toThrow(/chmod 600/);
  });

  it('refuses a damaged key file instead of creating a new key over it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'store.key'), 'not hex\n', { mode: 0o600 });
    await expect(keyFileProvider(dir, {}).getOrCreateKey()).rejects.toThrow(
      /64 hexadecimal digits/,
    );
    expect(readFileSync(join(dir, 'store.key'), 'utf8')).toBe('not hex\n');
  });

  it('takes the key from MADOGUCHI_DB_KEY for automation, and checks its shape', async () => {
    const dir = tempDir();
    const key = await keyFileProvider(dir, { MADOGUCHI_DB_KEY: '0f'.repeat(32) }).getOrCreateKey();
    expect(key.toString('hex')).toBe('0f'.repeat(32));
    expect(() => keyFileProvider(dir, { MADOGUCHI_DB_KEY: '0f' })).toThrow(/MADOGUCHI_DB_KEY/);
  });

  it('does not create a key when only asked whether one exists', async () => {
    const dir = tempDir();
    expect(await keyFileProvider(dir, {}).existingKey()).toBeNull();
    expect(() => statSync(join(dir, 'store.key'))).toThrow();
  });
});
