import type { Agent, Customer, Item, Rating, SavedView } from '../../shared/domain/entities'
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
  settingsFromValue,
  viewFromRow,
  type AgentRow,
  type CustomerRow,
  type ItemRow,
  type RatingRow,
  type ViewRow
} from './rows'
import type { SqlClient } from './sql'

const uniqueSorted = (ids: readonly string[] | undefined): string[] => [...new Set(ids ?? [])].sort()

export interface Loaded {
  /** null when the client row does not exist. */
  lastSeq: number | null
  /** The seq under which this mutation id was already recorded (for any client), else null. */
  dupSeq: number | null
  snapshot: Snapshot
  /** Each loaded item's row version (its xmin): what an optimistic write checks is unchanged. */
  versions: Map<string, string>
  /** Items the mutation needs that do not exist: what an optimistic write checks still do not. */
  missing: string[]
  /** The settings row's version (null: no row, the defaults): what an optimistic write checks is unchanged. */
  settingsVersion: string | null
}

const parseJson = <T>(v: unknown): T[] => (v === null || v === undefined ? [] : ((typeof v === 'string' ? JSON.parse(v) : v) as T[]))

/** How many ids of each kind a read names: the statement's shape. */
type Shape = { items: number; agents: number; customers: number; ratingsOf: number; views: number }

/**
 * The read's text for one shape. Every id is its own parameter (`IN ($3, $4)`), and a kind with
 * no ids leaves its part out, so that a shape's statement is a fixed set of key lookups:
 * PostgreSQL then plans it once per connection (a generic plan estimates exactly the rows of a
 * custom one). An array parameter (`= ANY($3)`) is planned for ten elements, which the plan cache
 * judged worse than planning every call afresh; that planning was a quarter of the database's
 * time on a push.
 */
