import type { Database } from 'better-sqlite3'
import { HandoffError, type PersonalFigures, type PersonalPeriod, type PersonalPoint, type PersonalRange } from '../../shared/contract'
import {
  computeFigures,
  emptyFigureSet,
  isRelevant,
  itemFacts,
  slaLookbackMs,
  type FigureEventRow,
  type FigureItemRow,
  type FigureMessageRow,
  type FigureRatingRow,
  type FigureSet,
  type ItemFacts,
  type Period
} from '../../shared/domain/figures'
import type { SlaPolicy } from '../../shared/domain/sla'
import { isActive } from '../../shared/domain/lifecycle'
import { FIGURE_EVENTS } from './figure-events'
import { loadSettings } from '../settings/settings'
import { plucked, prepared } from '../infra/statements'
import type { PurgeKeeper } from '../sync/apply-pull'

/**
 * The personal figures panel (figures.personal): the signed-in agent's figures from the local
 * store, for a period and the one before it, with a trend. Every number comes from the shared
 * formulas (src/shared/domain/figures): this file only finds the agent's items, feeds their rows
 * to itemFacts(), and asks computeFigures(..., { by: 'agent' }) for the agent's row.
 *
 * Periods are local calendar days of this process's time zone (the agent's computer): 'today',
 * the last 7 or 30 days including today, or two local dates, both included. The previous period
 * is the same number of local days just before (so DST days are whole days, not 24 h).
 *
 * Which items: for the window [lo, hi) = [start of the previous period, end of the period), with
 * `back` = lo - slaLookbackMs(policy) (an SLA target due in the window belongs to an item first
 * contacted at most the policy's longest target before lo, so every act on it is after `back`:
 * types.ts, "Feeding rule"), every item
 *  - the agent acted on (history events by the agent: resolutions, escalations, hand-backs,
 *    assignments, logged contacts, ratings recorded) since `back`,
 *  - the agent answered publicly (a reply or logged contact: their first responses) since `back`,
 *  - assigned to the agent and resolved or handed over (by anyone) since `back` (v2's
 *    item_events_figures), or open now (the backlog),
 *  - assigned away from the agent since lo (v6's item_events_assigned_from): an item the agent
 *    held when it was resolved in the window, or when an SLA target fell due in it, and that is
 *    someone else's now was handed over after that instant, so after lo;
 *  - rated in the window while assigned to the agent, once resolved by them, or on an item that
 *    was ever assigned away from them (ratings_by_time, then items_rid_assignee,
 *    item_events_resolver and v6's item_events_assignments: CROSS JOIN keeps that order; the
 *    other way round walks every item the agent ever had),
 * through the indexes of schema-v4.ts and schema-v6.ts. Then the facts decide: an item is kept
 * when one of its acts (first response, resolution, reopen, escalation, hand-back, rating, SLA
 * target) is the agent's or the agent holds it, and isRelevant() says it touches the window.
 * The two gaps an earlier selection had (a rating on an item that was the agent's at a
 * resolution by someone else and is a third agent's since; an SLA target missed while the item
 * was the agent's, assigned away since) are found through the assignment indexes.
 *
 * Items purged by a pull (server-bound console): a pull deletes the items that leave the agent's
 * scope (sync/apply-pull.ts), with every row the panel reads: an agent who escalates an item to
 * support would lose that escalation, and their first response, resolution or SLA target on it,
 * at the next pull. So before such a purge, archiveBeforePurge() derives the item's facts and,
 * when any act of them is the signed-in agent's, keeps them in personal_figures_archive (v6). The
 * panel's candidates are the live items plus the archived facts that can touch the window; an
 * archived item is keyed in memory by -1 - its archive rowid (live items by their positive rid).
 * A pulled item that comes back into scope drops its archive row (apply-pull's upsert): the live
 * item wins, so it is counted once (the read also skips an archive row whose item is live). The
 * item is not the agent's after the purge: archivedFacts() clears them as its assignee and as the
 * one answering for SLA targets due later. Archived facts are frozen at the purge: what others do to the
 * item afterwards is not seen here (it is no longer the agent's), and a later SLA policy change
 * does not re-derive them. The server's figures (supervisor view, cli report) read every item and
 * are the authoritative ones.
 *
 * Recompute: the facts of a window are kept in memory. Temporary triggers (this connection only;
 * nothing is written to the file) note every item whose rows change, whoever writes them (a
 * mutation, a pull, an archive row written or dropped); the next call re-derives only those items,
 * and recomputes the trend only for the days they touch. A settings change (SLA policy) drops
 * everything kept.
 */

