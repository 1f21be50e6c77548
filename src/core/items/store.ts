import type { Database } from 'better-sqlite3'
import { ITEM_PATCH_COLUMNS, isItemPatchKey, type ItemPatch } from '../../shared/mutations/item-columns'
import type { Customer, Item, ItemEvent, Message, Rating, SavedView } from '../../shared/domain/entities'
import type { Agent } from '../../shared/domain/entities'
import type { Change, Needs, Snapshot } from '../../shared/mutations/types'
import { allocateItemKey } from './item-keys'
import {
  AGENT_COLUMNS,
  CUSTOMER_COLUMNS,
  ITEM_COLUMNS,
  agentFromRow,
  customerFromRow,
  itemFromRow,
  ratingFromRow,
  type AgentRow,
  type CustomerRow,
  type ItemRow,
  type RatingRow
} from '../infra/rows'
import { markForIndexing } from '../search/search-index'
import { plucked, prepared } from '../infra/statements'
import { loadSettings, storeSettings } from '../settings/settings'
import { QUEUES } from '../../shared/domain/escalation'
import type { SlaPolicy } from '../../shared/domain/sla'
import { PRIORITIES } from '../../shared/domain/vocabulary'
import { viewById } from '../views/views'

/**
 * The rows a mutation's needs() named, from SQLite. Missing ids are simply absent. The current
 * assignee of every loaded item is loaded too, so a rejection can name who holds an item (a
 * compare-and-set conflict on item.assign) although needs() could not know that id in advance.
 */
export function loadSnapshot(db: Database, needs: Needs): Snapshot {
  const items = new Map<string, Item>()
  for (const id of needs.items ?? []) {
    // By rowid when known (no search of the id index): an item's rid never changes.
    const rid = ridCache.get(db)?.get(id)
    const row =
      rid === undefined
        ? prepared<[string], ItemRow>(db, `SELECT ${ITEM_COLUMNS} FROM items i WHERE i.id = ?`).get(id)
        : prepared<[number], ItemRow>(db, `SELECT ${ITEM_COLUMNS} FROM items i WHERE i.rid = ?`).get(rid)
    if (row) {
      items.set(id, itemFromRow(row))
      rememberRid(db, id, row.rid)
    }
  }
  const customers = new Map<string, Customer>()
  for (const id of needs.customers ?? []) {
    const row = prepared<[string], CustomerRow>(db, `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.id = ?`).get(id)
    if (row) customers.set(id, customerFromRow(row))
  }
  const agents = new Map<string, Agent>()
  // Also who holds each item and who last moved it: a refusal names them.
  const assignees = [...items.values()].flatMap((i) => [i.assigneeId, i.queueChangedBy]).filter((id): id is string => id !== null)
  for (const id of [...(needs.agents ?? []), ...assignees]) {
    if (agents.has(id)) continue
    const row = prepared<[string], AgentRow>(db, `SELECT ${AGENT_COLUMNS} FROM agents a WHERE a.id = ?`).get(id)
    if (row) agents.set(id, agentFromRow(row))
  }
  const ratings = new Map<string, Rating[]>()
  for (const itemId of needs.ratingsOf ?? []) {
    const rows = prepared<[string], RatingRow>(
      db,
      'SELECT r.id, r.kind, r.score, r.recorded_by, r.created_at FROM ratings r JOIN items i ON i.rid = r.item_rid WHERE i.id = ? ORDER BY r.rid'
    ).all(itemId)
    ratings.set(
      itemId,
      rows.map((r) => ratingFromRow(itemId, r))
    )
  }
  const views = new Map<string, SavedView>()
  for (const id of needs.views ?? []) {
    const view = viewById(db, id)
    if (view) views.set(id, view)
  }
  return { items, customers, agents, ratings, views, settings: loadSettings(db) }
}

/**
 * Keeps items.sla_due_at = slaDueAt(item, policy) for every active item when the policy changes
 * (a derived column, like the denormalized names): the same calendar arithmetic in SQL, from the
 * current SLA clock, the first-response target until answered, then the resolution target.
 * Resolved and closed items have no deadline and are not touched.
 */
function recomputeDeadlines(db: Database, policy: SlaPolicy): void {
  const targets = QUEUES.flatMap((q) => PRIORITIES.map((p) => ({ q, p, first: policy[q][p].firstResponseMinutes, resolution: policy[q][p].resolutionMinutes })))
  prepared<[string]>(
    db,
    `WITH t AS (SELECT value ->> 'q' AS queue, value ->> 'p' AS priority, value ->> 'first' AS first, value ->> 'resolution' AS resolution FROM json_each(?))
     UPDATE items SET sla_due_at = (
       SELECT strftime('%Y-%m-%dT%H:%M:%fZ', items.sla_started_at, '+' || (CASE WHEN items.sla_responded_at IS NULL THEN t.first ELSE t.resolution END) || ' minutes')
         FROM t WHERE t.queue = items.queue AND t.priority = items.priority)
     WHERE status_rank IN (0, 1, 2)`
  ).run(JSON.stringify(targets))
}

