/**
 * Desktop notifications of new customer messages (issue 12): the core announces each one on an
 * item assigned to the agent (messages.arrived); main shows it, unless the agent is looking at
 * that item in a focused window. What the window shows comes from the renderer as the
 * `ui.showingItem` operation, answered here (through the same IPC door as every operation: its
 * own channel, the sender and size checked by ipc.ts, the arguments by the contract's schema).
 *
 * Pure of Electron: index.ts passes the few lines that make an Electron Notification and focus
 * the window; tests pass fakes (the OS notification is a boundary a test cannot reach).
 */
import type { Envelope } from '../shared/contract/errors'
import type { EventPayloads, HandoffEvent } from '../shared/contract/events'
import { argSchemas } from '../shared/contract/operations'

export type Arrival = EventPayloads['messages.arrived']

/** What the OS is asked to show: plain text, short. */
export interface DesktopNotice {
  title: string
  body: string
  /** The item a click opens. */
  itemId: string
}

/** The window as main sees it when a message arrives. */
export interface WindowView {
  /** The window exists, is visible and has the keyboard focus. */
  focused: boolean
  /** The item the renderer says it shows (ui.showingItem), or null. */
  showingItemId: string | null
}

/** Longest title (the customer's name) and body lines, in characters. */
export const TITLE_CHARS = 80
export const SUBJECT_CHARS = 120
export const PREVIEW_CHARS_SHOWN = 140

/**
 * One line of plain text: control characters (and so any line break) become spaces, runs of
 * whitespace one space, cut at `max` characters with "…" (never inside a surrogate pair).
 * Nothing is interpreted: the OS gets the customer's words as text.
 */
export function plainLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const folded = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/gu, ' ').replace(/\s+/gu, ' ').trim()
  const chars = Array.from(folded)
  return chars.length <= max ? folded : `${chars.slice(0, max - 1).join('').trimEnd()}…`
}

/**
 * Whether and what to notify of a message that arrived: nothing while the agent looks at that
 * item in the focused window (they see it come in); otherwise the customer's name as the title,
 * the subject and the preview as the body.
 */
export function noticeFor(arrival: Arrival, view: WindowView, platform: NodeJS.Platform = process.platform): DesktopNotice | null {
  if (view.focused && view.showingItemId === arrival.itemId) return null
  const text = platform === 'linux' ? (s: string) => escapeMarkup(s) : (s: string) => s
  const title = plainLine(arrival.customerName, TITLE_CHARS) || 'A customer'
  const subject = text(plainLine(arrival.subject, SUBJECT_CHARS))
  const preview = text(plainLine(arrival.preview, PREVIEW_CHARS_SHOWN))
  return { title, body: preview ? `${subject}\n${preview}` : subject, itemId: arrival.itemId }
}

/**
 * Linux notification servers that announce "body-markup" read a body as a small HTML subset
 * (links, images, bold), and Electron hands the body to libnotify as is: a customer's `<a href>`
 * would become a live link. Escaped, it shows as the characters the customer typed.
 */
export function escapeMarkup(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export interface ArrivalsOptions {
  /** Whether the main window is there, visible and focused right now. */
  windowFocused(): boolean
  /** Shows the notice (an Electron Notification; a click opens its item). */
  show(notice: DesktopNotice): void
  /** Told about a failed notification; silent by default. */
  log?: (message: string, detail?: unknown) => void
}

export interface Arrivals {
  /** The handler of `ui.showingItem` (arguments as they came over IPC). */
  showingItem(args: unknown): Envelope<null>
  /** Every core event passes here; messages.arrived may become a notification. */
  onEvent(event: HandoffEvent): void
  /** The item the renderer last said it shows. */
  readonly showingItemId: string | null
}

export function createArrivals(options: ArrivalsOptions): Arrivals {
  let showing: string | null = null
  const log = options.log ?? (() => {})
  return {
    showingItem(args) {
      const parsed = argSchemas['ui.showingItem'].safeParse(args ?? {})
      if (!parsed.success) return { ok: false, error: { code: 'invalid_argument', message: 'ui.showingItem takes { itemId: an item id or null }.' } }
      showing = parsed.data.itemId
      return { ok: true, value: null }
    },
    onEvent(event) {
      if (event.name !== 'messages.arrived') return
      const notice = noticeFor(event.payload, { focused: options.windowFocused(), showingItemId: showing })
      if (!notice) return
      try {
        options.show(notice)
      } catch (error) {
        // A notification the OS refuses must not stop the events reaching the window.
        log('Could not show a desktop notification', error)
      }
    },
    get showingItemId() {
      return showing
    }
  }
}
