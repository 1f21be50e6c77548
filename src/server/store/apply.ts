import type { Item } from '../../shared/domain/entities'
import { ITEM_PATCH_COLUMNS, isItemPatchKey, type ItemPatch } from '../../shared/mutations/item-columns'
import { QUEUES } from '../../shared/domain/escalation'
import type { WorkspaceSettings } from '../../shared/domain/settings'
import { PRIORITIES } from '../../shared/domain/vocabulary'
import type { Customer, Message } from '../../shared/domain/entities'
import type { Change, Snapshot } from '../../shared/mutations/types'
import { DELIVERIES_CHANNEL, deliveredByEmail, enqueueDelivery } from './delivery-enqueue'
import type { SqlClient } from './sql'

/** One row of the change feed, written in the mutation's own transaction. */
export interface FeedRow {
  entity: 'item' | 'agent' | 'settings' | 'view'
  entity_id: string
  owner_id: string | null
  queue_before: string | null
  assignee_before: string | null
  queue_after: string | null
  assignee_after: string | null
}

export const itemFeedRow = (id: string, before: Item | null | undefined, after: Item | null | undefined): FeedRow => ({
  entity: 'item',
  entity_id: id,
  owner_id: null,
  queue_before: before?.queue ?? null,
  assignee_before: before?.assigneeId ?? null,
  queue_after: after?.queue ?? null,
  assignee_after: after?.assigneeId ?? null
})

/** Writes feed rows (one statement). */
export async function insertFeedRows(tx: SqlClient, rows: readonly FeedRow[]): Promise<void> {
  if (rows.length === 0) return
  await tx.query(`INSERT INTO changes (entity, entity_id, owner_id, queue_before, assignee_before, queue_after, assignee_after) ${FEED_ROWS_SELECT}`, [JSON.stringify(rows)])
}
/** `SELECT` of feed rows from a jsonb array parameter named $N (text to splice into a statement). */
export const feedRowsSelect = (param: string) =>
  `SELECT entity, entity_id, owner_id, queue_before, assignee_before, queue_after, assignee_after FROM jsonb_to_recordset(${param}::jsonb)
     AS x(entity text, entity_id text, owner_id text, queue_before text, assignee_before text, queue_after text, assignee_after text)`
const FEED_ROWS_SELECT = feedRowsSelect('$1')


/** An item as a row of the items table (column names), for jsonb_populate_record(set). */
export const itemRecord = (i: Item) => ({
  id: i.id,
  kind: i.kind,
  category: i.category,
  channel: i.channel,
  customer_id: i.customerId,
  subject: i.subject,
  status: i.status,
  priority: i.priority,
  assignee_id: i.assigneeId,
  tier: i.tier,
  queue: i.queue,
  handoff_summary: i.handoffSummary,
  queue_changed_by: i.queueChangedBy,
  queue_changed_at: i.queueChangedAt,
  sla_started_at: i.slaStartedAt,
  sla_responded_at: i.slaRespondedAt,
  created_at: i.createdAt,
  updated_at: i.updatedAt,
  first_response_at: i.firstResponseAt,
  resolved_at: i.resolvedAt,
  sla_due_at: i.slaDueAt
})

/**
 * One statement being built from data-modifying CTEs: a mutation's row writes, its record and
 * its feed rows go to PostgreSQL in a single round trip.
 */
export class WriteStatement {
  readonly params: unknown[] = []
  readonly ctes: string[] = []
  /** Items an `UPDATE items` CTE rewrites (a row may be modified only once per statement). */
  readonly updatedItems = new Set<string>()
  /**
   * The condition every write of the statement carries: TRUE, or after guard() the guard's
   * verdict, so that when the guard fails the statement writes nothing at all.
   */
  when = 'TRUE'
  param(value: unknown): string {
    this.params.push(value)
    return `$${this.params.length}`
  }
  cte(sql: string): void {
    this.ctes.push(`w${this.ctes.length} AS (${sql})`)
  }
  /**
   * Makes the statement conditional: `sql` is a SELECT of one boolean column `ok`, run first
   * (it may lock rows); every write built afterwards carries `WHERE ... AND ok`. Call it before
   * adding any write.
   */
  guard(sql: string): void {
    if (this.ctes.length > 0) throw new Error('guard() comes before the writes')
    this.ctes.push(`g AS MATERIALIZED (${sql})`)
    this.when = '(SELECT ok FROM g)'
  }
  /** Inserts rows given as objects keyed by column name (any number, one CTE). */
  insertRecords(table: string, records: readonly object[]): void {
    if (records.length === 0) return
    this.cte(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, ${this.param(JSON.stringify(records))}::jsonb) WHERE ${this.when}`)
  }
  /** Runs the CTEs with a final SELECT; returns its rows. */
  async run<T = Record<string, unknown>>(tx: SqlClient, select: string): Promise<T[]> {
    const { rows } = await tx.query<T>(this.ctes.length > 0 ? `WITH ${this.ctes.join(',\n')}\n${select}` : select, this.params)
    return rows
  }
}

/** Every item column but the id, in one order: an updated item is written whole. */
const ITEM_SET_COLUMNS = Object.values(ITEM_PATCH_COLUMNS)

/**
 * How applyChanges writes each change op: as part of the mutation's one statement (`out`), or
 * by statements of its own that run at once (views and settings), which only a transaction
 * may hold. Typed over every op, so a new op is placed here before it can be written.
 */
export const CHANGE_WRITTEN: { readonly [Op in Change['op']]: 'in-statement' | 'apart' } = {
  insertCustomer: 'in-statement',
  insertItem: 'in-statement',
  updateItem: 'in-statement',
  insertMessage: 'in-statement',
  insertEvent: 'in-statement',
  insertRating: 'in-statement',
  requeueDelivery: 'in-statement',
  upsertView: 'apart',
  deleteView: 'apart',
  setSettings: 'apart'
}

/** Whether applyChanges writes any of these changes by statements of their own (see CHANGE_WRITTEN). */
export const writesApart = (changes: readonly Change[]): boolean => changes.some((c) => CHANGE_WRITTEN[c.op] === 'apart')

/** Thrown when a change names a row that is not there: a bug in a decide(), never a user error. */
export class MissingRowError extends Error {
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`)
    this.name = 'MissingRowError'
  }
}

