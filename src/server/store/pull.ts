import type { Agent, Item } from '../../shared/domain/entities'
import { DEFAULT_PULL_LIMIT, type MessageWire, type PullRequest, type PullResponse, type RejectionWire } from '../../shared/sync/protocol'
import { bindClient } from './push'
import { compareXid, cursorKey, decodeCursor, encodeCursor as encodeWith, type Cursor } from './cursor'
import { StoreError } from './errors'
import {
  AGENT_COLUMNS,
  CUSTOMER_COLUMNS,
  EVENT_COLUMNS,
  ITEM_COLUMNS,
  MESSAGE_COLUMNS,
  RATING_COLUMNS,
  VIEW_COLUMNS,
  agentFromRow,
  customerFromRow,
  eventFromRow,
  inScope,
  itemFromRow,
  messageFromRow,
  ratingFromRow,
  scopeOf,
  settingsFromValue,
  viewFromRow,
  type AgentRow,
  type CustomerRow,
  type EventRow,
  type ItemRow,
  type MessageRow,
  type RatingRow,
  type Scope,
  type ViewRow
} from './rows'
import type { SqlClient } from './sql'
import { withMessageExtras } from './message-extras'

interface ChangeRow {
  tx: string
  id: string
  entity: 'item' | 'agent' | 'settings' | 'view'
  entity_id: string
  owner_id: string | null
  queue_before: string | null
  assignee_before: string | null
  queue_after: string | null
  assignee_after: string | null
}

const MAX_REJECTIONS = 1000

/**
 * One page of a pull, read in one REPEATABLE READ read-only transaction. The feed's upper bound
 * is that transaction's snapshot xmin: every transaction with a smaller xid has finished (and is
 * visible to it) and no later one can get a smaller xid, so rows are handed out in (tx, id)
 * order below it and a writer that commits late is waited for, never skipped.
 */
export async function pull(sql: SqlClient, agent: Agent, req: PullRequest, serverId = ''): Promise<PullResponse> {
  const limit = req.limit ?? DEFAULT_PULL_LIMIT
  const rejectionsAfter = req.rejectionsAfter ?? 0
  const key = await cursorKey(sql)
  const encodeCursor = (c: Cursor) => encodeWith(c, key)
  const cursor: Cursor | null = req.cursor === null ? null : decodeCursor(req.cursor, key, serverId)
  await bindClient(sql, agent.id, req.clientId)
  const scope = scopeOf(agent)

  return sql.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY')
    const head = await tx.query<{ hi: string; last_seq: string | number }>(
      'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS hi, (SELECT last_seq FROM clients WHERE id = $1) AS last_seq',
      [req.clientId]
    )
    const hi = head.rows[0]!.hi
    const res: PullResponse = {
      cursor: '',
      more: false,
      lastAppliedSeq: Number(head.rows[0]!.last_seq ?? 0),
      progress: null,
      items: [],
      customers: [],
      messages: [],
      events: [],
      ratings: [],
      left: [],
      agents: null,
      views: [],
      deletedViews: [],
      settings: null,
      rejections: await rejections(tx, req.clientId, rejectionsAfter)
    }

    if (cursor === null || cursor.p === 's') {
      // The first sync: the items in scope by id, then the feed from the watermark at its start.
      const start = cursor ?? { v: 1 as const, s: serverId, p: 's' as const, w: hi, after: null, done: 0, total: await countInScope(tx, scope) }
      if (cursor === null) {
        res.agents = await directory(tx)
        res.settings = await settings(tx)
        res.views = (await tx.query<ViewRow>(`SELECT ${VIEW_COLUMNS} FROM views WHERE owner_id = $1 ORDER BY id`, [agent.id])).rows.map(viewFromRow)
      }
      const items = await itemsInScopePage(tx, scope, start.after, limit)
      await withThreads(tx, items, res)
      const done = start.done + items.length
      res.progress = { done, total: Math.max(start.total, done) }
      const full = items.length === limit
      res.cursor = encodeCursor(full ? { ...start, after: items[items.length - 1]!.id, done } : { v: 1, s: serverId, p: 'f', lo: start.w, at: null })
      // The last snapshot page also says "more": the changes since the watermark come next.
      res.more = true
      return res
    }

    if (compareXid(cursor.lo, hi) > 0) throw new StoreError('bad_request', 'The cursor is ahead of this server: it is not one this server made.')
    const [atTx, atId] = cursor.at ?? [cursor.lo, '0']
    const { rows } = await tx.query<ChangeRow>(
      // Ordered by the columns (c.tx), not the text aliases: '1000' sorts before '914' as text.
      `SELECT c.tx::text AS tx, c.id::text AS id, c.entity, c.entity_id, c.owner_id, c.queue_before, c.assignee_before, c.queue_after, c.assignee_after
         FROM changes c WHERE (c.tx, c.id) > ($1::xid8, $2::bigint) AND c.tx < $3::xid8 ORDER BY c.tx, c.id LIMIT $4`,
      [atTx, atId, hi, limit]
    )
    await feedPage(tx, agent, req.clientId, scope, rows, res)
    if (rows.length === limit) {
      const last = rows[rows.length - 1]!
      res.cursor = encodeCursor({ v: 1, s: serverId, p: 'f', lo: cursor.lo, at: [last.tx, last.id] })
      res.more = true
    } else {
      res.cursor = encodeCursor({ v: 1, s: serverId, p: 'f', lo: hi, at: null })
      res.more = false
    }
    return res
  })
}

