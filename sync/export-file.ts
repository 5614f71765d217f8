// Sealing and opening an air-gapped export file (docs/sync-protocol.md §7): the pending
// batches, encrypted to the central's X25519 key and signed with the terminal's event key.

import type { KeyObject } from 'node:crypto';
import { unwrapSecret, WRAP_LABELS, wrapSecret } from './card-secret';
import {
  ExportFileSchema,
  ExportPayloadSchema,
  PROTOCOL_VERSION,
  UploadBatchSchema,
  type ExportFile,
  type ExportPayload,
  type UploadBatch,
} from './protocol';
import { signExportFile, verifyExportFile } from './signing';

export class ExportFileError extends Error {
  constructor(
    readonly code:
      | 'EXPORT_FILE_INVALID'
      | 'EXPORT_FILE_SIGNATURE'
      | 'EXPORT_FILE_UNKNOWN_TERMINAL'
      | 'EXPORT_FILE_DECRYPT',
    message: string,
  ) {
    super(message);
    this.name = 'ExportFileError';
  }
}

export function sealExportFile(options: {
  terminalId: string;
  epoch: number;
  batches: UploadBatch[];
  terminalSigningKey: KeyObject;
  centralEncryptionPublicKey: Buffer;
  now?: Date;
}): ExportFile {
  const { batches } = options;
  const first = batches[0];
  const last = batches.at(-1);
  if (!first || !last) throw new RangeError('an export holds at least one batch');
  const payload: ExportPayload = {
    protocol: PROTOCOL_VERSION,
    terminal_id: options.terminalId,
    batches,
  };
  const encrypted = wrapSecret(
    Buffer.from(JSON.stringify(payload), 'utf8'),
    options.centralEncryptionPublicKey,
    WRAP_LABELS.exportFile,
    options.terminalId,
  );
  return signExportFile(
    {
      format: 'madoguchi-sync-export',
      protocol: PROTOCOL_VERSION,
      terminal_id: options.terminalId,
      epoch: options.epoch,
      created_at: (options.now ?? new Date()).toISOString(),
      from_seq: first.from_seq,
      to_seq: last.to_seq,
      event_count: batches.reduce((n, b) => n + b.events.length, 0),
      encrypted,
    },
    options.terminalSigningKey,
  );
}

/** Parses an export file's outer layer (before the terminal's key is known). */
export function parseExportFile(text: string): ExportFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ExportFileError(
      'EXPORT_FILE_INVALID',
      'The file is not a Madoguchi sync export (not JSON).',
    );
  }
  const parsed = ExportFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ExportFileError(
      'EXPORT_FILE_INVALID',
      'The file is not a Madoguchi sync export of protocol version 1.',
    );
  }
  return parsed.data;
}

/** Checks the terminal's signature and decrypts the batches (as JSON strings, byte-exact). */
export function openExportFile(
  file: ExportFile,
  terminalSigningPublicKey: Buffer,
  centralEncryptionKey: KeyObject,
): { batches: UploadBatch[] } {
  if (!verifyExportFile(file, terminalSigningPublicKey)) {
    throw new ExportFileError(
      'EXPORT_FILE_SIGNATURE',
      'The export file is not signed by the terminal it names, or was altered.',
    );
  }
  let plaintext: Buffer;
  try {
    plaintext = unwrapSecret(
      file.encrypted,
      centralEncryptionKey,
      WRAP_LABELS.exportFile,
      file.terminal_id,
    );
  } catch {
    throw new ExportFileError(
      'EXPORT_FILE_DECRYPT',
      'The export file was not encrypted to this central service.',
    );
  }
  const payload = ExportPayloadSchema.safeParse(JSON.parse(plaintext.toString('utf8')));
  if (!payload.success || payload.data.terminal_id !== file.terminal_id) {
    throw new ExportFileError('EXPORT_FILE_INVALID', 'The export file content is malformed.');
  }
  const batches = payload.data.batches.map((b) => {
    const batch = UploadBatchSchema.safeParse(b);
    if (!batch.success)
      throw new ExportFileError('EXPORT_FILE_INVALID', 'The export file holds a malformed batch.');
    return batch.data;
  });
  return { batches };
}
