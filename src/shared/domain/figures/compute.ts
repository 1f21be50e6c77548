/**
 * computeFigures(): every figure of domain.md over item facts, for a period, grouped by a cut;
 * figureItems(): the items behind one number (drill-down); isRelevant(): the feeder's filter.
 * Both walk the facts with the same code (`walk`), so a drill-down lists exactly the items a
 * number was computed from. Single pass; durations are collected in Float64Arrays and sorted once.
 * Definitions and the choices made where domain.md is silent: docs/figures.md.
 */
import { isActive } from '../lifecycle'
import type { RatingKind } from '../vocabulary'
import { BusinessClock } from './business-hours'
import { NumberBuffer, medianAndP90InPlace, pctOf } from './stats'
import type { Act, DurationFigure, FigureName, FigureOptions, FigureRow, FigureSet, ItemFacts, Ms, Period } from './types'

/** The row key of acts with no agent (agent cut) and of agents with no team (team cut). */
export const NO_AGENT_KEY = 'no agent'
export const NO_TEAM_KEY = 'no team'

export const AGE_BOUNDS_MS = { d1: 86_400_000, d3: 3 * 86_400_000, d7: 7 * 86_400_000 } as const

type Key = string | null

/** What the walk reports; the aggregator counts it, the drill-down lists the items. */
interface Sink {
  rating(key: Key, f: ItemFacts, kind: RatingKind, score: number): void
  /** Durations are handed over in `scratch` ([0] calendar ms, [1] business ms or NaN), not as arguments: no boxed numbers per item. */
  readonly scratch: Float64Array
  firstResponse(key: Key, f: ItemFacts): void
  /** An item resolved in the period (its latest resolution in it): TTR and FCR. */
  resolved(key: Key, f: ItemFacts, fcr: boolean): void
  /** An item resolved in the period by this key's agent(s), and whether a reopen followed. */
  reopenBase(key: Key, f: ItemFacts, reopened: boolean): void
  worked(key: Key, f: ItemFacts): void
  escalation(key: Key, f: ItemFacts): void
  handBack(key: Key, f: ItemFacts): void
  sla(which: 'firstResponse' | 'resolution', key: Key, f: ItemFacts, met: boolean): void
  created(key: Key, f: ItemFacts): void
  /** The age is in scratch[0]. */
  backlog(key: Key, f: ItemFacts): void
}

const inPeriod = (t: Ms, p: Period): boolean => t >= p.from && t < p.to

export const tierKey = (tier: ItemFacts['tier']): string => (tier === null ? 'none' : `tier${tier}`)

/** Whether volume means "items worked" (per-agent views) rather than "items created". */
const volumeIsWorked = (o: FigureOptions): boolean => o.by === 'agent' || o.by === 'team' || o.filter?.team !== undefined

function checkOptions(o: FigureOptions): void {
  if (!Number.isFinite(o.period.from) || !Number.isFinite(o.period.to) || !(o.period.from < o.period.to)) {
    throw new RangeError('A period needs a start before its end.')
  }
  if (o.filter?.team !== undefined && o.teams === undefined) throw new RangeError('A team filter needs the teams of the agents.')
}

