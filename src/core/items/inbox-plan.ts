import type { Database } from 'better-sqlite3'
import type { InboxSort, SortColumn } from '../../shared/domain/entities'
import { STATUSES, type Status } from '../../shared/domain/vocabulary'
import { NO_FACETS, STATUS_RANK, facetCount, type FacetName, type Facets } from './facets'
import { plucked, prepared } from '../infra/statements'

/**
 * How an inbox page is fetched. SQLite's planner alone cannot know how soon a LIMIT walk stops,
 * so the choice is made here, from exact facet counts (item_facets) and a sampled estimate of
 * search hits, and the chosen index is named with INDEXED BY:
 * - walk:   walk the sort column's index (status by status, see the schema) checking facets
 *           from the index, and stop when the page is full
 * - gather: few matches; fetch them through the most selective facet index and sort them
 * - search-stream: walk the FTS hits, which come in rowid (= age) order, stop when the page is full
 * - search-gather: few hits; fetch them all and sort them
 * - search-probe-walk / -gather: walk (or gather) as above, asking FTS about each candidate
 * - search-semi: gather the rowids that pass the facets from an index into a set (no rows read),
 *           then stream the FTS hits in rowid order keeping those in the set: age order in either
 *           direction without a sort, a cheap check per hit, and only the kept hits' rows read
 * - empty: the facet counts say nothing matches
 */
export const PLANS = ['walk', 'gather', 'search-stream', 'search-gather', 'search-probe-walk', 'search-probe-gather', 'search-semi'] as const
export type Plan = (typeof PLANS)[number] | 'empty'
export const isSearchPlan = (plan: Plan) => plan.startsWith('search-')

/** What the planner needs to know about a query. */
export interface Analysis {
  facets: Facets
  sort: InboxSort
  dueAt: string | null
  match: string | null
}

export interface Choice {
  plan: Plan
  /** The index for INDEXED BY (walk, gather and probe plans). */
  index: string | null
}

/** Rough costs in microseconds, measured at a million items. */
const COST = {
  /** An index entry that carries every column the filter checks. */
  entry: 0.15,
  /** An index entry whose row must be read. */
  row: 0.8,
  /** Sorting one gathered row. */
  sortRow: 0.3,
  /** One FTS hit joined to its item. */
  hit: 1.2,
  /** Asking FTS whether one item matches: a base cost plus one per word of the expression. */
  probeBase: 6,
  probeWord: 5,
  /** Adding a gathered rowid to the in-memory set of a semi-join. */
  setRow: 0.3,
  /** One FTS hit checked against that set (its row is not read). */
  setHit: 0.2
}
/** Search hits are counted up to this many; beyond, their number is extrapolated. */
const HIT_SAMPLE = 2_000
/** Items due are counted up to this many to plan. */
const DUE_SAMPLE = 20_000

/** The walk index of each sort column (status sorts by the age index: status_rank, rid). */
export const WALK_INDEX: Record<SortColumn, string> = {
  age: 'items_walk_age',
  status: 'items_walk_age',
  slaDue: 'items_walk_sla',
  customer: 'items_walk_customer',
  subject: 'items_walk_subject',
  assignee: 'items_walk_assignee',
  priority: 'items_walk_priority',
  kind: 'items_walk_kind',
  channel: 'items_walk_channel'
}
/** The sort columns whose walk index also holds the deadline (a due filter is checked from it). */
const WALK_HAS_SLA = new Set<SortColumn>(['slaDue'])

const ALL_FACETS: readonly FacetName[] = ['kind', 'queue', 'channel', 'status', 'priority', 'assignee']

export function presentFacets(f: Facets): FacetName[] {
  return ALL_FACETS.filter((name) => {
    switch (name) {
      case 'kind':
        return f.kinds !== null
      case 'queue':
        return f.queues !== null
      case 'channel':
        return f.channels !== null
      case 'status':
        return f.statuses !== null
      case 'priority':
        return f.priorities !== null
      case 'assignee':
        return f.assignee.type !== 'any'
    }
  })
}

const only = (f: Facets, names: readonly FacetName[]): Facets => ({
  kinds: names.includes('kind') ? f.kinds : null,
  queues: names.includes('queue') ? f.queues : null,
  channels: names.includes('channel') ? f.channels : null,
  statuses: names.includes('status') ? f.statuses : null,
  priorities: names.includes('priority') ? f.priorities : null,
  assignee: names.includes('assignee') ? f.assignee : { type: 'any' }
})

interface Context {
  db: Database
  a: Analysis
  want: number
  total: number
  matches: number
}