async function feedPage(tx: SqlClient, agent: Agent, clientId: string, scope: Scope, rows: readonly ChangeRow[], res: PullResponse): Promise<void> {
  const itemRows = new Map<string, ChangeRow[]>()
  const viewIds = new Set<string>()
  let agentsChanged = false
  let settingsChanged = false
  for (const r of rows) {
    switch (r.entity) {
      case 'item': {
        const list = itemRows.get(r.entity_id)
        if (list) list.push(r)
        else itemRows.set(r.entity_id, [r])
        break
      }
      case 'agent':
        agentsChanged = true
        break
      case 'settings':
        settingsChanged = true
        break
      case 'view':
        if (r.owner_id === agent.id) viewIds.add(r.entity_id)
        break
    }
  }
  if (itemRows.size > 0) {
    const current = await tx.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = ANY($1::text[]) ORDER BY id`, [[...itemRows.keys()]])
    const byId = new Map(current.rows.map((r) => [r.id, itemFromRow(r)]))
    const send: Item[] = []
    const neverSeen: string[] = []
    for (const [id, changes] of itemRows) {
      const item = byId.get(id)
      if (item && inScope(scope, item.queue, item.assigneeId)) send.push(item)
      else if (changes.some((c) => inScope(scope, c.queue_before, c.assignee_before) || inScope(scope, c.queue_after, c.assignee_after))) res.left.push(id)
      else if (item && changes.some((c) => c.queue_before === null && c.assignee_before === null)) neverSeen.push(id) // made in this page's span
    }
    // An item this client created outside its agent's scope (a service agent opening a support
    // ticket) was never in scope, yet the console holds its optimistic copy: it leaves too.
    res.left.push(...(await createdBy(tx, clientId, neverSeen)))
    await withThreads(tx, send, res)
  }
  if (agentsChanged) res.agents = await directory(tx)
  if (settingsChanged) res.settings = await settings(tx)
  if (viewIds.size > 0) {
    const found = await tx.query<ViewRow>(`SELECT ${VIEW_COLUMNS} FROM views WHERE id = ANY($1::text[]) AND owner_id = $2 ORDER BY id`, [[...viewIds], agent.id])
    res.views = found.rows.map(viewFromRow)
    const present = new Set(res.views.map((v) => v.id))
    res.deletedViews = [...viewIds].filter((id) => !present.has(id))
  }
}

/**
 * Which of `itemIds` a mutation of this client created: an item's id is the id of the mutation
 * that made it (item.create, item.logContact), and only a uuid can be one (imported and emailed
 * items have other ids). Found through the index of applied mutation ids.
 */
async function createdBy(tx: SqlClient, clientId: string, itemIds: readonly string[]): Promise<string[]> {
  const uuids = itemIds.filter((id) => UUID.test(id))
  if (uuids.length === 0) return []
  const { rows } = await tx.query<{ id: string }>(
    "SELECT mutation_id::text AS id FROM mutations WHERE mutation_id = ANY($1::uuid[]) AND status = 'applied' AND client_id = $2",
    [uuids, clientId]
  )
  const created = new Set(rows.map((r) => r.id))
  return uuids.filter((id) => created.has(id.toLowerCase()))
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Puts items into the page with their customers, whole threads, histories and ratings: one query per kind of row. */
async function withThreads(tx: SqlClient, items: readonly Item[], res: PullResponse): Promise<void> {
  if (items.length === 0) return
  const ids = items.map((i) => i.id)
  const customerIds = [...new Set(items.map((i) => i.customerId))]
  const [customers, messages, events, ratings] = [
    await tx.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = ANY($1::text[])`, [customerIds]),
    await tx.query<MessageRow & { problems: string[] | null }>(
      `SELECT ${MESSAGE_COLUMNS}, problems FROM messages WHERE item_id = ANY($1::text[]) ORDER BY item_id, created_at, id`,
      [ids]
    ),
    await tx.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM item_events WHERE item_id = ANY($1::text[]) ORDER BY item_id, created_at, id`, [ids]),
    await tx.query<RatingRow>(`SELECT ${RATING_COLUMNS} FROM ratings WHERE item_id = ANY($1::text[]) ORDER BY item_id, created_at, id`, [ids])
  ]
  res.items.push(...items)
  res.customers.push(...customers.rows.map(customerFromRow))
  const wireMessages: MessageWire[] = messages.rows.map(messageFromRow)
  await withMessageExtras(tx, wireMessages, new Map(messages.rows.flatMap((m) => (m.problems ? [[m.id, m.problems] as const] : []))))
  res.messages.push(...wireMessages)
  res.events.push(...events.rows.map(eventFromRow))
  res.ratings.push(...ratings.rows.map(ratingFromRow))
}

/**
 * The next page of items in scope after an id, in id order. One index walk per queue and one for
 * the agent's assigned items (each stops after a page), merged: never a sort of the whole scope.
 */
async function itemsInScopePage(tx: SqlClient, scope: Scope, after: string | null, limit: number): Promise<Item[]> {
  const from = after ?? ''
  if (scope.all) {
    const { rows } = await tx.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM items WHERE id > $1 ORDER BY id LIMIT $2`, [from, limit])
    return rows.map(itemFromRow)
  }
  const params: unknown[] = [from, limit, scope.agentId]
  const walks = ['(SELECT id FROM items WHERE assignee_id = $3 AND id > $1 ORDER BY id LIMIT $2)']
  for (const q of scope.queues) {
    params.push(q)
    walks.push(`(SELECT id FROM items WHERE queue = $${params.length} AND id > $1 ORDER BY id LIMIT $2)`)
  }
  const { rows } = await tx.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM items WHERE id IN (SELECT id FROM (${walks.join(' UNION ')}) w ORDER BY id LIMIT $2) ORDER BY id`,
    params
  )
  return rows.map(itemFromRow)
}

async function countInScope(tx: SqlClient, scope: Scope): Promise<number> {
  const { rows } = scope.all
    ? await tx.query<{ n: string | number }>('SELECT count(*) AS n FROM items')
    : await tx.query<{ n: string | number }>('SELECT count(*) AS n FROM items WHERE queue = ANY($1::text[]) OR assignee_id = $2', [scope.queues, scope.agentId])
  return Number(rows[0]?.n ?? 0)
}

async function directory(tx: SqlClient): Promise<PullResponse['agents']> {
  const { rows } = await tx.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents ORDER BY id`)
  return rows.map(agentFromRow)
}

