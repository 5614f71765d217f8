// The renderer's API is built by createApi from the contract table, in the Electron preload
// (preload/index.ts) and in the Playwright bridge alike. Over a recording transport this checks
// what the page receives: one function per contract call, named after it, plus `on`.

import { describe, expect, it, vi } from 'vitest';
import { createApi, type Transport } from '../../preload/client';
import {
  CALL_NAMES,
  EVENT_NAMES,
  callChannel,
  eventChannel,
  type CallName,
  type EventName,
} from '../../preload/contract';

function recordingTransport() {
  const invoked: { name: CallName; input: unknown }[] = [];
  const subscribed: EventName[] = [];
  const unsubscribed: EventName[] = [];
  const transport: Transport = {
    invoke: async (name, input) => {
      invoked.push({ name, input });
      return { ok: true, value: null };
    },
    subscribe: (name) => {
      subscribed.push(name);
      return () => unsubscribed.push(name);
    },
  };
  return { transport, invoked, subscribed, unsubscribed };
}

/** `{ auth: { signIn } }` -> ['auth.signIn']; `on` is not a namespace. */
function exposedCalls(api: object): string[] {
  return Object.entries(api)
    .filter(([key]) => key !== 'on')
    .flatMap(([ns, group]) => Object.keys(group as object).map((fn) => `${ns}.${fn}`));
}

describe('the API the page receives', () => {
  it('has exactly one function per contract call, and nothing else but `on`', () => {
    const api = createApi(recordingTransport().transport);
    expect(exposedCalls(api).sort()).toEqual([...CALL_NAMES].sort());
    const namespaces = new Set(CALL_NAMES.map((name) => name.slice(0, name.indexOf('.'))));
    expect(Object.keys(api).sort()).toEqual([...namespaces, 'on'].sort());
    expect(typeof api.on).toBe('function');
    for (const [ns, group] of Object.entries(api)) {
      if (ns === 'on') continue;
      for (const [fn, value] of Object.entries(group as object))
        expect(typeof value, `${ns}.${fn}`).toBe('function');
    }
  });

  it('sends each call under its own contract name, with an empty object when called without input', async () => {
    const { transport, invoked } = recordingTransport();
    const api = createApi(transport) as unknown as Record<
      string,
      Record<string, (input?: unknown) => Promise<unknown>>
    >;
    for (const name of CALL_NAMES) {
      const [ns, fn] = name.split('.') as [string, string];
      await api[ns]![fn]!();
    }
    expect(invoked).toEqual(CALL_NAMES.map((name) => ({ name, input: {} })));
  });

  it('subscribes to contract events and hands back a working unsubscribe', () => {
    const { transport, subscribed, unsubscribed } = recordingTransport();
    const api = createApi(transport);
    const stops = EVENT_NAMES.map((name) => api.on(name, () => undefined));
    expect(subscribed).toEqual(EVENT_NAMES);
    for (const stop of stops) stop();
    expect(unsubscribed).toEqual(EVENT_NAMES);
  });
});

// The real preload/index.ts, run against a stand-in for the two Electron objects it may touch.
// Its module path is a variable so that this Node-typed test does not type-check Electron's
// DOM-dependent declarations; tsconfig.electron.json type-checks the preload itself.
const PRELOAD = '../../preload/index.ts';

const electron = vi.hoisted(() => {
  type Relay = (event: unknown, payload: unknown) => void;
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<Relay>>();
  const invokes: { channel: string; input: unknown }[] = [];
  return {
    exposed,
    listeners,
    invokes,
    module: {
      contextBridge: {
        exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value),
      },
      ipcRenderer: {
        invoke: async (channel: string, input: unknown) => {
          invokes.push({ channel, input });
          return { ok: true, value: null };
        },
        on: (channel: string, relay: Relay) => {
          const set = listeners.get(channel) ?? new Set<Relay>();
          set.add(relay);
          listeners.set(channel, set);
        },
        removeListener: (channel: string, relay: Relay) => listeners.get(channel)?.delete(relay),
      },
    },
  };
});
vi.mock('electron', () => electron.module);

describe('preload/index.ts over a stand-in ipcRenderer', () => {
  it('exposes only window.madoguchi, built from the contract', async () => {
    await import(/* @vite-ignore */ PRELOAD);
    expect([...electron.exposed.keys()]).toEqual(['madoguchi']);
    const api = electron.exposed.get('madoguchi') as object;
    expect(exposedCalls(api).sort()).toEqual([...CALL_NAMES].sort());
    expect(Object.values(api)).not.toContain(electron.module.ipcRenderer);
  });

  it('invokes each call on its contract channel', async () => {
    await import(/* @vite-ignore */ PRELOAD);
    const api = electron.exposed.get('madoguchi') as Record<
      string,
      Record<string, (input?: unknown) => Promise<unknown>>
    >;
    await api['auth']!['signIn']!({ staffId: 'clerk01', password: 'x' });
    expect(electron.invokes.at(-1)).toEqual({
      channel: callChannel('auth.signIn'),
      input: { staffId: 'clerk01', password: 'x' },
    });
  });

  it('hands listeners the payload only, never the IPC event, and unsubscribes for real', async () => {
    await import(/* @vite-ignore */ PRELOAD);
    const api = electron.exposed.get('madoguchi') as {
      on(name: string, listener: (...args: unknown[]) => void): () => void;
    };
    const received: unknown[][] = [];
    const stop = api.on('reader.changed', (...args) => received.push(args));
    const channel = eventChannel('reader.changed');
    const ipcEvent = { sender: 'ipcRenderer', senderFrame: {} };
    for (const relay of electron.listeners.get(channel) ?? [])
      relay(ipcEvent, { service: 'running', readers: [] });
    expect(received).toEqual([[{ service: 'running', readers: [] }]]);
    stop();
    expect(electron.listeners.get(channel)?.size).toBe(0);
  });

  it('refuses to subscribe page code to a channel outside the contract', async () => {
    await import(/* @vite-ignore */ PRELOAD);
    const api = electron.exposed.get('madoguchi') as {
      on(name: string, listener: unknown): () => void;
    };
    expect(() => api.on('../call:auth.signIn', () => undefined)).toThrow(TypeError);
    expect(() => api.on('reader.changed', 'not a function')).toThrow(TypeError);
    expect(
      [...electron.listeners.keys()].every((channel) => channel.startsWith('madoguchi:event:')),
    ).toBe(true);
  });
});
