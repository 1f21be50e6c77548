import { create } from 'zustand'
import type { ItemDetail } from '../../../shared/contract'
import { api, errorMessage } from '../api/client'
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
  return fetchDetail(itemId)
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

export const useOpenItemId = () => useItemStore((s) => s.openId)
export const useItemDetail = () => useItemStore((s) => s.detail)
export const useItemLoading = () => useItemStore((s) => s.loading)
export const useItemError = () => useItemStore((s) => s.error)
