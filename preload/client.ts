// Builds the renderer's typed API from the contract table.
//
// The same function builds the API in the Electron preload (over ipcRenderer) and in the
// Playwright bridge (over page.exposeBinding), so the renderer sees one shape everywhere:
// `api.auth.signIn({ staffId, password })`, `api.on('reader.changed', listener)`.

import {
  CALL_NAMES,
  type CallInput,
  type CallName,
  type CallResult,
  type EventName,
  type EventPayload,
  type Result,
} from './contract';

export interface Transport {
  invoke(name: CallName, input: unknown): Promise<Result<unknown>>;
  subscribe(name: EventName, listener: (payload: unknown) => void): () => void;
}

type Namespace<N extends string> = N extends `${infer A}.${string}` ? A : never;

type CallFn<K extends CallName> =
  // Calls whose input has no required field may be called without an argument.
  Record<never, never> extends CallInput<K>
    ? (input?: CallInput<K>) => Promise<Result<CallResult<K>>>
    : (input: CallInput<K>) => Promise<Result<CallResult<K>>>;

export type MadoguchiApi = {
  readonly [NS in Namespace<CallName>]: {
    readonly [K in CallName as K extends `${NS}.${infer M}` ? M : never]: CallFn<K>;
  };
} & {
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export function createApi(transport: Transport): MadoguchiApi {
  const api: Record<string, Record<string, (input?: unknown) => Promise<Result<unknown>>>> = {};
  for (const name of CALL_NAMES) {
    const dot = name.indexOf('.');
    const ns = name.slice(0, dot);
    const fn = name.slice(dot + 1);
    const group = (api[ns] ??= {});
    group[fn] = (input?: unknown) => transport.invoke(name, input ?? {});
  }
  const on = (name: EventName, listener: (payload: unknown) => void): (() => void) =>
    transport.subscribe(name, listener);
  return { ...api, on } as unknown as MadoguchiApi;
}
