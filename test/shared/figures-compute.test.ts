import { describe, expect, it } from 'vitest'
import {
  NO_AGENT_KEY,
  NO_TEAM_KEY,
  computeFigures,
  emptyFigureSet,
  figureItems,
  isRelevant,
  type Act,
  type BusinessSchedule,
  type FigureOptions,
  type FigureSet,
  type ItemFacts
} from '../../src/shared/domain/figures'

/**
 * computeFigures() over small hand-worked facts. Times are hours from D0 (a Monday, 00:00 UTC);
 * the period is [D0, D0 + 24 h) unless a test says otherwise, and "now" is D0 + 48 h.
 */
const H = 3_600_000
const D = 24 * H
const D0 = Date.parse('2026-11-02T00:00:00.000Z')
const h = (hours: number) => D0 + hours * H
const act = (hours: number, agentId: string | null): Act => ({ at: h(hours), agentId })
const DAY1 = { from: h(0), to: h(24) }
const NOW = h(48)

let seq = 0
function fact(over: Partial<ItemFacts> = {}): ItemFacts {
  return {
    id: over.id ?? `i${++seq}`,
    kind: 'service',
    channel: 'email',
    priority: 'normal',
    tier: null,
    status: 'resolved',
    assigneeId: 'maya',
    firstContactAt: h(1),
    firstResponse: null,
    resolutions: [],
    reopens: [],
    escalations: [],
    handBacks: [],
    publicAgentReplies: 0,
    ratings: [],
    firstResponseDueAt: null,
    resolutionDueAt: null,
    ...over
  }
}
const rating = (kind: 'csat' | 'nps', score: number, hours: number, agentId: string | null = 'maya') => ({ kind, score, at: h(hours), agentId })

const opts = (over: Partial<FigureOptions> = {}): FigureOptions => ({ period: DAY1, now: NOW, ...over })
/** The single row of an uncut computation. */
function total(facts: ItemFacts[], over: Partial<FigureOptions> = {}): FigureSet {
  const rows = computeFigures(facts, opts(over))
  expect(rows).toHaveLength(1)
  expect(rows[0]?.key).toBeNull()
  return (rows[0] as { figures: FigureSet }).figures
}
function row(facts: ItemFacts[], over: Partial<FigureOptions>, key: string): FigureSet {
  const r = computeFigures(facts, opts(over)).find((x) => x.key === key)
  if (!r) throw new Error(`no row ${key}`)
  return r.figures
}
const keys = (facts: ItemFacts[], over: Partial<FigureOptions>) => computeFigures(facts, opts(over)).map((r) => r.key)

describe('CSAT %', () => {
  it('CSAT % is ratings of 4 or 5 over all ratings given in the period, with the response count', () => {
    const f = [
      fact({ ratings: [rating('csat', 5, 2)] }),
      fact({ ratings: [rating('csat', 4, 3)] }),
      fact({ ratings: [rating('csat', 3, 4)] }),
      fact({ ratings: [rating('csat', 1, 5)] })
    ]
    expect(total(f).csat).toEqual({ count: 2, of: 4, pct: 50 })
  })

  it('CSAT excludes unrated items and ratings given outside the period', () => {
    const f = [fact({ ratings: [rating('csat', 5, 2)] }), fact({ ratings: [] }), fact({ ratings: [rating('csat', 1, 30)] }), fact({ ratings: [rating('nps', 0, 2)] })]
    expect(total(f).csat).toEqual({ count: 1, of: 1, pct: 100 })
  })

  it('CSAT with one of three satisfied is unrounded (33.33...)', () => {
    const f = [fact({ ratings: [rating('csat', 5, 2)] }), fact({ ratings: [rating('csat', 2, 2)] }), fact({ ratings: [rating('csat', 3, 2)] })]
    expect(total(f).csat.pct).toBeCloseTo(100 / 3, 10)
  })
})

