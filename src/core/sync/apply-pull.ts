import type { Database } from 'better-sqlite3'
import type { Agent, Item } from '../../shared/domain/entities'
import { QUEUES, QUEUE_LABEL, queuesOfAgent, type Queue } from '../../shared/domain/escalation'
import type { Tier } from '../../shared/domain/vocabulary'
import { planStoredMutation, runMutation, type MutationContext } from '../../shared/mutations'
import type { PullResponse, RejectionWire } from '../../shared/sync/protocol'
import { markForIndexing } from '../search/search-index'
import { META, getMeta, setMeta } from '../infra/meta'
import { plucked, prepared } from '../infra/statements'
import { applyChanges } from '../mutations/changes'
import { insertItem, updateItem } from '../items/changes'
import { forgetItemRids } from '../items/item-rids'
import { loadSnapshot } from '../mutations/snapshot'
import { readBinding } from './binding'

/**
 * What keeps facts about items a pull deletes: the personal figures' archive
 * (figures/personal.ts), handed in by the core so sync does not import the figures (which
 * import sync for the team's). Called inside the page's transaction.
 */
export interface PurgeKeeper {
  /** Items leaving the agent's scope are about to be deleted. */
  beforePurge(db: Database, rids: readonly number[], agentId: string, now: Date): void
  /** An item came back into scope: its live copy replaces what was kept of it. */
  returned(db: Database, itemId: string): void
}

/**
 * Applies one pull page in ONE transaction, rebasing the pending local mutations on it:
 *
 * 1. the server's rows: settings (recomputing local deadlines, as the server does), agents (the
 *    whole directory, when sent), customers, items (upserted with every column; a known item
 *    keeps its local rid), messages/events/ratings (immutable: inserted when absent), views and
 *    deleted views;
 * 2. items that left the agent's scope are purged with their thread, history and ratings;
 * 3. rejections are recorded, and the rows a rejected mutation created (ids `<mutationId>.…`)
 *    are purged;
 * 4. the outbox rows the server has applied or rejected (per-client seq <= lastAppliedSeq) go:
 *    only here, on a pull's word, never on a push's 200 (its answer may be lost, and until the
 *    pull the server's state of them is not here yet);
 * 5. the items of rejected mutations go back to the server's version (sync_shadow); every
 *    mutation still in the outbox is re-run (same id, actor, arguments and time) on the new
 *    state; the rows it created are kept, not inserted twice. One that is refused now changes
 *    nothing locally and stays in the outbox: the server decides;
 * 6. the cursor, rejectionsAfter and last-synced time are saved.
 *
 * Either all of it is on disk or none (a failure rolls back, the cursor included, so the page is
 * pulled again). Returns whether local data changed.
 */
/** How far the server's clock may run ahead of this console's for a message to still count as news. */
const NEWS_CLOCK_MARGIN_MS = 60_000

/** What one applied pull page did: whether local data changed, and the customer messages that arrived (not on the first sync). */
export interface PulledPage {
  changed: boolean
  arrived: ArrivedMessage[]
}
export interface ArrivedMessage {
  itemId: string
  messageId: string
}

export function applyPullPage(db: Database, page: PullResponse, now: Date, keeper: PurgeKeeper): PulledPage {
  try {
    return db.transaction(() => applyInTransaction(db, page, now, keeper)).immediate()
  } finally {
    // Items may have been deleted (and a rolled-back insert may have been remembered).
    forgetItemRids(db)
  }
}

