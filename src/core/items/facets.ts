import type { Database } from 'better-sqlite3'
import { HandoffError } from '../../shared/contract'
import type { SavedViewFilter } from '../../shared/domain/entities'
import {
  ACTIVE_STATUSES,
  CHANNELS,
  ITEM_KINDS,
  PRIORITIES,
  PRIORITY_RANK,
  STATUSES,
  type Channel,
  type ItemKind,
  type Priority,
  type Status
} from '../../shared/domain/vocabulary'
import { QUEUES, type Queue } from '../../shared/domain/escalation'
import { plucked } from '../infra/statements'

/**
 * The facet part of an inbox filter (kind, queue, channel, status, priority, assignee), normalized:
 * duplicates dropped, and a list that is empty or names every value means "any" (null).
 */
export interface Facets {
  kinds: ItemKind[] | null
  queues: Queue[] | null
  channels: Channel[] | null
  statuses: Status[] | null
  priorities: Priority[] | null
  /** An agent also by key (agents.rid, items.assignee_key); null for an agent not in this workspace. */
  assignee: { type: 'any' } | { type: 'agent'; agentId: string; key: number | null } | { type: 'unassigned' }
}
export type FacetName = 'kind' | 'queue' | 'channel' | 'status' | 'priority' | 'assignee'

function normalizeList<T>(selected: readonly T[] | undefined, all: readonly T[]): T[] | null {
  if (!selected || selected.length === 0) return null
  const values = all.filter((v) => selected.includes(v))
  return values.length === all.length ? null : values
}

/** Resolves assignee "me" with the signed-in agent; "me" without one is an error the UI explains. */
export function facetsOf(db: Database, filter: SavedViewFilter, agentId: string | null): Facets {
  const keyOf = (id: string) => plucked<[string], number>(db, 'SELECT rid FROM agents WHERE id = ?').get(id) ?? null
  const a = filter.assignee ?? { type: 'anyone' }
  let assignee: Facets['assignee']
  switch (a.type) {
    case 'anyone':
      assignee = { type: 'any' }
      break
    case 'me':
      if (!agentId) throw new HandoffError({ code: 'not_signed_in', message: 'Sign in to see the items assigned to you.' })
      assignee = { type: 'agent', agentId, key: keyOf(agentId) }
      break
    case 'unassigned':
      assignee = { type: 'unassigned' }
      break
    case 'agent':
      assignee = { type: 'agent', agentId: a.agentId, key: keyOf(a.agentId) }
      break
  }
  return {
    kinds: normalizeList(filter.kinds, ITEM_KINDS),
    queues: normalizeList(filter.queues, QUEUES),
    channels: normalizeList(filter.channels, CHANNELS),
    statuses: normalizeList(filter.statuses, STATUSES),
    priorities: normalizeList(filter.priorities, PRIORITIES),
    assignee
  }
}

/** The codes of the schema's generated columns (status_rank, priority_rank, kind_code, channel_code). */
export const STATUS_RANK: Record<Status, number> = { new: 0, open: 1, pending: 2, resolved: 3, closed: 4 }
export const KIND_CODE: Record<ItemKind, number> = { service: 0, support: 1 }
/** items.queue_code (schema v2). */
export const QUEUE_CODE: Record<Queue, number> = { service: 0, tier1: 1, tier2: 2, tier3: 3 }
/** Channels in the alphabetical order of their labels. */
export const CHANNEL_CODE: Record<Channel, number> = { chat: 0, email: 1, inperson: 2, phone: 3, sms: 4, social: 5, webform: 6 }

export const onlyActive = (f: Facets) => f.statuses !== null && f.statuses.every((s) => (ACTIVE_STATUSES as readonly Status[]).includes(s))
export const onlyInactive = (f: Facets) => f.statuses !== null && f.statuses.every((s) => !(ACTIVE_STATUSES as readonly Status[]).includes(s))

export interface Sql {
  conditions: string[]
  params: unknown[]
}

function inList(column: string, values: readonly unknown[], sql: Sql): void {
  sql.conditions.push(values.length === 1 ? `${column} = ?` : `${column} IN (${values.map(() => '?').join(', ')})`)
  sql.params.push(...values)
}

/**
 * Conditions on the items table (alias i), over the coded columns every inbox index carries.
 * The status condition is always written, naming all five statuses when the filter has none:
 * every walk index leads with status_rank, and an IN list over it is what lets SQLite walk
 * each status in sort order and stop early.
 */
export function itemConditions(f: Facets): Sql {
  const sql: Sql = { conditions: [], params: [] }
  inList('i.status_rank', (f.statuses ?? STATUSES).map((s) => STATUS_RANK[s]), sql)
  if (f.kinds) inList('i.kind_code', f.kinds.map((k) => KIND_CODE[k]), sql)
  if (f.queues) inList('i.queue_code', f.queues.map((q) => QUEUE_CODE[q]), sql)
  if (f.channels) inList('i.channel_code', f.channels.map((c) => CHANNEL_CODE[c]), sql)
  if (f.priorities) inList('i.priority_rank', f.priorities.map((p) => PRIORITY_RANK[p]), sql)
  switch (f.assignee.type) {
    case 'any':
      break
    case 'agent':
      sql.conditions.push('i.assignee_key = ?')
      sql.params.push(f.assignee.key ?? -1)
      break
    case 'unassigned':
      sql.conditions.push('i.assignee_key IS NULL')
      break
  }
  return sql
}

/** Exact number of items with these facets, from the trigger-kept item_facets table. */
export function facetCount(db: Database, f: Facets): number {
  const sql: Sql = { conditions: [], params: [] }
  if (f.kinds) inList('kind', f.kinds, sql)
  if (f.queues) inList('queue', f.queues, sql)
  if (f.channels) inList('channel', f.channels, sql)
  if (f.statuses) inList('status', f.statuses, sql)
  if (f.priorities) inList('priority', f.priorities, sql)
  switch (f.assignee.type) {
    case 'any':
      break
    case 'agent':
      sql.conditions.push('assignee_id = ?')
      sql.params.push(f.assignee.agentId)
      break
    case 'unassigned':
      sql.conditions.push(`assignee_id = ''`)
      break
  }
  const where = sql.conditions.length ? ` WHERE ${sql.conditions.join(' AND ')}` : ''
  return plucked<unknown[], number>(db, `SELECT coalesce(sum(n), 0) FROM item_facets${where}`).get(...sql.params) ?? 0
}

export const NO_FACETS: Facets = { kinds: null, queues: null, channels: null, statuses: null, priorities: null, assignee: { type: 'any' } }
