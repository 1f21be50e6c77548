import { create } from 'zustand'
import type { LoggedChannel } from '../../../shared/domain/vocabulary'
import type { HandoffAction } from '../../../shared/domain/escalation'

export type DialogState =
  | { type: 'newItem' }
  | { type: 'logContact'; channel: LoggedChannel }
  | { type: 'recordRating'; itemId: string }
  | { type: 'saveView' }
  | { type: 'handoff'; action: HandoffAction; itemId: string }
  | { type: 'settings' }
  | { type: 'figures' }
  | { type: 'teamFigures' }
  | { type: 'server' }
  | { type: 'rejections' }

export interface Toast {
  id: number
  tone: 'success' | 'error'
  text: string
}

export type ComposeMode = 'reply' | 'note'

export interface UiState {
  paletteOpen: boolean
  dialog: DialogState | null
  toasts: Toast[]
  composeMode: ComposeMode
}

export const useUiStore = create<UiState>()(() => ({
  paletteOpen: false,
  dialog: null,
  toasts: [],
  composeMode: 'reply'
}))

const set = useUiStore.setState
const get = useUiStore.getState

let nextToast = 1
const TOAST_MS = { success: 3500, error: 8000 }

function toast(tone: Toast['tone'], text: string): void {
  const id = nextToast++
  set({ toasts: [...get().toasts.slice(-2), { id, tone, text }] })
  setTimeout(() => dismissToast(id), TOAST_MS[tone])
}
export const showSuccess = (text: string) => toast('success', text)
export const showError = (text: string) => toast('error', text)
export function dismissToast(id: number): void {
  set({ toasts: get().toasts.filter((t) => t.id !== id) })
}

/**
 * Where focus goes back to when the dialog or palette closes. Recorded when it opens: the rest of
 * the window becomes inert at once, which would otherwise lose the element.
 */
let returnFocusTo: HTMLElement | null = null

function rememberFocus(): void {
  if (get().dialog || get().paletteOpen) return
  const active = document.activeElement
  returnFocusTo = active instanceof HTMLElement && active !== document.body ? active : null
  // Blur now: the main layout is about to be hidden from assistive technology.
  returnFocusTo?.blur()
}

/** Called when a dialog or the palette unmounts: give focus back, unless another one took over. */
export function restoreFocus(): void {
  requestAnimationFrame(() => {
    if (get().dialog || get().paletteOpen) return
    const target = returnFocusTo
    returnFocusTo = null
    if (target?.isConnected) target.focus()
  })
}

/** The palette ran a command that moves focus itself: do not move it back afterwards. */
export function discardReturnFocus(): void {
  returnFocusTo = null
}

export function openDialog(dialog: DialogState): void {
  rememberFocus()
  set({ dialog, paletteOpen: false })
}
export function closeDialog(): void {
  set({ dialog: null })
}
export function setPaletteOpen(open: boolean): void {
  if (open === get().paletteOpen) return
  if (open) rememberFocus()
  set({ paletteOpen: open })
}
export function setComposeMode(mode: ComposeMode): void {
  set({ composeMode: mode })
}

export const usePaletteOpen = () => useUiStore((s) => s.paletteOpen)
export const useDialog = () => useUiStore((s) => s.dialog)
export const useToasts = () => useUiStore((s) => s.toasts)
export const useComposeMode = () => useUiStore((s) => s.composeMode)
export const useModalOpen = () => useUiStore((s) => s.paletteOpen || s.dialog !== null)