/** Thrown when a change names a row that is not there: a bug in a decide(), never a user error. */
export class MissingRowError extends Error {
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`)
    this.name = 'MissingRowError'
  }
}

/**
 * Writes a decision's changes (`before`: the snapshot they were decided from, to skip item
 * fields they leave as they were). Keeps the denormalized columns (customer_name, assignee_name,
 * assignee_key) in step and marks the full-text documents to rewrite (search-index.ts). Call
 * inside a transaction: it is several statements.
 */
export function applyChanges(db: Database, changes: readonly Change[], before?: Snapshot, options: { replay?: boolean } = {}): void {
  const touched = new Set<number>()
  // Replay (a pull re-running a pending mutation on top of the server's state, sync/apply-pull.ts):
  // the rows it created are already there, from its first run or from the server; keep them.
  const exists = (table: 'customers' | 'items' | 'messages' | 'item_events' | 'ratings', id: string) =>
    options.replay === true && plucked<[string], number>(db, `SELECT EXISTS (SELECT 1 FROM ${table} WHERE id = ?)`).get(id) === 1
  // What each item holds as the changes go, from the snapshot: only for decisions that write
  // item columns through updateItem alone (settings move deadlines behind its back).
  const current = before && !changes.some((c) => c.op === 'setSettings') ? new Map(before.items) : null
  for (const change of changes) {
    switch (change.op) {
      case 'insertCustomer':
        if (exists('customers', change.customer.id)) break
        insertCustomer(db, change.customer)
        break
      case 'insertItem':
        if (exists('items', change.item.id)) break
        touched.add(insertItem(db, change.item))
        break
      case 'updateItem': {
        const item = current?.get(change.id)
        const rid = updateItem(db, change.id, item ? changedOnly(change.patch, item) : change.patch)
        if (item) current?.set(change.id, { ...item, ...change.patch })
        if ('subject' in change.patch || 'customerId' in change.patch) touched.add(rid)
        break
      }
      case 'insertMessage':
        if (exists('messages', change.message.id)) break
        insertMessage(db, change.message) // indexed by the message high-water mark (search-index.ts)
        break
      case 'insertEvent':
        if (exists('item_events', change.event.id)) break
        insertEvent(db, change.event)
        break
      case 'insertRating':
        if (exists('ratings', change.rating.id)) break
        insertRating(db, change.rating)
        break
      case 'upsertView':
        upsertView(db, change.view)
        break
      case 'deleteView':
        prepared<[string]>(db, 'DELETE FROM views WHERE id = ?').run(change.id)
        break
      case 'setSettings':
        storeSettings(db, change.settings)
        recomputeDeadlines(db, change.settings.sla)
        break
      default: {
        const unknownChange: never = change
        throw new Error(`Unknown change ${JSON.stringify(unknownChange)}`)
      }
    }
  }
  for (const rid of touched) markForIndexing(db, 'item', rid)
}

/**
 * Item id -> rid, per connection: a mutation names its item by id several times (its snapshot,
 * its message, its update, its event). Sound because an item's rid never changes and items are
 * deleted only by a sync purge, which forgets the cache; bounded so it stays small.
 */
const ridCache = new WeakMap<Database, Map<string, number>>()

/** Forgets every cached rid: a sync purge deletes items (and an id may come back with a new rid). */
export function forgetItemRids(db: Database): void {
  ridCache.delete(db)
}
const RID_CACHE_SIZE = 5_000

function rememberRid(db: Database, itemId: string, rid: number): void {
  let cache = ridCache.get(db)
  if (!cache) {
    cache = new Map()
    ridCache.set(db, cache)
  }
  if (cache.size >= RID_CACHE_SIZE) cache.clear()
  cache.set(itemId, rid)
}

function itemRid(db: Database, itemId: string): number {
  const cached = ridCache.get(db)?.get(itemId)
  if (cached !== undefined) return cached
  const row = prepared<[string], { rid: number }>(db, 'SELECT rid FROM items WHERE id = ?').get(itemId)
  if (!row) throw new MissingRowError('Item', itemId)
  rememberRid(db, itemId, row.rid)
  return row.rid
}

function insertCustomer(db: Database, c: Customer): void {
  // Indexed for search by the customer high-water mark (search-index.ts).
  prepared<[string, string, string | null, string | null, string]>(db, 'INSERT INTO customers (id, name, email, phone, created_at) VALUES (?, ?, ?, ?, ?)').run(
    c.id,
    c.name,
    c.email,
    c.phone,
    c.createdAt
  )
}

/** Inserts an item with a new rid in age order; returns the rid. */
export function insertItem(db: Database, item: Item): number {
  const rid = allocateItemKey(db, item.createdAt)
  prepared(
    db,
    `INSERT INTO items (rid, id, kind, category, channel, customer_id, customer_name, subject, status, priority, assignee_id, assignee_name, assignee_key, tier,
       queue, handoff_summary, queue_changed_by, queue_changed_at, sla_started_at, sla_responded_at, created_at, updated_at, first_response_at, resolved_at, sla_due_at)
     VALUES (?, ?, ?, ?, ?, ?, (SELECT name FROM customers WHERE id = ?), ?, ?, ?, ?, (SELECT name FROM agents WHERE id = ?), (SELECT rid FROM agents WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(
    rid,
    item.id,
    item.kind,
    item.category,
    item.channel,
    item.customerId,
    item.customerId,
    item.subject,
    item.status,
    item.priority,
    item.assigneeId,
    item.assigneeId,
    item.assigneeId,
    item.tier,
    item.queue,
    item.handoffSummary,
    item.queueChangedBy,
    item.queueChangedAt,
    item.slaStartedAt,
    item.slaRespondedAt,
    item.createdAt,
    item.updatedAt,
    item.firstResponseAt,
    item.resolvedAt,
    item.slaDueAt
  )
  return rid
}


/**
 * The patch without the fields whose value the item already has (by the snapshot the decision
 * was made from, read in the same transaction): rewriting a column to its own value still
 * rewrites every index that holds it (a reply's unchanged deadline is in items_walk_sla) and
 * fires the triggers on it. The assignee and the customer always stay: they also refresh the
 * denormalized names.
 */
function changedOnly(patch: ItemPatch, item: Item): ItemPatch {
  const changed: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'assigneeId' || key === 'customerId' || !isItemPatchKey(key) || value !== item[key]) changed[key] = value
  }
  return changed as ItemPatch
}

