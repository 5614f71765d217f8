// The test bridge's stand-in for preload/index.ts, bundled by bridge.ts into an init script.
// It builds window.madoguchi with the SAME createApi the Electron preload uses; only the
// transport differs: Playwright's exposeBinding instead of ipcRenderer. This is the one place
// the E2E tests replace something real, because the Electron binary cannot run here.

import { createApi } from '../../preload/client';
import type { CallName, EventName, Result } from '../../preload/contract';

declare global {
  interface Window {
    __madoguchiInvoke(name: CallName, input: unknown): Promise<Result<unknown>>;
  }
}

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

const api = createApi({
  invoke: (name, input) => window.__madoguchiInvoke(name, input),
  subscribe(name, listener) {
    let set = listeners.get(name);
    if (!set) listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  },
});

Object.defineProperty(window, 'madoguchi', { value: Object.freeze(api) });
Object.defineProperty(window, '__madoguchiDeliver', {
  value: (name: EventName, payload: unknown) => {
    for (const listener of listeners.get(name) ?? []) listener(payload);
  },
});
