// Who this terminal is for central (migration 0060 sync_identity): written once at
// enrolment, read by every sync. The private keys stay in the page-encrypted store and are
// handed only to this process's TLS stack and crypto; they never reach a log (the logger
// redacts any field named key or secret all the same).

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import { SyncError } from './errors';

export interface SyncIdentity {
  terminalId: string;
  centralUrl: string;
  officeCode: string;
  officeName: string;
  mission: boolean;
  epoch: number;
  tlsKeyPem: string;
  tlsCertPem: string;
  caCertPem: string;
  centralSigningKey: Buffer;
  centralEncryptionKey: Buffer;
  encryptionPrivateKey: Buffer;
  encryptionPublicKey: Buffer;
  enrolledAt: string;
  status: 'active' | 'revoked' | 'quarantined';
}

interface IdentityRow {
  terminal_id: string;
  central_url: string;
  office_code: string;
  office_name: string;
  mission: number;
  epoch: number;
  central_encryption_key: Buffer;
  tls_key_pem: string;
  tls_cert_pem: string;
  ca_cert_pem: string;
  central_signing_key: Buffer;
  encryption_private_key: Buffer;
  encryption_public_key: Buffer;
  enrolled_at: string;
  status: SyncIdentity['status'];
}

export function readIdentity(db: Db): SyncIdentity | null {
  const row = prepared(db, 'SELECT * FROM sync_identity WHERE id = 1').get() as
    IdentityRow | undefined;
  if (!row) return null;
  return {
    terminalId: row.terminal_id,
    centralUrl: row.central_url,
    officeCode: row.office_code,
    officeName: row.office_name,
    mission: row.mission === 1,
    epoch: row.epoch,
    tlsKeyPem: row.tls_key_pem,
    tlsCertPem: row.tls_cert_pem,
    caCertPem: row.ca_cert_pem,
    centralSigningKey: row.central_signing_key,
    centralEncryptionKey: row.central_encryption_key,
    encryptionPrivateKey: row.encryption_private_key,
    encryptionPublicKey: row.encryption_public_key,
    enrolledAt: row.enrolled_at,
    status: row.status,
  };
}

export function requireIdentity(db: Db): SyncIdentity {
  const identity = readIdentity(db);
  if (!identity) {
    throw new SyncError(
      'SYNC_NOT_ENROLLED',
      'This terminal is not enrolled with a central service. Run "madoguchi terminal enroll --central URL --code CODE".',
      'halted',
    );
  }
  return identity;
}

export function saveIdentity(db: Db, identity: SyncIdentity): void {
  db.transaction(() => {
    if (readIdentity(db)) {
      throw new SyncError(
        'SYNC_ALREADY_ENROLLED',
        'This terminal is already enrolled. A terminal keeps one identity; ask central IT to revoke it before enrolling again.',
        'usage',
      );
    }
    prepared(
      db,
      `INSERT INTO sync_identity (id, terminal_id, central_url, office_code, office_name,
         mission, epoch, central_encryption_key, tls_key_pem, tls_cert_pem, ca_cert_pem,
         central_signing_key, encryption_private_key, encryption_public_key, enrolled_at, status)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      identity.terminalId,
      identity.centralUrl,
      identity.officeCode,
      identity.officeName,
      identity.mission ? 1 : 0,
      identity.epoch,
      identity.centralEncryptionKey,
      identity.tlsKeyPem,
      identity.tlsCertPem,
      identity.caCertPem,
      identity.centralSigningKey,
      identity.encryptionPrivateKey,
      identity.encryptionPublicKey,
      identity.enrolledAt,
      identity.status,
    );
  })();
}

export function setIdentityStatus(db: Db, status: SyncIdentity['status']): void {
  prepared(db, 'UPDATE sync_identity SET status = ? WHERE id = 1').run(status);
}
