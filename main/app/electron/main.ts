// Electron's entry (built to dist/main/app.cjs). It only wires: the counter's services come
// from main/core/services.ts exactly as in the CLI and the Playwright bridge, and every
// security setting comes from the pure modules in main/app/, which the unit tests check.

import { app, dialog, powerMonitor, session, type BrowserWindow } from 'electron';
import { ReaderManager } from '../../card/reader-manager';
import { createSmartcardPort } from '../../card/smartcard-port';
import { TrainingReaderPort } from '../../card/virtual/training-port';
import { createCounterServices, type CounterServices } from '../../core/services';
import { createLogger } from '../../log/logger';
import { appLayout } from '../app-layout';
import { TRUSTED_ORIGINS } from '../origin';
import { startupDialog } from '../startup-error';
import { lockOnSystemEvents } from '../system-lock';
import { guardAllWebContents, hardenSession } from './guards';
import { createApplicantWindow } from './applicant-window';
import { forwardEvents, registerCalls } from './ipc';
import { safeStorageKeyProvider } from './keystore';
import { registerAppScheme, serveApp } from './protocol';
import { createMainWindow } from './window';

const log = createLogger({ scope: 'app' });

// One counter per OS user: a second instance would open the same store as a second writer.
if (app.requestSingleInstanceLock()) {
  // Everything below must happen before 'ready'.
  app.enableSandbox();
  registerAppScheme();
  guardAllWebContents(log.child('guard'));
  app.whenReady().then(start).catch(failStartup);
} else {
  app.quit();
}

async function start(): Promise<void> {
  const layout = appLayout(app.getAppPath());
  // Guards and the protocol are in place before any page can exist.
  hardenSession(session.defaultSession, log.child('session'));
  serveApp(layout.rendererDir, log.child('protocol'));

  // The print seam: main prints the counter window as it shows itself in print media (the
  // renderer puts the sheet to print in the page first). Bound once the window exists.
  let printable: BrowserWindow | null = null;
  // `madoguchi --training` (a desktop shortcut of its own): the practice store, watermarked.
  const training = process.argv.includes('--training');
  const services = await createCounterServices({
    printer: {
      async toPdf() {
        if (!printable || printable.isDestroyed()) throw new Error('no window to print');
        return printable.webContents.printToPDF({ pageSize: 'A4', printBackground: true });
      },
    },
    dataDir: app.getPath('userData'),
    keyProvider: safeStorageKeyProvider(log.child('keystore')),
    host: 'electron',
    log,
    trustedOrigins: TRUSTED_ORIGINS,
    // Training mode reads virtual cards in in-process readers, never a real card or pcscd.
    readers: new ReaderManager({
      port: training ? new TrainingReaderPort() : createSmartcardPort(),
      log,
    }),
    training,
  });
  closeOnQuit(services);
  // Suspend or an OS screen lock locks the session (main/app/system-lock.ts).
  lockOnSystemEvents(powerMonitor, services.auth);
  registerCalls(services.dispatch);

  const window = createMainWindow({
    preloadPath: layout.preloadPath,
    packaged: app.isPackaged,
    // The administrator's setting (madoguchi settings content-protection on|off).
    contentProtection: services.settings.contentProtection(),
    log: log.child('window'),
  });
  printable = window;
  window.on('closed', forwardEvents(services.bus, window.webContents));
  // The applicant-facing window for the handover's PINs, on the second display if there is one.
  const applicant = createApplicantWindow({
    preloadPath: layout.preloadPath,
    packaged: app.isPackaged,
    bus: services.bus,
    log: log.child('applicant-window'),
  });
  window.on('closed', () => {
    if (!applicant.isDestroyed()) applicant.close();
  });
  app.on('second-instance', () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
}

/** Quit waits for the store to close, so the last transaction is checkpointed cleanly. */
function closeOnQuit(services: CounterServices): void {
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    services
      .close()
      .catch((error: unknown) => log.error('closing the services failed', { error }))
      .finally(() => app.quit());
  });
}

function failStartup(error: unknown): void {
  log.error('startup failed', { error });
  const { title, message } = startupDialog(error);
  dialog.showErrorBox(title, message);
  app.exit(1);
}