/** Writes the given item fields (keeping the denormalized names in step); returns the item's rid. */
export function updateItem(db: Database, id: string, patch: ItemPatch): number {
  const sets: string[] = []
  const params: unknown[] = []
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue
    if (!isItemPatchKey(key)) throw new Error(`Cannot patch item field ${key}`)
    sets.push(`${ITEM_PATCH_COLUMNS[key]} = ?`)
    params.push(value)
    if (key === 'assigneeId') {
      sets.push('assignee_name = (SELECT name FROM agents WHERE id = ?)', 'assignee_key = (SELECT rid FROM agents WHERE id = ?)')
      params.push(value, value)
    }
    if (key === 'customerId') {
      sets.push('customer_name = (SELECT name FROM customers WHERE id = ?)')
      params.push(value)
    }
  }
  const rid = itemRid(db, id)
  if (sets.length === 0) return rid
  prepared(db, `UPDATE items SET ${sets.join(', ')} WHERE rid = ?`).run(...params, rid)
  return rid
}

function insertMessage(db: Database, m: Message): void {
  const rid = itemRid(db, m.itemId)
  prepared(db, 'INSERT INTO messages (id, item_rid, kind, author_id, channel, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    m.id,
    rid,
    m.kind,
    m.authorId,
    m.channel,
    m.body,
    m.createdAt
  )
}

function insertEvent(db: Database, e: ItemEvent): void {
  prepared(db, 'INSERT INTO item_events (id, item_rid, type, actor_id, from_value, to_value, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    e.id,
    itemRid(db, e.itemId),
    e.type,
    e.actorId,
    e.from,
    e.to,
    e.reason,
    e.createdAt
  )
}

function insertRating(db: Database, r: Rating): void {
  prepared(db, 'INSERT INTO ratings (id, item_rid, kind, score, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    r.id,
    itemRid(db, r.itemId),
    r.kind,
    r.score,
    r.recordedBy,
    r.createdAt
  )
}

function upsertView(db: Database, v: SavedView): void {
  if (v.ownerId === null) throw new Error('Built-in views are not stored')
  prepared(
    db,
    `INSERT INTO views (id, owner_id, name, filter, sort) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, filter = excluded.filter, sort = excluded.sort`
  ).run(v.id, v.ownerId, v.name, JSON.stringify(v.filter), JSON.stringify(v.sort))
}
