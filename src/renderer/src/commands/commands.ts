import type { SavedView } from '../../../shared/domain/entities'
import { availableHandoffs, type HandoffAction } from '../../../shared/domain/escalation'
import { assignToMe, moveSelection, selectView, unassign } from '../state/actions'
import { useItemStore } from '../state/item'
import { useSessionStore } from '../state/session'
import { closeDialog, openDialog, setComposeMode, setPaletteOpen, useUiStore } from '../state/ui'
import { toggleMyFigures } from '../state/figures'
import { isSupervisor } from '../state/team-figures'

/**
 * The one command registry. The palette lists these; the keyboard shortcuts run these; buttons
 * show their shortcut from here. `enabled(state)` decides both whether the palette offers a
 * command and whether its key does anything.
 */

export interface CommandState {
  signedIn: boolean
  hasItem: boolean
  /** The open item is not closed (closed items are final). */
  itemActive: boolean
  assignedToMe: boolean
  assigned: boolean
  modalOpen: boolean
  builtInViews: SavedView[]
  /** The handoffs the open item allows (none without an item). */
  handoffs: HandoffAction[]
}

export interface Command {
  id: string
  title: string | ((s: CommandState) => string)
  /** A single key ("j", "/", "?"), "Shift+E", "Mod+K" (Ctrl or Cmd) or "Escape"; '' for palette-only commands. */
  key: string
  /** Single-key commands never fire while typing in a field; `always` ones do. */
  always?: boolean
  enabled(s: CommandState): boolean
  run(s: CommandState): void
}

export function commandState(): CommandState {
  const session = useSessionStore.getState()
  const item = useItemStore.getState().detail
  const ui = useUiStore.getState()
  const me = session.agent?.id ?? null
  return {
    signedIn: me !== null,
    hasItem: item !== null,
    itemActive: item !== null && item.item.status !== 'closed',
    assignedToMe: item !== null && me !== null && item.item.assigneeId === me,
    assigned: item !== null && item.item.assigneeId !== null,
    modalOpen: ui.paletteOpen || ui.dialog !== null,
    builtInViews: session.views.filter((v) => v.builtIn),
    handoffs: item !== null ? availableHandoffs(item.item) : []
  }
}

/** Focus an element by id once it is on screen (it may appear with this very render). */
export function focusById(id: string, select = false): void {
  const attempt = (tries: number) => {
    const el = document.getElementById(id)
    if (el instanceof HTMLElement) {
      el.focus()
      if (select && el instanceof HTMLInputElement) el.select()
    } else if (tries > 0) requestAnimationFrame(() => attempt(tries - 1))
  }
  attempt(5)
}

export const ELEMENT_IDS = {
  search: 'inbox-search',
  status: 'item-status',
  priority: 'item-priority',
  composer: 'composer-message',
  composerForm: 'composer-form'
} as const

const ready = (s: CommandState) => s.signedIn
const withItem = (s: CommandState) => s.signedIn && s.hasItem
const withActiveItem = (s: CommandState) => s.signedIn && s.itemActive

function compose(mode: 'reply' | 'note'): void {
  setComposeMode(mode)
  focusById(ELEMENT_IDS.composer)
}

const viewCommand = (n: number): Command => ({
  id: `view.${n}`,
  title: (s) => `Switch to view: ${s.builtInViews[n - 1]?.name ?? `built-in view ${n}`}`,
  key: String(n),
  enabled: (s) => s.signedIn && s.builtInViews[n - 1] !== undefined,
  run: (s) => {
    const view = s.builtInViews[n - 1]
    if (view) selectView(view)
  }
})

const handoffCommand = (action: HandoffAction, id: string, title: string, key: string): Command => ({
  id,
  title,
  key,
  enabled: (s) => s.signedIn && s.handoffs.includes(action),
  run: () => {
    const itemId = useItemStore.getState().openId
    if (itemId) openDialog({ type: 'handoff', action, itemId })
  }
})

