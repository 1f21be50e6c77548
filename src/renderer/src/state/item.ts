import { create } from 'zustand'
import type { ItemDetail } from '../../../shared/contract'
import { api, errorMessage } from '../api/client'
import { subscribe } from '../api/events'
import { patchRow } from './inbox'

/** The item open in the right-hand pane. */
export interface ItemState {
  openId: string | null
  detail: ItemDetail | null
  loading: boolean
  error: string | null
}

export const useItemStore = create<ItemState>()(() => ({ openId: null, detail: null, loading: false, error: null }))

const set = useItemStore.setState
const get = useItemStore.getState

async function fetchDetail(itemId: string): Promise<void> {
  try {
    const detail = await api['item.get']({ itemId })
    if (get().openId !== itemId) return
    set({ detail, loading: false, error: null })
    const { item } = detail
    patchRow(item.id, {
      status: item.status,
      priority: item.priority,
      assigneeId: item.assigneeId,
      assigneeName: detail.assigneeName,
      subject: item.subject,
      slaDueAt: item.slaDueAt,
      updatedAt: item.updatedAt,
      tier: item.tier,
      queue: item.queue,
      kind: item.kind,
      category: item.category
    })
  } catch (e) {
    if (get().openId !== itemId) return
    set({ loading: false, error: errorMessage(e) })
  }
}

export function openItem(itemId: string): Promise<void> {
  if (get().openId === itemId && get().detail) return refreshItem()
  set({ openId: itemId, loading: true, error: null, detail: get().detail?.item.id === itemId ? get().detail : null })
  markRead(itemId)
  return fetchDetail(itemId)
}

/**
 * The agent opened the item: its unread mark goes, at once in the list on screen, and in the
 * core (which tells every inbox through items.changed when there was one). A failure leaves the
 * mark for the next opening: nothing to tell the agent.
 */
function markRead(itemId: string): void {
  patchRow(itemId, { unread: false })
  api['item.markRead']({ itemId }).catch(() => undefined)
}

/** Asks the server (through the outbox, like any change) to deliver the reply again; the thread shows it queued. */
export async function retryDelivery(itemId: string, messageId: string): Promise<void> {
  await api['item.retryDelivery']({ itemId, messageId })
  if (get().openId === itemId) await refreshItem()
}

/** Refetch the open item after a change, keeping the current one on screen meanwhile. */
export function refreshItem(): Promise<void> {
  const { openId } = get()
  if (!openId) return Promise.resolve()
  return fetchDetail(openId)
}

export function closeItem(): void {
  set({ openId: null, detail: null, loading: false, error: null })
}

/**
 * Tells the desktop shell which item the pane shows, whenever it changes (main leaves out the
 * notification of a message on the item the agent is looking at), and opens the item of a
 * notification the agent clicked (ui.openItem, sent by main). Returns the stop function (for a
 * React effect). In the harness the core takes ui.showingItem and nothing sends ui.openItem.
 */
export function watchShownItem(): () => void {
  const tell = (itemId: string | null) => void api['ui.showingItem']({ itemId }).catch(() => undefined)
  tell(get().openId)
  const stopStore = useItemStore.subscribe((now, before) => {
    if (now.openId !== before.openId) tell(now.openId)
  })
  const stopEvents = [
    subscribe('ui.openItem', ({ itemId }) => void openItem(itemId)),
    // A message on the item the agent is looking at is seen as it comes in: no unread mark for it.
    subscribe('messages.arrived', ({ itemId }) => {
      if (get().openId === itemId && document.hasFocus()) markRead(itemId)
    })
  ]
  return () => {
    stopStore()
    stopEvents.forEach((stop) => stop())
  }
}

export const useOpenItemId = () => useItemStore((s) => s.openId)
export const useItemDetail = () => useItemStore((s) => s.detail)
export const useItemLoading = () => useItemStore((s) => s.loading)
export const useItemError = () => useItemStore((s) => s.error)