function walk(facts: readonly ItemFacts[], o: FigureOptions, sink: Sink): void {
  checkOptions(o)
  const p = o.period
  const by = o.by
  const filter = o.filter
  const team = filter?.team
  const teams = o.teams
  const now = o.now
  const clock = o.schedule ? new BusinessClock(o.schedule) : null
  const actOk = team === undefined ? null : (agentId: string | null) => agentId !== null && teams?.get(agentId) === team
  // Keys of the item's acts collected while walking one item (small; reused, `nk` in use).
  const keys: Key[] = []
  const firstAt: Ms[] = []
  let nk = 0
  const keyIndex = (k: Key): number => {
    for (let i = 0; i < nk; i++) if (keys[i] === k) return i
    return -1
  }

  let itemKey: Key = null
  const keyOf =
    by === 'agent'
      ? (agentId: string | null): Key => agentId ?? NO_AGENT_KEY
      : by === 'team'
        ? (agentId: string | null): Key => (agentId === null ? NO_TEAM_KEY : (teams?.get(agentId) ?? NO_TEAM_KEY))
        : (): Key => itemKey

  const scratch = sink.scratch
  for (let n = 0; n < facts.length; n++) {
    const f = facts[n] as ItemFacts
    if (filter !== undefined) {
      if (filter.kind !== undefined && f.kind !== filter.kind) continue
      if (filter.channel !== undefined && f.channel !== filter.channel) continue
      if (filter.tier !== undefined && (f.tier ?? 'none') !== filter.tier) continue
    }
    itemKey = null
    switch (by) {
      case undefined:
      case 'agent':
      case 'team':
        break
      case 'kind':
        itemKey = f.kind
        break
      case 'channel':
        itemKey = f.channel
        break
      case 'tier':
        itemKey = tierKey(f.tier)
        break
      default: {
        const unknown: never = by
        throw new RangeError(`Figures cannot be cut by “${String(unknown)}”.`)
      }
    }
    // CSAT and NPS: answers given in the period, for the assignee at resolution.
    for (let i = 0; i < f.ratings.length; i++) {
      const r = f.ratings[i] as ItemFacts['ratings'][number]
      if (inPeriod(r.at, p) && (actOk === null || actOk(r.agentId))) sink.rating(keyOf(r.agentId), f, r.kind, r.score)
    }

    // First response: items whose first response falls in the period, for its sender.
    const fr = f.firstResponse
    if (fr !== null && inPeriod(fr.at, p) && (actOk === null || actOk(fr.agentId))) {
      scratch[0] = Math.max(0, fr.at - f.firstContactAt)
      if (clock) clock.measure(f.firstContactAt, fr.at, scratch, 1)
      else scratch[1] = NaN
      sink.firstResponse(keyOf(fr.agentId), f)
    }

    // Resolutions in the period: TTR and FCR on the latest one; reopen rate per resolving key.
    nk = 0
    let latest: Act | null = null
    for (let i = 0; i < f.resolutions.length; i++) {
      const r = f.resolutions[i] as Act
      if (!inPeriod(r.at, p)) continue
      if (latest === null || r.at >= latest.at) latest = r
      if (actOk !== null && !actOk(r.agentId)) continue
      const k = keyOf(r.agentId)
      const ki = keyIndex(k)
      if (ki < 0) {
        keys[nk] = k
        firstAt[nk++] = r.at
      } else if (r.at < (firstAt[ki] as Ms)) firstAt[ki] = r.at
    }
    if (latest !== null && (actOk === null || actOk(latest.agentId))) {
      const fcr = f.escalations.length === 0 && f.reopens.length === 0 && f.publicAgentReplies <= 1
      scratch[0] = Math.max(0, latest.at - f.firstContactAt)
      if (clock) clock.measure(f.firstContactAt, latest.at, scratch, 1)
      else scratch[1] = NaN
      sink.resolved(keyOf(latest.agentId), f, fcr)
    }
    for (let i = 0; i < nk; i++) {
      const after = firstAt[i] as Ms
      let reopened = false
      for (let j = 0; j < f.reopens.length; j++) {
        if ((f.reopens[j] as Act).at > after) {
          reopened = true
          break
        }
      }
      sink.reopenBase(keys[i] as Key, f, reopened)
    }

    // Escalations and hand-backs in the period, for the agent who did them; items worked.
    for (let i = 0; i < f.escalations.length; i++) {
      const e = f.escalations[i] as Act
      if (!inPeriod(e.at, p) || (actOk !== null && !actOk(e.agentId))) continue
      const k = keyOf(e.agentId)
      sink.escalation(k, f)
      if (keyIndex(k) < 0) keys[nk++] = k
    }
    for (let i = 0; i < nk; i++) sink.worked(keys[i] as Key, f)
    for (let i = 0; i < f.handBacks.length; i++) {
      const h = f.handBacks[i] as Act
      if (inPeriod(h.at, p) && (actOk === null || actOk(h.agentId))) sink.handBack(keyOf(h.agentId), f)
    }

    // SLA: targets due in the period; met, missed, or (not met and not yet past) left out.
    const frDue = f.firstResponseDueAt
    if (frDue !== null && inPeriod(frDue, p)) {
      let met: boolean | null
      let agentId: string | null
      if (fr !== null) {
        met = fr.at <= frDue
        agentId = fr.agentId
      } else {
        met = now > frDue ? false : null
        agentId = f.firstResponseDueAgentId === undefined ? f.assigneeId : f.firstResponseDueAgentId
      }
      if (met !== null && (actOk === null || actOk(agentId))) sink.sla('firstResponse', keyOf(agentId), f, met)
    }
    const resDue = f.resolutionDueAt
    if (resDue !== null && inPeriod(resDue, p)) {
      const last = f.resolutions[f.resolutions.length - 1]
      const done = last !== undefined && !isActive(f.status) ? last : null
      let met: boolean | null
      let agentId: string | null
      if (done !== null) {
        met = done.at <= resDue
        agentId = done.agentId
      } else {
        met = now > resDue ? false : null
        agentId = f.resolutionDueAgentId === undefined ? f.assigneeId : f.resolutionDueAgentId
      }
      if (met !== null && (actOk === null || actOk(agentId))) sink.sla('resolution', keyOf(agentId), f, met)
    }

    // Volume (items created) where volume is not "items worked".
    if (actOk === null && by !== 'agent' && by !== 'team' && inPeriod(f.firstContactAt, p)) sink.created(itemKey, f)

    // Backlog: open now, by age from the first contact, for the current assignee.
    if (isActive(f.status) && (actOk === null || actOk(f.assigneeId))) {
      scratch[0] = Math.max(0, now - f.firstContactAt)
      sink.backlog(keyOf(f.assigneeId), f)
    }
  }
}

