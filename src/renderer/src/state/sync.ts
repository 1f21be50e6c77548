import { create } from 'zustand'
import type { SyncRejection, SyncState, SyncStatus } from '../../../shared/contract'
import { api } from '../api/client'
import { refreshInbox, useInboxStore } from './inbox'
import { refreshItem } from './item'
import { refreshDirectory, refreshWorkspace, reloadSession } from './session'
import { showError } from './ui'

/** Where the console stands with its server, and the changes the server refused. */
export interface SyncSliceState {
  /** The last status the core answered; null until the first answer (or while the core has no sync). */
  status: SyncStatus | null
  /** The refused changes, fetched when their count changes or the dialog asks. */
  rejections: SyncRejection[]
  rejectionsLoaded: boolean
}

export const useSyncStore = create<SyncSliceState>()(() => ({ status: null, rejections: [], rejectionsLoaded: false }))

const set = useSyncStore.setState
const get = useSyncStore.getState

/** How often the status is asked for; the core answers from memory, so this is cheap. */
export const SYNC_POLL_MS = 1000
/** After failed polls (e.g. a core without sync yet), ask less often. */
const FAILED_POLL_MS = 5000

/** The server's name for a change, as the agent knows it. */
const MUTATION_LABEL: Record<string, string> = {
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
  'settings.update': 'Settings change'
}

export const mutationLabel = (name: string): string => MUTATION_LABEL[name] ?? name

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

let polling: Promise<void> | null = null
let failures = 0
/** The highest rejection seq already shown to the agent (null until the first look). */
let seenSeq: number | null = null

let refreshing: Promise<void> | null = null
let refreshAgain = false

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
    a.lastError === b.lastError
  )
}

/** Take a status from the core: refresh the screen if data changed, announce new rejections. */
export function applySyncStatus(next: SyncStatus): void {
  const prev = get().status
  // Same answer as a second ago (the usual case): keep the object, so nothing re-renders.
  if (!sameStatus(prev, next)) set({ status: next })
  if (prev && prev.dataVersion !== next.dataVersion) refreshAfterPull()
  if (!prev || prev.rejections !== next.rejections || (next.rejections > 0 && seenSeq === null)) {
    const grew = prev !== null && next.rejections > prev.rejections
    void loadRejections().then((list) => {
      if (grew) toastNew(list)
      else seenSeq = list.reduce((m, r) => Math.max(m, r.seq), seenSeq ?? 0)
    })
  }
}

/** Ask the core once. Never two at a time: a call while one is on its way joins it. */
export function pollSync(): Promise<void> {
  if (polling) return polling
  polling = (async () => {
    try {
      applySyncStatus(await api['sync.status']({}))
      failures = 0
    } catch {
      failures++
    } finally {
      polling = null
    }
  })()
  return polling
}

/**
 * Poll the status every second (less often after failures) and when the window gets focus.
 * Returns the stop function (for a React effect).
 */
export function startSyncPolling(): () => void {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const loop = async () => {
    await pollSync()
    if (stopped) return
    timer = setTimeout(() => void loop(), failures > 2 ? FAILED_POLL_MS : SYNC_POLL_MS)
  }
  const onFocus = () => void pollSync()
  window.addEventListener('focus', onFocus)
  void loop()
  return () => {
    stopped = true
    clearTimeout(timer)
    window.removeEventListener('focus', onFocus)
  }
}

/** Connect this workspace to a server; throws the core's HandoffError (the form shows it). */
export async function signInToServer(serverUrl: string, credential: string): Promise<SyncStatus> {
  const status = await api['sync.signIn']({ serverUrl, credential })
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

// Selector hooks.
export const useSyncStatus = () => useSyncStore((s) => s.status)
export const useSyncState = () => useSyncStore((s) => s.status?.state ?? null)
export const useIsSynced = () => useSyncStore((s) => isSynced(s.status))
export const useSyncRejections = () => useSyncStore((s) => s.rejections)
export const useSyncRejectionsLoaded = () => useSyncStore((s) => s.rejectionsLoaded)
export const useRejectionCount = () => useSyncStore((s) => s.status?.rejections ?? 0)
