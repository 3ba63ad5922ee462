import type { EventName, EventPayload } from '#shared/contract'

export type AnyEventListener = (name: EventName, payload: unknown) => void

/** The core's outbound events. Transports subscribe with onAny and forward to their clients. */
export type EventHub = {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void
  onAny(listener: AnyEventListener): () => void
}

export const createEventHub = (onListenerError?: (e: unknown) => void): EventHub => {
  const listeners = new Set<AnyEventListener>()
  const call = (l: AnyEventListener, name: EventName, payload: unknown) => {
    try {
      l(name, payload)
    } catch (e) {
      // One broken subscriber (a closed window, a dropped socket) must not stop the others.
      onListenerError?.(e)
    }
  }
  return {
    emit: (name, payload) => {
      for (const l of [...listeners]) call(l, name, payload)
    },
    on: (name, listener) => {
      const wrapped: AnyEventListener = (n, p) => {
        if (n === name) listener(p as EventPayload<typeof name>)
      }
      listeners.add(wrapped)
      return () => listeners.delete(wrapped)
    },
    onAny: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
