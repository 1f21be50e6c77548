/**
 * The server's cache of item facts (table item_facts, schema V2): the shared `itemFacts()` of
 * every item, in a compact text form (figures-codec.ts), with the span of its times (first_at ..
 * last_at) and whether it is open. A process keeps the decoded facts in memory and re-reads only
 * the rows written since it last looked (item_facts.tx); a report takes the items relevant to its
 * period (anything of theirs within it) plus those open now.
 *
 * The cache is brought up to date at report time, so neither push nor import needs to know it
 * exists:
 * - items named by the change feed since the last refresh (`changes.tx` in [fed_to, hi), with
 *   hi = the snapshot's xmin, the pull's watermark: a transaction committing late is never skipped);
 * - items that have no facts yet (written by something that writes no feed rows; push and import
 *   both write them): found when the items outnumber the facts rows, as items are never deleted.
 *   Counting a big store's two tables costs a few hundred ms, so a process looks at most once
 *   a minute (MISSING_CHECK_MS): such items may be missing from the figures for up to a minute;
 * - everything, when the SLA policy or the facts' format (FACTS_VERSION) changed: in transactions
 *   of REBUILD_CHUNK items (so pushes interleave; on PGlite they share its one connection), then
 *   the feed from where the rebuild began; a report waits for the whole rebuild.
 * One refresher at a time (a transaction-scoped advisory lock); a refresh is idempotent.
 */
import { itemFacts } from '../../shared/domain/figures'
import type { FigureEventRow, FigureItemRow, FigureMessageRow, FigureRatingRow, ItemFacts, Ms, Period } from '../../shared/domain/figures/types'
import type { SlaPolicy } from '../../shared/domain/sla'
import { ACTIVE_STATUSES, type Channel, type ItemKind, type MessageKind, type Priority, type RatingKind, type Status, type Tier } from '../../shared/domain/vocabulary'
import type { Queue } from '../../shared/domain/escalation'
import { AgentDictionary, decodeMany, encodeFacts } from './figures-codec'
import type { SqlClient } from './sql'

/** Bump when ItemFacts (or itemFacts()) changes shape or meaning: the cache is then rebuilt. */
export const FACTS_VERSION = 2

/** An arbitrary constant: the advisory lock a refresh holds. */
const REFRESH_LOCK = 72_616_005
const BATCH = 2000

interface ItemSourceRow {
  id: string
  kind: ItemKind
  channel: Channel
  priority: Priority
  status: Status
  queue: Queue
  tier: number | null
  assignee_id: string | null
  created_at: string
}

/** The times of a fact set: everything that may fall in a period. */
export function factSpan(f: ItemFacts): { first: Ms; last: Ms } {
  let first = f.firstContactAt
  let last = f.firstContactAt
  const see = (t: Ms | null | undefined) => {
    if (t === null || t === undefined || !Number.isFinite(t)) return
    if (t < first) first = t
    if (t > last) last = t
  }
  see(f.firstResponse?.at)
  for (const list of [f.resolutions, f.reopens, f.escalations, f.handBacks, f.ratings]) for (const a of list) see(a.at)
  see(f.firstResponseDueAt)
  see(f.resolutionDueAt)
  return { first, last }
}

const ACTIVE = new Set<string>(ACTIVE_STATUSES)