const DAY_MS = 86_400_000
/** Ranges longer than this many days are charted per 7 days instead of per day. */
const DAILY_UP_TO = 62
/** Windows kept in memory (the presets and a custom range or two). */
const KEPT_WINDOWS = 4
/** Items loaded per query when deriving facts. */
const CHUNK = 2000
/** A rid in the dirty table that means "everything" (the SLA policy changed). */
const ALL = -1
/** In-memory key of an archived item, from its archive rowid: -1 - rowid, always below ALL (so never a live rid nor ALL). */
const ARCHIVE_KEY_SQL = (rowid: string): string => `-1 - ${rowid}`

// ---------- Periods (local calendar days) ----------

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
export const localDate = (d: Date): string => `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
const localMidnight = (d: Date, plusDays = 0): Date => new Date(d.getFullYear(), d.getMonth(), d.getDate() + plusDays)
function parseLocalDate(s: string): Date {
  const [y, m, d] = s.split('-').map(Number)
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1)
}

function periodOf(first: Date, days: number): PersonalPeriod {
  const to = localMidnight(first, days)
  return { from: first.toISOString(), to: to.toISOString(), firstDay: localDate(first), lastDay: localDate(localMidnight(first, days - 1)), days }
}

/** The period a range names on the local calendar of `now`, and the one of the same length before it. */
export function personalPeriods(range: PersonalRange, now: Date): { period: PersonalPeriod; previous: PersonalPeriod } {
  const today = localMidnight(now)
  let first: Date
  let days: number
  if (typeof range === 'string') {
    switch (range) {
      case 'today':
        days = 1
        break
      case '7d':
        days = 7
        break
      case '30d':
        days = 30
        break
    }
    first = localMidnight(today, 1 - days)
  } else {
    first = parseLocalDate(range.from)
    const last = parseLocalDate(range.to)
    days = Math.round((Date.UTC(last.getFullYear(), last.getMonth(), last.getDate()) - Date.UTC(first.getFullYear(), first.getMonth(), first.getDate())) / DAY_MS) + 1
  }
  return { period: periodOf(first, days), previous: periodOf(localMidnight(first, -days), days) }
}

/** The trend's buckets: each local day, or runs of 7 days (the last may be shorter). */
function bucketsOf(period: PersonalPeriod): { step: 'day' | 'week'; buckets: PersonalPeriod[] } {
  const step = period.days <= DAILY_UP_TO ? 'day' : 'week'
  const size = step === 'day' ? 1 : 7
  const first = parseLocalDate(period.firstDay)
  const buckets: PersonalPeriod[] = []
  for (let d = 0; d < period.days; d += size) buckets.push(periodOf(localMidnight(first, d), Math.min(size, period.days - d)))
  return { step, buckets }
}

const msPeriod = (p: PersonalPeriod): Period => ({ from: Date.parse(p.from), to: Date.parse(p.to) })

// ---------- Which facts concern the agent ----------

/** Whether any act of the item is the agent's, or the agent holds it (the same attributions the formulas use). */
export function concernsAgent(f: ItemFacts, agentId: string): boolean {
  return f.assigneeId === agentId || actsOfAgent(f, agentId)
}

/** Whether any act of the item is the agent's: first response, resolution held, reopen, escalation, hand-back, rating, SLA target due. */
export function actsOfAgent(f: ItemFacts, agentId: string): boolean {
  if (f.firstResponse?.agentId === agentId) return true
  if (f.firstResponseDueAgentId === agentId || f.resolutionDueAgentId === agentId) return true
  for (const list of [f.resolutions, f.reopens, f.escalations, f.handBacks, f.ratings]) {
    for (const a of list) if (a.agentId === agentId) return true
  }
  return false
}

// ---------- Loading rows and deriving facts ----------

interface ItemRowDb {
  rid: number
  id: string
  kind: FigureItemRow['kind']
  channel: FigureItemRow['channel']
  priority: FigureItemRow['priority']
  status: FigureItemRow['status']
  queue: FigureItemRow['queue']
  tier: FigureItemRow['tier']
  assigneeId: string | null
  createdAt: string
}
type Keyed<T> = T & { itemRid: number }

const IN_RIDS = 'SELECT value FROM json_each(?)'

function groupByItem<T extends { itemRid: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>()
  for (const r of rows) {
    let list = out.get(r.itemRid)
    if (!list) out.set(r.itemRid, (list = []))
    list.push(r)
  }
  return out
}

/**
 * The facts of the given items (absent from the map: the item no longer exists). Negative keys
 * (below ALL) name archived items: their kept facts are read as they are, unless the item is live
 * here again (the live item wins, also should its archive row outlive its return).
 */
export function loadFacts(db: Database, keys: readonly number[], policy: SlaPolicy): Map<number, ItemFacts> {
  const out = new Map<number, ItemFacts>()
  const archived = keys.filter((k) => k < ALL)
  if (archived.length > 0) {
    const rows = prepared<[string], { key: number; facts: string }>(
      db,
      `SELECT ${ARCHIVE_KEY_SQL('rowid')} AS key, facts FROM personal_figures_archive
        WHERE rowid IN (SELECT ${ARCHIVE_KEY_SQL('value')} FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM items WHERE items.id = item_id)`
    ).all(JSON.stringify(archived))
    for (const r of rows) out.set(r.key, JSON.parse(r.facts) as ItemFacts)
  }
  const rids = archived.length > 0 ? keys.filter((k) => k > 0) : keys
  for (let i = 0; i < rids.length; i += CHUNK) {
    const json = JSON.stringify(rids.slice(i, i + CHUNK))
    const items = prepared<[string], ItemRowDb>(
      db,
      `SELECT rid, id, kind, channel, priority, status, queue, tier, assignee_id AS assigneeId, created_at AS createdAt FROM items WHERE rid IN (${IN_RIDS})`
    ).all(json)
    if (items.length === 0) continue
    // Only the rows itemFacts() reads: customer messages and public replies; lifecycle, assignment, handoff and priority events.
    const messages = groupByItem(
      prepared<[string], Keyed<FigureMessageRow>>(
        db,
        `SELECT item_rid AS itemRid, kind, author_id AS authorId, created_at AS createdAt FROM messages
          WHERE item_rid IN (${IN_RIDS}) AND (kind = 'customer' OR kind = 'reply' OR kind = 'contact')`
      ).all(json)
    )
    const events = groupByItem(
      prepared<[string], Keyed<FigureEventRow>>(
        db,
        `SELECT item_rid AS itemRid, type, actor_id AS actorId, from_value AS "from", to_value AS "to", created_at AS createdAt FROM item_events
          WHERE item_rid IN (${IN_RIDS}) AND type IN ('status', 'assigned', 'escalated', 'handed_back', 'deescalated', 'priority')`
      ).all(json)
    )
    const ratings = groupByItem(
      prepared<[string], Keyed<FigureRatingRow>>(
        db,
        `SELECT item_rid AS itemRid, kind, score, created_at AS createdAt FROM ratings WHERE item_rid IN (${IN_RIDS})`
      ).all(json)
    )
    for (const it of items) {
      const row: FigureItemRow = {
        id: it.id,
        kind: it.kind,
        channel: it.channel,
        priority: it.priority,
        status: it.status,
        queue: it.queue,
        tier: it.tier,
        assigneeId: it.assigneeId,
        createdAt: it.createdAt
      }
      out.set(it.rid, itemFacts(row, messages.get(it.rid) ?? [], events.get(it.rid) ?? [], ratings.get(it.rid) ?? [], policy))
    }
  }
  return out
}

/**
 * The items that may concern the agent in the window starting at `lo` (ISO) and ending at `hi`
 * (schema-v4.ts and schema-v6.ts indexes), and the archived items that may touch it (negative
 * keys). `lookbackMs`: how far before `lo` an item's acts may lie and it still have an SLA target
 * due in the window (default: slaLookbackMs of the workspace's policy).
 */
export function candidateItems(db: Database, agentId: string, lo: string, hi: string, lookbackMs?: number): number[] {
  const key = plucked<[string], number>(db, 'SELECT rid FROM agents WHERE id = ?').get(agentId) ?? null
  const back = new Date(Date.parse(lo) - (lookbackMs ?? slaLookbackMs(loadSettings(db).sla))).toISOString()
  const live = plucked<{ a: string; k: number | null; lo: string; hi: string; back: string }, number>(
    db,
    `SELECT item_rid FROM item_events WHERE actor_id = :a AND created_at >= :back
     UNION SELECT item_rid FROM messages WHERE author_id = :a AND created_at >= :back AND (kind = 'reply' OR kind = 'contact')
     UNION SELECT e.item_rid FROM item_events e CROSS JOIN items i ON i.rid = e.item_rid
            WHERE ${FIGURE_EVENTS} AND e.created_at >= :back AND i.assignee_key = :k
     UNION SELECT item_rid FROM item_events WHERE type = 'assigned' AND from_value = :a AND created_at >= :lo
     UNION SELECT rid FROM items WHERE assignee_key = :k AND status_rank IN (0, 1, 2)
     UNION SELECT r.item_rid FROM ratings r CROSS JOIN items i ON i.rid = r.item_rid
            WHERE r.created_at >= :lo AND r.created_at < :hi
              AND (i.assignee_key = :k
                   OR EXISTS (SELECT 1 FROM item_events e WHERE e.item_rid = r.item_rid AND e.actor_id = :a
                                 AND e.type = 'status' AND (e.to_value = 'resolved' OR e.to_value = 'closed'))
                   OR EXISTS (SELECT 1 FROM item_events e WHERE e.item_rid = r.item_rid AND e.type = 'assigned' AND e.from_value = :a))`
  )
    .all({ a: agentId, k: key, lo, hi, back })
  // Archived facts with a fact time since lo (an archived item left the agent's scope: it is never
  // in their backlog, so being open does not make it count).
  const archived = plucked<[number], number>(db, `SELECT ${ARCHIVE_KEY_SQL('rowid')} FROM personal_figures_archive WHERE last_at >= ?`).all(Date.parse(lo))
  return archived.length === 0 ? live : live.concat(archived)
}

// ---------- Items a pull purges ----------

/**
 * An item's facts as archived at `nowMs` for the agent whose scope it left: it is not theirs from
 * then on, whatever the local rows (a pull that says an item left does not send the change that
 * moved it) still say. So a local assignee that is the agent is cleared (not in their backlog),
 * and so is the agent as the one answering for an SLA target due after the purge (whoever holds
 * the item then does).
 */
export function archivedFacts(f: ItemFacts, agentId: string, nowMs: number): ItemFacts {
  const mine = (who: string | null | undefined, due: number | null) => who === agentId && due !== null && due > nowMs
  if (f.assigneeId !== agentId && !mine(f.firstResponseDueAgentId, f.firstResponseDueAt) && !mine(f.resolutionDueAgentId, f.resolutionDueAt)) return f
  return {
    ...f,
    assigneeId: f.assigneeId === agentId ? null : f.assigneeId,
    firstResponseDueAgentId: mine(f.firstResponseDueAgentId, f.firstResponseDueAt) ? null : f.firstResponseDueAgentId,
    resolutionDueAgentId: mine(f.resolutionDueAgentId, f.resolutionDueAt) ? null : f.resolutionDueAgentId
  }
}

/**
 * Called by the pull (sync/apply-pull.ts, through personalFiguresArchive) just before it deletes items that left the agent's
 * scope: keeps the facts (archivedFacts) of those on which `agentId` (the signed-in agent) acted,
 * so their figures keep them (see the file comment). Returns how many were archived.
 */
export function archiveBeforePurge(db: Database, rids: readonly number[], agentId: string, now: Date): number {
  if (rids.length === 0) return 0
  let kept = 0
  for (const live of loadFacts(db, rids, loadSettings(db).sla).values()) {
    const facts = archivedFacts(live, agentId, now.getTime())
    if (!actsOfAgent(facts, agentId)) continue
    prepared(
      db,
      `INSERT INTO personal_figures_archive (item_id, facts, last_at, active, archived_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (item_id) DO UPDATE SET facts = excluded.facts, last_at = excluded.last_at, active = excluded.active, archived_at = excluded.archived_at`
    ).run(facts.id, JSON.stringify(facts), Math.max(...factTimes(facts)), isActive(facts.status) ? 1 : 0, now.toISOString())
    kept++
  }
  return kept
}

/** Called by the pull when an item is (back) in the agent's scope: the live item replaces its archived facts. */
export function dropArchived(db: Database, itemId: string): void {
  prepared(db, 'DELETE FROM personal_figures_archive WHERE item_id = ?').run(itemId)
}

/** The archive as the pull's PurgeKeeper (sync/apply-pull.ts); the core hands it to the sync controller. */
export const personalFiguresArchive = { beforePurge: archiveBeforePurge, returned: dropArchived } satisfies PurgeKeeper

// ---------- The kept windows ----------

/**
 * Every instant of an item's facts that can make it count in a period (first contact, first
 * response, SLA targets due, resolutions, reopens, escalations, hand-backs, ratings): what
 * isRelevant() looks at, as a list, so an item is placed in the trend's days by a binary search
 * instead of asking every day. An open item also counts for the backlog, which is "now" and is
 * taken only from the period's own slot.
 */
export function factTimes(f: ItemFacts): number[] {
  const out = [f.firstContactAt]
  if (f.firstResponse !== null) out.push(f.firstResponse.at)
  if (f.firstResponseDueAt !== null) out.push(f.firstResponseDueAt)
  if (f.resolutionDueAt !== null) out.push(f.resolutionDueAt)
  for (const list of [f.resolutions, f.reopens, f.escalations, f.handBacks, f.ratings]) for (const a of list) out.push(a.at)
  return out
}

/** A period whose figures are kept: the items in it, and its figures until one of them changes. */
interface Slot {
  ms: Period
  members: Set<number>
  figures: FigureSet | null
  /** When `figures` was computed: before the slot ends, "now" still matters (SLA targets not yet past). */
  computedAt: number
}

/** Contiguous slots in time order (one for a period, one per day or week for a trend). */
interface Layout {
  slots: Slot[]
  starts: number[]
  /** Open items belong to the first slot whatever their times (the period's backlog). */
  withOpen: boolean
}

function newLayout(periods: readonly PersonalPeriod[], withOpen: boolean): Layout {
  const slots = periods.map((p) => ({ ms: msPeriod(p), members: new Set<number>(), figures: null, computedAt: 0 }))
  return { slots, starts: slots.map((s) => s.ms.from), withOpen }
}

/** The slots an item's facts fall in (indexes into layout.slots). */
function slotsOf(layout: Layout, f: ItemFacts): Set<number> {
  const hit = new Set<number>()
  const { starts, slots } = layout
  const end = (slots[slots.length - 1] as Slot).ms.to
  for (const t of factTimes(f)) {
    if (t < (starts[0] as number) || t >= end) continue
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((starts[mid] as number) <= t) lo = mid
      else hi = mid - 1
    }
    hit.add(lo)
  }
  if (layout.withOpen && isActive(f.status)) hit.add(0)
  return hit
}

/** Put an item (its new facts, or null when it left the window) where it belongs; slots it leaves or joins are recomputed. */
function place(layout: Layout, rid: number, f: ItemFacts | null): void {
  const hit = f === null ? null : slotsOf(layout, f)
  layout.slots.forEach((slot, i) => {
    const was = slot.members.has(rid)
    const is = hit !== null && hit.has(i)
    if (is) slot.members.add(rid)
    else if (was) slot.members.delete(rid)
    if (was || is) slot.figures = null
  })
}

/** One agent's facts over one window, and the layouts (periods, trends) computed over it. */
interface Window {
  key: string
  agentId: string
  ms: Period
  facts: Map<number, ItemFacts>
  layouts: Map<string, Layout>
  usedAt: number
}

export interface PersonalFiguresService {
  compute(agentId: string, range: PersonalRange, now: Date): PersonalFigures
  /** Drop everything kept (tests; a closing core). */
  reset(): void
  /** The windows kept, oldest use first, as "agent|from|to" (ms) keys (tests). */
  keptWindows(): string[]
}

const DIRTY_TRIGGERS: [table: string, when: 'INSERT' | 'UPDATE' | 'DELETE', rids: string[]][] = [
  ['messages', 'INSERT', ['new.item_rid']],
  ['messages', 'UPDATE', ['old.item_rid', 'new.item_rid']],
  ['messages', 'DELETE', ['old.item_rid']],
  ['item_events', 'INSERT', ['new.item_rid']],
  ['item_events', 'DELETE', ['old.item_rid']],
  ['ratings', 'INSERT', ['new.item_rid']],
  ['ratings', 'UPDATE', ['old.item_rid', 'new.item_rid']],
  ['ratings', 'DELETE', ['old.item_rid']],
  ['items', 'INSERT', ['new.rid']],
  ['items', 'UPDATE', ['old.rid', 'new.rid']],
  ['items', 'DELETE', ['old.rid']],
  ['personal_figures_archive', 'INSERT', [ARCHIVE_KEY_SQL('new.rowid')]],
  ['personal_figures_archive', 'UPDATE', [ARCHIVE_KEY_SQL('old.rowid'), ARCHIVE_KEY_SQL('new.rowid')]],
  ['personal_figures_archive', 'DELETE', [ARCHIVE_KEY_SQL('old.rowid')]],
  ['settings', 'INSERT', [String(ALL)]],
  ['settings', 'UPDATE', [String(ALL)]],
  ['settings', 'DELETE', [String(ALL)]]
]
/** An item coming or going also changes whether its archived facts count (the live item wins): its archive key is noted too. */
const ARCHIVE_OF_ITEM: Partial<Record<string, string>> = { 'items INSERT': 'new.id', 'items DELETE': 'old.id' }

/**
 * Temporary (connection-only) triggers that note the items whose rows change. Idempotent.
 * A rid already noted is skipped with NOT EXISTS, not with INSERT OR IGNORE: inside a trigger,
 * the conflict policy of the statement that fired it wins, and for an upsert (the pull's
 * `INSERT ... ON CONFLICT DO UPDATE` of a message it already has) that made the second note of
 * the same rid fail the whole pull page, every time.
 */
function installDirtyTracking(db: Database): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS personal_figures_dirty (rid INTEGER PRIMARY KEY)')
  for (const [table, when, rids] of DIRTY_TRIGGERS) {
    let inserts = rids
      .map((r) => `INSERT INTO personal_figures_dirty (rid) SELECT ${r} WHERE NOT EXISTS (SELECT 1 FROM personal_figures_dirty WHERE rid = ${r});`)
      .join(' ')
    const itemId = ARCHIVE_OF_ITEM[`${table} ${when}`]
    if (itemId !== undefined) {
      const key = ARCHIVE_KEY_SQL('a.rowid')
      inserts += ` INSERT INTO personal_figures_dirty (rid) SELECT ${key} FROM main.personal_figures_archive a
        WHERE a.item_id = ${itemId} AND NOT EXISTS (SELECT 1 FROM personal_figures_dirty WHERE rid = ${key});`
    }
    db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS personal_figures_${table}_${when.toLowerCase()} AFTER ${when} ON main.${table} BEGIN ${inserts} END`)
  }
}

