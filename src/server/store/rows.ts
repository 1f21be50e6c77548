/** Column lists and row -> entity mappers for the domain tables (both backends return the same shapes but bigints). */
import type { Agent, Customer, Item, ItemEvent, Message, Rating, SavedView } from '../../shared/domain/entities'
import { queuesOfAgent } from '../../shared/domain/escalation'
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../../shared/domain/settings'
import { storedBusinessSchedule } from '../../shared/domain/business-schedule'
import type { Tier } from '../../shared/domain/vocabulary'
import { itemFromColumns, type ItemColumns } from '../../shared/mutations/item-columns'

export const ITEM_COLUMNS =
  'id, kind, category, channel, customer_id, subject, status, priority, assignee_id, tier, queue, handoff_summary, queue_changed_by, queue_changed_at, sla_started_at, sla_responded_at, created_at, updated_at, first_response_at, resolved_at, sla_due_at'

/** An item row of the server's store: exactly the shared item columns. */
export type ItemRow = ItemColumns

export const itemFromRow: (r: ItemRow) => Item = itemFromColumns

export const CUSTOMER_COLUMNS = 'id, name, email, phone, created_at'
export interface CustomerRow {
  id: string
  name: string
  email: string | null
  phone: string | null
  created_at: string
}
export const customerFromRow = (r: CustomerRow): Customer => ({ id: r.id, name: r.name, email: r.email, phone: r.phone, createdAt: r.created_at })

export const AGENT_COLUMNS = 'id, name, email, role, tiers, admin, disabled, created_at, team'
export interface AgentRow {
  id: string
  name: string
  email: string
  role: Agent['role']
  tiers: number[]
  admin: boolean
  disabled: boolean
  created_at: Date | string
  /** The agent's team, if any (figures cut by team). */
  team?: string | null
}
export const agentFromRow = (r: AgentRow): Agent => ({ id: r.id, name: r.name, email: r.email, role: r.role, tiers: (r.tiers ?? []).map((t) => Number(t) as Tier) })

export const MESSAGE_COLUMNS = 'id, item_id, kind, author_id, channel, body, created_at'
export interface MessageRow {
  id: string
  item_id: string
  kind: Message['kind']
  author_id: string | null
  channel: Message['channel']
  body: string
  created_at: string
}
export const messageFromRow = (r: MessageRow): Message => ({
  id: r.id,
  itemId: r.item_id,
  kind: r.kind,
  authorId: r.author_id,
  channel: r.channel,
  body: r.body,
  createdAt: r.created_at
})

export const EVENT_COLUMNS = 'id, item_id, type, actor_id, from_value, to_value, reason, created_at'
export interface EventRow {
  id: string
  item_id: string
  type: ItemEvent['type']
  actor_id: string | null
  from_value: string | null
  to_value: string | null
  reason: string | null
  created_at: string
}
export const eventFromRow = (r: EventRow): ItemEvent => ({
  id: r.id,
  itemId: r.item_id,
  type: r.type,
  actorId: r.actor_id,
  from: r.from_value,
  to: r.to_value,
  reason: r.reason,
  createdAt: r.created_at
})

export const RATING_COLUMNS = 'id, item_id, kind, score, recorded_by, created_at'
export interface RatingRow {
  id: string
  item_id: string
  kind: Rating['kind']
  score: number
  recorded_by: string
  created_at: string
}
export const ratingFromRow = (r: RatingRow): Rating => ({
  id: r.id,
  itemId: r.item_id,
  kind: r.kind,
  score: Number(r.score),
  recordedBy: r.recorded_by,
  createdAt: r.created_at
})

export const VIEW_COLUMNS = 'id, owner_id, name, filter, sort'
export interface ViewRow {
  id: string
  owner_id: string
  name: string
  filter: SavedView['filter']
  sort: SavedView['sort']
}
export const viewFromRow = (r: ViewRow): SavedView => ({ id: r.id, name: r.name, ownerId: r.owner_id, builtIn: false, filter: r.filter, sort: r.sort })

/** The stored settings over the defaults (a setting added later keeps its default). */
export function settingsFromValue(value: unknown): WorkspaceSettings {
  if (value === null || value === undefined) return DEFAULT_SETTINGS
  const stored = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<WorkspaceSettings>
  return {
    sla: { ...DEFAULT_SETTINGS.sla, ...stored.sla },
    escalationReasons: stored.escalationReasons ?? DEFAULT_SETTINGS.escalationReasons,
    businessSchedule: storedBusinessSchedule(stored.businessSchedule)
  }
}

/** What an agent sees: supervisors everything; others their queues' items and items assigned to them. */
export interface Scope {
  all: boolean
  queues: string[]
  agentId: string
}
export function scopeOf(agent: Agent): Scope {
  return { all: agent.role === 'supervisor', queues: queuesOfAgent(agent), agentId: agent.id }
}
export function inScope(scope: Scope, queue: string | null, assigneeId: string | null): boolean {
  if (queue === null) return false
  return scope.all || scope.queues.includes(queue) || (assigneeId !== null && assigneeId === scope.agentId)
}
