import { create } from 'zustand'
import type { Agent, SavedView } from '../../../shared/domain/entities'
import type { SessionInfo } from '../../../shared/contract'
import { api, errorMessage, onCallError } from '../api/client'
import { onReconnect, subscribe } from '../api/events'
import { loadSettings } from './settings'

/** Who is signed in, the workspace, the agents and views, and how much waits in the outbox. */
export interface SessionState {
  phase: 'loading' | 'ready' | 'refused' | 'failed'
  /** Why the database was refused, or why start-up failed. */
  problem: string | null
  agent: Agent | null
  workspace: SessionInfo['workspace'] | null
  outboxPending: number
  agents: Agent[]
  views: SavedView[]
}

export const useSessionStore = create<SessionState>()(() => ({
  phase: 'loading',
  problem: null,
  agent: null,
  workspace: null,
  outboxPending: 0,
  agents: [],
  views: []
}))

const set = useSessionStore.setState
const get = useSessionStore.getState

// Any call answering database_refused replaces the whole UI with the refusal screen.
onCallError((error) => {
  if (error.code === 'database_refused') set({ phase: 'refused', problem: error.message })
})

function applySession(info: SessionInfo): void {
  set({ agent: info.agent, workspace: info.workspace, outboxPending: info.outboxPending })
}

async function loadDirectory(): Promise<void> {
  const [agents, views] = await Promise.all([api['agents.list']({}), api['views.list']({})])
  set({ agents, views })
  // Settings drive SLA markers and handoff reasons; the defaults stand in if they cannot be read.
  await loadSettings().catch(() => undefined)
}

export async function loadSession(): Promise<void> {
  try {
    const info = await api['session.get']({})
    applySession(info)
    if (!info.workspace.empty) await loadDirectory()
    if (get().phase !== 'refused') set({ phase: 'ready', problem: null })
  } catch (e) {
    if (get().phase !== 'refused') set({ phase: 'failed', problem: errorMessage(e) })
  }
}

/** After seeding or starting a workspace: take its session and load agents and views. */
export async function enterWorkspace(info: SessionInfo): Promise<void> {
  applySession(info)
  await loadDirectory()
}

export async function refreshOutbox(): Promise<void> {
  try {
    const { pending } = await api['outbox.status']({})
    set({ outboxPending: pending })
  } catch {
    // The status bar keeps its last known count; the failing call reports itself elsewhere.
  }
}

/**
 * Keep the outbox count current as the core announces it (outbox.changed: a local change was
 * recorded, a pull confirmed some); asked again when the window gets focus or the harness's event
 * stream comes back (events may have been missed meanwhile). Returns the stop function (for a
 * React effect).
 */
export function watchOutbox(): () => void {
  const stops = [subscribe('outbox.changed', ({ pending }) => set({ outboxPending: pending })), onReconnect(() => void refreshOutbox())]
  const onFocus = () => void refreshOutbox()
  window.addEventListener('focus', onFocus)
  return () => {
    stops.forEach((stop) => stop())
    window.removeEventListener('focus', onFocus)
  }
}

export async function refreshWorkspace(): Promise<void> {
  try {
    applySession(await api['session.get']({}))
  } catch {
    // Same as above: a stale count is better than a broken status bar.
  }
}

/** Data changed underneath (a pull from the server): take the agents, views and settings again. */
export async function refreshDirectory(): Promise<void> {
  try {
    await loadDirectory()
  } catch {
    // What is on screen stays; the next change tries again.
  }
}

/**
 * After connecting this workspace to a server: the session now has the bound agent (and, soon,
 * the server's data), so take it and the directory again.
 */
export async function reloadSession(): Promise<void> {
  const info = await api['session.get']({})
  applySession(info)
  await loadDirectory()
}

export async function refreshViews(): Promise<SavedView[]> {
  const views = await api['views.list']({})
  set({ views })
  return views
}

export async function signIn(agentId: string): Promise<void> {
  const info = await api['session.signIn']({ agentId })
  applySession(info)
  await loadDirectory()
}

// Selector hooks: components subscribe to exactly what they show.
export const useSessionPhase = () => useSessionStore((s) => s.phase)
export const useSessionProblem = () => useSessionStore((s) => s.problem)
export const useSignedInAgent = () => useSessionStore((s) => s.agent)
export const useWorkspace = () => useSessionStore((s) => s.workspace)
export const useOutboxPending = () => useSessionStore((s) => s.outboxPending)
export const useAgents = () => useSessionStore((s) => s.agents)
export const useViews = () => useSessionStore((s) => s.views)
