import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir';
import { createMemoryLogger } from '../log/logger';
import { startupDialog } from './startup-error';
import {
  KeystoreError,
  WRAPPED_KEY_FILE,
  wrappedKeyProvider,
  type KeyWrapper,
} from './wrapped-key';

/**
 * A stand-in for safeStorage: each keyring seals with its own secret, so a different keyring
 * cannot unwrap what another one wrapped, as with the real OS keyrings.
 */
class FakeKeyring implements KeyWrapper {
  wraps = 0;
  rotated = false;
  constructor(
    public name: string,
    public available = true,
    private secret = name,
  ) {}
  backend(): string {
    return this.name;
  }
  async isAvailable(): Promise<boolean> {
    return this.available;
  }
  async wrap(plain: string): Promise<Buffer> {
    this.wraps += 1;
    return Buffer.from(`${this.secret}|${plain}`);
  }
  async unwrap(wrapped: Buffer): Promise<{ plain: string; shouldRewrap: boolean }> {
    const [secret, plain] = wrapped.toString().split('|');
    if (secret !== this.secret || plain === undefined)
      throw new Error('Error while decrypting the ciphertext');
    return { plain, shouldRewrap: this.rotated };
  }
}

function setup(keyring: KeyWrapper, platform: NodeJS.Platform = 'linux') {
  const dir = tempDir();
  const file = join(dir, WRAPPED_KEY_FILE);
  const { log, records } = createMemoryLogger();
  return { file, records, provider: wrappedKeyProvider({ file, platform, wrapper: keyring, log }) };
}

async function rejection(promise: Promise<unknown>): Promise<KeystoreError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(KeystoreError);
  return error as KeystoreError;
}

