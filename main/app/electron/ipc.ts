// The bridge's main side: one ipcMain.handle per contract call, one forwarder per contract
// event. Nothing is registered by hand, so a call the contract does not list has no channel.

import { ipcMain, type WebContents } from 'electron';
import { CALL_NAMES, EVENT_NAMES, callChannel, eventChannel } from '../../../preload/contract';
import type { Dispatch } from '../../core/dispatch';
import type { EventBus } from '../../core/event-bus';

/** Every call goes through dispatch, which checks the sender frame's origin first. */
export function registerCalls(dispatch: Dispatch): void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(callChannel(name), (event, input: unknown) =>
      dispatch(name, input, event.senderFrame?.url ?? ''),
    );
  }
}

/** Pushes every bus event to the window; returns the function that stops it. */
export function forwardEvents(bus: EventBus, contents: WebContents): () => void {
  const stops = EVENT_NAMES.map((name) =>
    bus.on(name, (payload) => {
      if (!contents.isDestroyed()) contents.send(eventChannel(name), payload);
    }),
  );
  return () => {
    for (const stop of stops) stop();
  };
}