function applyInTransaction(db: Database, page: PullResponse, now: Date, keeper: PurgeKeeper): PulledPage {
  const binding = readBinding(db)
  if (!binding) throw new Error('A pull was applied to a workspace that is not bound to a server.')
  let changed = false
  const arrived: ArrivedMessage[] = []
  // Items this console made (still in the outbox, confirmed by this page or pending): one that
  // leaves is the agent's own new item gone to a queue they do not work, which they are told.
  const madeHere = new Set(plucked<[], string>(db, "SELECT mutation_id FROM outbox WHERE name IN ('item.create', 'item.logContact')").all())

  if (page.settings) {
    // Also recomputes the deadlines of active items, as the server did without sending them;
    // the items this page carries then overwrite theirs with the server's values.
    applyChanges(db, [{ op: 'setSettings', settings: page.settings }])
    changed = true
  }
  if (page.agents) {
    replaceAgents(db, page.agents)
    changed = true
  }
  for (const c of page.customers) {
    upsertCustomer(db, c)
    changed = true
  }
  /** Items this page updated (they were here before it), by id, with their rid. */
  const updated = new Map<string, number>()
  /** Items this page brought into the scope (not here before it). */
  const entered = new Set<string>()
  for (const item of page.items) {
    const known = upsertItem(db, item, keeper)
    if (known !== null) updated.set(item.id, known)
    else entered.add(item.id)
    // The server's version is the new base of the pending mutations that touch it.
    prepared(db, 'UPDATE sync_shadow SET item = ? WHERE item_id = ?').run(JSON.stringify(item), item.id)
    changed = true
  }
  const ridOf = (itemId: string) => plucked<[string], number>(db, 'SELECT rid FROM items WHERE id = ?').get(itemId)
  // The first sync brings the past, not news: only later pages mark items unread. An item that
  // enters the scope (new on the server, or moved to this agent, or back after a purge) comes
  // whole: of its thread only what was written since this console last synced is news (less a
  // margin for the two clocks), so an old conversation handed over raises no flood of notices.
  const news = page.progress === null
  const lastSynced = getMeta(db, META.syncLastSyncedAt)
  const newsSince = lastSynced ? new Date(Date.parse(lastSynced) - NEWS_CLOCK_MARGIN_MS).toISOString() : null
  const isNews = (itemId: string, createdAt: string) => !entered.has(itemId) || (newsSince !== null && createdAt >= newsSince)
  for (const m of page.messages) {
    const rid = ridOf(m.itemId)
    if (rid === undefined) continue // an item not in scope here: nothing to hang it on
    const fresh = news && m.kind === 'customer' && isNews(m.itemId, m.createdAt) && prepared<[string], { one: number }>(db, 'SELECT 1 AS one FROM messages WHERE id = ?').get(m.id) === undefined
    const r = prepared(
      db,
      // The server's copy replaces a local optimistic one (its time is the server's clock), and
      // its delivery state is the latest the server knows.
      `INSERT INTO messages (id, item_rid, kind, author_id, channel, body, created_at, delivery, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, author_id = excluded.author_id, channel = excluded.channel, body = excluded.body, created_at = excluded.created_at,
           delivery = excluded.delivery, problems = excluded.problems
         WHERE messages.created_at IS NOT excluded.created_at OR messages.body IS NOT excluded.body OR messages.kind IS NOT excluded.kind
            OR messages.author_id IS NOT excluded.author_id OR messages.channel IS NOT excluded.channel
            OR messages.delivery IS NOT excluded.delivery OR messages.problems IS NOT excluded.problems`
    ).run(
      m.id,
      rid,
      m.kind,
      m.authorId,
      m.channel,
      m.body,
      m.createdAt,
      m.delivery ? JSON.stringify(m.delivery) : null,
      m.problems && m.problems.length > 0 ? JSON.stringify(m.problems) : null
    )
    if (r.changes > 0) changed = true
    if (m.attachments && m.attachments.length > 0) {
      const messageRid = plucked<[string], number>(db, 'SELECT rid FROM messages WHERE id = ?').get(m.id)!
      m.attachments.forEach((a, position) => {
        prepared(db, 'INSERT OR IGNORE INTO attachments (id, message_rid, position, name, content_type, size, refused) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          a.id,
          messageRid,
          position,
          a.name,
          a.contentType,
          a.size,
          a.refused
        )
      })
    }
    if (fresh) {
      prepared(db, 'INSERT INTO unread_items (item_rid, since) VALUES (?, ?) ON CONFLICT (item_rid) DO NOTHING').run(rid, m.createdAt)
      arrived.push({ itemId: m.itemId, messageId: m.id })
    }
  }
  for (const e of page.events) {
    const rid = ridOf(e.itemId)
    if (rid === undefined) continue
    // History is append-only; a local optimistic line that differs from the server's (its time,
    // say) is the one exception: it is replaced under the purge flag.
    const local = prepared<[string], { item_rid: number; type: string; actor_id: string | null; from_value: string | null; to_value: string | null; reason: string | null; created_at: string }>(
      db,
      'SELECT item_rid, type, actor_id, from_value, to_value, reason, created_at FROM item_events WHERE id = ?'
    ).get(e.id)
    if (local && local.item_rid === rid && local.type === e.type && local.actor_id === e.actorId && local.from_value === e.from && local.to_value === e.to && local.reason === e.reason && local.created_at === e.createdAt) continue
    if (local) withPurgeFlag(db, () => prepared(db, 'DELETE FROM item_events WHERE id = ?').run(e.id))
    prepared(db, 'INSERT INTO item_events (id, item_rid, type, actor_id, from_value, to_value, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      e.id,
      rid,
      e.type,
      e.actorId,
      e.from,
      e.to,
      e.reason,
      e.createdAt
    )
    changed = true
  }
  for (const rating of page.ratings) {
    const rid = ridOf(rating.itemId)
    if (rid === undefined) continue
    // The server's rating stands: a local optimistic one of the same kind (another id) gives way.
    prepared(db, 'DELETE FROM ratings WHERE item_rid = ? AND kind = ? AND id <> ?').run(rid, rating.kind, rating.id)
    const r = prepared(
      db,
      `INSERT INTO ratings (id, item_rid, kind, score, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET score = excluded.score, recorded_by = excluded.recorded_by, created_at = excluded.created_at
         WHERE ratings.created_at IS NOT excluded.created_at OR ratings.score IS NOT excluded.score OR ratings.recorded_by IS NOT excluded.recorded_by`
    ).run(
      rating.id,
      rid,
      rating.kind,
      rating.score,
      rating.recordedBy,
      rating.createdAt
    )
    if (r.changes > 0) changed = true
  }
  for (const v of page.views) {
    if (v.ownerId === null) continue // built-in views live in code
    prepared(
      db,
      `INSERT INTO views (id, owner_id, name, filter, sort) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, name = excluded.name, filter = excluded.filter, sort = excluded.sort`
    ).run(v.id, v.ownerId, v.name, JSON.stringify(v.filter), JSON.stringify(v.sort))
    changed = true
  }
  for (const id of page.deletedViews) {
    if (prepared(db, 'DELETE FROM views WHERE id = ?').run(id).changes > 0) changed = true
  }
  if (page.left.length > 0) {
    tellWhereTheyWent(db, page.left, madeHere)
    if (purgeItems(db, page.left, { keeper, agentId: binding.agentId, now }) > 0) changed = true
  }
  if (trimToServerThreads(db, page, updated) > 0) changed = true

  let rejectionsAfter = Number(getMeta(db, META.syncRejectionsAfter) ?? 0)
  for (const rejection of page.rejections) {
    if (recordRejection(db, rejection)) changed = true
    if (purgeCreatedBy(db, rejection.mutationId)) changed = true
    rejectionsAfter = Math.max(rejectionsAfter, rejection.seq)
  }

  // The items the confirmed mutations made or changed: the only ones that may have left this
  // agent's scope without the feed saying so (below).
  const confirmedItems = plucked<[number], string>(db, "SELECT coalesce(args ->> 'itemId', mutation_id) FROM outbox WHERE seq <= ?").all(binding.seqBase + page.lastAppliedSeq)
  const confirmed = prepared(db, 'DELETE FROM outbox WHERE seq <= ?').run(binding.seqBase + page.lastAppliedSeq).changes
  if (confirmed > 0) changed = true
  // Rebase: only needed when the server's state moved under the pending mutations.
  if (changed) {
    resetToShadows(db, page.rejections.flatMap((r) => (r.itemId === null ? [] : [r.itemId])), keeper)
    replayOutbox(db)
    if (plucked<[], number>(db, 'SELECT EXISTS (SELECT 1 FROM outbox)').get() === 0) prepared(db, 'DELETE FROM sync_shadow').run()
  }
  // An item this agent made or moved out of its own scope (a specialist logging a frontline
  // call, say) is never in the feed for them: once the server has it, it goes from here too.
  if (confirmedItems.length > 0 && purgeOutOfScope(db, binding.agentId, confirmedItems, now, keeper, madeHere) > 0) changed = true

  setMeta(db, META.syncCursor, page.cursor)
  setMeta(db, META.syncRejectionsAfter, String(rejectionsAfter))
  setMeta(db, META.syncLastSyncedAt, now.toISOString())
  return { changed, arrived }
}