/**
 * Walking the sort index: each status of the filter is walked in sort order until it has
 * `want` rows that pass (or runs out). `facetShare` of its entries pass the facet filters,
 * `hitShare` of those also the search, and each that passes the facets costs `perProbe`.
 */
function walkCost(x: Context, facetShare: number, hitShare: number, perProbe: number, stops = true): number {
  const statuses: readonly Status[] = x.a.facets.statuses ?? STATUSES
  // The sort walk indexes do not carry the queue (only items_walk_queue does): a queue filter reads rows.
  const perEntry = (x.a.dueAt !== null && !WALK_HAS_SLA.has(x.a.sort.column)) || x.a.facets.queues !== null ? COST.row : COST.entry
  let cost = 0
  for (const status of statuses) {
    const n = facetCount(x.db, { ...NO_FACETS, statuses: [status] })
    const visited = stops ? Math.min(n, x.want / Math.max(facetShare * hitShare, 1e-9)) : n
    cost += visited * perEntry + visited * facetShare * perProbe
  }
  return cost
}

/** The index through which a gather reads the fewest rows, and how many. */
function gatherDriver(x: Context): { index: string; rows: number; covers: boolean } {
  const f = x.a.facets
  const options: { index: string; rows: number; covers: boolean }[] = [{ index: 'items_walk_age', rows: facetCount(x.db, only(f, ['status'])), covers: f.queues === null }]
  // Each gather index leads with its facet, then status (narrowing it too), then the others.
  if (f.kinds) options.push({ index: 'items_by_kind', rows: facetCount(x.db, only(f, ['kind', 'status'])), covers: true })
  if (f.queues) options.push({ index: 'items_walk_queue', rows: facetCount(x.db, only(f, ['queue', 'status'])), covers: true })
  if (f.channels) options.push({ index: 'items_by_channel', rows: facetCount(x.db, only(f, ['channel', 'status'])), covers: true })
  if (f.priorities) options.push({ index: 'items_by_priority', rows: facetCount(x.db, only(f, ['priority', 'status'])), covers: true })
  if (f.assignee.type !== 'any') options.push({ index: 'items_by_assignee', rows: facetCount(x.db, only(f, ['assignee', 'status'])), covers: true })
  if (x.a.dueAt !== null) options.push({ index: 'items_walk_sla', rows: countDue(x), covers: true })
  return options.reduce((best, o) => (o.rows < best.rows ? o : best))
}

/** Items due by the filter's deadline in its statuses, counted up to DUE_SAMPLE. */
function countDue(x: Context): number {
  const statuses = (x.a.facets.statuses ?? STATUSES).map((s) => STATUS_RANK[s])
  return (
    plucked<unknown[], number>(
      x.db,
      `SELECT count(*) FROM (SELECT 1 FROM items INDEXED BY items_walk_sla WHERE status_rank IN (${statuses.map(() => '?').join(', ')}) AND sla_key <= ? LIMIT ?)`
    )
      .get(...statuses, x.a.dueAt, DUE_SAMPLE) ?? 0
  )
}

function gatherCost(x: Context, perMatch: number): { cost: number; index: string } {
  const d = gatherDriver(x)
  return { cost: d.rows * (d.covers ? COST.entry : COST.row) + x.matches * (COST.row + COST.sortRow + perMatch), index: d.index }
}

/** Number of FTS hits: counted when few, else extrapolated from how far back the newest sample reaches. */
export function estimateHits(db: Database, match: string, total: number): number {
  const sample = prepared<[string, number], { n: number; oldest: number | null }>(
    db,
    'SELECT count(*) AS n, min(rowid) AS oldest FROM (SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid DESC LIMIT ?)'
  ).get(match, HIT_SAMPLE)
  if (!sample || sample.n < HIT_SAMPLE || sample.oldest === null) return sample?.n ?? 0
  // Two subqueries: min() and max() in one SELECT would scan the table.
  const span = prepared<[], { lo: number | null; hi: number | null }>(db, 'SELECT (SELECT min(rid) FROM items) AS lo, (SELECT max(rid) FROM items) AS hi').get()
  if (!span || span.lo === null || span.hi === null || span.hi <= span.lo) return total
  const reached = (span.hi - sample.oldest) / (span.hi - span.lo)
  return Math.min(total, Math.max(HIT_SAMPLE, HIT_SAMPLE / Math.max(reached, 1e-9)))
}