describe('NPS', () => {
  it('NPS is % promoters (9-10) minus % detractors (0-6); 7-8 are passives', () => {
    const scores = [10, 9, 9, 8, 7, 6, 0, 10]
    const f = scores.map((s) => fact({ ratings: [rating('nps', s, 2)] }))
    // promoters 4, detractors 2, n 8: 50 - 25 = 25
    expect(total(f).nps).toEqual({ count: 8, promoters: 4, detractors: 2, score: 25 })
  })

  it('NPS is bounded: all promoters 100, all detractors -100, passives only 0 (not no data)', () => {
    expect(total([fact({ ratings: [rating('nps', 9, 2)] }), fact({ ratings: [rating('nps', 10, 2)] })]).nps.score).toBe(100)
    expect(total([fact({ ratings: [rating('nps', 0, 2)] }), fact({ ratings: [rating('nps', 6, 2)] })]).nps.score).toBe(-100)
    expect(total([fact({ ratings: [rating('nps', 7, 2)] }), fact({ ratings: [rating('nps', 8, 2)] })]).nps.score).toBe(0)
  })

  it('NPS counts answers given in the period only', () => {
    expect(total([fact({ ratings: [rating('nps', 10, -1)] }), fact({ ratings: [rating('nps', 0, 3)] })]).nps).toEqual({ count: 1, promoters: 0, detractors: 1, score: -100 })
  })
})

describe('First response time', () => {
  it('first response time is over items whose first response falls in the period, from the first contact', () => {
    const f = [
      fact({ firstContactAt: h(-10), firstResponse: act(2, 'maya') }), // 12 h, first response in the period
      fact({ firstContactAt: h(1), firstResponse: act(2, 'maya') }), // 1 h
      fact({ firstContactAt: h(20), firstResponse: act(26, 'maya') }), // first response after the period
      fact({ firstContactAt: h(3), firstResponse: null }) // not answered: not counted
    ]
    expect(total(f).firstResponse).toEqual({ count: 2, medianMs: 6.5 * H, p90Ms: 12 * H, business: null })
  })

  it('first response median and nearest-rank p90 over 10 items: mean of the 5th and 6th, and the 9th', () => {
    const f = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((m) => fact({ firstContactAt: h(0), firstResponse: { at: h(0) + m * 60_000, agentId: 'maya' } }))
    const fr = total(f).firstResponse
    expect(fr.count).toBe(10)
    expect(fr.medianMs).toBe(5.5 * 60_000)
    expect(fr.p90Ms).toBe(9 * 60_000)
  })

  it('first response p90 over 11 items is the 10th smallest', () => {
    const f = [11, 1, 10, 2, 9, 3, 8, 4, 7, 5, 6].map((m) => fact({ firstContactAt: h(0), firstResponse: { at: h(0) + m * 60_000, agentId: 'maya' } }))
    const fr = total(f).firstResponse
    expect(fr.medianMs).toBe(6 * 60_000)
    expect(fr.p90Ms).toBe(10 * 60_000)
  })

  it('the first response counts for the agent who sent it, not the assignee', () => {
    const f = [fact({ assigneeId: 'maya', firstResponse: act(2, 'liam') })]
    expect(keys(f, { by: 'agent' })).toEqual(['liam'])
    expect(row(f, { by: 'agent' }, 'liam').firstResponse.count).toBe(1)
  })

  it('business-hours first response time is given when a schedule is set', () => {
    const office: BusinessSchedule = { timeZone: 'UTC', days: { 1: [{ start: 540, end: 1020 }], 2: [{ start: 540, end: 1020 }] } }
    // Monday 08:00 -> Tuesday 10:00: calendar 26 h; business 8 h (Monday) + 1 h (Tuesday)
    const f = [fact({ firstContactAt: h(8), firstResponse: act(34, 'maya') })]
    const fr = total(f, { period: { from: h(0), to: h(48) }, now: h(72), schedule: office }).firstResponse
    expect(fr.medianMs).toBe(26 * H)
    expect(fr.business).toEqual({ medianMs: 9 * H, p90Ms: 9 * H })
  })
})

describe('Time to resolution', () => {
  it('time to resolution runs from the first contact to the latest resolution, item counted once', () => {
    const f = [fact({ firstContactAt: h(1), resolutions: [act(3, 'maya'), act(11, 'maya')], reopens: [act(5, 'maya')] })]
    const r = total(f).resolution
    expect(r.count).toBe(1)
    expect(r.medianMs).toBe(10 * H)
  })

  it('time to resolution is over items resolved in the period: the latest resolution within it', () => {
    const f = [
      fact({ firstContactAt: h(-48), resolutions: [act(2, 'maya')] }), // 50 h
      fact({ firstContactAt: h(1), resolutions: [act(5, 'maya'), act(30, 'maya')], reopens: [act(10, 'maya')] }), // 4 h (the resolution in the period)
      fact({ firstContactAt: h(1), resolutions: [act(-2, 'maya')] }) // resolved before the period
    ]
    const r = total(f).resolution
    expect(r.count).toBe(2)
    expect(r.medianMs).toBe(27 * H)
    expect(r.p90Ms).toBe(50 * H)
  })

  it('time to resolution counts for the assignee at the latest resolution', () => {
    const f = [fact({ resolutions: [act(3, 'maya'), act(9, 'liam')], reopens: [act(5, 'maya')] })]
    expect(row(f, { by: 'agent' }, 'liam').resolution.count).toBe(1)
    expect(row(f, { by: 'agent' }, 'maya').resolution.count).toBe(0)
  })
})