function readText(shape: Shape, lock: boolean): string {
  let n = 2
  const list = (count: number) => Array.from({ length: count }, () => `$${++n}`).join(', ')
  const [items, agents, customers, ratingsOf, views] = [list(shape.items), list(shape.agents), list(shape.customers), list(shape.ratingsOf), list(shape.views)]
  const forUpdate = lock ? 'FOR UPDATE' : ''
  const ctes = [
    ...(items ? [`locked AS MATERIALIZED (SELECT ${ITEM_COLUMNS}, xmin::text AS row_version FROM items WHERE id IN (${items}) ORDER BY id ${forUpdate})`] : []),
    ...(views ? [`locked_views AS MATERIALIZED (SELECT ${VIEW_COLUMNS} FROM views WHERE id IN (${views}) ORDER BY id ${forUpdate})`] : [])
  ]
  const agentsWhere = [...(agents ? [`id IN (${agents})`] : []), ...(items ? ['id IN (SELECT assignee_id FROM locked)', 'id IN (SELECT queue_changed_by FROM locked)'] : [])]
  return `${ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n` : ''}SELECT c.last_seq,
            COALESCE((SELECT mu.seq FROM mutations mu WHERE mu.mutation_id = $2 AND mu.status = 'applied'),
                     (SELECT mu.seq FROM mutations mu WHERE mu.mutation_id = $2 AND mu.status = 'rejected' ORDER BY mu.seq LIMIT 1)) AS dup_seq,
            s.value AS settings,
            s.xmin::text AS settings_version,
            ${items ? '(SELECT json_agg(l ORDER BY l.id) FROM locked l)' : 'NULL'} AS items,
            ${agentsWhere.length > 0 ? `(SELECT json_agg(a) FROM (SELECT ${AGENT_COLUMNS} FROM agents WHERE ${agentsWhere.join(' OR ')}) a)` : 'NULL'} AS agents,
            ${customers ? `(SELECT json_agg(cu) FROM (SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id IN (${customers})) cu)` : 'NULL'} AS customers,
            ${ratingsOf ? `(SELECT json_agg(r ORDER BY r.created_at, r.id) FROM (SELECT ${RATING_COLUMNS} FROM ratings WHERE item_id IN (${ratingsOf})) r)` : 'NULL'} AS ratings,
            ${views ? '(SELECT json_agg(v) FROM locked_views v)' : 'NULL'} AS views
       FROM clients c LEFT JOIN settings s ON s.id = 1 WHERE c.id = $1 ${lock ? 'FOR UPDATE OF c' : ''}`
}
const readTexts = new Map<string, string>()
/** The read's text for a shape, built once per shape and lock mode. */
function readStatement(shape: Shape, lock: boolean): string {
  const key = `${lock ? 'L' : 'R'}${shape.items},${shape.agents},${shape.customers},${shape.ratingsOf},${shape.views}`
  let text = readTexts.get(key)
  if (text === undefined) {
    text = readText(shape, lock)
    readTexts.set(key, text)
  }
  return text
}

/**
 * One round trip at the start of a mutation's transaction: locks the client row (FOR UPDATE),
 * reads its last seq, whether the mutation id was recorded before, the settings, and the rows
 * the mutation's needs() named. Items are locked FOR UPDATE in id order, so concurrent mutations
 * on one item serialize (across processes too) without deadlocking on each other; under READ
 * COMMITTED a locked read returns the latest committed version. Like the console's
 * loadSnapshot, the current assignee and the last mover of each item are loaded too, so a
 * rejection can name them. Missing ids are simply absent.
 */
export async function lockAndLoad(tx: SqlClient, clientId: string, mutationId: string, needs: Needs, mode: 'lock' | 'read' = 'lock'): Promise<Loaded> {
  const ids = { items: uniqueSorted(needs.items), agents: uniqueSorted(needs.agents), customers: uniqueSorted(needs.customers), ratingsOf: uniqueSorted(needs.ratingsOf), views: uniqueSorted(needs.views) }
  const shape = { items: ids.items.length, agents: ids.agents.length, customers: ids.customers.length, ratingsOf: ids.ratingsOf.length, views: ids.views.length }
  const { rows } = await tx.query<{ last_seq: string | number; dup_seq: string | number | null; settings: unknown; settings_version: string | null; items: unknown; agents: unknown; customers: unknown; ratings: unknown; views: unknown }>(
    readStatement(shape, mode === 'lock'),
    [clientId, mutationId, ...ids.items, ...ids.agents, ...ids.customers, ...ids.ratingsOf, ...ids.views]
  )
  const row = rows[0]
  const items = new Map<string, Item>()
  const customers = new Map<string, Customer>()
  const agents = new Map<string, Agent>()
  const ratings = new Map<string, Rating[]>()
  const views = new Map<string, SavedView>()
  const versions = new Map<string, string>()
  for (const r of parseJson<ItemRow & { row_version: string }>(row?.items)) {
    items.set(r.id, itemFromRow(r))
    versions.set(r.id, r.row_version)
  }
  for (const r of parseJson<CustomerRow>(row?.customers)) customers.set(r.id, customerFromRow(r))
  for (const r of parseJson<AgentRow>(row?.agents)) agents.set(r.id, agentFromRow(r))
  for (const id of needs.ratingsOf ?? []) ratings.set(id, [])
  for (const r of parseJson<RatingRow>(row?.ratings)) ratings.get(r.item_id)?.push(ratingFromRow(r))
  for (const r of parseJson<ViewRow>(row?.views)) views.set(r.id, viewFromRow(r))
  return {
    lastSeq: row ? Number(row.last_seq) : null,
    dupSeq: row?.dup_seq === null || row?.dup_seq === undefined ? null : Number(row.dup_seq),
    snapshot: { items, customers, agents, ratings, views, settings: settingsFromValue(row?.settings) },
    versions,
    missing: ids.items.filter((id) => !items.has(id)),
    settingsVersion: row?.settings_version ?? null
  }
}