/** Derives the facts of the items a WHERE clause on `i` selects (params $1..), and upserts them. */
async function deriveAndStore(
  tx: SqlClient,
  where: string,
  params: unknown[],
  policy: SlaPolicy,
  agents: AgentDictionary,
  limit = BATCH
): Promise<{ derived: number; next: string | null }> {
  const items = await tx.query<ItemSourceRow>(
    `SELECT i.id, i.kind, i.channel, i.priority, i.status, i.queue, i.tier, i.assignee_id, i.created_at FROM items i WHERE ${where} ORDER BY i.id LIMIT ${limit}`,
    params
  )
  if (items.rows.length === 0) return { derived: 0, next: null }
  const ids = items.rows.map((r) => r.id)
  const messages = await tx.query<{ item_id: string; kind: MessageKind; author_id: string | null; created_at: string }>(
    `SELECT item_id, kind, author_id, created_at FROM messages WHERE item_id = ANY($1::text[]) ORDER BY created_at, id`,
    [ids]
  )
  const events = await tx.query<{ item_id: string; type: string; actor_id: string | null; from_value: string | null; to_value: string | null; created_at: string }>(
    `SELECT item_id, type, actor_id, from_value, to_value, created_at FROM item_events WHERE item_id = ANY($1::text[]) ORDER BY created_at, id`,
    [ids]
  )
  const ratings = await tx.query<{ item_id: string; kind: RatingKind; score: number; created_at: string }>(
    `SELECT item_id, kind, score, created_at FROM ratings WHERE item_id = ANY($1::text[]) ORDER BY created_at, id`,
    [ids]
  )
  const group = <R extends { item_id: string }, T>(rows: R[], map: (r: R) => T) => {
    const out = new Map<string, T[]>()
    for (const r of rows) {
      let list = out.get(r.item_id)
      if (!list) out.set(r.item_id, (list = []))
      list.push(map(r))
    }
    return out
  }
  const m = group(messages.rows, (r): FigureMessageRow => ({ kind: r.kind, authorId: r.author_id, createdAt: r.created_at }))
  const e = group(events.rows, (r): FigureEventRow => ({ type: r.type, actorId: r.actor_id, from: r.from_value, to: r.to_value, createdAt: r.created_at }))
  const g = group(ratings.rows, (r): FigureRatingRow => ({ kind: r.kind, score: Number(r.score), createdAt: r.created_at }))

  const cols = { id: [] as string[], open: [] as boolean[], first: [] as string[], last: [] as string[], facts: [] as string[] }
  for (const r of items.rows) {
    const row: FigureItemRow = {
      id: r.id,
      kind: r.kind,
      channel: r.channel,
      priority: r.priority,
      status: r.status,
      queue: r.queue,
      tier: r.tier === null ? null : (Number(r.tier) as Tier),
      assigneeId: r.assignee_id,
      createdAt: r.created_at
    }
    const facts = itemFacts(row, m.get(r.id) ?? [], e.get(r.id) ?? [], g.get(r.id) ?? [], policy)
    const span = factSpan(facts)
    cols.id.push(r.id)
    cols.open.push(ACTIVE.has(facts.status))
    cols.first.push(String(Math.floor(span.first)))
    cols.last.push(String(Math.ceil(span.last)))
    cols.facts.push(encodeFacts(facts, agents))
  }
  await tx.query(
    `INSERT INTO item_facts (item_id, open, first_at, last_at, facts)
     SELECT * FROM unnest($1::text[], $2::boolean[], $3::bigint[], $4::bigint[], $5::text[])
     ON CONFLICT (item_id) DO UPDATE SET open = excluded.open, first_at = excluded.first_at, last_at = excluded.last_at, facts = excluded.facts, tx = pg_current_xact_id()`,
    [cols.id, cols.open, cols.first, cols.last, cols.facts]
  )
  return { derived: items.rows.length, next: items.rows.length < limit ? null : ids[ids.length - 1]! }
}

/** Re-derives the facts of these items (any number). */
async function refreshIds(tx: SqlClient, ids: readonly string[], policy: SlaPolicy, agents: AgentDictionary): Promise<void> {
  for (let i = 0; i < ids.length; i += BATCH) {
    await deriveAndStore(tx, 'i.id = ANY($1::text[])', [ids.slice(i, i + BATCH)], policy, agents)
  }
}

export interface RefreshOutcome {
  /** Items whose facts were (re)derived. */
  refreshed: number
  /** Whether the whole cache was rebuilt (first use, or the policy or facts version changed). */
  rebuilt: boolean
}

/** Brings item_facts up to date with the store (see the header). */
/** When each SQL client last looked for items with no facts (see refreshFacts). */
const lastMissingCheck = new WeakMap<SqlClient, number>()
/** How often a refresh looks for items written without a feed row (a count of both tables). */
export const MISSING_CHECK_MS = 60_000