export function createPersonalFigures(db: Database): PersonalFiguresService {
  let installed = false
  let policy: SlaPolicy | null = null
  const windows = new Map<string, Window>()
  let tick = 0

  const currentPolicy = (): SlaPolicy => (policy ??= loadSettings(db).sla)

  const belongs = (f: ItemFacts, w: Window): boolean => concernsAgent(f, w.agentId) && isRelevant(f, w.ms)

  /** Bring every kept window up to date with the items changed since the last call. */
  function drainDirty(): void {
    const rids = plucked<[], number>(db, 'SELECT rid FROM temp.personal_figures_dirty').all()
    if (rids.length === 0) return
    prepared(db, 'DELETE FROM temp.personal_figures_dirty').run()
    if (rids.includes(ALL)) {
      policy = null
      windows.clear()
      return
    }
    if (windows.size === 0) return
    const fresh = loadFacts(db, rids, currentPolicy())
    for (const w of windows.values()) {
      for (const rid of rids) {
        const had = w.facts.has(rid)
        const f = fresh.get(rid) ?? null
        const keep = f !== null && belongs(f, w)
        if (keep) w.facts.set(rid, f)
        else w.facts.delete(rid)
        if (!had && !keep) continue
        for (const layout of w.layouts.values()) place(layout, rid, keep ? f : null)
      }
    }
  }

  function windowFor(agentId: string, ms: Period): Window {
    const key = `${agentId}|${ms.from}|${ms.to}`
    let w = windows.get(key)
    if (!w) {
      const fresh: Window = { key, agentId, ms, facts: new Map(), layouts: new Map(), usedAt: 0 }
      // A kept window of the same agent that covers this one already holds (up to date) every
      // item this one needs: filter it instead of asking SQLite (30 days open, then 7 or today).
      const wider = [...windows.values()].find((o) => o.agentId === agentId && o.ms.from <= ms.from && ms.to <= o.ms.to)
      if (wider) {
        for (const [rid, f] of wider.facts) if (isRelevant(f, ms)) fresh.facts.set(rid, f)
      } else {
        const candidates = candidateItems(db, agentId, new Date(ms.from).toISOString(), new Date(ms.to).toISOString())
        for (const [rid, f] of loadFacts(db, candidates, currentPolicy())) if (belongs(f, fresh)) fresh.facts.set(rid, f)
      }
      w = fresh
      windows.set(key, w)
    }
    w.usedAt = ++tick
    // Keep the most recently used few (the one just asked for is the newest, never the one dropped).
    if (windows.size > KEPT_WINDOWS) {
      const oldest = [...windows.values()].sort((a, b) => a.usedAt - b.usedAt)[0]
      if (oldest) windows.delete(oldest.key)
    }
    return w
  }

  function layoutOf(w: Window, key: string, periods: readonly PersonalPeriod[], withOpen: boolean): Layout {
    let layout = w.layouts.get(key)
    if (!layout) {
      layout = newLayout(periods, withOpen)
      for (const [rid, f] of w.facts) place(layout, rid, f)
      w.layouts.set(key, layout)
    }
    return layout
  }

  /** The agent's figures over a slot's items: kept while none of them changed and the slot had ended when they were computed. */
  function figuresOf(w: Window, slot: Slot, nowMs: number): FigureSet {
    if (slot.figures === null || slot.computedAt < slot.ms.to) {
      const facts: ItemFacts[] = []
      for (const rid of slot.members) {
        const f = w.facts.get(rid)
        if (f !== undefined) facts.push(f)
      }
      // The business-hours schedule is read per computation (loadSettings is cached per connection);
      // a settings change marks everything dirty (ALL), so no kept figure outlives the schedule it used.
      const schedule = loadSettings(db).businessSchedule
      slot.figures = computeFigures(facts, { period: slot.ms, by: 'agent', now: nowMs, schedule }).find((r) => r.key === w.agentId)?.figures ?? emptyFigureSet({ schedule })
      slot.computedAt = nowMs
    }
    return slot.figures
  }

  return {
    compute(agentId, range, now) {
      if (!installed) {
        installDirtyTracking(db)
        installed = true
      }
      drainDirty()
      const nowMs = now.getTime()
      const { period, previous } = personalPeriods(range, now)
      const w = windowFor(agentId, { from: Date.parse(previous.from), to: Date.parse(period.to) })
      const trend = bucketsOf(period)
      const current = layoutOf(w, `period|${period.from}|${period.to}`, [period], true).slots[0] as Slot
      const before = layoutOf(w, `previous|${previous.from}|${previous.to}`, [previous], false).slots[0] as Slot
      const points = layoutOf(w, `trend|${trend.step}|${period.from}|${period.to}`, trend.buckets, false)
      // The period holds the backlog ("now", not cut by period): always computed afresh, and
      // the same backlog stands in the previous period and the trend points.
      current.figures = null
      const fresh = figuresOf(w, current, nowMs)
      const backlog = fresh.backlog
      const series: PersonalPoint[] = points.slots.map((slot, i) => {
        const p = trend.buckets[i] as PersonalPeriod
        return { day: p.firstDay, from: p.from, to: p.to, figures: { ...figuresOf(w, slot, nowMs), backlog } }
      })
      return {
        agentId,
        period,
        previous,
        current: fresh,
        before: { ...figuresOf(w, before, nowMs), backlog },
        step: trend.step,
        series,
        asOf: now.toISOString()
      }
    },
    reset() {
      windows.clear()
      policy = null
    },
    keptWindows() {
      return [...windows.values()].sort((a, b) => a.usedAt - b.usedAt).map((w) => w.key)
    }
  }
}

/** The handler's door: the signed-in agent, or a clear refusal. */
export function requireAgent(agentId: string | null): string {
  if (agentId === null) throw new HandoffError({ code: 'not_signed_in', message: 'Sign in as an agent to see your figures.' })
  return agentId
}