class Acc {
  csat = 0
  csatGood = 0
  nps = 0
  promoters = 0
  detractors = 0
  fr = new NumberBuffer()
  frBusiness = new NumberBuffer()
  ttr = new NumberBuffer()
  ttrBusiness = new NumberBuffer()
  resolved = 0
  fcr = 0
  reopenBase = 0
  reopened = 0
  worked = 0
  escalations = 0
  handBacks = 0
  slaFr = 0
  slaFrMet = 0
  slaRes = 0
  slaResMet = 0
  created = 0
  backlog = 0
  under1d = 0
  d1to3 = 0
  d3to7 = 0
  over7d = 0
}

function duration(all: NumberBuffer, business: NumberBuffer, withBusiness: boolean): DurationFigure {
  const calendar = medianAndP90InPlace(all.values())
  const b = withBusiness ? medianAndP90InPlace(business.values()) : null
  return {
    count: all.length,
    medianMs: calendar.median,
    p90Ms: calendar.p90,
    business: b === null ? null : { medianMs: b.median, p90Ms: b.p90 }
  }
}

function figureSet(a: Acc, o: FigureOptions): FigureSet {
  const withBusiness = Boolean(o.schedule)
  return {
    csat: { count: a.csatGood, of: a.csat, pct: pctOf(a.csatGood, a.csat) },
    nps: { count: a.nps, promoters: a.promoters, detractors: a.detractors, score: a.nps === 0 ? null : ((a.promoters - a.detractors) * 100) / a.nps },
    firstResponse: duration(a.fr, a.frBusiness, withBusiness),
    resolution: duration(a.ttr, a.ttrBusiness, withBusiness),
    firstContactResolution: { count: a.fcr, of: a.resolved, pct: pctOf(a.fcr, a.resolved) },
    escalationRate: { count: a.escalations, of: a.worked, pct: pctOf(a.escalations, a.worked), handBacks: a.handBacks },
    reopenRate: { count: a.reopened, of: a.reopenBase, pct: pctOf(a.reopened, a.reopenBase) },
    slaFirstResponse: { count: a.slaFrMet, of: a.slaFr, pct: pctOf(a.slaFrMet, a.slaFr) },
    slaResolution: { count: a.slaResMet, of: a.slaRes, pct: pctOf(a.slaResMet, a.slaRes) },
    volume: volumeIsWorked(o) ? a.worked : a.created,
    backlog: { count: a.backlog, byAge: { under1d: a.under1d, d1to3: a.d1to3, d3to7: a.d3to7, over7d: a.over7d } }
  }
}

/** The figures with no data at all (every ratio, score and duration null; counts 0). */
export function emptyFigureSet(options: Pick<FigureOptions, 'schedule'> = {}): FigureSet {
  return figureSet(new Acc(), { period: { from: 0, to: 1 }, now: 0, schedule: options.schedule ?? null })
}

const compareKeys = (a: Key, b: Key): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1)

/**
 * Every figure for the period, one row per group of `options.by` that has anything (sorted by
 * key), or exactly one row with key null when not cut.
 */
