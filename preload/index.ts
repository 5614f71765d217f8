// The sandboxed preload: exposes `window.madoguchi`, one named function per contract call
// plus `on` for contract events (checklist item 20). The page never receives ipcRenderer, a
// channel name of its choosing, or the IpcRendererEvent (Element's gap, electron-practices §3).
// Built to dist/preload/index.cjs: a sandboxed preload may require only 'electron'.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createApi, type Transport } from './client';
import { EVENT_NAMES, callChannel, eventChannel, type Result } from './contract';

const transport: Transport = {
  invoke: (name, input) => ipcRenderer.invoke(callChannel(name), input) as Promise<Result<unknown>>,
  subscribe: (name, listener) => {
    // `on` is called by page code: check at run time what the types promise.
    if (!(EVENT_NAMES as readonly string[]).includes(name) || typeof listener !== 'function') {
      throw new TypeError('madoguchi.on: unknown event or missing listener');
    }
    const channel = eventChannel(name);
    const relay = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, relay);
    return () => {
      ipcRenderer.removeListener(channel, relay);
    };
  },
};

contextBridge.exposeInMainWorld('madoguchi', createApi(transport));