/** The server's directory replaces the local one; an agent still named by a local row stays. */
function replaceAgents(db: Database, agents: NonNullable<PullResponse['agents']>): void {
  for (const a of agents) {
    const before = plucked<[string], string>(db, 'SELECT name FROM agents WHERE id = ?').get(a.id)
    prepared(
      db,
      `INSERT INTO agents (id, name, email, role, tiers) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, role = excluded.role, tiers = excluded.tiers`
    ).run(a.id, a.name, a.email, a.role, JSON.stringify(a.tiers))
    // items.assignee_name is denormalized for sorting: keep it in step with a renamed agent.
    if (before !== undefined && before !== a.name) prepared(db, 'UPDATE items SET assignee_name = ? WHERE assignee_id = ?').run(a.name, a.id)
  }
  const keep = JSON.stringify(agents.map((a) => a.id))
  prepared(
    db,
    `DELETE FROM agents WHERE id NOT IN (SELECT value FROM json_each(?))
       AND NOT EXISTS (SELECT 1 FROM items WHERE assignee_id = agents.id)
       AND NOT EXISTS (SELECT 1 FROM messages WHERE author_id = agents.id)
       AND NOT EXISTS (SELECT 1 FROM item_events WHERE actor_id = agents.id)
       AND NOT EXISTS (SELECT 1 FROM ratings WHERE recorded_by = agents.id)
       AND NOT EXISTS (SELECT 1 FROM views WHERE owner_id = agents.id)
       AND id <> coalesce((SELECT value FROM meta WHERE key = ?), '')`
  ).run(keep, META.syncAgentId)
}

