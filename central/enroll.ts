// Enrollment codes and terminal enrollment (docs/sync-protocol.md §2). A code is single use
// and expires; only its SHA-256 is stored, so a copy of the store cannot enroll anything.

import { createHash, randomInt } from 'node:crypto';
import {
  ENROLLMENT_CODE_TTL_MS,
  EnrollmentRequestSchema,
  PROTOCOL_VERSION,
  type EnrollmentResponse,
} from '../sync/protocol';
import type { CentralFiles } from './data-dir';
import { syncError } from './ingest';
import { caPin, CsrError, issueTerminalCertificate } from './pki';
import type { CentralStore } from './store/central-store';

/** No 0/O, 1/I: read aloud over the phone, typed by hand. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function hashCode(secret: string): string {
  return createHash('sha256').update(secret.toUpperCase(), 'utf8').digest('hex');
}

export function createEnrollmentCode(
  store: CentralStore,
  files: CentralFiles,
  options: { officeId: string; mission: boolean; ttlMs?: number; now?: Date },
): { code: string; expiresAt: string } {
  const now = options.now ?? new Date();
  const groups = Array.from({ length: 4 }, () =>
    Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  );
  const secret = groups.join('-');
  const expiresAt = new Date(
    now.getTime() + (options.ttlMs ?? ENROLLMENT_CODE_TTL_MS),
  ).toISOString();
  store.insertEnrollmentCode({
    codeHash: hashCode(secret),
    officeId: options.officeId,
    mission: options.mission,
    createdAt: now.toISOString(),
    expiresAt,
  });
  return { code: `${secret}.${caPin(files.caCertPem)}`, expiresAt };
}

export async function enrollTerminal(
  store: CentralStore,
  files: CentralFiles,
  body: unknown,
  now: Date = new Date(),
): Promise<EnrollmentResponse> {
  const parsed = EnrollmentRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw syncError(
      400,
      'protocol',
      `The enrollment request is malformed at ${issue?.path.join('.') ?? ''}.`,
    );
  }
  const request = parsed.data;
  const secret = request.code.split('.')[0] ?? '';
  const codeHash = hashCode(secret);
  const code = store.getEnrollmentCode(codeHash);
  if (!code)
    throw syncError(
      400,
      'enrollment_code_invalid',
      'This enrollment code is unknown to this central service.',
    );
  if (code.usedAt !== null) {
    throw syncError(
      410,
      'enrollment_code_invalid',
      'This enrollment code was used already; ask IT for a new one.',
    );
  }
  if (Date.parse(code.expiresAt) <= now.getTime()) {
    throw syncError(
      410,
      'enrollment_code_invalid',
      'This enrollment code has expired; ask IT for a new one.',
    );
  }
  const signingKey = Buffer.from(request.signing_public_key, 'base64');
  const known = store.getTerminal(request.terminal_id);
  if (known && !known.signingPublicKey.equals(signingKey)) {
    // The same terminal ID with another event key would let a second store speak for it.
    throw syncError(
      409,
      'seq_conflict',
      'This terminal ID is enrolled with another signing key; enroll a fresh store.',
    );
  }
  let issued;
  try {
    issued = await issueTerminalCertificate(
      { certPem: files.caCertPem, keyPem: files.caKeyPem },
      request.csr_pem,
      request.terminal_id,
      code.officeId,
      now,
    );
  } catch (error) {
    if (error instanceof CsrError) throw syncError(400, 'protocol', error.message);
    throw error;
  }
  const terminal = store.transaction(() => {
    if (!store.useEnrollmentCode(codeHash, request.terminal_id, now.toISOString())) {
      throw syncError(
        410,
        'enrollment_code_invalid',
        'This enrollment code was used already; ask IT for a new one.',
      );
    }
    const saved = store.saveEnrollment({
      terminalId: request.terminal_id,
      officeId: code.officeId,
      mission: code.mission,
      signingPublicKey: signingKey,
      encryptionPublicKey: Buffer.from(request.encryption_public_key, 'base64'),
      certificatePem: issued.certPem,
      certificateSerial: issued.serial,
      label: request.label ?? null,
      enrolledAt: now.toISOString(),
    });
    // Re-enrolling lifts a revocation only through a new code an admin chose to issue.
    store.setTerminalStatus(saved.terminalId, 'active', null);
    return saved;
  });
  return {
    protocol: PROTOCOL_VERSION,
    terminal_id: terminal.terminalId,
    office_id: terminal.officeId,
    mission: terminal.mission,
    certificate_pem: issued.certPem,
    ca_certificate_pem: files.caCertPem,
    central_signing_public_key: files.signingPublicKey.toString('base64'),
    central_encryption_public_key: files.encryptionPublicKey.toString('base64'),
    central_name: files.name,
    epoch: terminal.epoch,
    expected_seq: terminal.lastSeq + 1,
    server_time: now.toISOString(),
  };
}
