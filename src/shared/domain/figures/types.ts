/**
 * The figures of ../shared/domain.md, as data. One implementation of the formulas lives in this
 * folder and is used by the console (personal panel, from SQLite) and the server (supervisor
 * view and `cli report`, from PostgreSQL/PGlite). Each side only *feeds* it: SQL selects the
 * items that matter for a period, and the shared `itemFacts()` turns an item's rows into the
 * facts below; `computeFigures()` does every piece of arithmetic.
 *
 * Times are epoch milliseconds here (cheap to compare and subtract); periods are half-open
 * [from, to). "No data" is `null`, never 0.
 */
import type { Channel, ItemKind, MessageKind, Priority, RatingKind, Status, Tier } from '../vocabulary'
import type { Queue } from '../escalation'
import type { SlaPolicy } from '../sla'

export type Ms = number

/** The rows of one item that the facts are derived from (as stored on either side). */
export interface FigureItemRow {
  id: string
  kind: ItemKind
  channel: Channel
  priority: Priority
  status: Status
  queue: Queue
  /** Tier reached (never drops but by de-escalate); null if the item never went to support. */
  tier: Tier | null
  assigneeId: string | null
  /** ISO time the item was created: the first customer contact unless a message is earlier. */
  createdAt: string
}
export interface FigureMessageRow {
  kind: MessageKind
  authorId: string | null
  createdAt: string
}
export interface FigureEventRow {
  type: string
  actorId: string | null
  from: string | null
  to: string | null
  createdAt: string
}
export interface FigureRatingRow {
  kind: RatingKind
  score: number
  createdAt: string
}

/** Who did something, and when. */
export interface Act {
  at: Ms
  agentId: string | null
}

/**
 * Everything the formulas need to know about one item, derived once by `itemFacts()`.
 * Compact and plain, so a store may also keep it (a facts table) instead of re-deriving it.
 */
export interface ItemFacts {
  id: string
  kind: ItemKind
  channel: Channel
  priority: Priority
  tier: Tier | null
  status: Status
  assigneeId: string | null
  /** First customer contact: the earlier of creation and the first customer message. */
  firstContactAt: Ms
  /** First public reply by a human agent (a reply or a logged contact; not notes, not automated). */
  firstResponse: Act | null
  /** Every resolution (status -> resolved), oldest first; agentId = assignee at that resolution (else the resolver). */
  resolutions: Act[]
  /** Every reopen (resolved -> open), oldest first. */
  reopens: Act[]
  /** Escalations performed (to support, or up a tier), by the agent who escalated. */
  escalations: Act[]
  /** Hand-backs to service: counted separately, never as escalations. */
  handBacks: Act[]
  /** Public replies by human agents (replies and logged contacts). */
  publicAgentReplies: number
  /** CSAT (1-5) and NPS (0-10) answers; attributed to the assignee at the resolution before them. */
  ratings: { kind: RatingKind; score: number; at: Ms; agentId: string | null }[]
  /** SLA targets as absolute deadlines (null: no target applies), from the workspace's policy. */
  firstResponseDueAt: Ms | null
  resolutionDueAt: Ms | null
  /**
   * Who answers for a target that is missed with no response / resolution at all: the assignee
   * at the deadline (added by the formulas helper; optional, absent means the current assignee).
   */
  firstResponseDueAgentId?: string | null
  resolutionDueAgentId?: string | null
}

/** Working hours for business-hours durations; absent means calendar time only. */
export interface BusinessSchedule {
  /** IANA time zone, e.g. "Europe/Berlin". */
  timeZone: string
  /** Per ISO weekday (1 = Monday .. 7 = Sunday): open intervals in minutes after local midnight. */
  days: Partial<Record<1 | 2 | 3 | 4 | 5 | 6 | 7, { start: number; end: number }[]>>
  /** Local dates (YYYY-MM-DD) with no working hours. */
  holidays?: string[]
}

export interface Period {
  from: Ms
  to: Ms
}

export const CUTS = ['agent', 'team', 'kind', 'channel', 'tier'] as const
export type Cut = (typeof CUTS)[number]

/** Keep only some items (kind, channel, tier reached) or agents (team) before grouping. */
export interface FigureFilter {
  kind?: ItemKind
  channel?: Channel
  /** A tier reached, or 'none' for items that never went to support. */
  tier?: Tier | 'none'
  /** Only acts by agents of this team (needs `teams`). */
  team?: string
}

export interface FigureOptions {
  period: Period
  filter?: FigureFilter
  /** Group rows by this; absent means one row for everything. */
  by?: Cut
  /** Agent id -> team name (for `by: 'team'`); agents without one fall under "no team". */
  teams?: ReadonlyMap<string, string>
  /** "Now", for the backlog's ages. */
  now: Ms
  schedule?: BusinessSchedule | null
}

/** A percentage with what it is computed from. `pct` is null when `of` is 0. */
export interface Ratio {
  count: number
  of: number
  pct: number | null
}

/** Median and nearest-rank p90 of durations in ms; null when `count` is 0. */
export interface DurationFigure {
  count: number
  medianMs: Ms | null
  p90Ms: Ms | null
  /** The same in business hours, when a schedule is set. */
  business: { medianMs: Ms | null; p90Ms: Ms | null } | null
}

export interface FigureSet {
  csat: Ratio
  nps: { count: number; promoters: number; detractors: number; score: number | null }
  firstResponse: DurationFigure
  resolution: DurationFigure
  firstContactResolution: Ratio
  escalationRate: Ratio & { handBacks: number }
  reopenRate: Ratio
  slaFirstResponse: Ratio
  slaResolution: Ratio
  /** Items created in the period; in a per-agent cut, items the agent worked. */
  volume: number
  /** Open items now (not resolved or closed), by age. Not cut by period. */
  backlog: { count: number; byAge: { under1d: number; d1to3: number; d3to7: number; over7d: number } }
}

/** Which figure a drill-down asks about. */
export type FigureName = keyof FigureSet

export interface FigureRow {
  /** The group's key (agent id, team, kind, channel, "tier1".."tier3" / "none"); null when not cut. */
  key: string | null
  figures: FigureSet
}

/*
 * The functions (one implementation, in this folder):
 *   itemFacts(item: FigureItemRow, messages, events, ratings, policy: SlaPolicy): ItemFacts   (facts.ts)
 *   computeFigures(facts: readonly ItemFacts[], options: FigureOptions): FigureRow[]           (compute.ts)
 *   figureItems(facts, options, key: string | null, figure: FigureName): string[]              (compute.ts: drill-down)
 *   isRelevant(facts: ItemFacts, period: Period): boolean     (the feeder's filter, also used in tests)
 *
 * Feeding rule: a feeder passes the facts of every item that has anything in the period
 * (first contact, first response, a resolution, reopen, escalation, hand-back or rating) plus
 * every item open now (backlog). Extra items are harmless; missing ones are wrong figures.
 * Also an SLA target due in the period counts: SQL that cannot see the deadlines feeds every item
 * whose first contact is at most `slaLookbackMs(policy)` (the policy's longest target) before the
 * period's start (formulas helper: see docs/figures.md).
 */
export type { SlaPolicy }