function upsertCustomer(db: Database, c: PullResponse['customers'][number]): void {
  const before = prepared<[string], { rid: number; name: string; email: string | null; phone: string | null }>(db, 'SELECT rid, name, email, phone FROM customers WHERE id = ?').get(c.id)
  if (!before) {
    // Indexed for search by the customer high-water mark (search-index.ts).
    prepared(db, 'INSERT INTO customers (id, name, email, phone, created_at) VALUES (?, ?, ?, ?, ?)').run(c.id, c.name, c.email, c.phone, c.createdAt)
    return
  }
  if (before.name === c.name && before.email === c.email && before.phone === c.phone) {
    prepared(db, 'UPDATE customers SET created_at = ? WHERE rid = ? AND created_at IS NOT ?').run(c.createdAt, before.rid, c.createdAt)
    return
  }
  prepared(db, 'UPDATE customers SET name = ?, email = ?, phone = ?, created_at = ? WHERE rid = ?').run(c.name, c.email, c.phone, c.createdAt, before.rid)
  markForIndexing(db, 'customer', before.rid)
  if (before.name !== c.name) {
    for (const rid of plucked<[string], number>(db, 'SELECT rid FROM items WHERE customer_id = ?').all(c.id)) markForIndexing(db, 'item', rid)
    prepared(db, 'UPDATE items SET customer_name = ? WHERE customer_id = ?').run(c.name, c.id)
  }
}

