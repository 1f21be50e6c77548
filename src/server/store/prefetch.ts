/**
 * Read-ahead for a push: ONE read of what the next mutations of a push need (their items with
 * row versions, the agents, customers and ratings they name, the settings, the client's last seq
 * and which of their ids were recorded before), kept as a cache that each mutation's decision is
 * made from, and that each of the push's own writes brings up to date.
 *
 * A decision made from the cache sees exactly what a fresh read would (lockAndLoad), as long as
 * nobody else wrote in between: the push's own writes are known row for row (the items written
 * whole from their new state, with the writing transaction's id as their new row version). The
 * guarded write (push.ts) checks exactly that: the client's last seq, each item's version and
 * the settings' version unchanged, each missing item still missing. When it finds otherwise, it
 * writes nothing, and the push drops the cache and reads afresh.
 *
 * What is not guarded is what a fresh read does not guard either: agents (changed only by an
 * administrator with the CLI; a push in flight sees such a change at its next read, at most
 * AHEAD_MAX mutations later) and customers (never changed once created).
 */
import type { Agent, Customer, Item, Rating } from '../../shared/domain/entities'
import type { WorkspaceSettings } from '../../shared/domain/settings'
import type { Change, Needs } from '../../shared/mutations/types'
import {
  AGENT_COLUMNS,
  CUSTOMER_COLUMNS,
  ITEM_COLUMNS,
  RATING_COLUMNS,
  agentFromRow,
  customerFromRow,
  itemFromRow,
  ratingFromRow,
  settingsFromValue,
  type AgentRow,
  type CustomerRow,
  type ItemRow,
  type RatingRow
} from './rows'
import type { Loaded } from './snapshot'
import type { SqlClient } from './sql'

const parseJson = <T>(v: unknown): T[] => (v === null || v === undefined ? [] : ((typeof v === 'string' ? JSON.parse(v) : v) as T[]))
const unique = (lists: readonly (readonly string[] | undefined)[]): string[] => [...new Set(lists.flatMap((l) => l ?? []))].sort()
const uniqueSorted = (ids: readonly string[] | undefined): string[] => [...new Set(ids ?? [])].sort()
const byTimeThenId = (a: Rating, b: Rating) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * Arrays, not one parameter per id: the shapes vary with every batch, and one plan per batch of
 * mutations costs little. Each mutation id is looked up on its own through the two partial
 * indexes (applied, rejected), as the fresh read does.
 */
const READ_AHEAD = `WITH its AS MATERIALIZED (SELECT ${ITEM_COLUMNS}, xmin::text AS row_version FROM items WHERE id = ANY($3::text[]))
  SELECT c.last_seq,
         (SELECT json_agg(json_build_array(k.id::text, COALESCE(
                   (SELECT mu.seq FROM mutations mu WHERE mu.mutation_id = k.id AND mu.status = 'applied'),
                   (SELECT mu.seq FROM mutations mu WHERE mu.mutation_id = k.id AND mu.status = 'rejected' ORDER BY mu.seq LIMIT 1))))
            FROM unnest($2::uuid[]) AS k(id)) AS recorded,
         s.value AS settings,
         s.xmin::text AS settings_version,
         (SELECT json_agg(i) FROM its i) AS items,
         (SELECT json_agg(a) FROM (SELECT ${AGENT_COLUMNS} FROM agents
            WHERE id = ANY($4::text[]) OR id IN (SELECT assignee_id FROM its) OR id IN (SELECT queue_changed_by FROM its)) a) AS agents,
         (SELECT json_agg(cu) FROM (SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = ANY($5::text[])) cu) AS customers,
         (SELECT json_agg(r) FROM (SELECT ${RATING_COLUMNS} FROM ratings WHERE item_id = ANY($6::text[])) r) AS ratings
    FROM clients c LEFT JOIN settings s ON s.id = 1 WHERE c.id = $1`

/** The mutations a read-ahead is for: each one's id and needs (views are never read ahead). */
export interface AheadOf {
  mutationId: string
  needs: Needs
  actorId: string
}

/** A known row, or null: known not to exist. A key that is absent was not read. */
type Known<T> = Map<string, T | null>

export class Prefetched {
  private constructor(
    /** The client's last applied seq, as the push's own writes advance it. */
    private lastSeq: number,
    private readonly settings: WorkspaceSettings,
    private readonly settingsVersion: string | null,
    private readonly items: Known<{ item: Item; version: string }>,
    private readonly agents: Known<Agent>,
    private readonly customers: Known<Customer>,
    private readonly ratings: Map<string, Rating[]>,
    /** Mutation ids recorded (applied or rejected) and under which seq. */
    private readonly recorded: Map<string, number>
  ) {}

