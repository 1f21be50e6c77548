/**
 * How an item is stored, the same in both stores (SQLite in the console, PostgreSQL on the
 * server): the column of every item field, and the item of a row holding those columns. A
 * store adds columns of its own (the console's rid and denormalized names) but never renames
 * these, so one mapping serves both and a new Item field fails to compile here until mapped.
 */
import type { Item } from '../domain/entities'
import type { Queue } from '../domain/escalation'
import type { Category, Channel, ItemKind, Priority, Status, Tier } from '../domain/vocabulary'
import type { Change } from './types'

/** The fields an updateItem change may write. */
export type ItemPatch = Extract<Change, { op: 'updateItem' }>['patch']

/** Every patchable field and its column. */
export const ITEM_PATCH_COLUMNS: { [K in keyof Required<ItemPatch>]: string } = {
  kind: 'kind',
  category: 'category',
  channel: 'channel',
  customerId: 'customer_id',
  subject: 'subject',
  status: 'status',
  priority: 'priority',
  assigneeId: 'assignee_id',
  tier: 'tier',
  queue: 'queue',
  handoffSummary: 'handoff_summary',
  queueChangedBy: 'queue_changed_by',
  queueChangedAt: 'queue_changed_at',
  slaStartedAt: 'sla_started_at',
  slaRespondedAt: 'sla_responded_at',
  updatedAt: 'updated_at',
  firstResponseAt: 'first_response_at',
  resolvedAt: 'resolved_at',
  slaDueAt: 'sla_due_at'
}

export const isItemPatchKey = (k: string): k is keyof ItemPatch => Object.hasOwn(ITEM_PATCH_COLUMNS, k)

/** An item row as either store returns it (text columns; the tier may come back as any number type). */
export interface ItemColumns {
  id: string
  kind: string
  category: string
  channel: string
  customer_id: string
  subject: string
  status: string
  priority: string
  assignee_id: string | null
  tier: number | string | null
  queue: string
  handoff_summary: string | null
  queue_changed_by: string | null
  queue_changed_at: string | null
  sla_started_at: string
  sla_responded_at: string | null
  created_at: string
  updated_at: string
  first_response_at: string | null
  resolved_at: string | null
  sla_due_at: string | null
}

/** The item of a row. The schemas' CHECK constraints hold the text columns to the vocabulary, which makes the casts sound. */
export function itemFromColumns(r: ItemColumns): Item {
  return {
    id: r.id,
    kind: r.kind as ItemKind,
    category: r.category as Category,
    channel: r.channel as Channel,
    customerId: r.customer_id,
    subject: r.subject,
    status: r.status as Status,
    priority: r.priority as Priority,
    assigneeId: r.assignee_id,
    tier: r.tier === null ? null : (Number(r.tier) as Tier),
    queue: r.queue as Queue,
    handoffSummary: r.handoff_summary,
    queueChangedBy: r.queue_changed_by,
    queueChangedAt: r.queue_changed_at,
    slaStartedAt: r.sla_started_at,
    slaRespondedAt: r.sla_responded_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    firstResponseAt: r.first_response_at,
    resolvedAt: r.resolved_at,
    slaDueAt: r.sla_due_at
  }
}