/**
 * Puts the items of rejected mutations back to the server's version before the replay, so the
 * rejected change is gone even when the server does not send the item again. Only those: the
 * feed may confirm a mutation (lastAppliedSeq) a page before it sends the item it changed, and
 * resetting every item would make such a confirmed change flicker out until then.
 */
function resetToShadows(db: Database, itemIds: readonly string[], keeper: PurgeKeeper): void {
  for (const id of new Set(itemIds)) {
    const json = plucked<[string], string>(db, 'SELECT item FROM sync_shadow WHERE item_id = ?').get(id)
    if (json === undefined) continue
    if (plucked<[string], number>(db, 'SELECT EXISTS (SELECT 1 FROM items WHERE id = ?)').get(id) === 1) upsertItem(db, JSON.parse(json) as Item, keeper)
  }
}

/**
 * Every column from the server; a known item keeps its rid (the index and FTS key on it).
 * Returns that rid, or null for an item new here.
 */
function upsertItem(db: Database, item: Item, keeper: PurgeKeeper): number | null {
  const known = plucked<[string], number>(db, 'SELECT rid FROM items WHERE id = ?').get(item.id)
  if (known === undefined) {
    // Back in scope: the live item replaces the facts the personal figures kept at its purge.
    keeper.returned(db, item.id)
    markForIndexing(db, 'item', insertItem(db, item))
    return null
  }
  const { id, createdAt, ...columns } = item
  const rid = updateItem(db, id, columns)
  // The server's creation time replaces the optimistic one; the rid (made from the local time,
  // at most the push delay earlier) stays, as rids never change.
  prepared(db, 'UPDATE items SET created_at = ? WHERE rid = ? AND created_at IS NOT ?').run(createdAt, rid, createdAt)
  markForIndexing(db, 'item', rid)
  return rid
}

/**
 * Deletes items with their messages, history and ratings (item_events' delete trigger lets this
 * through while the sync_purge flag row exists, set and cleared here). The facet counts follow by
 * trigger; each item's full-text document is dropped at the next flush (reindexItem finds no item).
 * `archiveFor`: items leaving the agent's scope (not those a rejected mutation made, which the
 * server never had): the facts of those the agent acted on are kept first for their personal
 * figures (the PurgeKeeper: figures/personal.ts's archive).
 */
function purgeItems(db: Database, ids: readonly string[], archiveFor?: { keeper: PurgeKeeper; agentId: string; now: Date }): number {
  const rids = ids.flatMap((id) => plucked<[string], number>(db, 'SELECT rid FROM items WHERE id = ?').all(id))
  if (rids.length === 0) return 0
  if (archiveFor) archiveFor.keeper.beforePurge(db, rids, archiveFor.agentId, archiveFor.now)
  withPurgeFlag(db, () => {
    for (const rid of rids) {
      markForIndexing(db, 'item', rid)
      prepared(db, 'DELETE FROM messages WHERE item_rid = ?').run(rid)
      prepared(db, 'DELETE FROM item_events WHERE item_rid = ?').run(rid)
      prepared(db, 'DELETE FROM ratings WHERE item_rid = ?').run(rid)
      prepared(db, 'DELETE FROM sync_shadow WHERE item_id = (SELECT id FROM items WHERE rid = ?)').run(rid)
      prepared(db, 'DELETE FROM items WHERE rid = ?').run(rid)
    }
  })
  return rids.length
}

/**
 * An item comes whole (its thread, history and ratings), so what it had locally and the server
 * does not is an optimistic row the server did otherwise: a status line written when the item
 * looked new here but was already open there, say. Those rows go; the pending mutations'
 * rows come back with the replay. Returns how many rows went.
 */
