import type { Database } from 'better-sqlite3'
import type { InboxSort, SavedView, SavedViewFilter } from '../../shared/domain/entities'
import { ACTIVE_STATUSES } from '../../shared/domain/vocabulary'
import { QUEUES, queueOfTier, type Queue } from '../../shared/domain/escalation'
import { DEFAULT_SLA_POLICY } from '../../shared/domain/sla'
import type { WorkspaceSettings } from '../../shared/domain/settings'
import { agentById } from '../people/directory'
import { loadSettings } from '../settings/settings'
import { prepared } from '../infra/statements'

const active = [...ACTIVE_STATUSES]
const QUEUE_VIEW_NAME: Record<Queue, string> = { service: 'Frontline queue', tier1: 'Tier 1 queue', tier2: 'Tier 2 queue', tier3: 'Tier 3 queue' }
const builtIn = (id: string, name: string, filter: SavedViewFilter, sort: InboxSort): SavedView => ({ id: `builtin:${id}`, name, ownerId: null, builtIn: true, filter, sort })

/** The views every agent has. They live in code, belong to nobody and cannot be changed or deleted. */
export const BUILT_IN_VIEWS: readonly SavedView[] = [
  builtIn('my-open', 'My open', { assignee: { type: 'me' }, statuses: active }, { column: 'slaDue', direction: 'asc' }),
  builtIn('unassigned', 'Unassigned', { assignee: { type: 'unassigned' }, statuses: active }, { column: 'slaDue', direction: 'asc' }),
  builtIn('due-soon', 'Due soon', { dueWithinMinutes: DEFAULT_SLA_POLICY.dueSoonMinutes, statuses: active }, { column: 'slaDue', direction: 'asc' }),
  builtIn('all-open', 'All open', { statuses: active }, { column: 'age', direction: 'desc' }),
  builtIn('all', 'All items', {}, { column: 'age', direction: 'desc' }),
  // The queues, oldest first: whoever works a queue takes the longest-waiting item. The "age"
  // column sorts by creation (items.rid, see inbox-query.ts; the renderer's Age column reads
  // createdAt), so 'desc' is newest first (the inbox default) and oldest first is 'asc'.
  ...QUEUES.map((q) => builtIn(`queue-${q}`, QUEUE_VIEW_NAME[q], { queues: [q], statuses: active }, { column: 'age', direction: 'asc' }))
]

interface ViewRow {
  id: string
  owner_id: string
  name: string
  filter: string
  sort: string
}

const viewFromRow = (r: ViewRow): SavedView => ({
  id: r.id,
  name: r.name,
  ownerId: r.owner_id,
  builtIn: false,
  filter: JSON.parse(r.filter) as SavedViewFilter,
  sort: JSON.parse(r.sort) as InboxSort
})

/** The built-in views as the workspace's settings make them: "Due soon" uses settings.sla.dueSoonMinutes. */
function builtInViews(settings: WorkspaceSettings): SavedView[] {
  return BUILT_IN_VIEWS.map((v) => (v.id === 'builtin:due-soon' ? { ...v, filter: { ...v.filter, dueWithinMinutes: settings.sla.dueSoonMinutes } } : v))
}

export function viewById(db: Database, id: string): SavedView | undefined {
  const builtInView = builtInViews(loadSettings(db)).find((v) => v.id === id)
  if (builtInView) return builtInView
  const row = prepared<[string], ViewRow>(db, 'SELECT id, owner_id, name, filter, sort FROM views WHERE id = ?').get(id)
  return row ? viewFromRow(row) : undefined
}

/**
 * Built-in views, then the agent's own in the order they were made. The first view is the
 * agent's default (the renderer opens it): for a support specialist the queue of their lowest
 * tier, moved to the front; for everyone else (service agents, supervisors, nobody signed in)
 * "My open". Views carry nothing else for this: the order alone says it.
 */
export function listViews(db: Database, agentId: string | null): SavedView[] {
  const own = agentId ? prepared<[string], ViewRow>(db, 'SELECT id, owner_id, name, filter, sort FROM views WHERE owner_id = ? ORDER BY rid').all(agentId).map(viewFromRow) : []
  const builtIns = builtInViews(loadSettings(db))
  const agent = agentId ? agentById(db, agentId) : null
  const lowestTier = agent?.role === 'support' ? [...agent.tiers].sort((a, b) => a - b)[0] : undefined
  if (lowestTier !== undefined) {
    const id = `builtin:queue-${queueOfTier(lowestTier)}`
    builtIns.sort((a, b) => Number(b.id === id) - Number(a.id === id))
  }
  return [...builtIns, ...own]
}
