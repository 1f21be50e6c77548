/**
 * The core's events (src/shared/contract/events.ts) on their way out: to the worker's port, and
 * from there to the renderer. Hand-written rather than node:events' EventEmitter, because a
 * throwing listener must not reach the emitter (the sync loop, a handler that has committed),
 * which EventEmitter would rethrow into; and one listener takes every event, as the worker
 * forwards them all.
 */
import type { EventName, EventPayloads, HandoffEvent } from '../../shared/contract/events'

export type CoreEventListener = (event: HandoffEvent) => void

export interface CoreEvents {
  /** Adds a listener of every event; returns the function that removes it. */
  on(listener: CoreEventListener): () => void
  emit<K extends EventName>(name: K, payload: EventPayloads[K]): void
  /** Whether anyone listens: payloads that cost a query are computed only then. */
  readonly listened: boolean
}

export function createCoreEvents(log: (message: string, error: unknown) => void = (message, error) => console.error(message, error)): CoreEvents {
  const listeners = new Set<CoreEventListener>()
  return {
    on(listener) {
      // A wrapper per subscription: the same function added twice is two subscriptions.
      const entry: CoreEventListener = (event) => listener(event)
      listeners.add(entry)
      return () => {
        listeners.delete(entry)
      }
    },
    emit(name, payload) {
      const event = { name, payload } as HandoffEvent
      for (const listener of [...listeners]) {
        try {
          listener(event)
        } catch (error) {
          log(`[handoff core] a listener of ${name} failed:`, error)
        }
      }
    },
    get listened() {
      return listeners.size > 0
    }
  }
}