describe('First contact resolution %', () => {
  it('FCR counts resolved items never escalated, never reopened, with at most one public agent reply', () => {
    const f = [
      fact({ id: 'clean', resolutions: [act(3, 'maya')], publicAgentReplies: 1 }),
      fact({ id: 'noreply', resolutions: [act(3, 'maya')], publicAgentReplies: 0 }),
      fact({ id: 'tworeplies', resolutions: [act(3, 'maya')], publicAgentReplies: 2 }),
      fact({ id: 'escalated', resolutions: [act(3, 'maya')], publicAgentReplies: 1, escalations: [act(2, 'maya')], handBacks: [act(2.5, 'tomas')] }),
      fact({ id: 'reopened', resolutions: [act(3, 'maya'), act(6, 'maya')], reopens: [act(4, 'maya')], publicAgentReplies: 1 })
    ]
    expect(total(f).firstContactResolution).toEqual({ count: 2, of: 5, pct: 40 })
  })

  it('a logged phone contact resolved in the same contact is a first contact resolution', () => {
    const f = [fact({ channel: 'phone', firstContactAt: h(2), firstResponse: act(2, 'maya'), publicAgentReplies: 1, resolutions: [act(2, 'maya')] })]
    expect(total(f).firstContactResolution).toEqual({ count: 1, of: 1, pct: 100 })
  })

  it('an item reopened after the period is no longer a first contact resolution (never reopened)', () => {
    const f = [fact({ resolutions: [act(3, 'maya')], reopens: [act(30, 'maya')], publicAgentReplies: 1, status: 'open' })]
    expect(total(f).firstContactResolution).toEqual({ count: 0, of: 1, pct: 0 })
  })
})

describe('Escalation rate %', () => {
  it('escalation rate is escalations performed over items worked (resolved or escalated by the agent in the period)', () => {
    const f = [
      fact({ id: 'a', escalations: [act(2, 'maya')], status: 'open' }),
      fact({ id: 'b', resolutions: [act(3, 'maya')] }),
      fact({ id: 'c', resolutions: [act(4, 'maya')] }),
      fact({ id: 'd', resolutions: [act(4, 'liam')] })
    ]
    expect(row(f, { by: 'agent' }, 'maya').escalationRate).toEqual({ count: 1, of: 3, pct: 100 / 3, handBacks: 0 })
    expect(row(f, { by: 'agent' }, 'liam').escalationRate).toEqual({ count: 0, of: 1, pct: 0, handBacks: 0 })
    expect(total(f).escalationRate).toEqual({ count: 1, of: 4, pct: 25, handBacks: 0 })
  })

  it('an escalation counts for the agent who escalated, not the assignee', () => {
    const f = [fact({ assigneeId: 'tomas', status: 'open', escalations: [act(2, 'maya')] })]
    expect(keys(f, { by: 'agent' })).toEqual(['maya', 'tomas']) // tomas only for the backlog
    expect(row(f, { by: 'agent' }, 'maya').escalationRate.count).toBe(1)
    expect(row(f, { by: 'agent' }, 'tomas').escalationRate).toEqual({ count: 0, of: 0, pct: null, handBacks: 0 })
  })

  it('a hand-back is counted separately, never as an escalation, and does not make the item worked', () => {
    const f = [fact({ status: 'open', assigneeId: 'maya', escalations: [act(1.5, 'maya')], handBacks: [act(3, 'tomas')] })]
    expect(row(f, { by: 'agent' }, 'tomas').escalationRate).toEqual({ count: 0, of: 0, pct: null, handBacks: 1 })
    expect(total(f).escalationRate).toEqual({ count: 1, of: 1, pct: 100, handBacks: 1 })
  })

  it('an item escalated and later resolved by the same agent is worked once', () => {
    const f = [fact({ escalations: [act(2, 'maya')], handBacks: [act(3, 'tomas')], resolutions: [act(5, 'maya')] })]
    expect(row(f, { by: 'agent' }, 'maya').escalationRate).toEqual({ count: 1, of: 1, pct: 100, handBacks: 0 })
  })
})

