import type { Queue } from './escalation'
import type { AgentRole, Category, Channel, ItemKind, MessageKind, Priority, RatingKind, Status, Tier } from './vocabulary'

/** Timestamps are ISO-8601 strings in UTC (`2026-11-23T09:15:00.000Z`). */
export type Iso = string

export interface Agent {
  id: string
  name: string
  email: string
  role: AgentRole
  /** Tiers a support specialist works; empty for others. */
  tiers: Tier[]
}

export interface Customer {
  id: string
  name: string
  email: string | null
  phone: string | null
  createdAt: Iso
}

export interface Item {
  id: string
  kind: ItemKind
  category: Category
  channel: Channel
  customerId: string
  subject: string
  status: Status
  priority: Priority
  assigneeId: string | null
  /** Support tier reached (1..3); null if the item never went to support. Never drops but by de-escalate. */
  tier: Tier | null
  /** The queue the item waits in: frontline service or a support tier. */
  queue: Queue
  /** The latest handoff summary: it stands at the top of the item for whoever picks it up. */
  handoffSummary: string | null
  /** Who last moved the item between queues, and when (named when a concurrent move is refused). */
  queueChangedBy: string | null
  queueChangedAt: Iso | null
  /** Start of the current SLA clock (creation, or the last escalation when the policy restarts it). */
  slaStartedAt: Iso
  /** The first public reply on the current SLA clock. */
  slaRespondedAt: Iso | null
  createdAt: Iso
  updatedAt: Iso
  firstResponseAt: Iso | null
  resolvedAt: Iso | null
  slaDueAt: Iso | null
}

export interface Message {
  id: string
  itemId: string
  kind: MessageKind
  /** The agent who wrote or logged it; null for customer and automated messages. */
  authorId: string | null
  channel: Channel
  body: string
  createdAt: Iso
}

/**
 * Where a reply on a channel (email) stands with the server's delivery queue. 'sending': handed to
 * the channel's server right now; 'failed' with nextAttemptAt: retried then, without it: given up
 * (the agent may retry); 'unconfirmed': the server stopped while handing it over, so it may or may
 * not have arrived, and it is never resent without the agent's word (a customer must not get it twice).
 */
export const DELIVERY_STATES = ['queued', 'sending', 'sent', 'failed', 'unconfirmed'] as const
export type DeliveryState = (typeof DELIVERY_STATES)[number]
export interface MessageDelivery {
  state: DeliveryState
  /** Hand-overs tried so far. */
  attempts: number
  /** The next automatic attempt ('queued' or 'failed'); null when none is planned. */
  nextAttemptAt: Iso | null
  /** Why the last attempt failed (for people: the remote server's answer, or what went wrong). */
  error: string | null
  sentAt: Iso | null
}

/** A file that came with a customer's message; its bytes stay on the server until fetched. */
export interface MessageAttachment {
  id: string
  name: string
  contentType: string
  /** Decoded bytes. */
  size: number
  /** Why the server did not keep its content (too large, unreadable); null when it can be fetched. */
  refused: string | null
}

export const EVENT_TYPES = ['created', 'status', 'priority', 'assigned', 'rating', 'contact_logged', 'escalated', 'handed_back', 'deescalated'] as const
export type EventType = (typeof EVENT_TYPES)[number]

/** One line of the append-only history: who, when, from what, to what, and why. */
export interface ItemEvent {
  id: string
  itemId: string
  type: EventType
  actorId: string | null
  from: string | null
  to: string | null
  reason: string | null
  createdAt: Iso
}

export interface Rating {
  id: string
  itemId: string
  kind: RatingKind
  score: number
  /** Who recorded it; figures attribute it to the assignee at resolution. */
  recordedBy: string
  createdAt: Iso
}

export interface SavedViewFilter {
  kinds?: ItemKind[]
  queues?: Queue[]
  channels?: Channel[]
  statuses?: Status[]
  priorities?: Priority[]
  assignee?: AssigneeFilter
  /** Only items whose SLA deadline is within this many minutes (or already past). */
  dueWithinMinutes?: number
  search?: string
}

export type AssigneeFilter = { type: 'anyone' } | { type: 'me' } | { type: 'unassigned' } | { type: 'agent'; agentId: string }

export const SORT_COLUMNS = ['kind', 'channel', 'customer', 'subject', 'status', 'priority', 'assignee', 'age', 'slaDue'] as const
export type SortColumn = (typeof SORT_COLUMNS)[number]
export interface InboxSort {
  column: SortColumn
  direction: 'asc' | 'desc'
}

export interface SavedView {
  id: string
  name: string
  /** Built-in views belong to nobody and cannot be deleted. */
  ownerId: string | null
  builtIn: boolean
  filter: SavedViewFilter
  sort: InboxSort
}
