// One sync run, in the order of reference/sync-protocol.md §3.5: (1) the revocation list,
// applied even while uploads are pending; (2) the outbox; (3) applications, dispatched cards
// and card status. Every run is recorded in sync_run (the sync screen's history) and ends as
// a RunOutcome the scheduler turns into its next timer.

import type { Db } from '../../db/open';
import { prepared } from '../../db/statements';
import type { UploadAck } from '../../sync/protocol';
import type { Logger } from '../log/logger';
import { SyncError } from './errors';
import { requireIdentity, setIdentityStatus, type SyncIdentity } from './identity';
import { pullRevocations } from './revocations';
import type { RunOutcome, SyncTrigger } from './scheduler';
import { pullStream, pullTrustRoots } from './streams';
import { CentralClient, type Timeouts } from './transport';
import { uploadPending, type UploadResult } from './upload';

export interface SyncRunReport {
  outcome: RunOutcome;
  revocationListVersion: number | null;
  upload: UploadResult | null;
  downloaded: number;
}

export interface EngineOptions {
  db: Db;
  log: Logger;
  now?: () => Date;
  timeouts?: Partial<Timeouts>;
  /** Called after each acknowledged batch has been applied (progress for the UI and tests). */
  onBatch?: (ack: UploadAck) => void;
}

/** Holds the mTLS client between runs (one keep-alive connection to central). */
export class SyncEngine {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #timeouts: Partial<Timeouts>;
  readonly #onBatch: (ack: UploadAck) => void;
  #client: { identity: SyncIdentity; client: CentralClient } | null = null;

  constructor(options: EngineOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
    this.#timeouts = options.timeouts ?? {};
    this.#onBatch = options.onBatch ?? (() => undefined);
  }

  close(): void {
    this.#client?.client.close();
    this.#client = null;
  }

  #connect(identity: SyncIdentity): CentralClient {
    if (this.#client && this.#client.identity.tlsCertPem === identity.tlsCertPem) {
      return this.#client.client;
    }
    this.close();
    const client = new CentralClient(
      identity.centralUrl,
      {
        kind: 'mtls',
        keyPem: identity.tlsKeyPem,
        certPem: identity.tlsCertPem,
        caPem: identity.caCertPem,
      },
      this.#timeouts,
    );
    this.#client = { identity, client };
    return client;
  }

  async run(trigger: SyncTrigger): Promise<SyncRunReport> {
    const db = this.#db;
    const started = this.#now();
    const runId = Number(
      prepared(db, 'INSERT INTO sync_run (trigger, started_at) VALUES (?, ?)').run(
        trigger,
        started.toISOString(),
      ).lastInsertRowid,
    );
    prepared(db, "UPDATE sync_state SET last_attempt_at = ?, state = 'running' WHERE id = 1").run(
      started.toISOString(),
    );
    const report: SyncRunReport = {
      outcome: { ok: true },
      revocationListVersion: null,
      upload: null,
      downloaded: 0,
    };
    let revocationProblem: SyncError | null = null;
    try {
      const identity = requireIdentity(db);
      if (identity.status !== 'active') {
        throw new SyncError(
          'SYNC_TERMINAL_REVOKED',
          'Central has revoked or quarantined this terminal: it no longer syncs. Contact central IT.',
          'halted',
        );
      }
      const client = this.#connect(identity);
      try {
        const pulled = await pullRevocations(db, client, identity.centralSigningKey, this.#now);
        report.revocationListVersion = pulled.listVersion;
      } catch (error) {
        // A refused list keeps the one held and is reported; uploads still go (they are
        // independent of it). A network failure ends the run: the upload would fail too.
        if (error instanceof SyncError && error.code === 'SYNC_REVOCATION_REFUSED') {
          revocationProblem = error;
          this.#log.warn('revocation list refused', { code: error.code });
        } else throw error;
      }
      let parked: SyncError | null = null;
      try {
        report.upload = await uploadPending(db, client, identity, this.#now, this.#onBatch);
      } catch (error) {
        // A parked queue (central refuses a batch) must not also cut the office off from
        // new applications and cards: the streams still come down.
        if (error instanceof SyncError && error.kind === 'parked') parked = error;
        else throw error;
      }
      for (const stream of ['applications', 'cards', 'card_status'] as const) {
        report.downloaded += (await pullStream(db, client, stream, this.#now)).items;
      }
      report.downloaded += (
        await pullTrustRoots(db, client, identity.centralSigningKey, this.#now)
      ).items;
      if (parked) throw parked;
      if (revocationProblem) throw revocationProblem;
      this.#finish(runId, report, null);
    } catch (error) {
      const failure =
        error instanceof SyncError
          ? error
          : new SyncError(
              'SYNC_BAD_ANSWER',
              error instanceof Error ? error.message : String(error),
            );
      if (failure.code === 'SYNC_TERMINAL_REVOKED' && failure.kind === 'halted') {
        if (requireIdentitySafe(db)) setIdentityStatus(db, 'revoked');
      }
      if (failure.code === 'SYNC_SEQ_CONFLICT') {
        if (requireIdentitySafe(db)) setIdentityStatus(db, 'quarantined');
      }
      report.outcome = {
        ok: false,
        kind: failure.kind === 'usage' ? 'halted' : failure.kind,
        code: failure.code,
        message: failure.message,
        ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      };
      this.#finish(runId, report, failure);
      this.#log.warn('sync failed', { code: failure.code, kind: failure.kind });
    }
    return report;
  }

  #finish(runId: number, report: SyncRunReport, failure: SyncError | null): void {
    const at = this.#now().toISOString();
    const uploaded = report.upload?.eventsAcked ?? 0;
    this.#db.transaction(() => {
      prepared(
        this.#db,
        'UPDATE sync_run SET finished_at = ?, result = ?, uploaded = ?, downloaded = ?, error_code = ? WHERE run_id = ?',
      ).run(
        at,
        failure ? (uploaded > 0 ? 'partial' : 'failed') : 'ok',
        uploaded,
        report.downloaded,
        failure?.code ?? null,
        runId,
      );
      if (failure) {
        const state =
          failure.kind === 'parked'
            ? 'parked'
            : failure.kind === 'transient'
              ? 'backoff'
              : 'halted';
        prepared(
          this.#db,
          `UPDATE sync_state SET state = ?, consecutive_failures = consecutive_failures + 1,
             last_error_code = ?, last_error_message = ? WHERE id = 1`,
        ).run(state, failure.code, failure.message);
      } else {
        prepared(
          this.#db,
          `UPDATE sync_state SET state = 'idle', consecutive_failures = 0, last_success_at = ?,
             last_error_code = NULL, last_error_message = NULL WHERE id = 1`,
        ).run(at);
      }
    })();
  }
}

function requireIdentitySafe(db: Db): boolean {
  return prepared(db, 'SELECT 1 FROM sync_identity WHERE id = 1').get() !== undefined;
}
