// The store and key a command works on: the store file must exist (unless the command creates
// it) and the key must already be there; a command never creates a key by accident.

import { existsSync } from 'node:fs';
import { keyFileProvider } from '../config/key-file';
import type { CliIo, GlobalOptions } from './command';
import { CommandFailure } from './command';

export interface StoreContext {
  global: GlobalOptions;
  io: CliIo;
  storePath: string;
}

/** Runs `use` with this terminal's existing key (never creating one), then wipes the key. */
export async function withKey<T>(
  ctx: StoreContext,
  use: (key: Buffer) => T | Promise<T>,
  options: { storeMayBeMissing?: boolean } = {},
): Promise<T> {
  if (!options.storeMayBeMissing && !existsSync(ctx.storePath)) {
    throw new CommandFailure(
      'STORE_MISSING',
      `No case store at ${ctx.storePath}. Run "madoguchi db init" to create one, or check --data-dir.`,
    );
  }
  const provider = keyFileProvider(ctx.global.dataDir, ctx.io.env);
  const key = await provider.existingKey();
  if (!key) {
    throw new CommandFailure(
      'KEY_MISSING',
      `This terminal has no store key (${provider.source}). Put the key the store was made with in place first.`,
    );
  }
  try {
    return await use(key);
  } finally {
    key.fill(0);
  }
}
