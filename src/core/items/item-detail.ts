import type { Database } from 'better-sqlite3'
import type { ItemDetail, ThreadEntry } from '../../shared/contract'
import type { MessageAttachment, MessageDelivery } from '../../shared/domain/entities'
import {
  CUSTOMER_COLUMNS,
  ITEM_COLUMNS,
  customerFromRow,
  eventFromRow,
  inboxRowFromRow,
  itemFromRow,
  messageFromRow,
  ratingFromRow,
  type CustomerRow,
  type EventRow,
  type ItemRow,
  type MessageRow,
  type RatingRow
} from '../infra/rows'
import { plucked, prepared } from '../infra/statements'
import { UNREAD_COLUMN } from './unread'

/** How many of the customer's other items the detail carries. */
export const CUSTOMER_ITEMS_LIMIT = 50

/**
 * Everything the item screen shows, or null for an unknown id. The thread merges messages and
 * history events oldest first. At the same instant: "created" first, then messages, then the
 * events they caused (a reply, then "new -> open").
 */
export function itemDetail(db: Database, itemId: string): ItemDetail | null {
  const row = prepared<[string], ItemRow>(db, `SELECT ${ITEM_COLUMNS} FROM items i WHERE i.id = ?`).get(itemId)
  if (!row) return null
  const customerRow = prepared<[string], CustomerRow>(db, `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.id = ?`).get(row.customer_id)
  if (!customerRow) throw new Error(`Item ${itemId} names a missing customer ${row.customer_id}`)

  const messages = prepared<[number], MessageRow & { rid: number; author_name: string | null; delivery: string | null; problems: string | null }>(
    db,
    `SELECT m.rid, m.id, m.kind, m.author_id, m.channel, m.body, m.created_at, m.delivery, m.problems, a.name AS author_name
     FROM messages m LEFT JOIN agents a ON a.id = m.author_id WHERE m.item_rid = ? ORDER BY m.created_at, m.rid`
  ).all(row.rid)
  const attachments = messageAttachments(db, row.rid)
  const pending = pendingMessages(db, messages)
  const events = prepared<[number], EventRow & { actor_name: string | null }>(
    db,
    `SELECT e.id, e.type, e.actor_id, e.from_value, e.to_value, e.reason, e.created_at, a.name AS actor_name
     FROM item_events e LEFT JOIN agents a ON a.id = e.actor_id WHERE e.item_rid = ? ORDER BY e.created_at, e.rid`
  ).all(row.rid)
  const thread: ThreadEntry[] = []
  let mi = 0
  let ei = 0
  while (mi < messages.length || ei < events.length) {
    const m = messages[mi]
    const e = events[ei]
    const messageFirst = m && (!e || m.created_at < e.created_at || (m.created_at === e.created_at && e.type !== 'created'))
    if (m && messageFirst) {
      thread.push({
        type: 'message',
        at: m.created_at,
        message: messageFromRow(itemId, m),
        authorName: m.author_name,
        delivery: m.delivery === null ? null : (JSON.parse(m.delivery) as MessageDelivery),
        attachments: attachments.get(m.rid) ?? [],
        problems: m.problems === null ? [] : (JSON.parse(m.problems) as string[]),
        pending: pending.has(m.id)
      })
      mi++
    } else if (e) {
      thread.push({ type: 'event', at: e.created_at, event: eventFromRow(itemId, e), actorName: e.actor_name })
      ei++
    }
  }

  const ratings = prepared<[number], RatingRow>(db, 'SELECT r.id, r.kind, r.score, r.recorded_by, r.created_at FROM ratings r WHERE r.item_rid = ? ORDER BY r.rid')
    .all(row.rid)
    .map((r) => ratingFromRow(itemId, r))
  const customerItems = prepared<[string, number, number], ItemRow & { unread: number }>(
    db,
    `SELECT ${ITEM_COLUMNS}, ${UNREAD_COLUMN} FROM items i WHERE i.customer_id = ? AND i.rid <> ? ORDER BY i.rid DESC LIMIT ?`
  )
    .all(row.customer_id, row.rid, CUSTOMER_ITEMS_LIMIT)
    .map(inboxRowFromRow)

  return { item: itemFromRow(row), customer: customerFromRow(customerRow), assigneeName: row.assignee_name, thread, ratings, customerItems }
}

/** The attachments of an item's messages, by message rid, in the order the message listed them. */
function messageAttachments(db: Database, itemRid: number): Map<number, MessageAttachment[]> {
  const rows = prepared<[number], { message_rid: number; id: string; name: string; content_type: string; size: number; refused: string | null }>(
    db,
    `SELECT a.message_rid, a.id, a.name, a.content_type, a.size, a.refused FROM attachments a
      WHERE a.message_rid IN (SELECT rid FROM messages WHERE item_rid = ?) ORDER BY a.message_rid, a.position`
  ).all(itemRid)
  const out = new Map<number, MessageAttachment[]>()
  for (const r of rows) {
    const list = out.get(r.message_rid) ?? []
    list.push({ id: r.id, name: r.name, contentType: r.content_type, size: r.size, refused: r.refused })
    out.set(r.message_rid, list)
  }
  return out
}

/**
 * The messages of the thread written on this console whose mutation is still in the outbox (the
 * server has not confirmed it). A mutation's rows take their ids from it (`<mutationId>.<suffix>`,
 * shared/mutations/types.ts childId), so each message names the outbox row to look for: one
 * look-up in outbox's mutation_id index per message.
 */
function pendingMessages(db: Database, messages: readonly { id: string }[]): Set<string> {
  const byMutation = new Map<string, string[]>()
  for (const m of messages) {
    const dot = m.id.lastIndexOf('.')
    if (dot <= 0) continue // not made by a mutation of this console's kind (an inbound message)
    const mutationId = m.id.slice(0, dot)
    byMutation.set(mutationId, [...(byMutation.get(mutationId) ?? []), m.id])
  }
  if (byMutation.size === 0) return new Set()
  const inOutbox = plucked<[string], string>(db, 'SELECT mutation_id FROM outbox WHERE mutation_id IN (SELECT value FROM json_each(?))').all(JSON.stringify([...byMutation.keys()]))
  return new Set(inOutbox.flatMap((id) => byMutation.get(id) ?? []))
}
