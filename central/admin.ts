// What an operator of the central service does: seed synthetic applications and dispatched
// cards for an office, suspend a card (a new revocation list version), cancel an application,
// revoke a terminal, import an air-gapped export, trust a JPKI root for every terminal, and
// read the figures.

import { createHash } from 'node:crypto';
import { nextState, type CardState } from '../domain/case-lifecycle';
import { syntheticMyNumber } from '../main/cases/seed';
import { createRng, domesticAddress, japaneseName, mixSeed } from '../main/cases/synthetic-names';
import { openExportFile, parseExportFile, ExportFileError } from '../sync/export-file';
import { PROTOCOL_VERSION, type AckFile, type UploadAck } from '../sync/protocol';
import type { CentralFiles } from './data-dir';
import { ingestBatch } from './ingest';
import { publishApplication, publishCardStatus, publishDispatchedCard } from './publish';
import { fingerprintOf, oneLine, parseRoot, TrustError } from '../main/card/trust/trust-store';
import type {
  ApplicationRecord,
  CardRecord,
  CentralStore,
  TrustRootRecord,
} from './store/central-store';

export class AdminError extends Error {
  constructor(
    readonly code: 'CENTRAL_NOT_FOUND' | 'CENTRAL_BAD_INPUT',
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

export interface SeedOptions {
  officeId: string;
  applications: number;
  cards: number;
  seed: number;
  now?: Date;
  /** Overseas online applications (a mission's office) instead of domestic online ones. */
  overseas?: boolean;
}

/** The same office, counts and seed always give the same IDs, people and serials. */
export function seedOffice(
  store: CentralStore,
  options: SeedOptions,
): { applications: number; cards: number } {
  if (options.cards > options.applications) {
    throw new AdminError(
      'CENTRAL_BAD_INPUT',
      'There cannot be more cards than applications: each card belongs to one.',
    );
  }
  const now = (options.now ?? new Date()).toISOString();
  const officeSeed = mixSeed(
    options.seed,
    parseInt(createHash('sha256').update(options.officeId).digest('hex').slice(0, 8), 16),
  );
  let applications = 0;
  let cards = 0;
  store.transaction(() => {
    for (let i = 1; i <= options.applications; i += 1) {
      const applicationId = `APP-${options.officeId}-${options.seed}-${String(i).padStart(6, '0')}`;
      if (store.getApplication(applicationId)) continue;
      const rng = createRng(mixSeed(officeSeed, i));
      const sex = rng.next() < 0.5 ? 'male' : 'female';
      const name = japaneseName(rng, sex);
      const personId = `P-${options.officeId}-${options.seed}-${String(i).padStart(6, '0')}`;
      const birth = new Date(Date.UTC(1940 + rng.int(66), rng.int(12), 1 + rng.int(28)));
      store.insertPerson({
        personId,
        nameKanji: name.nameKanji,
        nameKana: name.nameKana,
        alias: null,
        nameLatin: name.nameLatin,
        birthDate: birth.toISOString().slice(0, 10),
        sex,
        address: domesticAddress(rng).address,
        overseas: options.overseas === true,
        myNumber: syntheticMyNumber(officeSeed, i),
      });
      const withCard = i <= options.cards;
      const application: ApplicationRecord = {
        applicationId,
        officeId: options.officeId,
        personId,
        kind: options.overseas ? 'overseas' : 'new',
        channel: options.overseas ? 'overseas-online' : 'online',
        receivedAt: new Date(Date.UTC(2026, 0, 5) + i * 60_000).toISOString(),
        status: withCard ? 'card-ordered' : 'received',
        version: withCard ? 2 : 1,
        cancelReason: null,
        origin: 'central',
      };
      store.saveApplication(application);
      publishApplication(store, application);
      applications += 1;
      if (withCard) {
        const cardSerial =
          `MC${options.seed}${options.officeId.slice(0, 8)}${String(i).padStart(6, '0')}`.slice(
            0,
            32,
          );
        const card: CardRecord = {
          cardSerial,
          applicationId,
          officeId: options.officeId,
          state: 'dispatched',
          expiryDate: '2036-12-31',
          // ordered (1) -> in-production (2) -> dispatched (3)
          version: 3,
          secret: createHash('sha256')
            .update(`madoguchi/synthetic-card-secret/${options.seed}/${cardSerial}`)
            .digest()
            .subarray(0, 16),
          // The second management secret (docs/card-issuance-profile.md): served per reset.
          resetSecret: createHash('sha256')
            .update(`madoguchi/synthetic-card-reset-secret/${options.seed}/${cardSerial}`)
            .digest()
            .subarray(0, 16),
          dispatchedAt: now,
          handedOverServerSeq: null,
        };
        store.saveCard(card);
        publishDispatchedCard(store, card);
        publishCardStatus(store, card, 'dispatch', null, now);
        cards += 1;
      }
    }
  });
  return { applications, cards };
}

/** Suspends (or revokes) cards: one new revocation list version, and their card status. */
export function suspendCards(
  store: CentralStore,
  serials: string[],
  options: { status?: 'suspended' | 'revoked'; reason?: string; now?: Date } = {},
): { listVersion: number } {
  if (serials.length === 0)
    throw new AdminError('CENTRAL_BAD_INPUT', 'Name at least one card serial.');
  const status = options.status ?? 'suspended';
  const at = (options.now ?? new Date()).toISOString();
  return store.transaction(() => {
    const version = store.addRevocationVersion(
      serials.map((cardSerial) => ({ cardSerial, status, effectiveAt: at })),
      at,
    );
    for (const serial of serials) {
      const card = store.getCard(serial);
      if (!card) continue;
      const application = store.getApplication(card.applicationId);
      const event = status === 'revoked' ? 'revoke' : 'suspend';
      const step = application && nextState(application.kind, card.state as CardState, event);
      // A card not yet handed over has no state to suspend: the list entry alone stops it
      // at the counter (a later handover is §3.7 A).
      if (step && step.ok) {
        const updated = { ...card, state: step.to, version: card.version + 1 };
        store.saveCard(updated);
        publishCardStatus(store, updated, event, options.reason ?? null, at);
      }
    }
    return { listVersion: version.listVersion };
  });
}

/** Cancels an application centrally (§3.7 E): the application and any card not yet made. */
export function cancelApplication(
  store: CentralStore,
  applicationId: string,
  options: { reason?: string } = {},
): ApplicationRecord {
  return store.transaction(() => {
    const application = store.getApplication(applicationId);
    if (!application)
      throw new AdminError('CENTRAL_NOT_FOUND', `No application ${applicationId} at this central.`);
    const cancelled: ApplicationRecord = {
      ...application,
      status: 'withdrawn',
      version: application.version + 1,
      cancelReason: options.reason ?? 'cancelled-centrally',
    };
    store.saveApplication(cancelled);
    publishApplication(store, cancelled);
    return cancelled;
  });
}

export function revokeTerminal(
  store: CentralStore,
  terminalId: string,
  reason = 'revoked by admin',
): void {
  if (!store.setTerminalStatus(terminalId, 'revoked', reason)) {
    throw new AdminError('CENTRAL_NOT_FOUND', `No terminal ${terminalId} is enrolled here.`);
  }
}

export interface ImportSummary {
  terminalId: string;
  batches: number;
  events: number;
  applied: number;
  duplicates: number;
  conflicts: number;
  rejected: number;
  ackFile: AckFile;
}

/** Ingests an air-gapped export through the same path as an upload: importing twice changes nothing. */
export function importExport(
  store: CentralStore,
  files: CentralFiles,
  text: string,
  now: () => Date = () => new Date(),
): ImportSummary {
  const file = parseExportFile(text);
  const terminal = store.getTerminal(file.terminal_id);
  if (!terminal) {
    throw new ExportFileError(
      'EXPORT_FILE_UNKNOWN_TERMINAL',
      `The export comes from terminal ${file.terminal_id}, which is not enrolled here.`,
    );
  }
  const { batches } = openExportFile(file, terminal.signingPublicKey, files.encryptionKey);
  const acks: UploadAck[] = [];
  const summary = { applied: 0, duplicates: 0, conflicts: 0, rejected: 0, events: 0 };
  for (const batch of batches) {
    const ack = ingestBatch(
      { store, signingKey: files.signingKey, now },
      { terminalId: batch.terminal_id, fromSeq: batch.from_seq, toSeq: batch.to_seq },
      Buffer.from(JSON.stringify(batch), 'utf8'),
      'import',
    );
    acks.push(ack);
    for (const result of ack.results) {
      summary.events += 1;
      if (result.outcome === 'applied') summary.applied += 1;
      else if (result.outcome === 'duplicate') summary.duplicates += 1;
      else if (result.outcome === 'applied-with-conflict') summary.conflicts += 1;
      else summary.rejected += 1;
    }
  }
  return {
    terminalId: file.terminal_id,
    batches: batches.length,
    ...summary,
    ackFile: {
      format: 'madoguchi-sync-ack',
      protocol: PROTOCOL_VERSION,
      terminal_id: file.terminal_id,
      created_at: now().toISOString(),
      acks,
    },
  };
}

/**
 * Trusts a JPKI root (PEM or DER) for every terminal: it goes down the signed trust_roots
 * stream. Only a self-signed CA certificate is taken (the terminal checks the same again).
 * `test`: a test or training root, which terminals use only in training mode.
 */
export function addTrustRoot(
  store: CentralStore,
  certificate: Uint8Array | string,
  options: { test: boolean; now?: Date },
): { root: TrustRootRecord; added: boolean } {
  let parsed;
  try {
    parsed = parseRoot(certificate);
  } catch (error) {
    if (error instanceof TrustError) throw new AdminError('CENTRAL_BAD_INPUT', error.message);
    throw error;
  }
  const { record, added } = store.addTrustRoot({
    fingerprint: fingerprintOf(parsed),
    der: parsed.raw,
    test: options.test,
    subject: oneLine(parsed.subject),
    serial: parsed.serialNumber.toUpperCase(),
    notBefore: new Date(parsed.validFrom).toISOString(),
    notAfter: new Date(parsed.validTo).toISOString(),
    addedAt: (options.now ?? new Date()).toISOString(),
  });
  if (!added && record.test !== options.test) {
    throw new AdminError(
      'CENTRAL_BAD_INPUT',
      `This root is already trusted as a ${record.test ? 'test' : 'production'} root; it cannot be changed.`,
    );
  }
  return { root: record, added };
}