async function settings(tx: SqlClient): Promise<PullResponse['settings']> {
  const { rows } = await tx.query<{ value: unknown }>('SELECT value FROM settings WHERE id = 1')
  // businessSchedule came later, and an older console's strict schema refuses a field it does
  // not know: it travels only when set (a console that knows it reads its absence as null).
  const { businessSchedule, ...rest } = settingsFromValue(rows[0]?.value)
  return businessSchedule === null ? (rest as PullResponse['settings']) : { ...rest, businessSchedule }
}

async function rejections(tx: SqlClient, clientId: string, after: number): Promise<RejectionWire[]> {
  const { rows } = await tx.query<{
    seq: string | number
    mutation_id: string
    name: string
    rejection_code: string | null
    rejection_message: string | null
    item_id: string | null
    applied_at: string
  }>(
    `SELECT seq, mutation_id, name, rejection_code, rejection_message, item_id, applied_at FROM mutations
      WHERE client_id = $1 AND status = 'rejected' AND seq > $2 ORDER BY seq LIMIT ${MAX_REJECTIONS}`,
    [clientId, after]
  )
  return rows.map((r) => ({
    seq: Number(r.seq),
    mutationId: r.mutation_id,
    name: r.name,
    code: r.rejection_code ?? 'rejected',
    message: r.rejection_message ?? '',
    itemId: r.item_id,
    at: r.applied_at
  }))
}