describe('Reopen rate %', () => {
  it('reopen rate is items reopened after a resolution over items resolved in the period, also when the reopen comes later', () => {
    const f = [
      fact({ resolutions: [act(2, 'maya')] }),
      fact({ resolutions: [act(2, 'maya')] }),
      fact({ resolutions: [act(3, 'maya')], reopens: [act(30, 'maya')], status: 'open' }),
      fact({ resolutions: [act(4, 'maya'), act(8, 'maya')], reopens: [act(6, 'maya')] }),
      fact({ resolutions: [act(-4, 'maya')], reopens: [act(2, 'maya')], status: 'open' }) // its resolution was before the period
    ]
    expect(total(f).reopenRate).toEqual({ count: 2, of: 4, pct: 50 })
  })

  it('a reopen counts against the agent whose resolution was reopened', () => {
    const f = [fact({ resolutions: [act(2, 'maya'), act(9, 'liam')], reopens: [act(5, 'maya')] })]
    expect(row(f, { by: 'agent' }, 'maya').reopenRate).toEqual({ count: 1, of: 1, pct: 100 })
    expect(row(f, { by: 'agent' }, 'liam').reopenRate).toEqual({ count: 0, of: 1, pct: 0 })
    expect(total(f).reopenRate).toEqual({ count: 1, of: 1, pct: 100 })
  })
})

describe('SLA compliance %', () => {
  it('first response SLA: met, missed (late or never answered and past due) over targets due in the period', () => {
    const f = [
      fact({ id: 'met', firstResponseDueAt: h(5), firstResponse: act(4, 'maya') }),
      fact({ id: 'on-the-dot', firstResponseDueAt: h(5), firstResponse: act(5, 'maya') }),
      fact({ id: 'late', firstResponseDueAt: h(5), firstResponse: act(7, 'maya') }),
      fact({ id: 'never', status: 'open', firstResponseDueAt: h(6), firstResponse: null }),
      fact({ id: 'due-later', firstResponseDueAt: h(30), firstResponse: act(2, 'maya') })
    ]
    expect(total(f).slaFirstResponse).toEqual({ count: 2, of: 4, pct: 50 })
    expect(figureItems(f, opts(), null, 'slaFirstResponse')).toEqual(['met', 'on-the-dot', 'late', 'never'])
  })

  it('a target due in the period but not yet met and not yet past now is left out (undecided), not counted as missed', () => {
    const f = [fact({ status: 'open', firstResponseDueAt: h(20), resolutionDueAt: h(22), firstResponse: null })]
    const fig = total(f, { now: h(10) })
    expect(fig.slaFirstResponse).toEqual({ count: 0, of: 0, pct: null })
    expect(fig.slaResolution).toEqual({ count: 0, of: 0, pct: null })
    expect(total(f, { now: h(21) }).slaFirstResponse).toEqual({ count: 0, of: 1, pct: 0 })
  })

  it('resolution SLA is met by the latest resolution of an item that is resolved now; reopened and still open past due is missed', () => {
    const f = [
      fact({ id: 'met', resolutionDueAt: h(10), resolutions: [act(9, 'maya')] }),
      fact({ id: 'late-after-reopen', resolutionDueAt: h(10), resolutions: [act(5, 'maya'), act(12, 'maya')], reopens: [act(6, 'maya')] }),
      fact({ id: 'reopened-open', status: 'open', resolutionDueAt: h(10), resolutions: [act(5, 'maya')], reopens: [act(6, 'maya')] }),
      fact({ id: 'closed', status: 'closed', resolutionDueAt: h(10), resolutions: [act(8, 'maya')] })
    ]
    expect(total(f).slaResolution).toEqual({ count: 2, of: 4, pct: 50 })
  })

  it('a missed target with no response counts for the assignee at the deadline; a late response for its sender', () => {
    const f = [
      fact({ assigneeId: 'maya', status: 'open', firstResponseDueAt: h(5), firstResponseDueAgentId: 'liam' }),
      fact({ assigneeId: 'maya', firstResponseDueAt: h(5), firstResponse: act(6, 'tomas') })
    ]
    expect(row(f, { by: 'agent' }, 'liam').slaFirstResponse).toEqual({ count: 0, of: 1, pct: 0 })
    expect(row(f, { by: 'agent' }, 'tomas').slaFirstResponse).toEqual({ count: 0, of: 1, pct: 0 })
    expect(row(f, { by: 'agent' }, 'maya').slaFirstResponse).toEqual({ count: 0, of: 0, pct: null })
  })
})

