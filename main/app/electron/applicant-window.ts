// The applicant-facing window: the same renderer on its own route (#applicant), on the second
// display when there is one, full screen there. It gets the same hardened webPreferences as
// the counter window and only the handover.applicant event; main/counter/applicant-window.ts
// lets it make only the applicant's calls.

import { BrowserWindow, screen, type WebContents, type WebPreferences } from 'electron';
import { eventChannel } from '../../../preload/contract';
import { APPLICANT_ROUTE } from '../../counter/applicant-window';
import type { EventBus } from '../../core/event-bus';
import type { Logger } from '../../log/logger';
import { APP_START_URL } from '../origin';
import { type CounterWebPreferences, windowWebPreferences } from '../web-preferences';

type UnknownToElectron = Exclude<keyof CounterWebPreferences, keyof WebPreferences>;

export function createApplicantWindow(options: {
  preloadPath: string;
  packaged: boolean;
  bus: EventBus;
  log: Logger;
}): BrowserWindow {
  const policy: WebPreferences & Record<UnknownToElectron, never> = windowWebPreferences(
    options.preloadPath,
    { packaged: options.packaged },
  );
  const primary = screen.getPrimaryDisplay();
  const second = screen.getAllDisplays().find((display) => display.id !== primary.id);
  const area = (second ?? primary).workArea;
  const window = new BrowserWindow({
    x: area.x,
    y: area.y,
    width: second ? area.width : 1024,
    height: second ? area.height : 768,
    fullscreen: second !== undefined,
    show: false,
    title: 'Madoguchi — 暗証番号の設定 / PIN setting',
    backgroundColor: '#ffffff',
    webPreferences: { ...policy, contextIsolation: true, sandbox: true },
  });
  // Shown on the applicant's own display only: not over the clerk's screen.
  window.once('ready-to-show', () => (second ? window.showInactive() : window.show()));
  window.loadURL(`${APP_START_URL}${APPLICANT_ROUTE}`).catch((error: unknown) => {
    options.log.error('the applicant page did not load', { error });
  });
  window.on('closed', forwardApplicantEvents(options.bus, window.webContents));
  return window;
}

/** Only the applicant's progress reaches this window: no reader, session or sync events. */
function forwardApplicantEvents(bus: EventBus, contents: WebContents): () => void {
  return bus.on('handover.applicant', (payload) => {
    if (!contents.isDestroyed()) contents.send(eventChannel('handover.applicant'), payload);
  });
}
