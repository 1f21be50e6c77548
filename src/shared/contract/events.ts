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
  /**
   * A pull brought a new customer message (not on the first sync) on an item assigned to the
   * signed-in agent: one event per message, after items.changed. Main shows a desktop
   * notification from it (src/main/arrivals.ts). Plain text, cut short: the preview is the first
   * PREVIEW_CHARS characters of the message, whitespace folded.
   */
  'messages.arrived': { itemId: string; messageId: string; subject: string; customerName: string; preview: string }
  /**
   * Sent by main, not the core: the agent clicked the notification of an item; the renderer opens
   * it. (Main sends it on its own channel like the core's events; the harness never does.)
   */
  'ui.openItem': { itemId: string }
}

/** How much of a message a messages.arrived carries. */
export const PREVIEW_CHARS = 140

export type EventName = keyof EventPayloads
export type EventPayload<K extends EventName> = EventPayloads[K]

/** One event as it travels (worker -> host, harness stream): its name and its payload. */
export type HandoffEvent = { [K in EventName]: { name: K; payload: EventPayloads[K] } }[EventName]

// The mapped type makes the compiler refuse a name missing from, or not in, the payload map.
const eventNameSet: { readonly [K in EventName]: true } = {
  'outbox.changed': true,
  'sync.changed': true,
  'items.changed': true,
  'messages.arrived': true,
  'ui.openItem': true
}

/** Every event name, at run time. */
export const EVENT_NAMES: readonly EventName[] = Object.freeze(Object.keys(eventNameSet) as EventName[])

export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name)

/**
 * The Electron IPC channel of an event (main sends on it, the preload listens on it). Operation
 * channels are `handoff:<operation>`; operation names hold no colon, so the two never meet.
 */
export const EVENT_CHANNEL_PREFIX = 'handoff:event:'
export const eventChannel = (name: EventName): string => `${EVENT_CHANNEL_PREFIX}${name}`
