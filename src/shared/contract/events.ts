/**
 * The events of the contract: what the core tells the renderer without being asked, so the
 * renderer never polls. Each has a name and a payload type; the payload map below is the one
 * definition, and the name list, the IPC channels (main and preload) and the harness's event
 * stream are derived from it.
 *
 * Only a type import: the sandboxed preload bundles this file and must not pull in the schemas.
 */
import type { SyncStatus } from './index'

export interface EventPayloads {
  /** The outbox's size changed: a local change was recorded, or a pull confirmed some. */
  'outbox.changed': { pending: number }
  /** What the status bar shows of the sync changed (emitted only when it differs from the last one). */
  'sync.changed': SyncStatus
  /**
   * A pull changed local data. What changed is not itemised (a page's replay, purges and
   * rejections touch more than the items it carries): reload what is shown.
   */
  'items.changed': { dataVersion: number }
}

export type EventName = keyof EventPayloads
export type EventPayload<K extends EventName> = EventPayloads[K]

/** One event as it travels (worker -> host, harness stream): its name and its payload. */
export type HandoffEvent = { [K in EventName]: { name: K; payload: EventPayloads[K] } }[EventName]

// The mapped type makes the compiler refuse a name missing from, or not in, the payload map.
const eventNameSet: { readonly [K in EventName]: true } = { 'outbox.changed': true, 'sync.changed': true, 'items.changed': true }

/** Every event name, at run time. */
export const EVENT_NAMES: readonly EventName[] = Object.freeze(Object.keys(eventNameSet) as EventName[])

export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name)

/**
 * The Electron IPC channel of an event (main sends on it, the preload listens on it). Operation
 * channels are `handoff:<operation>`; operation names hold no colon, so the two never meet.
 */
export const EVENT_CHANNEL_PREFIX = 'handoff:event:'
export const eventChannel = (name: EventName): string => `${EVENT_CHANNEL_PREFIX}${name}`
