/**
 * What the preload exposes as `window.handoffEvents`: one subscription function per event of the
 * contract, each listening on its own channel (`handoff:event:<name>`, sent by
 * src/main/events.ts) and handing the listener the payload only — never Electron's event object,
 * which would reach ipcRenderer and the sender. Nothing else: no generic on(channel).
 *
 * Pure: index.ts passes ipcRenderer; tests pass a recording fake. Imports only the contract's
 * events.ts (its one other import is a type): the sandboxed preload bundle stays tiny.
 */
import { EVENT_NAMES, eventChannel, type EventName, type EventPayloads } from '../shared/contract/events'

/** The two methods of ipcRenderer used here. */
export interface IpcRendererLike {
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

/** Subscribes to one event; returns the function that ends the subscription. */
export type EventSubscription<K extends EventName> = (listener: (payload: EventPayloads[K]) => void) => () => void
export type PreloadEvents = { readonly [K in EventName]: EventSubscription<K> }

export function buildPreloadEvents(ipc: IpcRendererLike): PreloadEvents {
  const subscription =
    (name: EventName) =>
    (listener: unknown): (() => void) => {
      // The renderer's argument crosses the context bridge: check it here, not when an event comes.
      if (typeof listener !== 'function') throw new TypeError(`A listener of ${name} must be a function.`)
      const channel = eventChannel(name)
      const handler = (_event: unknown, payload: unknown) => {
        listener(payload)
      }
      ipc.on(channel, handler)
      let subscribed = true
      return () => {
        if (!subscribed) return
        subscribed = false
        ipc.removeListener(channel, handler)
      }
    }
  return Object.freeze(Object.fromEntries(EVENT_NAMES.map((name) => [name, subscription(name)]))) as PreloadEvents
}
