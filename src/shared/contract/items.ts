import { z } from 'zod'
import type { Customer, Item, ItemEvent, Message, MessageAttachment, MessageDelivery, Rating } from '../domain/entities'
import type { Queue } from '../domain/escalation'
import { LIMITS, idField, sortField, viewFilterField } from '../mutations/fields'
import { operation, result } from './operation'

export interface InboxRow {
  id: string
  kind: Item['kind']
  category: Item['category']
  channel: Item['channel']
  customerId: string
  customerName: string
  subject: string
  status: Item['status']
  priority: Item['priority']
  assigneeId: string | null
  assigneeName: string | null
  tier: Item['tier']
  queue: Queue
  createdAt: string
  updatedAt: string
  slaDueAt: string | null
  /** A customer message came in (through a pull) since the agent last opened the item: local to this console. */
  unread: boolean
}

export type ThreadEntry =
  | {
      type: 'message'
      at: string
      message: Message
      authorName: string | null
      /** A reply delivered on a channel: where it stands (null: not delivered by the server). */
      delivery: MessageDelivery | null
      attachments: MessageAttachment[]
      /** What the server could not read of an inbound message. */
      problems: string[]
      /** Written on this console and still in its outbox: the server has not seen it yet. */
      pending: boolean
    }
  | { type: 'event'; at: string; event: ItemEvent; actorName: string | null }

export interface ItemDetail {
  item: Item
  customer: Customer
  assigneeName: string | null
  /** Customer messages, agent replies, internal notes and system events, oldest first. */
  thread: ThreadEntry[]
  ratings: Rating[]
  /** The customer's other items, across service and support, newest first. */
  customerItems: InboxRow[]
}

const inboxQuery = z
  .object({
    filter: viewFilterField,
    sort: sortField,
    offset: z.number().int().min(0).max(100_000_000),
    limit: z.number().int().min(1).max(LIMITS.pageSize)
  })
  .strict()

/** The inbox (a page of a filtered, sorted list, and its count) and one item's detail. */
export const itemOperations = {
  'inbox.page': operation({ args: inboxQuery, result: result<{ rows: InboxRow[] }>() }),
  'inbox.count': operation({ args: z.object({ filter: viewFilterField }).strict(), result: result<{ total: number }>() }),
  'item.get': operation({ args: z.object({ itemId: idField }).strict(), result: result<ItemDetail>() }),
  /**
   * The agent opened the item: its unread mark goes. Local to this console (not a mutation, never
   * synced: what one agent has read on one computer is nobody else's business). `cleared`: there
   * was a mark (then items.changed follows).
   */
  'item.markRead': operation({ args: z.object({ itemId: idField }).strict(), result: result<{ cleared: boolean }>() })
}
