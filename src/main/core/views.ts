import type { Database } from 'better-sqlite3'
import type { InboxSort, SavedView, SavedViewFilter } from '../../shared/domain/entities'
import { ACTIVE_STATUSES } from '../../shared/domain/vocabulary'
import { prepared } from './statements'

const active = [...ACTIVE_STATUSES]
const builtIn = (id: string, name: string, filter: SavedViewFilter, sort: InboxSort): SavedView => ({ id: `builtin:${id}`, name, ownerId: null, builtIn: true, filter, sort })

/** The views every agent has. They live in code, belong to nobody and cannot be changed or deleted. */
export const BUILT_IN_VIEWS: readonly SavedView[] = [
  builtIn('my-open', 'My open', { assignee: { type: 'me' }, statuses: active }, { column: 'slaDue', direction: 'asc' }),
  builtIn('unassigned', 'Unassigned', { assignee: { type: 'unassigned' }, statuses: active }, { column: 'slaDue', direction: 'asc' }),
  builtIn('due-soon', 'Due soon', { dueWithinMinutes: 120, statuses: active }, { column: 'slaDue', direction: 'asc' }),
  builtIn('all-open', 'All open', { statuses: active }, { column: 'age', direction: 'desc' }),
  builtIn('all', 'All items', {}, { column: 'age', direction: 'desc' })
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

export function viewById(db: Database, id: string): SavedView | undefined {
  const builtInView = BUILT_IN_VIEWS.find((v) => v.id === id)
  if (builtInView) return builtInView
  const row = prepared<[string], ViewRow>(db, 'SELECT id, owner_id, name, filter, sort FROM views WHERE id = ?').get(id)
  return row ? viewFromRow(row) : undefined
}

/** Built-in views, then the agent's own in the order they were made. */
export function listViews(db: Database, agentId: string | null): SavedView[] {
  const own = agentId ? prepared<[string], ViewRow>(db, 'SELECT id, owner_id, name, filter, sort FROM views WHERE owner_id = ? ORDER BY rid').all(agentId).map(viewFromRow) : []
  return [...BUILT_IN_VIEWS, ...own]
}
