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
}

const parseJson = <T>(v: unknown): T[] => (v === null || v === undefined ? [] : ((typeof v === 'string' ? JSON.parse(v) : v) as T[]))

const load = (lock: boolean) => {
  const forUpdate = lock ? 'FOR UPDATE' : ''
  return `WITH locked AS MATERIALIZED (SELECT ${ITEM_COLUMNS}, xmin::text AS row_version FROM items WHERE id = ANY($3::text[]) ORDER BY id ${forUpdate}),
          locked_views AS MATERIALIZED (SELECT ${VIEW_COLUMNS} FROM views WHERE id = ANY($7::text[]) ORDER BY id ${forUpdate})
     SELECT c.last_seq,
            (SELECT mu.seq FROM mutations mu WHERE mu.mutation_id = $2 LIMIT 1) AS dup_seq,
            (SELECT s.value FROM settings s WHERE s.id = 1) AS settings,
            (SELECT json_agg(l ORDER BY l.id) FROM locked l) AS items,
            (SELECT json_agg(a) FROM (SELECT ${AGENT_COLUMNS} FROM agents
               WHERE id = ANY($4::text[]) OR id IN (SELECT assignee_id FROM locked) OR id IN (SELECT queue_changed_by FROM locked)) a) AS agents,
            (SELECT json_agg(cu) FROM (SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = ANY($5::text[])) cu) AS customers,
            (SELECT json_agg(r ORDER BY r.created_at, r.id) FROM (SELECT ${RATING_COLUMNS} FROM ratings WHERE item_id = ANY($6::text[])) r) AS ratings,
            (SELECT json_agg(v) FROM locked_views v) AS views
       FROM clients c WHERE c.id = $1 ${lock ? 'FOR UPDATE OF c' : ''}`
}
const LOCKING_LOAD = load(true)
/** The same read without locks, for an optimistic write that re-checks what it read (push.ts). */
const READING_LOAD = load(false)

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
  const { rows } = await tx.query<{ last_seq: string | number; dup_seq: string | number | null; settings: unknown; items: unknown; agents: unknown; customers: unknown; ratings: unknown; views: unknown }>(
    mode === 'lock' ? LOCKING_LOAD : READING_LOAD,
    [clientId, mutationId, uniqueSorted(needs.items), uniqueSorted(needs.agents), uniqueSorted(needs.customers), uniqueSorted(needs.ratingsOf), uniqueSorted(needs.views)]
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
    versions
  }
}