export async function refreshFacts(sql: SqlClient, policy: SlaPolicy, opts: { checkMissing?: boolean; rebuildChunk?: number } = {}): Promise<RefreshOutcome> {
  const now = Date.now()
  const checkMissing = opts.checkMissing ?? now - (lastMissingCheck.get(sql) ?? -Infinity) >= MISSING_CHECK_MS
  if (checkMissing) lastMissingCheck.set(sql, now)
  const basis = JSON.stringify({ v: FACTS_VERSION, sla: policy })
  // A rebuild runs in transactions of REBUILD_CHUNK items, so others (pushes: on PGlite, the only connection) interleave.
  let rebuilt = false
  let refreshed = 0
  for (;;) {
    const step = await sql.transaction((tx) => rebuildStep(tx, basis, policy, opts.rebuildChunk ?? REBUILD_CHUNK))
    if (step === null) break
    rebuilt = true
    refreshed += step
    // PGlite answers within promise jobs: without a turn of the event loop here, no request (a push over HTTP) nor timer could run until the rebuild ends.
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  // Every row has a new tx now: without fresh statistics the planner may scan the whole table for
  // the rows written since a process last read (PGlite has no autovacuum): ~1 s a report at 1M items.
  if (rebuilt) await sql.query('ANALYZE item_facts')
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [REFRESH_LOCK])
    const { rows } = await tx.query<{ hi: string; fed_to: string | null; basis: string | null; agents: string[] | string | null; rebuild_after: string | null }>(
      `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS hi, s.fed_to::text AS fed_to, s.basis, s.agents, s.rebuild_after
         FROM (SELECT 1) one LEFT JOIN figures_state s ON s.id = 1`
    )
    const { hi, fed_to: fedTo, basis: storedBasis } = rows[0]!
    // Another process changed the policy (or started a rebuild) since the steps above: the next report rebuilds.
    if (fedTo === null || storedBasis !== basis || rows[0]!.rebuild_after !== null) return { refreshed, rebuilt }
    const agents = new AgentDictionary(parseJsonb<string[]>(rows[0]!.agents) ?? [])
    const changed = await tx.query<{ id: string }>(`SELECT DISTINCT entity_id AS id FROM changes WHERE entity = 'item' AND tx >= $1::xid8 AND tx < $2::xid8`, [fedTo, hi])
    const ids = new Set(changed.rows.map((r) => r.id))
    const counts = checkMissing
      ? await tx.query<{ items: number; facts: number }>('SELECT (SELECT count(*) FROM items)::int AS items, (SELECT count(*) FROM item_facts)::int AS facts')
      : { rows: [{ items: 0, facts: 0 }] }
    if (Number(counts.rows[0]!.items) > Number(counts.rows[0]!.facts)) {
      const missing = await tx.query<{ id: string }>('SELECT i.id FROM items i WHERE NOT EXISTS (SELECT 1 FROM item_facts f WHERE f.item_id = i.id)')
      for (const r of missing.rows) ids.add(r.id)
    }
    await refreshIds(tx, [...ids], policy, agents)
    await tx.query('UPDATE figures_state SET fed_to = $1::xid8, agents = $2::jsonb WHERE id = 1', [hi, JSON.stringify(agents.ids)])
    return { refreshed: refreshed + ids.size, rebuilt }
  })
}

/**
 * Items a rebuild derives per transaction: a push makes a few trips to the store, each of which on
 * PGlite may wait for one step (at 1M items on PGlite, 20,000 a step held a push up ~20 s; with
 * 2,000, 232 pushes during a rebuild waited 5 ms median, 0.5 s at most).
 */
export const REBUILD_CHUNK = 2000

/**
 * One step of a rebuild, in its own transaction: starts one when there is no cache yet or it was
 * derived under another policy or facts version (the feed is then folded in from the start's
 * watermark, so an item changed during the rebuild is derived again at the end), or derives the
 * next `chunk` items of one under way (figures_state.rebuild_after: the last item id done;
 * any process may continue it). Returns the items derived, or null when no rebuild is needed.
 */
async function rebuildStep(tx: SqlClient, basis: string, policy: SlaPolicy, chunk: number): Promise<number | null> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [REFRESH_LOCK])
  const { rows } = await tx.query<{ hi: string; fed_to: string | null; basis: string | null; agents: unknown; rebuild_after: string | null }>(
    `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS hi, s.fed_to::text AS fed_to, s.basis, s.agents, s.rebuild_after
       FROM (SELECT 1) one LEFT JOIN figures_state s ON s.id = 1`
  )
  const state = rows[0]!
  let after = state.rebuild_after
  if (after === null) {
    if (state.fed_to !== null && state.basis === basis) return null
    // Start: rows derived under the old basis stay until replaced (every item is), reports wait for the end.
    after = ''
    await tx.query(
      `INSERT INTO figures_state (id, fed_to, basis, agents, rebuild_after) VALUES (1, $1::xid8, $2, '[]'::jsonb, '')
       ON CONFLICT (id) DO UPDATE SET fed_to = excluded.fed_to, basis = excluded.basis, rebuild_after = excluded.rebuild_after`,
      [state.hi, basis]
    )
  } else if (state.basis !== basis) {
    // The policy changed again during a rebuild: start over under the new one.
    await tx.query("UPDATE figures_state SET fed_to = $1::xid8, basis = $2, rebuild_after = '' WHERE id = 1", [state.hi, basis])
    after = ''
  }
  const agents = new AgentDictionary(parseJsonb<string[]>(state.agents) ?? [])
  let derived = 0
  let next: string | null = after
  while (next !== null && derived < chunk) {
    const batch = await deriveAndStore(tx, 'i.id > $1', [next], policy, agents, Math.min(BATCH, chunk - derived))
    derived += batch.derived
    next = batch.next
  }
  await tx.query('UPDATE figures_state SET rebuild_after = $1, agents = $2::jsonb WHERE id = 1', [next, JSON.stringify(agents.ids)])
  return derived
}