function trimToServerThreads(db: Database, page: PullResponse, updated: ReadonlyMap<string, number>): number {
  // Only items that were here before the page can hold rows the server does not have.
  if (updated.size === 0) return 0
  const idsByItem = (rows: readonly { id: string; itemId: string }[]) => {
    const byItem = new Map<string, string[]>()
    for (const r of rows) {
      if (!updated.has(r.itemId)) continue
      const ids = byItem.get(r.itemId)
      if (ids) ids.push(r.id)
      else byItem.set(r.itemId, [r.id])
    }
    return (itemId: string) => JSON.stringify(byItem.get(itemId) ?? [])
  }
  const [messagesOf, eventsOf, ratingsOf] = [idsByItem(page.messages), idsByItem(page.events), idsByItem(page.ratings)]
  let removed = 0
  for (const [itemId, rid] of updated) {
    const messages = prepared<[number, string]>(db, 'DELETE FROM messages WHERE item_rid = ? AND id NOT IN (SELECT value FROM json_each(?))').run(rid, messagesOf(itemId)).changes
    if (messages > 0) markForIndexing(db, 'item', rid)
    removed += messages
    removed += prepared<[number, string]>(db, 'DELETE FROM ratings WHERE item_rid = ? AND id NOT IN (SELECT value FROM json_each(?))').run(rid, ratingsOf(itemId)).changes
    const events = eventsOf(itemId)
    if (plucked<[number, string], number>(db, 'SELECT EXISTS (SELECT 1 FROM item_events WHERE item_rid = ? AND id NOT IN (SELECT value FROM json_each(?)))').get(rid, events) === 1) {
      withPurgeFlag(db, () => {
        removed += prepared<[number, string]>(db, 'DELETE FROM item_events WHERE item_rid = ? AND id NOT IN (SELECT value FROM json_each(?))').run(rid, events).changes
      })
    }
  }
  return removed
}

/**
 * Of `candidates`, purges the items outside the agent's scope (their queues, or assigned to
 * them: the rule the server's pull applies) that no pending mutation names. Returns how many.
 */
function purgeOutOfScope(db: Database, agentId: string, candidates: readonly string[], now: Date, keeper: PurgeKeeper, madeHere: ReadonlySet<string>): number {
  const agent = prepared<[string], { role: Agent['role']; tiers: string }>(db, 'SELECT role, tiers FROM agents WHERE id = ?').get(agentId)
  if (!agent) return 0
  const queues = queuesOfAgent({ role: agent.role, tiers: JSON.parse(agent.tiers) as Tier[] })
  if (queues.length === QUEUES.length) return 0
  const outside = plucked<[string, string, string], string>(
    db,
    `SELECT id FROM items WHERE id IN (SELECT value FROM json_each(?)) AND queue NOT IN (SELECT value FROM json_each(?)) AND assignee_id IS NOT ?
       AND id NOT IN (SELECT coalesce(args ->> 'itemId', mutation_id) FROM outbox)`
  )
    .all(JSON.stringify([...new Set(candidates)]), JSON.stringify(queues), agentId)
  if (outside.length === 0) return 0
  tellWhereTheyWent(db, outside, madeHere)
  return purgeItems(db, outside, { keeper, agentId, now })
}

/** The most notices kept: the oldest give way (each says all it has to say at once). */
export const MAX_SYNC_NOTICES = 20

/**
 * Before a pull removes items: for each one this console made (`madeHere`), a notice that says
 * where it went, kept (META.syncNotices) until the agent dismisses the notices. Without it an
 * item the agent just made would silently vanish from their screen.
 */
function tellWhereTheyWent(db: Database, ids: readonly string[], madeHere: ReadonlySet<string>): void {
  const mine = ids.filter((id) => madeHere.has(id))
  if (mine.length === 0) return
  const notices: string[] = []
  for (const id of mine) {
    const item = prepared<[string], { subject: string; queue: Queue; assignee: string | null }>(
      db,
      'SELECT subject, queue, (SELECT name FROM agents WHERE id = items.assignee_id) AS assignee FROM items WHERE id = ?'
    ).get(id)
    if (!item) continue
    const where = `in the ${QUEUE_LABEL[item.queue]} queue${item.assignee ? `, assigned to ${item.assignee}` : ''}`
    notices.push(`Your new item “${item.subject}” is now ${where}, outside your queues.`)
  }
  if (notices.length === 0) return
  setMeta(db, META.syncNotices, JSON.stringify([...syncNotices(db), ...notices].slice(-MAX_SYNC_NOTICES)))
}

