// The counter's services, composed once per process: Electron's main, the CLI and the
// Playwright bridge all call this, so every host runs the same code behind the contract.

import { join } from 'node:path';
import { openStore, type Db } from '../../db/open';
import type { ReaderSnapshot } from '../../preload/contract';
import type { CardChannel } from '../card/channel';
import { CardError } from '../card/errors';
import { AuthService } from '../auth/auth-service';
import { recordApproval, SecondPerson } from '../auth/second-person';
import { CaseStore } from '../cases/case-store';
import { countApplications, seedCases } from '../cases/seed';
import { ensureDataDir, STORE_FILE } from '../config/data-dir';
import type { KeyProvider } from '../config/key-file';
import { recordApplication } from '../counter/applications';
import { ArrivalService } from '../counter/arrival';
import {
  PinResetService,
  trainingResetSecrets,
  type ResetSecretSource,
} from '../counter/pin-reset';
import { reinstateCard } from '../counter/reinstate';
import { guardApplicantWindow } from '../counter/applicant-window';
import { createCardAccess, type CardAccess } from '../counter/card-access';
import {
  syncedInitializationSecrets,
  trainingInitializationSecrets,
} from '../counter/card-secrets';
import { HandoverService, handoverHandlers } from '../counter/handover-service';
import { dayCsv, daySummary, reconcile, recordReminders, saveOutput } from '../counter/day-end';
import { getCase, revealMyNumber, revealNeedsApproval, searchForCounter } from '../counter/find';
import { reportLoss } from '../counter/loss';
import { decideReview, reviewQueue } from '../counter/overseas-review';
import type { Logger } from '../log/logger';
import { SettingsService } from '../settings/settings-service';
import { createAppSync } from '../sync/app-sync';
import { liveResetSecrets } from '../sync/reset-secret';
import type { SchedulePolicy } from '../sync/scheduler';
import { createDispatcher, type Dispatch, type Handlers } from './dispatch';
import { EventBus } from './event-bus';
import { AppError } from './errors';
import { APP_NAME, APP_VERSION } from './version';

/** What the services need from the reader subsystem (main/card/reader-manager.ts). */
export interface ReaderSource {
  start(): void;
  stop(): Promise<void> | void;
  snapshot(): ReaderSnapshot;
  onChange(listener: (snapshot: ReaderSnapshot) => void): () => void;
  /**
   * A channel to the card in the named reader, or in the only reader holding a card; the
   * workflows reach it through `cardAccess` (main/counter/card-access.ts). A host without card
   * access (a test double of the readers) leaves it out: card steps then answer
   * READER_SERVICE_UNAVAILABLE.
   */
  connect?(readerName?: string): Promise<CardChannel>;
}

/**
 * Prints the window the clerk is looking at (its print stylesheet) to PDF: Electron's
 * webContents.printToPDF in main/app/electron, Chromium's page.pdf in the E2E bridge.
 */
export interface Printer {
  toPdf(): Promise<Uint8Array>;
}

export interface CounterServicesOptions {
  dataDir: string;
  keyProvider: KeyProvider;
  host: 'electron' | 'test-bridge';
  log: Logger;
  /** Origins whose frames may call (app://counter in Electron). */
  trustedOrigins: readonly string[];
  readers: ReaderSource;
  /** Absent on a host that cannot print (the CLI): print calls answer PRINT_UNAVAILABLE. */
  printer?: Printer;
  now?: () => Date;
  /** The idle lock policy (main/auth/auth-service.ts DEFAULT_IDLE_LOCK_SECONDS). */
  idleLockSeconds?: number;
  /**
   * Training mode: the same screens on a separate store (TRAINING_DIR under the data
   * directory, with its own staff, exports and reports), seeded with synthetic cases on first
   * use. The live store is never opened.
   */
  training?: boolean;
  /** The sync scheduler's timings (main/sync/scheduler.ts DEFAULT_SCHEDULE when absent). */
  syncSchedule?: Partial<SchedulePolicy>;
  /**
   * Where a PIN reset gets a card's reset secret (main/counter/pin-reset.ts). Training mode
   * derives it like its cards; a live terminal has none until central serves it per reset.
   */
  resetSecrets?: ResetSecretSource;
}

/** Where a training terminal keeps its practice store, apart from the live one. */
export const TRAINING_DIR = 'training';
/** Synthetic cases a new training store starts with (main/cases/seed.ts). */
export const TRAINING_CASES = 2000;

