import type { Database } from 'better-sqlite3'
import type { SavedView } from '../../shared/domain/entities'
import type { Needs, Snapshot } from '../../shared/mutations/types'
import { loadItems, loadRatings } from '../items/snapshot'
import { loadAgents, loadCustomers } from '../people/snapshot'
import { loadSettings } from '../settings/settings'
import { viewById } from '../views/views'

/**
 * The rows a mutation's needs() named, from SQLite, each capability reading its own. Missing ids
 * are simply absent. The current assignee of every loaded item is loaded too, so a rejection can
 * name who holds an item (a compare-and-set conflict on item.assign) although needs() could not
 * know that id in advance.
 */
export function loadSnapshot(db: Database, needs: Needs): Snapshot {
  const items = loadItems(db, needs.items)
  const customers = loadCustomers(db, needs.customers)
  // Also who holds each item and who last moved it: a refusal names them.
  const assignees = [...items.values()].flatMap((i) => [i.assigneeId, i.queueChangedBy]).filter((id): id is string => id !== null)
  const agents = loadAgents(db, [...(needs.agents ?? []), ...assignees])
  const ratings = loadRatings(db, needs.ratingsOf)
  const views = new Map<string, SavedView>()
  for (const id of needs.views ?? []) {
    const view = viewById(db, id)
    if (view) views.set(id, view)
  }
  return { items, customers, agents, ratings, views, settings: loadSettings(db) }
}
