import type { Agent, Customer, Item, ItemEvent, Message, Rating } from '../../shared/domain/entities'
import type { AgentRole, Category, Channel, ItemKind, MessageKind, Priority, RatingKind, Status, Tier } from '../../shared/domain/vocabulary'
import type { InboxRow } from '../../shared/contract'
import type { Queue } from '../../shared/domain/escalation'
import { itemFromColumns, type ItemColumns } from '../../shared/mutations/item-columns'

/**
 * Rows as SQLite returns them, and their entities. The CHECK constraints of the schema guarantee
 * that the text columns hold values of the vocabulary, which is what makes these casts sound.
 */
export const ITEM_COLUMNS =
  'i.rid, i.id, i.kind, i.category, i.channel, i.customer_id, i.customer_name, i.subject, i.status, i.priority, i.assignee_id, i.assignee_name, i.tier, i.queue, i.handoff_summary, i.queue_changed_by, i.queue_changed_at, i.sla_started_at, i.sla_responded_at, i.created_at, i.updated_at, i.first_response_at, i.resolved_at, i.sla_due_at'

/** An item row of the console's store: the shared item columns, its rid and the denormalized names. */
export interface ItemRow extends ItemColumns {
  rid: number
  customer_name: string
  assignee_name: string | null
  tier: number | null
}

export const itemFromRow: (r: ItemRow) => Item = itemFromColumns

/** An inbox row: an item row with its unread mark (items/unread.ts, UNREAD_COLUMN). */
export function inboxRowFromRow(r: ItemRow & { unread: number }): InboxRow {
  return {
    id: r.id,
    kind: r.kind as ItemKind,
    category: r.category as Category,
    channel: r.channel as Channel,
    customerId: r.customer_id,
    customerName: r.customer_name,
    subject: r.subject,
    status: r.status as Status,
    priority: r.priority as Priority,
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_name,
    tier: r.tier as Tier | null,
    queue: r.queue as Queue,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    slaDueAt: r.sla_due_at,
    unread: r.unread === 1
  }
}

export const AGENT_COLUMNS = 'a.id, a.name, a.email, a.role, a.tiers'
export interface AgentRow {
  id: string
  name: string
  email: string
  role: string
  tiers: string
}
export function agentFromRow(r: AgentRow): Agent {
  return { id: r.id, name: r.name, email: r.email, role: r.role as AgentRole, tiers: JSON.parse(r.tiers) as Tier[] }
}

export const CUSTOMER_COLUMNS = 'c.id, c.name, c.email, c.phone, c.created_at'
export interface CustomerRow {
  id: string
  name: string
  email: string | null
  phone: string | null
  created_at: string
}
export function customerFromRow(r: CustomerRow): Customer {
  return { id: r.id, name: r.name, email: r.email, phone: r.phone, createdAt: r.created_at }
}

export interface MessageRow {
  id: string
  kind: string
  author_id: string | null
  channel: string
  body: string
  created_at: string
}
export function messageFromRow(itemId: string, r: MessageRow): Message {
  return { id: r.id, itemId, kind: r.kind as MessageKind, authorId: r.author_id, channel: r.channel as Channel, body: r.body, createdAt: r.created_at }
}

export interface EventRow {
  id: string
  type: string
  actor_id: string | null
  from_value: string | null
  to_value: string | null
  reason: string | null
  created_at: string
}
export function eventFromRow(itemId: string, r: EventRow): ItemEvent {
  return { id: r.id, itemId, type: r.type as ItemEvent['type'], actorId: r.actor_id, from: r.from_value, to: r.to_value, reason: r.reason, createdAt: r.created_at }
}

export interface RatingRow {
  id: string
  kind: string
  score: number
  recorded_by: string
  created_at: string
}
export function ratingFromRow(itemId: string, r: RatingRow): Rating {
  return { id: r.id, itemId, kind: r.kind as RatingKind, score: r.score, recordedBy: r.recorded_by, createdAt: r.created_at }
}
