import type { EventName, EventPayloads } from '../../../shared/contract'
import { harnessToken } from './token'

/**
 * The renderer's one way to hear the core's events (src/shared/contract/events.ts), so nothing
 * polls. The transport is picked like the calls' (client.ts): under Electron the preload's named
 * subscriptions (window.handoffEvents); in the browser harness one EventSource on /events,
 * shared by every subscription, which reconnects by itself.
 */

export type HandoffEventListener<K extends EventName> = (payload: EventPayloads[K]) => void

/** Listens to one event; returns the function that stops listening. */
export function subscribe<K extends EventName>(name: K, listener: HandoffEventListener<K>): () => void {
  const bridge = window.handoffEvents
  if (bridge) return bridge[name](listener)
  return subscribeToStream(name, listener)
}

const reconnectListeners = new Set<() => void>()

/**
 * Called when the harness's event stream came back after a drop: events sent meanwhile are lost,
 * so ask for the current state again. (Electron's channels do not drop: never called there.)
 */
export function onReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener)
  return () => reconnectListeners.delete(listener)
}

let source: EventSource | null = null
let subscribers = 0
let dropped = false

function openStream(): EventSource {
  if (source) return source
  // EventSource cannot send headers: the run's token goes in the query string.
  const token = harnessToken()
  const opened = new EventSource(token ? `/events?token=${encodeURIComponent(token)}` : '/events')
  opened.addEventListener('error', () => {
    dropped = true
  })
  opened.addEventListener('open', () => {
    if (!dropped) return
    dropped = false
    reconnectListeners.forEach((listener) => listener())
  })
  source = opened
  return opened
}

function subscribeToStream<K extends EventName>(name: K, listener: HandoffEventListener<K>): () => void {
  const stream = openStream()
  subscribers++
  const handler = (message: MessageEvent<string>) => {
    let payload: EventPayloads[K]
    try {
      payload = JSON.parse(message.data) as EventPayloads[K]
    } catch {
      return // not ours to guess at; the next event or a refetch brings the state
    }
    listener(payload)
  }
  stream.addEventListener(name, handler)
  let active = true
  return () => {
    if (!active) return
    active = false
    stream.removeEventListener(name, handler)
    if (--subscribers === 0) {
      stream.close()
      if (source === stream) source = null
      dropped = false
    }
  }
}
