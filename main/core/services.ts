// The counter's services, composed once per process: Electron's main, the CLI and the
// Playwright bridge all call this, so every host runs the same code behind the contract.

import { join } from 'node:path';
import { openStore, type Db } from '../../db/open';
import type { ReaderSnapshot } from '../../preload/contract';
import { AuthService } from '../auth/auth-service';
import { ensureDataDir, STORE_FILE } from '../config/data-dir';
import type { KeyProvider } from '../config/key-file';
import type { Logger } from '../log/logger';
import { SettingsService } from '../settings/settings-service';
import { createDispatcher, type Dispatch, type Handlers } from './dispatch';
import { EventBus } from './event-bus';
import { APP_NAME, APP_VERSION } from './version';

/** What the services need from the reader subsystem (main/card/reader-manager.ts). */
export interface ReaderSource {
  start(): void;
  stop(): Promise<void> | void;
  snapshot(): ReaderSnapshot;
  onChange(listener: (snapshot: ReaderSnapshot) => void): () => void;
}

export interface CounterServicesOptions {
  dataDir: string;
  keyProvider: KeyProvider;
  host: 'electron' | 'test-bridge';
  log: Logger;
  /** Origins whose frames may call (app://counter in Electron). */
  trustedOrigins: readonly string[];
  readers: ReaderSource;
  now?: () => Date;
}

export interface CounterServices {
  dispatch: Dispatch;
  bus: EventBus;
  auth: AuthService;
  settings: SettingsService;
  db: Db;
  close(): Promise<void>;
}

export async function createCounterServices(
  options: CounterServicesOptions,
): Promise<CounterServices> {
  const { dataDir, log, readers } = options;
  ensureDataDir(dataDir);
  const key = await options.keyProvider.getOrCreateKey();
  const db = openStore({ path: join(dataDir, STORE_FILE), key });
  key.fill(0);

  const bus = new EventBus();
  const auth = new AuthService({
    db,
    bus,
    log: log.child('auth'),
    ...(options.now ? { now: options.now } : {}),
  });
  const settings = new SettingsService(db, bus);

  const stopForwarding = readers.onChange((snapshot) => bus.emit('reader.changed', snapshot));
  readers.start();

  const handlers: Handlers = {
    'app.info': () => ({ name: APP_NAME, version: APP_VERSION, host: options.host }),
    'setup.status': () => ({ needsFirstAdministrator: auth.needsFirstAdministrator() }),
    'setup.createFirstAdministrator': (input) => auth.createFirstAdministrator(input),
    'auth.signIn': (input) => auth.signIn(input),
    'auth.signOut': () => auth.signOut(),
    'auth.session': () => auth.session(),
    'settings.get': () => settings.get(),
    'settings.setLanguage': (input) => settings.setLanguage(input.language),
    'reader.snapshot': () => readers.snapshot(),
  };

  const dispatch = createDispatcher({
    handlers,
    trustedOrigins: options.trustedOrigins,
    authorize: (permission) => auth.authorize(permission),
    log: log.child('ipc'),
  });

  return {
    dispatch,
    bus,
    auth,
    settings,
    db,
    async close() {
      stopForwarding();
      await readers.stop();
      db.close();
    },
  };
}