/**
 * Writes a decision's changes inside the caller's transaction, from the snapshot it was decided
 * on (items in it are locked): row writes become CTEs of `out` (run by the caller with the
 * mutation's record); the rare view and settings writes run at once. Returns the feed rows
 * to write with it: one 'item' row per item inserted, updated or given a child row (with its
 * queue and assignee before and after), one per view written or deleted, one for settings; and
 * the new state of each of those items (`after`), exactly as written.
 */
export async function applyChanges(tx: SqlClient, changes: readonly Change[], before: Snapshot, out: WriteStatement): Promise<{ feed: FeedRow[]; after: Map<string, Item> }> {
  const state = new Map<string, Item>(before.items)
  const inserted = new Map<string, Item>()
  const updated = new Set<string>()
  const touched = new Set<string>()
  const customers: object[] = []
  const newCustomers = new Map<string, Customer>()
  const messages: object[] = []
  const replies: Message[] = []
  const events: object[] = []
  const ratings: object[] = []
  const requeued: { itemId: string; messageId: string }[] = []
  const feed: FeedRow[] = []
  const viewWrites: Change[] = []
  let settings: WorkspaceSettings | null = null

  for (const change of changes) {
    switch (change.op) {
      case 'insertCustomer': {
        const c = change.customer
        customers.push({ id: c.id, name: c.name, email: c.email, phone: c.phone, created_at: c.createdAt })
        newCustomers.set(c.id, c)
        break
      }
      case 'insertItem':
        state.set(change.item.id, change.item)
        inserted.set(change.item.id, change.item)
        touched.add(change.item.id)
        break
      case 'updateItem': {
        const item = state.get(change.id)
        if (!item) throw new MissingRowError('Item', change.id)
        const next = { ...item, ...stripUndefined(change.patch) }
        state.set(change.id, next)
        if (inserted.has(change.id)) inserted.set(change.id, next)
        else {
          for (const key of Object.keys(change.patch)) if (!isItemPatchKey(key)) throw new Error(`Cannot patch item field ${key}`)
          updated.add(change.id)
        }
        touched.add(change.id)
        break
      }
      case 'insertMessage': {
        const m = change.message
        messages.push({ id: m.id, item_id: m.itemId, kind: m.kind, author_id: m.authorId, channel: m.channel, body: m.body, created_at: m.createdAt })
        if (m.kind === 'reply') replies.push(m)
        touched.add(m.itemId)
        break
      }
      case 'insertEvent': {
        const e = change.event
        events.push({ id: e.id, item_id: e.itemId, type: e.type, actor_id: e.actorId, from_value: e.from, to_value: e.to, reason: e.reason, created_at: e.createdAt })
        touched.add(e.itemId)
        break
      }
      case 'insertRating': {
        const r = change.rating
        ratings.push({ id: r.id, item_id: r.itemId, kind: r.kind, score: r.score, recorded_by: r.recordedBy, created_at: r.createdAt })
        touched.add(r.itemId)
        break
      }
      case 'requeueDelivery':
        requeued.push({ itemId: change.itemId, messageId: change.messageId })
        touched.add(change.itemId)
        break
      case 'upsertView':
      case 'deleteView':
        viewWrites.push(change)
        break
      case 'setSettings':
        settings = change.settings
        break
      default: {
        const unknownChange: never = change
        throw new Error(`Unknown change ${JSON.stringify(unknownChange)}`)
      }
    }
  }

  out.insertRecords('customers', customers)
  out.insertRecords('items', [...inserted.values()].map(itemRecord))
  // An updated item is written whole from its new state, found by its key (an index lookup, never
  // a join the planner could turn into a scan); columns that keep their value cost no index work
  // (PostgreSQL compares them for a HOT update).
  for (const id of updated) {
    out.cte(
      `UPDATE items i SET (${ITEM_SET_COLUMNS.join(', ')}) = (${ITEM_SET_COLUMNS.map((c) => `x.${c}`).join(', ')})
         FROM jsonb_populate_record(NULL::items, ${out.param(JSON.stringify(itemRecord(state.get(id)!)))}::jsonb) x WHERE i.id = ${out.param(id)} AND ${out.when}`
    )
    out.updatedItems.add(id)
  }
  out.insertRecords('messages', messages)
  // An agent's reply on an email item is queued for delivery in this same statement (delivery-enqueue.ts).
  for (const m of replies) {
    const item = state.get(m.itemId)
    if (deliveredByEmail(m, item)) enqueueDelivery(out, m, item, item ? newCustomers.get(item.customerId) : undefined)
  }
  out.insertRecords('item_events', events)
  out.insertRecords('ratings', ratings)
  for (const r of requeued) {
    // Only a delivery given up on or unconfirmed: one queued, being sent or sent stays as it is.
    // The attempts start again (the cap counts the tries since the agent's word); the worker is woken.
    out.cte(
      `UPDATE deliveries SET state = 'queued', attempts = 0, next_attempt_at = now(), last_error = NULL, claimed_by = NULL, claimed_until = NULL, updated_at = now()
         FROM (SELECT pg_notify('${DELIVERIES_CHANNEL}', '')) n
        WHERE message_id = ${out.param(r.messageId)} AND item_id = ${out.param(r.itemId)} AND (state = 'unconfirmed' OR (state = 'failed' AND next_attempt_at IS NULL)) AND ${out.when}`
    )
  }

  for (const change of viewWrites) {
    if (change.op === 'upsertView') {
      const v = change.view
      if (v.ownerId === null) throw new Error('Built-in views are not stored')
      await tx.query(
        `INSERT INTO views (id, owner_id, name, filter, sort) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, filter = excluded.filter, sort = excluded.sort`,
        [v.id, v.ownerId, v.name, JSON.stringify(v.filter), JSON.stringify(v.sort)]
      )
      feed.push({ entity: 'view', entity_id: v.id, owner_id: v.ownerId, queue_before: null, assignee_before: null, queue_after: null, assignee_after: null })
    } else if (change.op === 'deleteView') {
      const { rows } = await tx.query<{ owner_id: string }>('DELETE FROM views WHERE id = $1 RETURNING owner_id', [change.id])
      const owner = rows[0]?.owner_id ?? before.views.get(change.id)?.ownerId ?? null
      feed.push({ entity: 'view', entity_id: change.id, owner_id: owner, queue_before: null, assignee_before: null, queue_after: null, assignee_after: null })
    }
  }

  if (settings) {
    await tx.query('INSERT INTO settings (id, value) VALUES (1, $1::jsonb) ON CONFLICT (id) DO UPDATE SET value = excluded.value', [JSON.stringify(settings)])
    await recomputeDeadlines(tx, settings)
    feed.push({ entity: 'settings', entity_id: 'settings', owner_id: null, queue_before: null, assignee_before: null, queue_after: null, assignee_after: null })
  }

  const after = new Map<string, Item>()
  for (const id of touched) {
    const now = state.get(id)
    feed.push(itemFeedRow(id, inserted.has(id) ? null : before.items.get(id), now))
    if (now) after.set(id, now)
  }
  return { feed, after }
}

