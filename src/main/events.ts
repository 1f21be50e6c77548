/**
 * The core's events on their way to the renderer: each one sent on its own channel
 * (`handoff:event:<name>`, src/shared/contract/events.ts) to the main window only, while it is
 * alive and shows the app — never to a destroyed window, nor to a page that is not the app's.
 * The preload (src/preload/events.ts) listens on the same channels.
 *
 * Pure of Electron: index.ts passes the worker host and the main window's webContents; tests
 * pass fakes.
 */
import { eventChannel, isEventName, type HandoffEvent } from '../shared/contract/events'
import { isAppUrl } from './security'

/** What is used of Electron's WebContents. */
export interface WebContentsLike {
  isDestroyed(): boolean
  getURL(): string
  send(channel: string, ...args: unknown[]): void
}

/** Where the events come from (the worker host). */
export interface EventSourceLike {
  onEvent(listener: (event: HandoffEvent) => void): () => void
}

export interface ForwardOptions {
  /** Where the renderer was loaded from (see security.isAppUrl). */
  appUrl: string
  /** The main window's webContents right now, or null when there is no window. */
  target: () => WebContentsLike | null
  /** Told about events that could not be delivered; silent by default. */
  log?: (message: string, detail?: unknown) => void
}

/** Forwards every event of `source` to the main window; returns the function that stops it. */
export function forwardCoreEvents(source: EventSourceLike, options: ForwardOptions): () => void {
  return source.onEvent((event) => sendToWindow(event, options))
}

/**
 * Sends one event to the main window, on the event's own channel, if it shows the app. Also
 * main's own events (ui.openItem when a notification is clicked).
 */
export function sendToWindow(event: HandoffEvent, options: ForwardOptions): void {
  const log = options.log ?? (() => {})
  // The worker is ours, but the name becomes a channel: only the contract's.
  if (!isEventName(event.name)) {
    log('Dropped a core event with an unknown name', event.name)
    return
  }
  const contents = options.target()
  // No window (yet, or any more): the renderer asks for the current state when it starts.
  if (!contents || contents.isDestroyed()) return
  if (!isAppUrl(contents.getURL(), options.appUrl)) {
    log(`Withheld '${event.name}' from a window that does not show the app`, contents.getURL())
    return
  }
  try {
    contents.send(eventChannel(event.name), event.payload)
  } catch (error) {
    // The window may go away between the check and the send; the core carries on.
    log(`Could not send '${event.name}' to the window`, error)
  }
}