describe('Volume', () => {
  it('volume is the items created (first contact) in the period', () => {
    const f = [fact({ firstContactAt: h(0) }), fact({ firstContactAt: h(23.9) }), fact({ firstContactAt: h(24) }), fact({ firstContactAt: h(-1) })]
    expect(total(f).volume).toBe(2)
    expect(figureItems(f, opts(), null, 'volume')).toEqual([f[0]?.id, f[1]?.id])
  })

  it('for an agent, volume is the items the agent worked (resolved or escalated in the period)', () => {
    const f = [
      fact({ firstContactAt: h(-50), resolutions: [act(2, 'maya')] }),
      fact({ firstContactAt: h(1), escalations: [act(2, 'maya')], status: 'open', assigneeId: 'tomas' }),
      fact({ firstContactAt: h(1), assigneeId: 'maya', status: 'open' })
    ]
    expect(row(f, { by: 'agent' }, 'maya').volume).toBe(2)
    expect(row(f, { by: 'agent' }, 'tomas').volume).toBe(0)
  })
})

describe('Backlog', () => {
  it('backlog is the items not resolved or closed now, by age from the first contact', () => {
    const now = h(200)
    const f = [
      fact({ status: 'new', firstContactAt: now - 23 * H }),
      fact({ status: 'open', firstContactAt: now - 1 * D }), // exactly 1 day: 1-3
      fact({ status: 'pending', firstContactAt: now - 3 * D + 1 }), // just under 3 days: 1-3
      fact({ status: 'open', firstContactAt: now - 3 * D }), // exactly 3 days: 3-7
      fact({ status: 'open', firstContactAt: now - 7 * D }), // exactly 7 days: over 7
      fact({ status: 'resolved', firstContactAt: now - 2 * D }),
      fact({ status: 'closed', firstContactAt: now - 2 * D })
    ]
    expect(total(f, { now }).backlog).toEqual({ count: 5, byAge: { under1d: 1, d1to3: 2, d3to7: 1, over7d: 1 } })
  })

  it('backlog is not cut by the period and counts for the current assignee (unassigned under "no agent")', () => {
    const f = [fact({ status: 'open', firstContactAt: h(-500), assigneeId: 'liam' }), fact({ status: 'open', firstContactAt: h(-500), assigneeId: null })]
    expect(row(f, { by: 'agent' }, 'liam').backlog.count).toBe(1)
    expect(row(f, { by: 'agent' }, NO_AGENT_KEY).backlog.count).toBe(1)
  })
})

describe('No data', () => {
  it('no data is null, never 0: every ratio, score and duration of an empty set', () => {
    const fig = total([])
    expect(fig).toEqual(emptyFigureSet())
    expect(fig.csat.pct).toBeNull()
    expect(fig.nps.score).toBeNull()
    expect(fig.firstResponse.medianMs).toBeNull()
    expect(fig.firstResponse.p90Ms).toBeNull()
    expect(fig.resolution.medianMs).toBeNull()
    expect(fig.firstContactResolution.pct).toBeNull()
    expect(fig.escalationRate.pct).toBeNull()
    expect(fig.reopenRate.pct).toBeNull()
    expect(fig.slaFirstResponse.pct).toBeNull()
    expect(fig.slaResolution.pct).toBeNull()
    expect(fig.volume).toBe(0)
    expect(fig.backlog.count).toBe(0)
  })

  it('an agent with only a backlog has no data for the rest, and business times are null without a schedule', () => {
    const fig = row([fact({ status: 'open', assigneeId: 'liam' })], { by: 'agent' }, 'liam')
    expect(fig.csat).toEqual({ count: 0, of: 0, pct: null })
    expect(fig.resolution).toEqual({ count: 0, medianMs: null, p90Ms: null, business: null })
  })

  it('with a schedule set, business times of nothing are null too', () => {
    const fig = total([], { schedule: { timeZone: 'UTC', days: { 1: [{ start: 0, end: 1440 }] } } })
    expect(fig.firstResponse.business).toEqual({ medianMs: null, p90Ms: null })
  })
})

describe('Periods', () => {
  it('periods are half-open: an act at the start counts, an act at the end does not', () => {
    const f = [fact({ ratings: [rating('csat', 5, 0)] }), fact({ ratings: [rating('csat', 1, 24)] }), fact({ resolutions: [act(0, 'maya')] }), fact({ resolutions: [act(24, 'maya')] })]
    const fig = total(f)
    expect(fig.csat).toEqual({ count: 1, of: 1, pct: 100 })
    expect(fig.resolution.count).toBe(1)
  })

  it('a period whose start is not before its end is refused', () => {
    expect(() => computeFigures([], opts({ period: { from: h(5), to: h(5) } }))).toThrow(RangeError)
    expect(() => computeFigures([], opts({ period: { from: h(6), to: h(5) } }))).toThrow(RangeError)
  })
})