  /** Reads what the given mutations need; null when the client row does not exist. */
  static async read(db: SqlClient, clientId: string, batch: readonly AheadOf[]): Promise<Prefetched | null> {
    const itemIds = unique(batch.map((b) => b.needs.items))
    const agentIds = unique([...batch.map((b) => b.needs.agents), batch.map((b) => b.actorId)])
    const customerIds = unique(batch.map((b) => b.needs.customers))
    const ratingsOf = unique(batch.map((b) => b.needs.ratingsOf))
    const { rows } = await db.query<{ last_seq: string | number; recorded: unknown; settings: unknown; settings_version: string | null; items: unknown; agents: unknown; customers: unknown; ratings: unknown }>(READ_AHEAD, [
      clientId,
      batch.map((b) => b.mutationId),
      itemIds,
      agentIds,
      customerIds,
      ratingsOf
    ])
    const row = rows[0]
    if (!row) return null
    const items: Known<{ item: Item; version: string }> = new Map(itemIds.map((id) => [id, null]))
    for (const r of parseJson<ItemRow & { row_version: string }>(row.items)) items.set(r.id, { item: itemFromRow(r), version: r.row_version })
    const agents: Known<Agent> = new Map(agentIds.map((id) => [id, null]))
    for (const r of parseJson<AgentRow>(row.agents)) agents.set(r.id, agentFromRow(r))
    // The read took every agent an item names: one it did not find does not exist.
    for (const { item } of [...items.values()].filter((x) => x !== null)) {
      for (const id of [item.assigneeId, item.queueChangedBy]) if (id !== null && !agents.has(id)) agents.set(id, null)
    }
    const customers: Known<Customer> = new Map(customerIds.map((id) => [id, null]))
    for (const r of parseJson<CustomerRow>(row.customers)) customers.set(r.id, customerFromRow(r))
    const ratings = new Map<string, Rating[]>(ratingsOf.map((id) => [id, []]))
    for (const r of parseJson<RatingRow>(row.ratings)) ratings.get(r.item_id)?.push(ratingFromRow(r))
    for (const list of ratings.values()) list.sort(byTimeThenId)
    // As the fresh read: the seq an id was applied under, else one it was rejected under.
    const recorded = new Map<string, number>()
    for (const [id, seq] of parseJson<[string, string | number | null]>(row.recorded)) if (seq !== null) recorded.set(id, Number(seq))
    return new Prefetched(Number(row.last_seq), settingsFromValue(row.settings), row.settings_version ?? null, items, agents, customers, ratings, recorded)
  }

  /**
   * What lockAndLoad would return for this mutation now, or null when the read-ahead did not
   * read everything it needs (then the push reads it afresh).
   */
  load(mutationId: string, needs: Needs): Loaded | null {
    if ((needs.views?.length ?? 0) > 0) return null
    const items = new Map<string, Item>()
    const versions = new Map<string, string>()
    const missing: string[] = []
    for (const id of uniqueSorted(needs.items)) {
      const known = this.items.get(id)
      if (known === undefined) return null
      if (known === null) missing.push(id)
      else {
        items.set(id, known.item)
        versions.set(id, known.version)
      }
    }
    const agents = new Map<string, Agent>()
    const agentIds = new Set(needs.agents ?? [])
    for (const item of items.values()) {
      if (item.assigneeId !== null) agentIds.add(item.assigneeId)
      if (item.queueChangedBy !== null) agentIds.add(item.queueChangedBy)
    }
    for (const id of agentIds) {
      const known = this.agents.get(id)
      if (known === undefined) return null
      if (known !== null) agents.set(id, known)
    }
    const customers = new Map<string, Customer>()
    for (const id of uniqueSorted(needs.customers)) {
      const known = this.customers.get(id)
      if (known === undefined) return null
      if (known !== null) customers.set(id, known)
    }
    const ratings = new Map<string, Rating[]>()
    for (const id of needs.ratingsOf ?? []) {
      const known = this.ratings.get(id)
      if (known === undefined) return null
      ratings.set(id, [...known])
    }
    return {
      lastSeq: this.lastSeq,
      dupSeq: this.recorded.get(mutationId.toLowerCase()) ?? null,
      snapshot: { items, customers, agents, ratings, views: new Map(), settings: this.settings },
      versions,
      missing,
      settingsVersion: this.settingsVersion
    }
  }

  /**
   * Brings the cache up to date after this push recorded a mutation: its seq and id; when it was
   * applied, the new state of the items it wrote and the new row version (`version`, the
   * writing transaction's id) of every item it wrote or read, and the customers and ratings it
   * created. A rejection writes no item.
   */
  recordedAs(mutationId: string, seq: number, applied: { loaded: Loaded; after: ReadonlyMap<string, Item>; changes: readonly Change[]; version: string } | null): void {
    this.lastSeq = seq
    // The first record of an id stays the one a duplicate names, as in the fresh read (an id
    // pushed again is recorded again, rejected as a duplicate of the first).
    const id = mutationId.toLowerCase()
    if (!this.recorded.has(id)) this.recorded.set(id, seq)
    if (!applied) return
    const { loaded, after, changes, version } = applied
    for (const [id, item] of loaded.snapshot.items) this.items.set(id, { item: after.get(id) ?? item, version })
    for (const [id, item] of after) this.items.set(id, { item, version })
    for (const change of changes) {
      if (change.op === 'insertCustomer') this.customers.set(change.customer.id, change.customer)
      else if (change.op === 'insertRating') {
        const list = this.ratings.get(change.rating.itemId)
        if (list) {
          list.push(change.rating)
          list.sort(byTimeThenId)
        }
      }
    }
  }
}
