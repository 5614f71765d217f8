// The store key in the desktop app: 32 random bytes, wrapped by the OS keyring (Electron's
// safeStorage: DPAPI on Windows, libsecret or KWallet on Linux) and kept in
// <userData>/store.key.enc. This module holds the whole procedure behind a small `KeyWrapper`
// port, so it runs in Node tests; main/app/electron/keystore.ts only adapts safeStorage to it.
//
// Why refuse Linux's `basic_text` backend: it "encrypts" with a hard-coded password, so the
// wrapped key would be as good as plain text next to the encrypted store (Signal refuses it
// too, reference/electron-practices.md §1).
//
// Why record the backend: a desktop change (GNOME -> KDE) or a forced `--password-store` moves
// Chromium to another keyring, which cannot unwrap the key. Recording the backend lets the app
// say exactly that instead of "cannot decrypt", and lets a benign rename (kwallet5 ->
// kwallet6 over the same wallet) be re-recorded once unwrapping still works.
//
// Escrow: when the keyring itself is lost (reinstalled OS, reset login keyring, another OS
// user), the wrapped key cannot be recovered from this machine. The recovery path is a
// supervisor-held copy of the key made at first start (sealed to an office recovery key and
// printed or stored offline), restored through `madoguchi` by a supervisor. That copy does not
// exist yet; until it does, this module never replaces an existing key file (that would orphan
// the store) and the startup error tells the clerk to call a supervisor.

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { z } from 'zod';
import type { KeyProvider } from '../config/key-file';
import type { Logger } from '../log/logger';

export const WRAPPED_KEY_FILE = 'store.key.enc';

/** Same length db/open.ts requires (KEY_BYTES); kept here so this module loads no native code. */
const KEY_BYTES = 32;

/** What the procedure needs from safeStorage. */
export interface KeyWrapper {
  /** The keyring in use: Linux's selected safeStorage backend, or the platform's only one. */
  backend(): string;
  isAvailable(): Promise<boolean>;
  wrap(plain: string): Promise<Buffer>;
  unwrap(wrapped: Buffer): Promise<{ plain: string; shouldRewrap: boolean }>;
}

export type KeystoreErrorCode =
  | 'KEYRING_INSECURE'
  | 'KEYRING_UNAVAILABLE'
  | 'KEYRING_CHANGED'
  | 'KEY_UNWRAP_FAILED'
  | 'KEY_FILE_DAMAGED';

export class KeystoreError extends Error {
  override readonly name = 'KeystoreError';
  readonly code: KeystoreErrorCode;
  constructor(code: KeystoreErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Linux backends that do not protect the key: refused before anything is read or written. */
const INSECURE_LINUX_BACKENDS = new Set(['basic_text', 'unknown']);

const envelopeSchema = z.strictObject({
  format: z.literal('madoguchi.wrapped-key'),
  version: z.literal(1),
  backend: z.string().min(1).max(64),
  wrappedKey: z.base64().min(1),
});
type Envelope = z.infer<typeof envelopeSchema>;

export interface WrappedKeyOptions {
  /** <userData>/store.key.enc */
  file: string;
  platform: NodeJS.Platform;
  wrapper: KeyWrapper;
  log: Logger;
}

export function wrappedKeyProvider(options: WrappedKeyOptions): KeyProvider {
  const { file, wrapper, log } = options;

  const checkKeyring = async (): Promise<string> => {
    const backend = wrapper.backend();
    if (options.platform === 'linux' && INSECURE_LINUX_BACKENDS.has(backend)) {
      throw new KeystoreError(
        'KEYRING_INSECURE',
        `No secure keyring is available (safeStorage backend "${backend}"). Sign in to a desktop session with GNOME Keyring or KWallet.`,
      );
    }
    if (!(await wrapper.isAvailable())) {
      throw new KeystoreError(
        'KEYRING_UNAVAILABLE',
        `The OS keyring (${backend}) is not available to this user.`,
      );
    }
    return backend;
  };

  /** `persist` false: only read (the doctor must not change anything), never re-wrap. */
  const load = async (backend: string, persist: boolean): Promise<Buffer> => {
    const envelope = readEnvelope(file);
    let unwrapped: { plain: string; shouldRewrap: boolean };
    try {
      unwrapped = await wrapper.unwrap(Buffer.from(envelope.wrappedKey, 'base64'));
    } catch {
      throw envelope.backend === backend
        ? new KeystoreError(
            'KEY_UNWRAP_FAILED',
            `The OS keyring (${backend}) can no longer unwrap the store key.`,
          )
        : new KeystoreError(
            'KEYRING_CHANGED',
            `The store key was wrapped by the "${envelope.backend}" keyring, but this session uses "${backend}".`,
          );
    }
    const key = Buffer.from(unwrapped.plain, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new KeystoreError('KEY_FILE_DAMAGED', `${file} does not hold a ${KEY_BYTES}-byte key.`);
    }
    if (persist && (envelope.backend !== backend || unwrapped.shouldRewrap)) {
      log.warn('store key re-wrapped', {
        from: envelope.backend,
        to: backend,
        rotated: unwrapped.shouldRewrap,
      });
      replaceFile(
        file,
        serialize({
          ...envelope,
          backend,
          wrappedKey: (await wrapper.wrap(unwrapped.plain)).toString('base64'),
        }),
      );
    }
    return key;
  };

  return {
    get source() {
      return `safeStorage-wrapped key ${file}`;
    },
    existingKey: async () => (existsSync(file) ? load(await checkKeyring(), false) : null),
    getOrCreateKey: async () => {
      const backend = await checkKeyring();
      if (existsSync(file)) return load(backend, true);
      const key = randomBytes(KEY_BYTES);
      const wrapped = await wrapper.wrap(key.toString('base64'));
      const envelope: Envelope = {
        format: 'madoguchi.wrapped-key',
        version: 1,
        backend,
        wrappedKey: wrapped.toString('base64'),
      };
      if (!createFile(file, serialize(envelope))) {
        // Another start won the race (the single-instance lock makes this rare): use its key.
        key.fill(0);
        return load(backend, true);
      }
      log.info('store key created', { backend });
      return key;
    },
  };
}

function readEnvelope(file: string): Envelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new KeystoreError('KEY_FILE_DAMAGED', `${file} is not readable JSON.`);
  }
  const result = envelopeSchema.safeParse(parsed);
  if (!result.success)
    throw new KeystoreError('KEY_FILE_DAMAGED', `${file} is not a Madoguchi wrapped key.`);
  return result.data;
}

function serialize(envelope: Envelope): string {
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

/** Writes a synced temporary file, owner-only. */
function writeTemp(file: string, text: string): string {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Publishes the file complete or not at all, and never over an existing key: false if one exists. */
function createFile(file: string, text: string): boolean {
  const temp = writeTemp(file, text);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Replaces the file atomically: a crash leaves the old or the new envelope, both valid. */
function replaceFile(file: string, text: string): void {
  renameSync(writeTemp(file, text), file);
}