describe('Cuts', () => {
  const f = [
    fact({ id: 's-email', kind: 'service', channel: 'email', tier: null, ratings: [rating('csat', 5, 2, 'maya')] }),
    fact({ id: 's-chat', kind: 'service', channel: 'chat', tier: 1, ratings: [rating('csat', 1, 2, 'liam')] }),
    fact({ id: 't-email', kind: 'support', channel: 'email', tier: 2, ratings: [rating('csat', 4, 2, 'tomas')] }),
    fact({ id: 't-phone', kind: 'support', channel: 'phone', tier: 3, ratings: [rating('csat', 2, 2, null)] })
  ]
  const teams = new Map([
    ['maya', 'North'],
    ['liam', 'North'],
    ['tomas', 'Tech']
  ])

  it('cut by agent: one row per agent, acts with no agent under "no agent", sorted by key', () => {
    expect(keys(f, { by: 'agent' })).toEqual(['liam', 'maya', NO_AGENT_KEY, 'tomas'])
    expect(row(f, { by: 'agent' }, 'maya').csat).toEqual({ count: 1, of: 1, pct: 100 })
  })

  it('cut by team: by the team of the agent, agents without one under "no team"', () => {
    expect(keys(f, { by: 'team', teams })).toEqual(['North', 'Tech', NO_TEAM_KEY])
    expect(row(f, { by: 'team', teams }, 'North').csat).toEqual({ count: 1, of: 2, pct: 50 })
    expect(row(f, { by: 'team', teams }, NO_TEAM_KEY).csat).toEqual({ count: 0, of: 1, pct: 0 })
  })

  it('cut by kind', () => {
    expect(keys(f, { by: 'kind' })).toEqual(['service', 'support'])
    expect(row(f, { by: 'kind' }, 'support').csat).toEqual({ count: 1, of: 2, pct: 50 })
  })

  it('cut by channel', () => {
    expect(keys(f, { by: 'channel' })).toEqual(['chat', 'email', 'phone'])
    expect(row(f, { by: 'channel' }, 'email').csat).toEqual({ count: 2, of: 2, pct: 100 })
  })

  it('cut by tier: "tier1".."tier3" by the tier reached, "none" for items never sent to support', () => {
    expect(keys(f, { by: 'tier' })).toEqual(['none', 'tier1', 'tier2', 'tier3'])
    expect(row(f, { by: 'tier' }, 'none').csat.of).toBe(1)
  })

  it('the rows of a cut add up to the uncut figure for item-attribute cuts', () => {
    for (const by of ['kind', 'channel', 'tier'] as const) {
      const rows = computeFigures(f, opts({ by }))
      expect(rows.reduce((s, r) => s + r.figures.csat.of, 0)).toBe(total(f).csat.of)
    }
  })
})

describe('Filters', () => {
  const f = [
    fact({ kind: 'service', channel: 'email', tier: null, ratings: [rating('csat', 5, 2, 'maya')] }),
    fact({ kind: 'support', channel: 'chat', tier: 1, ratings: [rating('csat', 1, 2, 'tomas')] }),
    fact({ kind: 'support', channel: 'email', tier: 2, ratings: [rating('csat', 4, 2, 'tomas')] })
  ]
  const teams = new Map([
    ['maya', 'North'],
    ['tomas', 'Tech']
  ])

  it('filter by kind', () => {
    expect(total(f, { filter: { kind: 'support' } }).csat).toEqual({ count: 1, of: 2, pct: 50 })
  })

  it('filter by channel', () => {
    expect(total(f, { filter: { channel: 'email' } }).csat).toEqual({ count: 2, of: 2, pct: 100 })
  })

  it('filter by tier, and by "none" for items never sent to support', () => {
    expect(total(f, { filter: { tier: 2 } }).csat).toEqual({ count: 1, of: 1, pct: 100 })
    expect(total(f, { filter: { tier: 'none' } }).csat).toEqual({ count: 1, of: 1, pct: 100 })
  })

  it('filter by team keeps only acts by agents of the team (and volume becomes items worked)', () => {
    const g = [...f, fact({ firstContactAt: h(2), resolutions: [act(3, 'tomas')] }), fact({ firstContactAt: h(2), resolutions: [act(3, 'maya')] })]
    const fig = total(g, { filter: { team: 'Tech' }, teams })
    expect(fig.csat).toEqual({ count: 1, of: 2, pct: 50 })
    expect(fig.resolution.count).toBe(1)
    expect(fig.volume).toBe(1)
  })

  it('a team filter without the agents\u2019 teams is refused rather than silently empty', () => {
    expect(() => computeFigures(f, opts({ filter: { team: 'Tech' } }))).toThrow(RangeError)
  })

  it('filters combine with a cut', () => {
    expect(keys(f, { by: 'agent', filter: { kind: 'support' } })).toEqual(['tomas'])
  })
})