const stripUndefined = (patch: ItemPatch): Partial<Item> => Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<Item>

/**
 * Keeps items.sla_due_at = slaDueAt(item, policy) for every active item when the policy changes,
 * as the console's store does: the first-response target until answered, then the resolution
 * target, from the current SLA clock, as ISO text in UTC with milliseconds. These rewrites write
 * no feed rows (they would touch every active item): a console recomputes the same deadlines
 * itself when it receives the new settings.
 */
async function recomputeDeadlines(tx: SqlClient, settings: WorkspaceSettings): Promise<void> {
  const policy = settings.sla
  const targets = QUEUES.flatMap((q) => PRIORITIES.map((p) => ({ q, p, first: policy[q][p].firstResponseMinutes, resolution: policy[q][p].resolutionMinutes })))
  await tx.query(
    `UPDATE items i SET sla_due_at = to_char(
        ((i.sla_started_at::timestamptz + make_interval(mins => CASE WHEN i.sla_responded_at IS NULL THEN t.first ELSE t.resolution END)) AT TIME ZONE 'UTC'),
        'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
     FROM jsonb_to_recordset($1::jsonb) AS t(q text, p text, first int, resolution int)
     WHERE t.q = i.queue AND t.p = i.priority AND i.status IN ('new', 'open', 'pending')`,
    [JSON.stringify(targets)]
  )
}
