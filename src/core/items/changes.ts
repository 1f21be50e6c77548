import type { Database } from 'better-sqlite3'
import type { Item, ItemEvent, Message, Rating } from '../../shared/domain/entities'
import { ITEM_PATCH_COLUMNS, isItemPatchKey, type ItemPatch } from '../../shared/mutations/item-columns'
import { keptOnReplay, type ChangeAppliers } from '../infra/change-applier'
import { prepared } from '../infra/statements'
import { allocateItemKey } from './item-keys'
import { itemRid } from './item-rids'

/** How the items capability writes its change ops: items, their thread, history and ratings. */
export const itemAppliers: ChangeAppliers<'insertItem' | 'updateItem' | 'insertMessage' | 'insertEvent' | 'insertRating' | 'requeueDelivery'> = {
  insertItem(ctx, { item }) {
    if (keptOnReplay(ctx, 'items', item.id)) return
    ctx.touched.add(insertItem(ctx.db, item))
  },
  updateItem(ctx, { id, patch }) {
    const item = ctx.current?.get(id)
    const rid = updateItem(ctx.db, id, item ? changedOnly(patch, item) : patch)
    if (item) ctx.current?.set(id, { ...item, ...patch })
    if ('subject' in patch || 'customerId' in patch) ctx.touched.add(rid)
  },
  insertMessage(ctx, { message }) {
    if (keptOnReplay(ctx, 'messages', message.id)) return
    insertMessage(ctx.db, message) // indexed by the message high-water mark (search-index.ts)
  },
  insertEvent(ctx, { event }) {
    if (keptOnReplay(ctx, 'item_events', event.id)) return
    insertEvent(ctx.db, event)
  },
  insertRating(ctx, { rating }) {
    if (keptOnReplay(ctx, 'ratings', rating.id)) return
    insertRating(ctx.db, rating)
  },
  requeueDelivery(ctx, { messageId }) {
    // The console's copy of the server's queue: shown as queued again until the server reports.
    prepared(
      ctx.db,
      `UPDATE messages SET delivery = json_set(delivery, '$.state', 'queued', '$.nextAttemptAt', NULL, '$.error', NULL)
        WHERE id = ? AND (json_extract(delivery, '$.state') = 'unconfirmed' OR (json_extract(delivery, '$.state') = 'failed' AND json_extract(delivery, '$.nextAttemptAt') IS NULL))`
    ).run(messageId)
  }
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