describe('the store key wrapped by the OS keyring', () => {
  it('is created once on first start, 32 random bytes, and the same key comes back after a restart', async () => {
    const keyring = new FakeKeyring('gnome_libsecret');
    const { file, provider } = setup(keyring);
    const key = await provider.getOrCreateKey();
    expect(key).toHaveLength(32);
    const again = await wrappedKeyProvider({
      file,
      platform: 'linux',
      wrapper: keyring,
      log: createMemoryLogger().log,
    }).getOrCreateKey();
    expect(again.equals(key)).toBe(true);
    expect(keyring.wraps).toBe(1);
  });

  it('gives two starts racing on an empty directory the same key', async () => {
    const keyring = new FakeKeyring('gnome_libsecret');
    const { file, provider } = setup(keyring);
    const other = wrappedKeyProvider({
      file,
      platform: 'linux',
      wrapper: keyring,
      log: createMemoryLogger().log,
    });
    const [a, b] = await Promise.all([provider.getOrCreateKey(), other.getOrCreateKey()]);
    expect(a.equals(b)).toBe(true);
  });

  it('stores only the wrapped key, owner-readable, with the keyring that wrapped it', async () => {
    const { file, provider } = setup(new FakeKeyring('kwallet6'));
    const key = await provider.getOrCreateKey();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(key.toString('hex'));
    expect(JSON.parse(text)).toMatchObject({
      format: 'madoguchi.wrapped-key',
      version: 1,
      backend: 'kwallet6',
    });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('refuses to start on Linux with the plain-text backend, before writing anything', async () => {
    for (const backend of ['basic_text', 'unknown']) {
      const { file, provider } = setup(new FakeKeyring(backend));
      expect((await rejection(provider.getOrCreateKey())).code).toBe('KEYRING_INSECURE');
      expect(existsSync(file)).toBe(false);
    }
  });

  it('refuses when the keyring is locked or missing', async () => {
    const { provider } = setup(new FakeKeyring('gnome_libsecret', false));
    expect((await rejection(provider.getOrCreateKey())).code).toBe('KEYRING_UNAVAILABLE');
  });

  it('uses the platform keyring on Windows', async () => {
    const { provider } = setup(new FakeKeyring('dpapi'), 'win32');
    expect(await provider.getOrCreateKey()).toHaveLength(32);
  });

  it('says the keyring changed when another keyring cannot unwrap the key, and keeps the key file', async () => {
    const { file, provider } = setup(new FakeKeyring('gnome_libsecret'));
    await provider.getOrCreateKey();
    const before = readFileSync(file, 'utf8');
    const kde = wrappedKeyProvider({
      file,
      platform: 'linux',
      wrapper: new FakeKeyring('kwallet5'),
      log: createMemoryLogger().log,
    });
    const error = await rejection(kde.getOrCreateKey());
    expect(error.code).toBe('KEYRING_CHANGED');
    expect(error.message).toContain('gnome_libsecret');
    expect(error.message).toContain('kwallet5');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('re-records a renamed keyring that still unwraps the key (kwallet5 -> kwallet6 over one wallet)', async () => {
    const wallet = new FakeKeyring('kwallet5', true, 'same-wallet');
    const { file, provider, records } = setup(wallet);
    const key = await provider.getOrCreateKey();
    wallet.name = 'kwallet6';
    expect((await provider.getOrCreateKey()).equals(key)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ backend: 'kwallet6' });
    expect(records.some((r) => r.msg === 'store key re-wrapped')).toBe(true);
  });

  it('re-wraps when the keyring rotated its own key', async () => {
    const keyring = new FakeKeyring('gnome_libsecret');
    const { provider } = setup(keyring);
    const key = await provider.getOrCreateKey();
    keyring.rotated = true;
    expect((await provider.getOrCreateKey()).equals(key)).toBe(true);
    expect(keyring.wraps).toBe(2);
  });

  it('reports a keyring that can no longer unwrap with the same name (reset keyring)', async () => {
    const keyring = new FakeKeyring('gnome_libsecret');
    const { file } = setup(keyring);
    await wrappedKeyProvider({
      file,
      platform: 'linux',
      wrapper: keyring,
      log: createMemoryLogger().log,
    }).getOrCreateKey();
    const reset = new FakeKeyring('gnome_libsecret', true, 'new-login-keyring');
    const error = await rejection(
      wrappedKeyProvider({
        file,
        platform: 'linux',
        wrapper: reset,
        log: createMemoryLogger().log,
      }).getOrCreateKey(),
    );
    expect(error.code).toBe('KEY_UNWRAP_FAILED');
  });

  it('never replaces a damaged key file with a new key', async () => {
    const { file, provider } = setup(new FakeKeyring('gnome_libsecret'));
    for (const content of [
      '',
      'not json',
      '{"format":"madoguchi.wrapped-key","version":2}',
      JSON.stringify({
        format: 'madoguchi.wrapped-key',
        version: 1,
        backend: 'gnome_libsecret',
        wrappedKey: Buffer.from('gnome_libsecret|c2hvcnQ=').toString('base64'),
      }),
    ]) {
      writeFileSync(file, content);
      expect((await rejection(provider.getOrCreateKey())).code).toBe('KEY_FILE_DAMAGED');
      expect(readFileSync(file, 'utf8')).toBe(content);
    }
  });

  it('lets the doctor read the key without creating or rewriting anything', async () => {
    const keyring = new FakeKeyring('kwallet5', true, 'wallet');
    const { file, provider } = setup(keyring);
    expect(await provider.existingKey()).toBeNull();
    expect(existsSync(file)).toBe(false);
    const key = await provider.getOrCreateKey();
    const before = readFileSync(file, 'utf8');
    keyring.name = 'kwallet6';
    keyring.rotated = true;
    expect((await provider.existingKey())?.equals(key)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('the startup dialog', () => {
  it('tells the clerk in Japanese and English what went wrong and to call a supervisor', () => {
    const dialog = startupDialog(new KeystoreError('KEYRING_INSECURE', 'technical detail'));
    expect(dialog.message).toContain('キーリング');
    expect(dialog.message).toContain('keyring');
    expect(dialog.message).toContain('supervisor');
    expect(dialog.message).not.toContain('technical detail');
  });

  it('keeps unexpected errors out of the dialog (they go to the log)', () => {
    const dialog = startupDialog(
      new Error('SQLITE_CANTOPEN /home/clerk/.config/Madoguchi/store.db'),
    );
    expect(dialog.message).not.toContain('SQLITE');
    expect(dialog.message).toContain('log');
  });
});
