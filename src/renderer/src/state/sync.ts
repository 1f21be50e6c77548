import { create } from 'zustand'
import type { SyncRejection, SyncState, SyncStatus } from '../../../shared/contract'
import type { MutationName } from '../../../shared/mutations'
import { api } from '../api/client'
import { onReconnect, subscribe } from '../api/events'
import { refreshInbox, useInboxStore } from './inbox'
import { refreshItem } from './item'
import { refreshDirectory, refreshWorkspace, reloadSession } from './session'
import { showError } from './ui'

/** Where the console stands with its server, and the changes the server refused. */
export interface SyncSliceState {
  /** The last status the core answered or announced; null until the first (or while the core has no sync). */
  status: SyncStatus | null
  /** The refused changes, fetched when their count changes or the dialog asks. */
  rejections: SyncRejection[]
  rejectionsLoaded: boolean
}

export const useSyncStore = create<SyncSliceState>()(() => ({ status: null, rejections: [], rejectionsLoaded: false }))

const set = useSyncStore.setState
const get = useSyncStore.getState

/** The server's name for a change, as the agent knows it. */
const MUTATION_LABEL: Record<MutationName, string> = {
  'item.create': 'New item',
  'item.logContact': 'Logged contact',
  'item.reply': 'Reply',
  'item.addNote': 'Internal note',
  'item.setStatus': 'Status change',
  'item.setPriority': 'Priority change',
  'item.assign': 'Assignment',
  'item.recordRating': 'Rating',
  'view.save': 'Saved view',
  'view.delete': 'Deleted view',
  'item.escalateToSupport': 'Escalation to support',
  'item.escalateTier': 'Escalation',
  'item.handBack': 'Hand-back to service',
  'item.deescalate': 'De-escalation',
  'settings.update': 'Settings change',
  'item.retryDelivery': 'Retry of a delivery'
}

export const mutationLabel = (name: string): string => (Object.hasOwn(MUTATION_LABEL, name) ? MUTATION_LABEL[name as MutationName] : name)

/** The words of a state, for the status bar pill. */
export const SYNC_STATE_LABEL: Record<SyncState, string> = {
  local: 'Local only',
  signed_out: 'Signed out',
  connecting: 'Connecting…',
  online: 'Online',
  offline: 'Offline — changes are kept and will sync'
}

/** The workspace is tied to a server (whether reachable or not): no local agent switching. */
export const isSynced = (status: SyncStatus | null): boolean => status !== null && status.state !== 'local'

/** The status call on its way, if any. */
let fetching: Promise<void> | null = null
/** The highest data version taken in (from a status or items.changed); null before the first. */
let seenDataVersion: number | null = null
/** The highest rejection seq already shown to the agent (null until the first look). */
let seenSeq: number | null = null

let refreshing: Promise<void> | null = null
let refreshAgain = false

/**
 * A pull changed local data up to `version`: reload what is shown, once per new version (the
 * same version comes in items.changed and in the status that follows). The first version seen
 * in a status is where the screen's own first load started: nothing to reload for it; an
 * items.changed is always news.
 */
function takeDataVersion(version: number, from: 'status' | 'event'): void {
  const seen = seenDataVersion
  if (seen !== null && version <= seen) return
  seenDataVersion = version
  if (seen !== null || from === 'event') refreshAfterPull()
}

/** Data the core pulled from the server changed: reload everything on screen (one refresh at a time). */
function refreshAfterPull(): void {
  if (refreshing) {
    refreshAgain = true
    return
  }
  refreshing = refreshScreen().finally(() => {
    refreshing = null
    if (refreshAgain) {
      refreshAgain = false
      refreshAfterPull()
    }
  })
}

async function refreshScreen(): Promise<void> {
  // The session (agent, item count, outbox), then the agents, views and settings.
  await refreshWorkspace()
  await refreshDirectory()
  // The inbox and item only once the console shows them (a view was applied).
  const inbox = useInboxStore.getState()
  if (inbox.generation > 0) {
    refreshInbox()
    await refreshItem()
  }
}

function toastNew(list: SyncRejection[]): void {
  const fresh = seenSeq === null ? [] : list.filter((r) => r.seq > (seenSeq ?? 0))
  for (const r of fresh.slice(-3)) showError(`${mutationLabel(r.name)} not applied: ${r.message}`)
  const max = list.reduce((m, r) => Math.max(m, r.seq), seenSeq ?? 0)
  seenSeq = max
}

