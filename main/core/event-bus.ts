import type { EventName, EventPayload } from '../../preload/contract';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

/** Events main pushes to the renderer, typed by the contract's event table. */
export class EventBus {
  readonly #listeners = new Map<EventName, Set<(payload: never) => void>>();

  on<E extends EventName>(name: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners.get(name) ?? []) {
      (listener as Listener<E>)(payload);
    }
  }
}
