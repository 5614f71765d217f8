// Enrolment (`madoguchi terminal enroll`): the terminal makes its keys, proves the one-time
// code to central over TLS checked against the CA pin in the code, and stores what central
// issued: its client certificate, its office, the central CA and central's signing and
// encryption keys, all pinned from then on.
//
// Keys: a new ECDSA P-256 TLS client key (its CSR, main/sync/csr.ts, goes to central; the private key stays in
// the encrypted store); the existing Ed25519 audit key (main/audit/terminal-key.ts) is
// registered as the event-signing key; a new X25519 key receives wrapped card secrets.

import { X509Certificate } from 'node:crypto';
import type { Db } from '../../db/open';
import {
  EnrollmentResponseSchema,
  PROTOCOL_VERSION,
  parseEnrollmentCode,
  paths,
  type EnrollmentRequest,
} from '../../sync/protocol';
import { newX25519KeyPair } from '../../sync/card-secret';
import { exportTerminalPublicKey } from '../audit/terminal-key';
import { APP_VERSION } from '../core/version';
import { newTlsKeyAndCsr } from './csr';
import { SyncError } from './errors';
import { errorBodyOf, errorOf } from './http-errors';
import { readIdentity, saveIdentity, type SyncIdentity } from './identity';
import { caPinOf, CentralClient, parseBody, probePinnedCa, type Timeouts } from './transport';

export interface EnrollInput {
  centralUrl: string;
  /** The code as printed by `madoguchi-central terminal code` (secret.caPin). */
  code: string;
  /** Overrides the pin in the code (e.g. read out separately by phone). */
  caPin?: string;
  label?: string;
  now?: () => Date;
  timeouts?: Partial<Timeouts>;
}

export async function enrollTerminal(db: Db, input: EnrollInput): Promise<SyncIdentity> {
  const now = input.now ?? (() => new Date());
  if (readIdentity(db)) {
    throw new SyncError(
      'SYNC_ALREADY_ENROLLED',
      'This terminal is already enrolled. A terminal keeps one identity; ask central IT to revoke it before enrolling again.',
      'usage',
    );
  }
  const code = parseEnrollmentCode(input.code);
  if (!code) {
    throw new SyncError(
      'SYNC_ENROLLMENT_CODE_INVALID',
      'That is not an enrollment code (expected XXXX-XXXX-XXXX-XXXX.pin, as central printed it).',
      'usage',
    );
  }
  const caPin = (input.caPin ?? code.caPin)
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '')
    .slice(0, 32);
  const signing = exportTerminalPublicKey(db);
  const encryption = newX25519KeyPair();
  const tls = newTlsKeyAndCsr(signing.terminalId);
  const request: EnrollmentRequest = {
    protocol: PROTOCOL_VERSION,
    code: code.secret,
    terminal_id: signing.terminalId,
    signing_public_key: signing.publicKeyBase64,
    encryption_public_key: encryption.publicKey.toString('base64'),
    csr_pem: tls.csrPem,
    app_version: APP_VERSION,
    ...(input.label ? { label: input.label } : {}),
  };
  const pinnedCaPem = await probePinnedCa(input.centralUrl, caPin, input.timeouts);
  const client = new CentralClient(
    input.centralUrl,
    { kind: 'server', caPem: pinnedCaPem },
    input.timeouts,
  );
  try {
    const response = await client.json('POST', paths.enroll(), request);
    if (response.status !== 200) {
      const body = errorBodyOf(response);
      if (body?.code === 'enrollment_code_invalid') {
        throw new SyncError(
          'SYNC_ENROLLMENT_CODE_INVALID',
          'Central does not accept this enrollment code (unknown, already used or expired). Ask central IT for a new one.',
          'usage',
        );
      }
      throw errorOf(response, now());
    }
    const parsed = EnrollmentResponseSchema.safeParse(parseBody(response));
    if (!parsed.success) {
      throw new SyncError(
        'SYNC_BAD_ANSWER',
        'Central sent an enrollment answer this terminal cannot read.',
      );
    }
    const answer = parsed.data;
    if (caPinOf(answer.ca_certificate_pem) !== caPin) {
      throw new SyncError(
        'SYNC_CA_PIN_MISMATCH',
        'The CA central sent does not match the pin of the enrollment code. Nothing was stored.',
        'usage',
      );
    }
    const certificate = new X509Certificate(answer.certificate_pem);
    const ca = new X509Certificate(answer.ca_certificate_pem);
    const issuedByCa = certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
    if (answer.terminal_id !== signing.terminalId || !issuedByCa) {
      throw new SyncError(
        'SYNC_BAD_ANSWER',
        'Central issued a certificate that is not for this terminal or not from its CA. Nothing was stored.',
      );
    }
    const identity: SyncIdentity = {
      terminalId: answer.terminal_id,
      centralUrl: input.centralUrl,
      officeCode: answer.office_id,
      officeName: answer.central_name,
      mission: answer.mission,
      epoch: answer.epoch,
      tlsKeyPem: tls.keyPem,
      tlsCertPem: answer.certificate_pem,
      caCertPem: answer.ca_certificate_pem,
      centralSigningKey: Buffer.from(answer.central_signing_public_key, 'base64'),
      centralEncryptionKey: Buffer.from(answer.central_encryption_public_key, 'base64'),
      encryptionPrivateKey: encryption.privateKeyDer,
      encryptionPublicKey: encryption.publicKey,
      enrolledAt: now().toISOString(),
      status: 'active',
    };
    saveIdentity(db, identity);
    return identity;
  } finally {
    client.close();
  }
}