const parseJsonb = <T>(v: unknown): T | null => (v === null || v === undefined ? null : ((typeof v === 'string' ? JSON.parse(v) : v) as T))

/** How the cached facts are read: one aggregated string per group of items (few rows, one parse each). */
const READ_GROUPS = 16

/** One item's decoded facts as held in memory, with what the relevance test needs. */
interface HeldEntry {
  facts: ItemFacts
  first: Ms
  last: Ms
  open: boolean
}

/**
 * The decoded facts a process keeps per store (SqlClient): decoding a million items costs seconds
 * (mostly allocating the objects computeFigures reads), so a process decodes each cached row once
 * and afterwards reads only the rows written since (item_facts.tx >= the xmin of the snapshot it
 * last read with: a row committed late is read next time, a row read twice is harmless). Every
 * item's facts are held (about 480 MB at 1,000,000 items), loaded by the first report.
 */
interface Held {
  entries: Map<string, HeldEntry>
  /** Rows with tx below this were all visible to the last read (null: nothing read yet). */
  since: string | null
  /** Reads of one store one at a time, so an older snapshot never overwrites a newer one. */
  queue: Promise<unknown>
}
const held = new WeakMap<SqlClient, Held>()

/**
 * The cached facts of every item that may matter for the period (a superset of the feeding
 * rule of figures/types.ts: anything of the item's within the period, or open now). The facts
 * always carry their item ids; they are shared between reports and must not be changed.
 */
export async function relevantFacts(sql: SqlClient, period: Period, opts: { hold?: boolean } = {}): Promise<ItemFacts[]> {
  // A one-off report (cli report) reads only its period's rows, unless this process holds them all already.
  if (opts.hold === false && !held.has(sql)) return periodFacts(sql, period)
  let h = held.get(sql)
  if (!h) held.set(sql, (h = { entries: new Map(), since: null, queue: Promise.resolve() }))
  const mine = h
  const run = mine.queue.then(() => catchUp(sql, mine))
  mine.queue = run.catch(() => undefined)
  await run
  const out: ItemFacts[] = []
  const { from, to } = period
  for (const e of mine.entries.values()) if (e.open || (e.last >= from && e.first < to)) out.push(e.facts)
  return out
}

/** The cached facts relevant to the period, read and decoded for one report (nothing held). */
async function periodFacts(sql: SqlClient, period: Period): Promise<ItemFacts[]> {
  return sql.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY')
    const state = await tx.query<{ agents: unknown }>('SELECT agents FROM figures_state WHERE id = 1')
    const agents = new AgentDictionary(parseJsonb<string[]>(state.rows[0]?.agents) ?? [])
    const { rows } = await tx.query<{ ids: string; facts: string }>(
      `SELECT '[' || string_agg(to_json(item_id)::text, ',') || ']' AS ids, '[' || string_agg(facts, ',') || ']' AS facts
         FROM item_facts WHERE open OR (last_at >= $1 AND first_at < $2) GROUP BY hashtext(item_id) & ${READ_GROUPS - 1}`,
      [String(period.from), String(period.to)]
    )
    const out: ItemFacts[] = []
    for (const r of rows) for (const f of decodeMany(r.facts, JSON.parse(r.ids) as string[], agents)) out.push(f)
    return out
  })
}

/** Reads (in one snapshot: a refresh committing in between may add agents) the rows written since the last read. */
async function catchUp(sql: SqlClient, h: Held): Promise<void> {
  const read = await sql.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY')
    const state = await tx.query<{ agents: unknown; xmin: string }>(
      'SELECT (SELECT agents FROM figures_state WHERE id = 1) AS agents, pg_snapshot_xmin(pg_current_snapshot())::text AS xmin'
    )
    const agents = new AgentDictionary(parseJsonb<string[]>(state.rows[0]?.agents) ?? [])
    const where = h.since === null ? '' : 'WHERE tx >= $1::xid8'
    // Both aggregates of a group see its rows in the same order, so ids[k] names facts[k].
    const { rows } = await tx.query<{ ids: string; facts: string }>(
      `SELECT '[' || string_agg(to_json(item_id)::text, ',') || ']' AS ids, '[' || string_agg(facts, ',') || ']' AS facts
         FROM item_facts ${where} GROUP BY hashtext(item_id) & ${READ_GROUPS - 1}`,
      h.since === null ? [] : [h.since]
    )
    return { rows, agents, xmin: state.rows[0]!.xmin }
  })
  for (const r of read.rows) {
    for (const facts of decodeMany(r.facts, JSON.parse(r.ids) as string[], read.agents)) {
      const span = factSpan(facts)
      h.entries.set(facts.id, { facts, first: span.first, last: span.last, open: ACTIVE.has(facts.status) })
    }
  }
  h.since = read.xmin
}