export interface CounterServices {
  dispatch: Dispatch;
  bus: EventBus;
  auth: AuthService;
  settings: SettingsService;
  cases: CaseStore;
  db: Db;
  /** The two-person rule: a supervisor's approval, for the services that need one. */
  secondPerson: SecondPerson;
  /** The card in a reader as a MyNumberCard (PC/SC, or training mode's in-process readers). */
  cardAccess: CardAccess;
  close(): Promise<void>;
}

export async function createCounterServices(
  options: CounterServicesOptions,
): Promise<CounterServices> {
  const { log, readers } = options;
  const mode = options.training ? 'training' : 'live';
  const dataDir = options.training ? join(options.dataDir, TRAINING_DIR) : options.dataDir;
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
    ...(options.idleLockSeconds !== undefined ? { idleLockSeconds: options.idleLockSeconds } : {}),
  });
  const settings = new SettingsService(db, bus);
  const now = options.now ?? (() => new Date());
  if (mode === 'training' && countApplications(db) === 0) {
    await seedCases(db, { cases: TRAINING_CASES, seed: 2026 });
  }
  const cases = new CaseStore({ db, log: log.child('cases'), now });
  const counterLog = log.child('counter');
  // The two-person rule: a supervisor's approval on this terminal (main/auth/second-person.ts).
  const secondPerson = new SecondPerson({ db, log: log.child('auth'), now });
  /** The signed-in member of staff as the actor of a card step (never central or system). */
  const staffActor = () => auth.actor();

  const cardAccess = createCardAccess({
    connect: (readerName) =>
      readers.connect
        ? readers.connect(readerName)
        : Promise.reject(
            new CardError('READER_SERVICE_UNAVAILABLE', 'no card access on this host'),
          ),
  });
  // The arrival check of dispatched cards (交付前設定): shipment list, then card by card.
  const arrival = new ArrivalService({
    db,
    store: cases,
    cards: cardAccess,
    log: counterLog.child('arrival'),
    now,
  });
  const stopForwarding = readers.onChange((snapshot) => bus.emit('reader.changed', snapshot));
  readers.start();
  const sync = createAppSync({
    db,
    log: log.child('sync'),
    now,
    enabled: mode === 'live',
    ...(options.syncSchedule ? { service: { schedule: options.syncSchedule } } : {}),
  });
  const stopSyncForwarding = sync.onStatus((status) => bus.emit('sync.changed', status));
  // A training store never syncs: its practice steps skip the revocation gate.
  const revocationLevelNow = () =>
    mode === 'training' ? ('fresh' as const) : sync.status().revocation.level;
  // A PIN reset at the counter: identity, a supervisor's approval, the card's reset secret.
  const pinReset = new PinResetService({
    db,
    store: cases,
    cards: cardAccess,
    secondPerson,
    resetSecret:
      options.resetSecrets ??
      (mode === 'training'
        ? trainingResetSecrets()
        : liveResetSecrets(db, counterLog.child('reset-secret'))),
    log: counterLog.child('pin-reset'),
    now,
  });
  // Handover (交付): the step machine, the card, the applicant window's secrets, the receipt.
  const handover = new HandoverService({
    db,
    store: cases,
    cardAccess,
    bus,
    log: counterLog.child('handover'),
    now,
    initializationSecret:
      mode === 'training'
        ? trainingInitializationSecrets()
        : syncedInitializationSecrets(db, counterLog),
    // A training store never syncs: its practice handovers skip the revocation gate.
    revocationLevel: () => (mode === 'training' ? 'fresh' : sync.status().revocation.level),
    actor: () => auth.actor(),
    async printReceipt(cardSerial) {
      if (!options.printer) {
        throw new AppError('PRINT_UNAVAILABLE', 'This terminal has no print pipeline.');
      }
      const pdf = await options.printer.toPdf();
      return saveOutput(dataDir, 'reports', `handover-receipt-${cardSerial}.pdf`, pdf);
    },
  });

  const handlers: Handlers = {
    'app.info': () => ({ name: APP_NAME, version: APP_VERSION, host: options.host, mode }),
    'setup.status': () => ({ needsFirstAdministrator: auth.needsFirstAdministrator() }),
    'setup.createFirstAdministrator': (input) => auth.createFirstAdministrator(input),
    'auth.signIn': (input) => auth.signIn(input),
    'auth.signOut': () => auth.signOut(),
    'auth.session': () => auth.session(),
    'settings.get': () => settings.get(),
    'settings.setLanguage': (input) => settings.setLanguage(input.language),
    'staff.create': (input) => auth.createStaff(input),
    'auth.keepAlive': () => auth.keepAlive(),
    'auth.lock': () => auth.lock(),
    'auth.unlock': (input) => auth.unlock(input),
    'reader.snapshot': () => readers.snapshot(),
    'cases.search': (input) => searchForCounter(db, input),
    'cases.get': (input) => getCase(db, input.applicationId),
    'cases.revealMyNumber': async (input) => {
      const actor = auth.actor();
      const approval =
        input.approval || revealNeedsApproval(input.reason)
          ? await secondPerson.approve(
              input.approval,
              'reveal-my-number',
              actor.staffId,
              input.applicationId,
            )
          : null;
      return revealMyNumber(db, input, actor, now, counterLog, approval);
    },
    'applications.record': (input) => recordApplication(db, cases, input, auth.actor(), now),
    'cards.reportLoss': (input) => reportLoss(db, cases, input, auth.actor(), now, counterLog),
    'applications.reviewQueue': () => reviewQueue(db),
    'applications.review': (input) => decideReview(db, input, auth.actor(), now, counterLog),
    'dayEnd.summary': (input) => daySummary(db, input.date, now),
    'dayEnd.reconcile': (input) => reconcile(db, input.counted, auth.actor().staffId, now),
    'dayEnd.recordReminders': (input) =>
      recordReminders(db, input.cardSerials, auth.actor().staffId, now),
    'dayEnd.exportCsv': async (input) => {
      // A bulk export leaves the terminal: a supervisor approves it (two-person rule), and
      // approval_log is its audit record (it has no case), written once the file is saved.
      const { staffId } = auth.actor();
      const summary = daySummary(db, input.date, now);
      const subject = `day-end:${summary.date}`;
      const approval = await secondPerson.approve(input.approval, 'bulk-export', staffId, subject);
      const saved = saveOutput(dataDir, 'exports', `day-end-${summary.date}.csv`, dayCsv(summary));
      recordApproval(db, approval, subject);
      return saved;
    },
    'pinReset.status': (input) => pinReset.status(input, staffActor()),
    'pinReset.reset': (input) => pinReset.reset(input, staffActor()),
    'cards.reinstate': (input) =>
      reinstateCard(
        {
          db,
          store: cases,
          cards: cardAccess,
          secondPerson,
          revocationLevel: revocationLevelNow,
          log: counterLog.child('reinstate'),
          now,
        },
        input,
        staffActor(),
      ),
    'arrival.start': (input) => arrival.start(input.cardSerials, staffActor()),
    'arrival.get': (input) => arrival.get(input.shipmentId),
    'arrival.check': (input) => arrival.check(input, staffActor()),
    'arrival.close': (input) => arrival.close(input.shipmentId, staffActor()),
    'print.toPdf': async (input) => {
      if (!options.printer) {
        throw new AppError('PRINT_UNAVAILABLE', 'This terminal has no print pipeline.');
      }
      const pdf = await options.printer.toPdf();
      return saveOutput(dataDir, 'reports', `${input.document}-${input.date}.pdf`, pdf);
    },
    ...handoverHandlers(handover),
    'sync.status': () => sync.status(),
    'sync.runNow': () => sync.runNow(),
    'sync.history': (input) => sync.history(input.limit ?? 50),
    'sync.reviewItems': (input) => sync.reviewItems(input.state ?? 'open'),
    'sync.resolveReviewItem': (input) =>
      sync.resolve({ ...input, supervisorStaffId: auth.actor().staffId }),
  };

  const dispatchCall = createDispatcher({
    handlers,
    trustedOrigins: options.trustedOrigins,
    authorize: (permission) => auth.authorize(permission),
    log: log.child('ipc'),
    storeDir: dataDir,
  });
  // The one place committed case events are noticed: after any call, if the outbox grew, the
  // scheduler syncs soon (debounced), whichever workflow appended the events.
  // The applicant window makes only its own calls, and only it makes them (applicant-window.ts).
  const guardedCall = guardApplicantWindow(dispatchCall);
  const dispatch: Dispatch = async (name, input, senderUrl) => {
    const result = await guardedCall(name, input, senderUrl);
    if (result.ok) sync.afterCall();
    return result;
  };

  return {
    dispatch,
    bus,
    auth,
    settings,
    cases,
    db,
    secondPerson,
    cardAccess,
    async close() {
      auth.stop();
      stopSyncForwarding();
      sync.stop();
      stopForwarding();
      await readers.stop();
      db.close();
    },
  };
}