/** The cost of asking FTS about one item. */
const probeCost = (match: string) => COST.probeBase + COST.probeWord * Math.max(1, (match.match(/"(?:[^"]|"")*"/g) ?? []).length)

function context(db: Database, a: Analysis, want: number): Context {
  return { db, a, want, total: facetCount(db, NO_FACETS), matches: facetCount(db, a.facets) }
}

/** Whether counting a search through its facet matches (probing each) beats counting its hits. */
export function countByProbing(db: Database, a: Analysis): { probe: boolean; index: string } {
  const x = context(db, a, 0)
  const g = gatherCost(x, a.match === null ? 0 : probeCost(a.match))
  return { probe: a.match !== null && g.cost < estimateHits(db, a.match, x.total) * COST.hit, index: g.index }
}

/** The index a forced plan uses (tests run every plan). */
export function indexFor(db: Database, a: Analysis, plan: Plan): string | null {
  switch (plan) {
    case 'walk':
    case 'search-probe-walk':
      return WALK_INDEX[a.sort.column]
    case 'gather':
    case 'search-probe-gather':
    case 'search-semi':
      return gatherDriver(context(db, a, 0)).index
    case 'search-stream':
    case 'search-gather':
    case 'empty':
      return null
  }
}

export function choosePlan(db: Database, a: Analysis, want: number): Choice {
  const x = context(db, a, want)
  if (presentFacets(a.facets).length > 0 && x.matches === 0) return { plan: 'empty', index: null }
  const walkIndex = WALK_INDEX[a.sort.column]
  // Share of the items in the filter's statuses that pass its other facets.
  const facetShare = x.matches / Math.max(1, facetCount(db, only(a.facets, ['status'])))
  // One queue in age order (the per-queue views): items_walk_queue (queue, status, rid) is its
  // walk index, each status in age order, stopping when the page is full.
  const queueWalk = a.facets.queues?.length === 1 && a.sort.column === 'age'
  if (a.match === null) {
    if (queueWalk && a.dueAt === null) return { plan: 'walk', index: 'items_walk_queue' }
    // A deadline walk visits only what is due, in order.
    if (a.dueAt !== null && a.sort.column === 'slaDue') return { plan: 'walk', index: walkIndex }
    const gather = gatherCost(x, 0)
    return walkCost(x, facetShare, 1, 0) <= gather.cost ? { plan: 'walk', index: walkIndex } : { plan: 'gather', index: gather.index }
  }
  const hits = Math.max(1, estimateHits(db, a.match, x.total))
  const hitShare = hits / Math.max(1, x.total)
  const probe = probeCost(a.match)
  const probeGather = gatherCost(x, probe)
  const fetchAll = hits * COST.hit + Math.min(hits, x.matches) * COST.sortRow
  // Streaming (age order) stops after `want` passing hits if they are spread evenly over time.
  // Status and deadlines are not (open work is recent, closed work old): then count on reading all.
  const skewed = a.facets.statuses !== null || a.dueAt !== null
  const share = x.matches / Math.max(1, x.total)
  const stream = a.sort.column !== 'age' ? Number.POSITIVE_INFINITY : skewed ? fetchAll : Math.min(hits, want / Math.max(share, 1e-9)) * COST.hit
  const options: [number, Choice][] = [
    [stream, { plan: 'search-stream', index: null }],
    [fetchAll, { plan: 'search-gather', index: null }],
    // Several statuses sorted by anything but status: SQLite walks them one after the other and
    // sorts what passes (USE TEMP B-TREE FOR ORDER BY), so it visits, and probes, every entry.
    [walkCost(x, facetShare, hitShare, probe, (a.facets.statuses ?? STATUSES).length === 1 || a.sort.column === 'status'), { plan: 'search-probe-walk', index: walkIndex }],
    [probeGather.cost, { plan: 'search-probe-gather', index: probeGather.index }]
  ]
  if (presentFacets(a.facets).length > 0 || a.dueAt !== null) {
    // The facet matches as a set, then the hits in rowid order checked against it: in age order
    // it stops after `want` kept hits (all of them when skewed), otherwise the kept hits are sorted.
    const d = gatherDriver(x)
    const build = d.rows * (d.covers ? COST.entry : COST.row) + x.matches * COST.setRow
    const kept = hits * Math.min(1, share)
    const scan =
      a.sort.column === 'age'
        ? (skewed ? hits : Math.min(hits, want / Math.max(share, 1e-9))) * COST.setHit + Math.min(want, kept) * COST.hit
        : hits * COST.setHit + kept * (COST.hit + COST.sortRow)
    options.push([build + scan, { plan: 'search-semi', index: d.index }])
  }
  return options.reduce((best, o) => (o[0] < best[0] ? o : best))[1]
}