describe('Drill-down', () => {
  const f = [
    fact({ id: 'rated', ratings: [rating('csat', 5, 2), rating('nps', 3, 2)], resolutions: [act(1.5, 'maya')], publicAgentReplies: 1, firstResponse: act(1.2, 'maya') }),
    fact({ id: 'unrated', resolutions: [act(3, 'maya')], reopens: [act(30, 'maya')], status: 'open' }),
    fact({ id: 'escalated', status: 'open', escalations: [act(2, 'maya')], assigneeId: 'tomas' }),
    fact({ id: 'liams', resolutions: [act(3, 'liam')], ratings: [rating('csat', 1, 4, 'liam')] })
  ]
  const by = { by: 'agent' as const }

  it('drill-down lists the items behind each number of an agent', () => {
    expect(figureItems(f, opts(by), 'maya', 'csat')).toEqual(['rated'])
    expect(figureItems(f, opts(by), 'maya', 'nps')).toEqual(['rated'])
    expect(figureItems(f, opts(by), 'maya', 'firstResponse')).toEqual(['rated'])
    expect(figureItems(f, opts(by), 'maya', 'resolution')).toEqual(['rated', 'unrated'])
    expect(figureItems(f, opts(by), 'maya', 'firstContactResolution')).toEqual(['rated', 'unrated'])
    expect(figureItems(f, opts(by), 'maya', 'reopenRate')).toEqual(['rated', 'unrated'])
    expect(figureItems(f, opts(by), 'maya', 'escalationRate')).toEqual(['rated', 'unrated', 'escalated'])
    expect(figureItems(f, opts(by), 'maya', 'volume')).toEqual(['rated', 'unrated', 'escalated'])
    expect(figureItems(f, opts(by), 'tomas', 'backlog')).toEqual(['escalated'])
    expect(figureItems(f, opts(by), 'liam', 'csat')).toEqual(['liams'])
  })

  it('drill-down of an uncut figure uses the null key', () => {
    expect(figureItems(f, opts(), null, 'csat')).toEqual(['rated', 'liams'])
    expect(figureItems(f, opts(), 'maya', 'csat')).toEqual([])
  })
})

/** A small seeded generator of varied facts, for the properties below. */
function generated(n: number, seed: number): ItemFacts[] {
  let s = seed >>> 0
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
  const agents = ['maya', 'liam', 'tomas', 'hannah', null] as const
  const out: ItemFacts[] = []
  for (let i = 0; i < n; i++) {
    const start = h(-200 + rnd() * 260)
    const t = (after: number) => after + rnd() * 40 * H
    const fr = rnd() < 0.8 ? { at: t(start), agentId: pick(agents) } : null
    const resolutions: Act[] = []
    const reopens: Act[] = []
    let cur = start
    const rounds = Math.floor(rnd() * 3)
    for (let r = 0; r < rounds; r++) {
      cur = t(cur)
      resolutions.push({ at: cur, agentId: pick(agents) })
      if (r < rounds - 1 || rnd() < 0.2) {
        cur = t(cur)
        reopens.push({ at: cur, agentId: pick(agents) })
      }
    }
    const open = resolutions.length === 0 || reopens.length === resolutions.length
    out.push(
      fact({
        id: `g${i}`,
        kind: pick(['service', 'support'] as const),
        channel: pick(['email', 'chat', 'phone'] as const),
        tier: pick([null, 1, 2, 3] as const),
        status: open ? pick(['new', 'open', 'pending'] as const) : pick(['resolved', 'closed'] as const),
        assigneeId: pick(agents),
        firstContactAt: start,
        firstResponse: fr,
        resolutions,
        reopens,
        escalations: rnd() < 0.3 ? [{ at: t(start), agentId: pick(agents) }] : [],
        handBacks: rnd() < 0.1 ? [{ at: t(start), agentId: pick(agents) }] : [],
        publicAgentReplies: Math.floor(rnd() * 3),
        ratings: rnd() < 0.5 ? [{ kind: pick(['csat', 'nps'] as const), score: Math.floor(rnd() * 6), at: t(start), agentId: pick(agents) }] : [],
        firstResponseDueAt: start + 4 * H,
        resolutionDueAt: start + 48 * H,
        firstResponseDueAgentId: pick(agents),
        resolutionDueAgentId: pick(agents)
      })
    )
  }
  return out
}