export const COMMANDS: readonly Command[] = [
  { id: 'palette', title: 'Open command palette', key: 'Mod+K', always: true, enabled: () => true, run: () => setPaletteOpen(true) },
  { id: 'search', title: 'Search the inbox', key: '/', enabled: ready, run: () => focusById(ELEMENT_IDS.search, true) },
  { id: 'next', title: 'Next item', key: 'j', enabled: ready, run: () => moveSelection(1) },
  { id: 'previous', title: 'Previous item', key: 'k', enabled: ready, run: () => moveSelection(-1) },
  { id: 'reply', title: 'Reply to the customer', key: 'r', enabled: withActiveItem, run: () => compose('reply') },
  { id: 'note', title: 'Add an internal note', key: 'n', enabled: withItem, run: () => compose('note') },
  {
    id: 'send',
    title: 'Send the reply or note',
    key: 'Mod+Enter',
    always: true,
    enabled: withItem,
    run: () => (document.getElementById(ELEMENT_IDS.composerForm) as HTMLFormElement | null)?.requestSubmit()
  },
  { id: 'assignMe', title: 'Assign to me', key: 'a', enabled: (s) => withActiveItem(s) && !s.assignedToMe, run: () => void assignToMe() },
  { id: 'unassign', title: 'Unassign', key: 'u', enabled: (s) => withActiveItem(s) && s.assigned, run: () => void unassign() },
  { id: 'status', title: 'Change status', key: 's', enabled: withItem, run: () => focusById(ELEMENT_IDS.status) },
  { id: 'priority', title: 'Change priority', key: 'p', enabled: withActiveItem, run: () => focusById(ELEMENT_IDS.priority) },
  { id: 'newItem', title: 'New item', key: 'c', enabled: ready, run: () => openDialog({ type: 'newItem' }) },
  { id: 'logCall', title: 'Log call', key: 'l', enabled: ready, run: () => openDialog({ type: 'logContact', channel: 'phone' }) },
  { id: 'logWalkIn', title: 'Log walk-in', key: 'w', enabled: ready, run: () => openDialog({ type: 'logContact', channel: 'inperson' }) },
  {
    id: 'rating',
    title: 'Record rating',
    key: 't',
    enabled: withItem,
    run: () => {
      const id = useItemStore.getState().openId
      if (id) openDialog({ type: 'recordRating', itemId: id })
    }
  },
  { id: 'saveView', title: 'Save view', key: 'v', enabled: ready, run: () => openDialog({ type: 'saveView' }) },
  handoffCommand('escalateToSupport', 'escalateToSupport', 'Escalate to support', 'e'),
  handoffCommand('escalateTier', 'escalateTier', 'Escalate a tier', 'Shift+E'),
  handoffCommand('handBack', 'handBack', 'Hand back to service', 'h'),
  handoffCommand('deescalate', 'deescalate', 'De-escalate', 'Shift+D'),
  { id: 'settings', title: 'Workspace settings', key: '', enabled: ready, run: () => openDialog({ type: 'settings' }) },
  { id: 'figures', title: 'Escalation figures', key: '', enabled: ready, run: () => openDialog({ type: 'figures' }) },
  { id: 'myFigures', title: 'My figures (show or hide)', key: 'f', enabled: ready, run: () => toggleMyFigures() },
  { id: 'teamFigures', title: 'Team figures (supervisor view)', key: '', enabled: (s) => ready(s) && isSupervisor(), run: () => openDialog({ type: 'teamFigures' }) },
  { id: 'server', title: 'Server connection', key: '', enabled: ready, run: () => openDialog({ type: 'server' }) },
  { id: 'rejections', title: 'Show changes not applied', key: '', enabled: ready, run: () => openDialog({ type: 'rejections' }) },
  viewCommand(1),
  viewCommand(2),
  viewCommand(3),
  viewCommand(4),
  viewCommand(5),
  { id: 'shortcuts', title: 'Show keyboard shortcuts', key: '?', enabled: () => true, run: () => setPaletteOpen(true) },
  {
    id: 'close',
    title: 'Close dialog or palette',
    key: 'Escape',
    always: true,
    enabled: (s) => s.modalOpen,
    run: () => {
      setPaletteOpen(false)
      closeDialog()
    }
  }
]

export const commandById = (id: string): Command => {
  const found = COMMANDS.find((c) => c.id === id)
  if (!found) throw new Error(`No command ${id}`)
  return found
}

export const commandTitle = (c: Command, s: CommandState): string => (typeof c.title === 'function' ? c.title(s) : c.title)

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/** How a key reads on screen: "Ctrl+K" / "⌘K", "J", "/". */
export function displayKey(key: string): string {
  if (key === '') return ''
  if (key.startsWith('Mod+')) return isMac ? `⌘${key.slice(4)}` : `Ctrl+${key.slice(4)}`
  if (key === 'Escape') return 'Esc'
  return key.length === 1 ? key.toUpperCase() : key
}

/** The value of aria-keyshortcuts for a command. */
export function ariaKey(key: string): string {
  if (key === '') return ''
  if (key.startsWith('Mod+')) return `Control+${key.slice(4)} Meta+${key.slice(4)}`
  return key === '?' ? 'Shift+?' : key
}

/** Props a button gets for the command it runs: its title and aria-keyshortcuts. */
export function shortcutProps(id: string, label: string): { title: string; 'aria-keyshortcuts': string } {
  const c = commandById(id)
  if (c.key === '') return { title: label, 'aria-keyshortcuts': '' }
  return { title: `${label} (${displayKey(c.key)})`, 'aria-keyshortcuts': ariaKey(c.key) }
}

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type)
  return false
}

/** The window's keydown handler: maps keys to commands. */
export function handleGlobalKeyDown(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.isComposing) return
  const mod = (e.ctrlKey || e.metaKey) && !e.altKey
  let key: string | null = null
  if (mod && e.key.toLowerCase() === 'k') key = 'Mod+K'
  else if (mod && e.key === 'Enter') key = 'Mod+Enter'
  else if (!e.ctrlKey && !e.metaKey && !e.altKey && e.shiftKey && /^[a-z]$/i.test(e.key)) key = `Shift+${e.key.toUpperCase()}`
  else if (!e.ctrlKey && !e.metaKey && !e.altKey) key = e.key
  if (key === null || key === '') return
  const command = COMMANDS.find((c) => c.key === key)
  if (!command) return
  const state = commandState()
  // Escape belongs to the open dialog (native <dialog> closes itself); nothing to do here.
  if (command.id === 'close') return
  if (command.id === 'palette') {
    e.preventDefault()
    setPaletteOpen(!useUiStore.getState().paletteOpen)
    return
  }
  if (state.modalOpen) return
  if (!command.always && isTextField(e.target)) return
  if (!command.enabled(state)) return
  e.preventDefault()
  command.run(state)
}
