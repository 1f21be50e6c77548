import type { SavedView } from '../../../shared/domain/entities'
import type { Priority, Status } from '../../../shared/domain/vocabulary'
import { api, errorMessage } from '../api/client'
import { applyView, indexOfRow, loadRowAt, refreshInbox, requestScrollTo, setSelectedIndex, useInboxStore } from './inbox'
import { openItem, refreshItem, useItemStore } from './item'
import { refreshViews, refreshWorkspace, useSessionStore } from './session'
import { showError, showSuccess } from './ui'

/** Actions that span stores: what the screens and the command registry call. */

export function selectView(view: SavedView): void {
  applyView(view)
}

/** Open the item at a row of the current list (fetching its page if needed). */
export async function openRowAt(index: number, focusRow = false): Promise<void> {
  const total = useInboxStore.getState().total
  if (index < 0 || (total !== null && index >= total)) return
  setSelectedIndex(index)
  requestScrollTo(index, focusRow)
  const row = await loadRowAt(index)
  if (row && useInboxStore.getState().selectedIndex === index) await openItem(row.id)
}

/** j / k: the next or previous row after the open item (or the first one). */
export function moveSelection(delta: 1 | -1): void {
  const openId = useItemStore.getState().openId
  const fromOpen = openId ? indexOfRow(openId) : null
  const current = fromOpen ?? useInboxStore.getState().selectedIndex
  const next = current === null ? 0 : current + delta
  void openRowAt(Math.max(0, next), true)
}

/** After any change to the open item: refetch it and the inbox rows around it. */
export async function afterItemChange(): Promise<void> {
  await refreshItem()
  refreshInbox()
}

/** After creating an item: refresh the list and the workspace count, and open the new one. */
export async function afterItemCreated(itemId: string): Promise<void> {
  refreshInbox()
  void refreshWorkspace()
  await openItem(itemId)
}

function openDetail() {
  const detail = useItemStore.getState().detail
  return detail
}

export async function assignOpenItem(assigneeId: string | null): Promise<void> {
  const detail = openDetail()
  if (!detail) return
  await api['item.assign']({ itemId: detail.item.id, assigneeId, expectedAssigneeId: detail.item.assigneeId })
  await afterItemChange()
}

/** For commands and buttons: run a change and report its outcome as a toast. */
async function withToast(run: () => Promise<void>, success: string): Promise<void> {
  try {
    await run()
    showSuccess(success)
  } catch (e) {
    showError(errorMessage(e))
  }
}

export function assignToMe(): Promise<void> {
  const me = useSessionStore.getState().agent
  if (!me) return Promise.resolve()
  return withToast(() => assignOpenItem(me.id), `Assigned to ${me.name}`)
}

export function unassign(): Promise<void> {
  return withToast(() => assignOpenItem(null), 'Unassigned')
}

export async function setOpenItemStatus(status: Status): Promise<void> {
  const detail = openDetail()
  if (!detail) return
  await api['item.setStatus']({ itemId: detail.item.id, status })
  await afterItemChange()
}

export async function setOpenItemPriority(priority: Priority): Promise<void> {
  const detail = openDetail()
  if (!detail) return
  await api['item.setPriority']({ itemId: detail.item.id, priority })
  await afterItemChange()
}

export async function deleteView(view: SavedView): Promise<void> {
  try {
    await api['view.delete']({ viewId: view.id })
    const views = await refreshViews()
    if (useInboxStore.getState().viewId === view.id) {
      const first = views[0]
      if (first) applyView(first)
    }
    showSuccess(`View “${view.name}” deleted`)
  } catch (e) {
    showError(errorMessage(e))
  }
}
