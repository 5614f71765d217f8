// The central service's data directory: its keys and certificates, its store and the store's
// key. `madoguchi-central init` creates it; every other command opens it. All files are
// owner-only.
//
//   central.json        name, created_at
//   ca.pem, ca.key.pem  the CA (certificate, ECDSA P-256 key)
//   server.pem, server.key.pem   the TLS server certificate for 127.0.0.1 / localhost
//   signing.key.pem     Ed25519: receipts, revocation lists
//   encryption.key.pem  X25519: export files are encrypted to it
//   store.key           the central store's 256-bit key (hex)
//   central.db          the store (encrypted SQLite)

import { randomBytes, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawPublicKey } from '../sync/signing';
import { createCentralKeys } from './pki';
import type { CentralStore } from './store/central-store';
import { SqliteCentralStore } from './store/sqlite-store';

export class CentralSetupError extends Error {
  constructor(
    readonly code:
      'CENTRAL_NOT_INITIALIZED' | 'CENTRAL_ALREADY_INITIALIZED' | 'CENTRAL_BAD_DATA_DIR',
    message: string,
  ) {
    super(message);
    this.name = 'CentralSetupError';
  }
}

export interface CentralFiles {
  dataDir: string;
  name: string;
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  signingKey: KeyObject;
  signingPublicKey: Buffer;
  encryptionKey: KeyObject;
  encryptionPublicKey: Buffer;
}

const CONFIG = 'central.json';

function writePrivate(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
}

export function isInitialized(dataDir: string): boolean {
  return existsSync(join(dataDir, CONFIG));
}

export async function initCentral(
  dataDir: string,
  name: string,
  now: Date = new Date(),
): Promise<void> {
  if (isInitialized(dataDir)) {
    throw new CentralSetupError(
      'CENTRAL_ALREADY_INITIALIZED',
      `${dataDir} already holds a central service; it is left as it is.`,
    );
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const keys = await createCentralKeys(name, now);
  writePrivate(join(dataDir, 'ca.pem'), keys.ca.certPem);
  writePrivate(join(dataDir, 'ca.key.pem'), keys.ca.keyPem);
  writePrivate(join(dataDir, 'server.pem'), keys.server.certPem);
  writePrivate(join(dataDir, 'server.key.pem'), keys.server.keyPem);
  writePrivate(join(dataDir, 'signing.key.pem'), keys.signingKeyPem);
  writePrivate(join(dataDir, 'encryption.key.pem'), keys.encryptionKeyPem);
  writePrivate(join(dataDir, 'store.key'), randomBytes(32).toString('hex'));
  const store = new SqliteCentralStore({
    path: join(dataDir, 'central.db'),
    key: Buffer.from(read(dataDir, 'store.key').trim(), 'hex'),
  });
  try {
    store.setMeta('name', name);
    store.setMeta('created_at', now.toISOString());
  } finally {
    store.close();
  }
  // Written last: its presence means the directory is complete.
  writePrivate(
    join(dataDir, CONFIG),
    `${JSON.stringify({ name, created_at: now.toISOString() }, null, 2)}\n`,
  );
}

function read(dataDir: string, file: string): string {
  try {
    return readFileSync(join(dataDir, file), 'utf8');
  } catch {
    throw new CentralSetupError(
      'CENTRAL_BAD_DATA_DIR',
      `${join(dataDir, file)} is missing or unreadable.`,
    );
  }
}

export function loadCentralFiles(dataDir: string): CentralFiles {
  if (!isInitialized(dataDir)) {
    throw new CentralSetupError(
      'CENTRAL_NOT_INITIALIZED',
      `${dataDir} holds no central service. Run: madoguchi-central init --data-dir ${dataDir} --name NAME`,
    );
  }
  const config = JSON.parse(read(dataDir, CONFIG)) as { name: string };
  const signingKey = createPrivateKey(read(dataDir, 'signing.key.pem'));
  const encryptionKey = createPrivateKey(read(dataDir, 'encryption.key.pem'));
  return {
    dataDir,
    name: config.name,
    caCertPem: read(dataDir, 'ca.pem'),
    caKeyPem: read(dataDir, 'ca.key.pem'),
    serverCertPem: read(dataDir, 'server.pem'),
    serverKeyPem: read(dataDir, 'server.key.pem'),
    signingKey,
    signingPublicKey: rawPublicKey(createPublicKey(signingKey)),
    encryptionKey,
    encryptionPublicKey: rawPublicKey(createPublicKey(encryptionKey)),
  };
}

export function openCentralStore(dataDir: string): CentralStore {
  if (!isInitialized(dataDir)) {
    throw new CentralSetupError(
      'CENTRAL_NOT_INITIALIZED',
      `${dataDir} holds no central service. Run: madoguchi-central init --data-dir ${dataDir} --name NAME`,
    );
  }
  const key = Buffer.from(read(dataDir, 'store.key').trim(), 'hex');
  return new SqliteCentralStore({ path: join(dataDir, 'central.db'), key });
}
