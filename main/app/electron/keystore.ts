// The store key in Electron: safeStorage adapted to the KeyWrapper port of
// main/app/wrapped-key.ts, which holds the whole procedure (refusing Linux's basic_text
// backend, recording the backend, never replacing an existing key) and is tested in Node.

import path from 'node:path';
import { app, safeStorage } from 'electron';
import type { KeyProvider } from '../../config/key-file';
import type { Logger } from '../../log/logger';
import { WRAPPED_KEY_FILE, wrappedKeyProvider } from '../wrapped-key';

/** Call after 'ready': before it, Linux reports the backend as 'unknown' (and is refused). */
export function safeStorageKeyProvider(log: Logger): KeyProvider {
  return wrappedKeyProvider({
    file: path.join(app.getPath('userData'), WRAPPED_KEY_FILE),
    platform: process.platform,
    log,
    wrapper: {
      // Only Linux has a choice of keyrings; elsewhere there is one per platform.
      backend: () =>
        process.platform === 'linux'
          ? safeStorage.getSelectedStorageBackend()
          : process.platform === 'win32'
            ? 'dpapi'
            : 'keychain',
      isAvailable: () => safeStorage.isAsyncEncryptionAvailable(),
      wrap: (plain) => safeStorage.encryptStringAsync(plain),
      unwrap: async (wrapped) => {
        const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(wrapped);
        return { plain: result, shouldRewrap: shouldReEncrypt };
      },
    },
  });
}