export function computeFigures(facts: readonly ItemFacts[], options: FigureOptions): FigureRow[] {
  const groups = new Map<Key, Acc>()
  const acc = (key: Key): Acc => {
    let a = groups.get(key)
    if (a === undefined) groups.set(key, (a = new Acc()))
    return a
  }
  if (options.by === undefined) acc(null)
  const scratch = new Float64Array(2)
  walk(facts, options, {
    rating(key, _f, kind, score) {
      const a = acc(key)
      switch (kind) {
        case 'csat':
          a.csat++
          if (score >= 4) a.csatGood++
          break
        case 'nps':
          a.nps++
          if (score >= 9) a.promoters++
          else if (score <= 6) a.detractors++
          break
        default: {
          const unknown: never = kind
          throw new RangeError(`A rating of unknown kind “${String(unknown)}”.`)
        }
      }
    },
    scratch,
    firstResponse(key) {
      const a = acc(key)
      const ms = scratch[0] as number
      const businessMs = scratch[1] as number
      a.fr.push(ms)
      if (!Number.isNaN(businessMs)) a.frBusiness.push(businessMs)
    },
    resolved(key, _f, fcr) {
      const a = acc(key)
      const ms = scratch[0] as number
      const businessMs = scratch[1] as number
      a.resolved++
      if (fcr) a.fcr++
      a.ttr.push(ms)
      if (!Number.isNaN(businessMs)) a.ttrBusiness.push(businessMs)
    },
    reopenBase(key, _f, reopened) {
      const a = acc(key)
      a.reopenBase++
      if (reopened) a.reopened++
    },
    worked(key) {
      acc(key).worked++
    },
    escalation(key) {
      acc(key).escalations++
    },
    handBack(key) {
      acc(key).handBacks++
    },
    sla(which, key, _f, met) {
      const a = acc(key)
      switch (which) {
        case 'firstResponse':
          a.slaFr++
          if (met) a.slaFrMet++
          break
        case 'resolution':
          a.slaRes++
          if (met) a.slaResMet++
          break
        default: {
          const unknown: never = which
          throw new RangeError(`An SLA target of unknown kind “${String(unknown)}”.`)
        }
      }
    },
    created(key) {
      acc(key).created++
    },
    backlog(key) {
      const a = acc(key)
      const age = scratch[0] as number
      a.backlog++
      if (age < AGE_BOUNDS_MS.d1) a.under1d++
      else if (age < AGE_BOUNDS_MS.d3) a.d1to3++
      else if (age < AGE_BOUNDS_MS.d7) a.d3to7++
      else a.over7d++
    }
  })
  return [...groups.entries()].sort((x, y) => compareKeys(x[0], y[0])).map(([key, a]) => ({ key, figures: figureSet(a, options) }))
}

/**
 * The ids of the items one number was computed from (its denominator's items): rated items for
 * csat, answered items for nps, items first answered in the period for firstResponse, items
 * resolved in the period for resolution / firstContactResolution / reopenRate, items worked for
 * escalationRate, items with a decided target due in the period for the SLA figures, the items
 * counted in volume, the open items for backlog. In the order of `facts`, each once.
 */
export function figureItems(facts: readonly ItemFacts[], options: FigureOptions, key: string | null, figure: FigureName): string[] {
  const ids = new Set<string>()
  const take = (k: Key, f: ItemFacts): void => {
    if (k === key) ids.add(f.id)
  }
  const none = (): void => {}
  const worked = volumeIsWorked(options)
  walk(facts, options, {
    scratch: new Float64Array(2),
    rating: (k, f, kind) => {
      if ((figure === 'csat' && kind === 'csat') || (figure === 'nps' && kind === 'nps')) take(k, f)
    },
    firstResponse: figure === 'firstResponse' ? take : none,
    resolved: figure === 'resolution' || figure === 'firstContactResolution' ? take : none,
    reopenBase: figure === 'reopenRate' ? take : none,
    worked: figure === 'escalationRate' || (figure === 'volume' && worked) ? take : none,
    escalation: none,
    handBack: none,
    sla: (which, k, f) => {
      if ((which === 'firstResponse' && figure === 'slaFirstResponse') || (which === 'resolution' && figure === 'slaResolution')) take(k, f)
    },
    created: figure === 'volume' && !worked ? take : none,
    backlog: figure === 'backlog' ? take : none
  })
  return [...ids]
}

/**
 * The feeder's filter: whether an item can count in any figure of the period. True when anything
 * of it falls in the period (first contact, first response, a resolution, reopen, escalation,
 * hand-back or rating, or an SLA target due) or it is open now (backlog).
 */
export function isRelevant(facts: ItemFacts, period: Period): boolean {
  if (isActive(facts.status)) return true
  const has = (t: Ms | null | undefined): boolean => t !== null && t !== undefined && inPeriod(t, period)
  if (has(facts.firstContactAt) || has(facts.firstResponse?.at) || has(facts.firstResponseDueAt) || has(facts.resolutionDueAt)) return true
  for (const list of [facts.resolutions, facts.reopens, facts.escalations, facts.handBacks]) {
    for (const a of list) if (inPeriod(a.at, period)) return true
  }
  for (const r of facts.ratings) if (inPeriod(r.at, period)) return true
  return false
}
