import type { Agent, Customer, Item, Rating, SavedView } from '../../shared/domain/entities'
import type { WorkspaceSettings } from '../../shared/domain/settings'
import type { Needs, Snapshot } from '../../shared/mutations/types'
import {
  AGENT_COLUMNS,
  CUSTOMER_COLUMNS,
  ITEM_COLUMNS,
  RATING_COLUMNS,
  VIEW_COLUMNS,
  agentFromRow,
  customerFromRow,
  itemFromRow,
  ratingFromRow,
  viewFromRow,
  type AgentRow,
  type CustomerRow,
  type ItemRow,
  type RatingRow,
  type ViewRow
} from './rows'
import type { SqlClient } from './sql'

const uniqueSorted = (ids: readonly string[] | undefined): string[] => [...new Set(ids ?? [])].sort()

/**
 * The rows a mutation's needs() named, from PostgreSQL, inside the caller's transaction. Items
 * are locked FOR UPDATE in id order, so concurrent mutations on one item serialize (across
 * processes too) and never deadlock on each other; under READ COMMITTED the locked read returns
 * the latest committed version. Like the console's loadSnapshot, the current assignee and the
 * last mover of each item are loaded too, so a rejection can name them. One query per kind of
 * row, only for the kinds needed. `settings` were read by the caller (with the client's lock).
 */
export async function loadSnapshot(tx: SqlClient, needs: Needs, settings: WorkspaceSettings): Promise<Snapshot> {
  const items = new Map<string, Item>()
  const itemIds = uniqueSorted(needs.items)
  if (itemIds.length > 0) {
    const { rows } = await tx.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [itemIds])
    for (const r of rows) items.set(r.id, itemFromRow(r))
  }
  const customers = new Map<string, Customer>()
  const customerIds = uniqueSorted(needs.customers)
  if (customerIds.length > 0) {
    const { rows } = await tx.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = ANY($1::text[])`, [customerIds])
    for (const r of rows) customers.set(r.id, customerFromRow(r))
  }
  const agents = new Map<string, Agent>()
  const related = [...items.values()].flatMap((i) => [i.assigneeId, i.queueChangedBy]).filter((id): id is string => id !== null)
  const agentIds = uniqueSorted([...(needs.agents ?? []), ...related])
  if (agentIds.length > 0) {
    const { rows } = await tx.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = ANY($1::text[])`, [agentIds])
    for (const r of rows) agents.set(r.id, agentFromRow(r))
  }
  const ratings = new Map<string, Rating[]>()
  const ratingItems = uniqueSorted(needs.ratingsOf)
  if (ratingItems.length > 0) {
    for (const id of ratingItems) ratings.set(id, [])
    const { rows } = await tx.query<RatingRow>(`SELECT ${RATING_COLUMNS} FROM ratings WHERE item_id = ANY($1::text[]) ORDER BY created_at, id`, [ratingItems])
    for (const r of rows) ratings.get(r.item_id)?.push(ratingFromRow(r))
  }
  const views = new Map<string, SavedView>()
  const viewIds = uniqueSorted(needs.views)
  if (viewIds.length > 0) {
    const { rows } = await tx.query<ViewRow>(`SELECT ${VIEW_COLUMNS} FROM views WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [viewIds])
    for (const r of rows) views.set(r.id, viewFromRow(r))
  }
  return { items, customers, agents, ratings, views, settings }
}