describe('Consistency', () => {
  const facts = generated(400, 7)
  const teams = new Map([
    ['maya', 'North'],
    ['liam', 'North'],
    ['tomas', 'Tech']
  ])
  const cuts = [undefined, 'agent', 'team', 'kind', 'channel', 'tier'] as const

  it('feeding only the relevant items (the feeding rule) gives the same figures as feeding all', () => {
    const relevant = facts.filter((f) => isRelevant(f, DAY1))
    expect(relevant.length).toBeLessThan(facts.length)
    for (const by of cuts) {
      expect(computeFigures(relevant, opts({ by, teams }))).toEqual(computeFigures(facts, opts({ by, teams })))
    }
  })

  it('every drill-down lists as many items as the number it explains', () => {
    for (const by of cuts) {
      for (const { key, figures: g } of computeFigures(facts, opts({ by, teams }))) {
        const n = (name: Parameters<typeof figureItems>[3]) => figureItems(facts, opts({ by, teams }), key, name).length
        expect(n('csat')).toBe(g.csat.of)
        expect(n('nps')).toBe(g.nps.count)
        expect(n('firstResponse')).toBe(g.firstResponse.count)
        expect(n('resolution')).toBe(g.resolution.count)
        expect(n('firstContactResolution')).toBe(g.firstContactResolution.of)
        expect(n('reopenRate')).toBe(g.reopenRate.of)
        expect(n('escalationRate')).toBe(g.escalationRate.of)
        expect(n('slaFirstResponse')).toBe(g.slaFirstResponse.of)
        expect(n('slaResolution')).toBe(g.slaResolution.of)
        expect(n('volume')).toBe(g.volume)
        expect(n('backlog')).toBe(g.backlog.count)
      }
    }
  })

  it('the agent rows share out the uncut ratings, first responses and backlog exactly', () => {
    const all = total(facts)
    const rows = computeFigures(facts, opts({ by: 'agent' }))
    const sum = (get: (g: FigureSet) => number) => rows.reduce((s, r) => s + get(r.figures), 0)
    expect(sum((g) => g.csat.of)).toBe(all.csat.of)
    expect(sum((g) => g.nps.count)).toBe(all.nps.count)
    expect(sum((g) => g.firstResponse.count)).toBe(all.firstResponse.count)
    expect(sum((g) => g.resolution.count)).toBe(all.resolution.count)
    expect(sum((g) => g.backlog.count)).toBe(all.backlog.count)
    expect(sum((g) => g.escalationRate.count)).toBe(all.escalationRate.count)
  })
})

describe('isRelevant (the feeding rule)', () => {
  const quiet = (over: Partial<ItemFacts>) => fact({ status: 'closed', firstContactAt: h(-100), ...over })
  it('an item with nothing in the period and not open is not relevant', () => {
    expect(isRelevant(quiet({}), DAY1)).toBe(false)
  })
  it('an item is relevant for each thing of it in the period, and when open now', () => {
    expect(isRelevant(quiet({ status: 'open' }), DAY1)).toBe(true)
    expect(isRelevant(quiet({ firstContactAt: h(0) }), DAY1)).toBe(true)
    expect(isRelevant(quiet({ firstResponse: act(3, 'maya') }), DAY1)).toBe(true)
    expect(isRelevant(quiet({ resolutions: [act(3, 'maya')] }), DAY1)).toBe(true)
    expect(isRelevant(quiet({ reopens: [act(3, 'maya')] }), DAY1)).toBe(true)
    expect(isRelevant(quiet({ escalations: [act(3, 'maya')] }), DAY1)).toBe(true)
    expect(isRelevant(quiet({ handBacks: [act(3, 'maya')] }), DAY1)).toBe(true)
    expect(isRelevant(quiet({ ratings: [rating('csat', 4, 3)] }), DAY1)).toBe(true)
    expect(isRelevant(quiet({ firstResponseDueAt: h(3) }), DAY1)).toBe(true)
    expect(isRelevant(quiet({ resolutionDueAt: h(3) }), DAY1)).toBe(true)
    expect(isRelevant(quiet({ resolutions: [act(24, 'maya')] }), DAY1)).toBe(false)
  })
})