/** The notices of the sync not yet dismissed (see tellWhereTheyWent), oldest first. */
export function syncNotices(db: Database): string[] {
  const raw = getMeta(db, META.syncNotices)
  if (raw === null) return []
  const parsed: unknown = JSON.parse(raw)
  return Array.isArray(parsed) ? parsed.filter((n): n is string => typeof n === 'string') : []
}

function withPurgeFlag(db: Database, fn: () => void): void {
  prepared(db, 'INSERT INTO sync_purge (id) VALUES (1) ON CONFLICT DO NOTHING').run()
  try {
    fn()
  } finally {
    prepared(db, 'DELETE FROM sync_purge').run()
  }
}

function recordRejection(db: Database, r: RejectionWire): boolean {
  return (
    prepared(
      db,
      'INSERT INTO sync_rejections (seq, mutation_id, name, code, message, item_id, at, dismissed) VALUES (?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (seq) DO NOTHING'
    ).run(r.seq, r.mutationId, r.name, r.code, r.message, r.itemId, r.at).changes > 0
  )
}

/**
 * Removes what a rejected mutation wrote optimistically and the server never will: an item with
 * its id (item.create) with its thread, and the rows whose ids derive from it (`<mutationId>.m`,
 * `<mutationId>.e0`, `<mutationId>.c`).
 * Ids from the range [`<id>.`, `<id>/`): '/' follows '.', so the unique indexes answer it.
 */
function purgeCreatedBy(db: Database, mutationId: string): boolean {
  const lo = `${mutationId}.`
  const hi = `${mutationId}/`
  const range = 'id >= ? AND id < ?'
  // An item it created has the mutation's own id (item.create); its customer and thread derive from it.
  let changed = purgeItems(db, [mutationId, ...plucked<[string, string], string>(db, `SELECT id FROM items WHERE ${range}`).all(lo, hi)]) > 0
  withPurgeFlag(db, () => {
    // Messages on other items: their item's document loses the text.
    for (const rid of plucked<[string, string], number>(db, `SELECT DISTINCT item_rid FROM messages WHERE ${range}`).all(lo, hi)) markForIndexing(db, 'item', rid)
    for (const table of ['messages', 'item_events', 'ratings', 'views']) {
      if (prepared(db, `DELETE FROM ${table} WHERE ${range}`).run(lo, hi).changes > 0) changed = true
    }
  })
  // A customer it created, unless an item (the server's) names it.
  const orphan = `${range} AND NOT EXISTS (SELECT 1 FROM items WHERE customer_id = customers.id)`
  for (const rid of plucked<[string, string], number>(db, `SELECT rid FROM customers WHERE ${orphan}`).all(lo, hi)) {
    markForIndexing(db, 'customer', rid) // its search document goes at the next flush
    changed = true
  }
  prepared(db, `DELETE FROM customers WHERE ${orphan}`).run(lo, hi)
  return changed
}

/** Re-runs every pending outbox mutation, in order, on the current state (see applyPullPage). */
function replayOutbox(db: Database): void {
  const rows = prepared<[], { mutation_id: string; name: string; args: string; actor_id: string; created_at: string }>(
    db,
    'SELECT mutation_id, name, args, actor_id, created_at FROM outbox ORDER BY seq'
  ).all()
  for (const row of rows) {
    const ctx: MutationContext = { mutationId: row.mutation_id, actorId: row.actor_id, now: row.created_at }
    // A mutation this version does not know, or whose arguments it no longer accepts, is left to the server.
    const plan = planStoredMutation(row.name, JSON.parse(row.args), ctx)
    if (!plan.ok) continue
    const { snapshot, decision } = runMutation(plan.planned, ctx, (needs) => loadSnapshot(db, needs))
    if (!decision.ok) continue // refused on the new state: changes nothing here; the server decides
    applyChanges(db, decision.changes, snapshot, { replay: true })
  }
}