/** Fetch the refused changes (silently keeps the old list on failure). */
export async function loadRejections(): Promise<SyncRejection[]> {
  try {
    const list = await api['sync.rejections']({})
    set({ rejections: list, rejectionsLoaded: true })
    return list
  } catch {
    return get().rejections
  }
}

function sameStatus(a: SyncStatus | null, b: SyncStatus): boolean {
  if (!a) return false
  return (
    a.state === b.state &&
    a.serverUrl === b.serverUrl &&
    a.agentId === b.agentId &&
    a.pending === b.pending &&
    a.lastSyncedAt === b.lastSyncedAt &&
    a.firstSync?.done === b.firstSync?.done &&
    a.firstSync?.total === b.firstSync?.total &&
    a.rejections === b.rejections &&
    a.dataVersion === b.dataVersion &&
    a.lastError === b.lastError &&
    a.notices.length === b.notices.length &&
    a.notices.every((n, i) => n === b.notices[i])
  )
}

/** Take a status from the core: refresh the screen if data changed, announce new rejections. */
export function applySyncStatus(next: SyncStatus): void {
  const prev = get().status
  // Same as what is shown (a refetch on focus, say): keep the object, so nothing re-renders.
  if (!sameStatus(prev, next)) set({ status: next })
  takeDataVersion(next.dataVersion, 'status')
  if (!prev || prev.rejections !== next.rejections || (next.rejections > 0 && seenSeq === null)) {
    const grew = prev !== null && next.rejections > prev.rejections
    void loadRejections().then((list) => {
      if (grew) toastNew(list)
      else seenSeq = list.reduce((m, r) => Math.max(m, r.seq), seenSeq ?? 0)
    })
  }
}

/** Ask the core for the status once. Never two at a time: a call while one is on its way joins it. */
export function fetchSyncStatus(): Promise<void> {
  if (fetching) return fetching
  fetching = (async () => {
    try {
      applySyncStatus(await api['sync.status']({}))
    } catch {
      // The status bar keeps what it shows; the next event or focus tries again.
    } finally {
      fetching = null
    }
  })()
  return fetching
}

/**
 * Follow the sync as the core announces it: sync.changed (state, pending, progress, refused
 * changes, errors) and items.changed (a pull changed local data: reload what is shown). Asks once
 * at start, and again when the window gets focus or the harness's event stream comes back (events
 * may have been missed meanwhile). Returns the stop function (for a React effect).
 */
export function watchSync(): () => void {
  const stops = [
    subscribe('sync.changed', applySyncStatus),
    subscribe('items.changed', ({ dataVersion }) => takeDataVersion(dataVersion, 'event')),
    onReconnect(() => void fetchSyncStatus())
  ]
  const onFocus = () => void fetchSyncStatus()
  window.addEventListener('focus', onFocus)
  void fetchSyncStatus()
  return () => {
    stops.forEach((stop) => stop())
    window.removeEventListener('focus', onFocus)
  }
}

/** Connect this workspace to a server; throws the core's HandoffError (the form shows it). */
export async function signInToServer(serverUrl: string, credential: string, allowUnencrypted = false): Promise<SyncStatus> {
  const status = await api['sync.signIn']({ serverUrl, credential, ...(allowUnencrypted ? { allowUnencrypted: true } : {}) })
  set({ status })
  // The session now has the bound agent: take it, the agents and the views.
  await reloadSession().catch(() => undefined)
  return status
}

export async function signOutOfServer(): Promise<SyncStatus> {
  const status = await api['sync.signOut']({})
  set({ status })
  await refreshWorkspace()
  return status
}

export async function dismissRejection(seq: number): Promise<void> {
  const status = await api['sync.dismissRejection']({ seq })
  set({ rejections: get().rejections.filter((r) => r.seq !== seq) })
  applySyncStatus(status)
}

export async function dismissSyncNotices(): Promise<void> {
  applySyncStatus(await api['sync.dismissNotices']({}))
}

// Selector hooks.
export const useSyncStatus = () => useSyncStore((s) => s.status)
export const useSyncState = () => useSyncStore((s) => s.status?.state ?? null)
export const useIsSynced = () => useSyncStore((s) => isSynced(s.status))
export const useSyncRejections = () => useSyncStore((s) => s.rejections)
export const useSyncRejectionsLoaded = () => useSyncStore((s) => s.rejectionsLoaded)
export const useRejectionCount = () => useSyncStore((s) => s.status?.rejections ?? 0)
