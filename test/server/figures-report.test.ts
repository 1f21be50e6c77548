/**
 * The server's figures report and drill-down over a small hand-built store, on PostgreSQL and on
 * PGlite: every item is pushed through the real push path (the server's clock pinned to the
 * story's times), and the numbers below were worked out by hand from the story.
 *
 * Agents: Ann (service, team North), Bob (service, team South), Tia (support tier 1, team
 * South), Sue (supervisor, no team). Period: Mon 2026-11-02 .. Mon 2026-11-09 (UTC), now = 11-10.
 *   A  email, Ann's: created 11-02 09:00, Ann replies 10:00, resolves 11:00; CSAT 5, NPS 9 at 12:00.
 *   B  chat, Bob's: created 11-03 09:00, Bob replies 09:30 and 10:00, resolves 11:00; CSAT 2, NPS 3
 *      at 12:00; reopened 11-04 09:00, resolved again 10:00 (latest resolution: 25 h after contact).
 *   C  email, Ann's: created 11-05 09:00, Ann escalates to support (tier 1, to Tia) 09:15, Tia
 *      replies 10:00, resolves 13:00 (it is a support ticket now).
 *   D  phone call logged by Bob 11-06 14:00, resolved in the same contact.
 *   E  email created by Sue 11-07 09:00, nobody's, never answered: first response due 13:00, missed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { randomUUID } from 'node:crypto'
import { openStore, type AgentRecord, type ServerStore } from '../../src/server/store'
import { figuresDrill, figuresReport } from '../../src/server/store/figures'
import { refreshFacts, relevantFacts } from '../../src/server/store/figures-facts'
import { DEFAULT_SLA_POLICY } from '../../src/shared/domain/sla'
import { figuresReportResponse, type FiguresReportRequest, type FiguresReportResponse } from '../../src/shared/sync/figures-protocol'
import type { PushedMutation } from '../../src/shared/sync/protocol'
import { freshDatabase } from '../support/pg-database'

const backends = [
  { name: 'postgres', open: async () => openStore({ databaseUrl: await freshDatabase('figures') }) },
  { name: 'pglite', open: () => openStore() }
] as const

const H = 3_600_000
const M = 60_000
const FROM = '2026-11-02T00:00:00.000Z'
const TO = '2026-11-09T00:00:00.000Z'
const NOW = Date.parse('2026-11-10T00:00:00.000Z')

class Agent {
  readonly clientId = randomUUID()
  seq = 0
  constructor(
    readonly store: ServerStore,
    readonly agent: AgentRecord
  ) {}
  /** Pushes one mutation at the given time (the server's clock) and returns its id. */
  async at(time: string, name: string, args: unknown): Promise<string> {
    vi.setSystemTime(new Date(time))
    const m: PushedMutation = { seq: ++this.seq, mutationId: randomUUID(), name, args, actorId: this.agent.id, clientTime: time }
    const res = await this.store.push(this.agent, { clientId: this.clientId, mutations: [m] })
    expect(res.results[0]?.outcome, `${name} ${JSON.stringify(res.results[0])}`).toBe('applied')
    return m.mutationId
  }
}

const create = (subject: string, channel = 'email', assignToMe = true) => ({
  kind: 'service',
  category: 'order',
  channel,
  subject,
  body: `About ${subject}`,
  customer: { type: 'new', name: 'Cleo Customer' },
  assignToMe
})

type Row = FiguresReportResponse['rows'][number]
const byKey = (res: FiguresReportResponse): Record<string, Row> => Object.fromEntries(res.rows.map((r) => [r.key ?? 'null', r]))

describe.each(backends)('server figures on $name', ({ name, open }) => {
  let store: ServerStore
  let ann: Agent, bob: Agent, tia: Agent, sue: Agent
  const ids: Record<string, string> = {}

  const report = async (over: Partial<FiguresReportRequest> = {}) =>
    figuresReportResponse.parse(await figuresReport(store.sql, { from: FROM, to: TO, by: 'agent', ...over }, { now: NOW }))

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    store = await open()
    const add = async (id: string, name: string, role: 'service' | 'support' | 'supervisor', tiers: (1 | 2 | 3)[], team?: string) =>
      new Agent(store, (await store.addAgent({ id, name, email: `${id}@example.com`, role, tiers, admin: false, ...(team ? { team } : {}) })).agent)
    ann = await add('ann', 'Ann Archer', 'service', [], 'North')
    bob = await add('bob', 'Bob Baker', 'service', [], 'South')
    tia = await add('tia', 'Tia Turner', 'support', [1], 'South')
    sue = await add('sue', 'Sue Super', 'supervisor', [])

    ids.A = await ann.at('2026-11-02T09:00:00.000Z', 'item.create', create('A'))
    await ann.at('2026-11-02T10:00:00.000Z', 'item.reply', { itemId: ids.A, body: 'On its way.' })
    await ann.at('2026-11-02T11:00:00.000Z', 'item.setStatus', { itemId: ids.A, status: 'resolved' })
    await ann.at('2026-11-02T12:00:00.000Z', 'item.recordRating', { itemId: ids.A, kind: 'csat', score: 5 })
    await ann.at('2026-11-02T12:00:00.000Z', 'item.recordRating', { itemId: ids.A, kind: 'nps', score: 9 })

    ids.B = await bob.at('2026-11-03T09:00:00.000Z', 'item.create', create('B', 'chat'))
    await bob.at('2026-11-03T09:30:00.000Z', 'item.reply', { itemId: ids.B, body: 'Looking.' })
    await bob.at('2026-11-03T10:00:00.000Z', 'item.reply', { itemId: ids.B, body: 'Fixed.' })
    await bob.at('2026-11-03T11:00:00.000Z', 'item.setStatus', { itemId: ids.B, status: 'resolved' })
    await bob.at('2026-11-03T12:00:00.000Z', 'item.recordRating', { itemId: ids.B, kind: 'csat', score: 2 })
    await bob.at('2026-11-03T12:00:00.000Z', 'item.recordRating', { itemId: ids.B, kind: 'nps', score: 3 })
    await bob.at('2026-11-04T09:00:00.000Z', 'item.setStatus', { itemId: ids.B, status: 'open' })
    await bob.at('2026-11-04T10:00:00.000Z', 'item.setStatus', { itemId: ids.B, status: 'resolved' })

    ids.C = await ann.at('2026-11-05T09:00:00.000Z', 'item.create', create('C'))
    await ann.at('2026-11-05T09:15:00.000Z', 'item.escalateToSupport', {
      itemId: ids.C,
      reasonCode: 'technical',
      summary: 'Cannot log in after the update.',
      assigneeId: 'tia',
      expectedQueue: 'service',
      expectedTier: null
    })
    await tia.at('2026-11-05T10:00:00.000Z', 'item.reply', { itemId: ids.C, body: 'Try now.' })
    await tia.at('2026-11-05T13:00:00.000Z', 'item.setStatus', { itemId: ids.C, status: 'resolved' })

    ids.D = await bob.at('2026-11-06T14:00:00.000Z', 'item.logContact', {
      channel: 'phone',
      category: 'billing',
      subject: 'D',
      summary: 'Explained the invoice.',
      outcome: 'resolved',
      customer: { type: 'new', name: 'Dan Caller' }
    })
    ids.E = await sue.at('2026-11-07T09:00:00.000Z', 'item.create', create('E', 'email', false))
    vi.useRealTimers()
  })
  afterEach(async () => {
    vi.useRealTimers()
    await store.close()
  })

  it('reports by agent: the hand-worked figures of each agent, the unowned SLA miss and backlog under "no agent"', async () => {
    const res = await report()
    expect(res.from).toBe(FROM)
    expect(res.to).toBe(TO)
    expect(res.asOf).toBe(new Date(NOW).toISOString())
    const rows = byKey(res)
    expect(Object.keys(rows).sort()).toEqual(['ann', 'bob', 'no agent', 'tia'])
    expect(res.rows.map((r) => r.label)).toEqual(['Ann Archer', 'Bob Baker', 'No agent', 'Tia Turner'])

    const a = rows.ann!.figures
    expect(a.csat).toEqual({ count: 1, of: 1, pct: 100 })
    expect(a.nps).toEqual({ count: 1, promoters: 1, detractors: 0, score: 100 })
    expect(a.firstResponse).toMatchObject({ count: 1, medianMs: 1 * H, p90Ms: 1 * H })
    expect(a.resolution).toMatchObject({ count: 1, medianMs: 2 * H, p90Ms: 2 * H })
    expect(a.firstContactResolution).toEqual({ count: 1, of: 1, pct: 100 })
    expect(a.escalationRate).toEqual({ count: 1, of: 2, pct: 50, handBacks: 0 })
    expect(a.reopenRate).toEqual({ count: 0, of: 1, pct: 0 })
    expect(a.slaFirstResponse).toEqual({ count: 1, of: 1, pct: 100 })
    expect(a.slaResolution).toEqual({ count: 1, of: 1, pct: 100 })
    expect(a.volume).toBe(2)
    expect(a.backlog.count).toBe(0)

    const b = rows.bob!.figures
    expect(b.csat).toEqual({ count: 0, of: 1, pct: 0 })
    expect(b.nps).toEqual({ count: 1, promoters: 0, detractors: 1, score: -100 })
    expect(b.firstResponse).toMatchObject({ count: 2, medianMs: 15 * M, p90Ms: 30 * M })
    expect(b.resolution).toMatchObject({ count: 2, medianMs: 12.5 * H, p90Ms: 25 * H })
    expect(b.firstContactResolution).toEqual({ count: 1, of: 2, pct: 50 })
    expect(b.escalationRate).toEqual({ count: 0, of: 2, pct: 0, handBacks: 0 })
    expect(b.reopenRate).toEqual({ count: 1, of: 2, pct: 50 })
    expect(b.slaFirstResponse).toEqual({ count: 2, of: 2, pct: 100 })
    expect(b.slaResolution).toEqual({ count: 2, of: 2, pct: 100 })
    expect(b.volume).toBe(2)

    const t = rows.tia!.figures
    expect(t.csat).toEqual({ count: 0, of: 0, pct: null })
    expect(t.nps.score).toBeNull()
    expect(t.firstResponse).toMatchObject({ count: 1, medianMs: 1 * H })
    expect(t.resolution).toMatchObject({ count: 1, medianMs: 4 * H })
    expect(t.firstContactResolution).toEqual({ count: 0, of: 1, pct: 0 })
    expect(t.escalationRate).toEqual({ count: 0, of: 1, pct: 0, handBacks: 0 })

    const none = rows['no agent']!.figures
    expect(none.slaFirstResponse).toEqual({ count: 0, of: 1, pct: 0 })
    expect(none.firstResponse.count).toBe(0)
    expect(none.firstResponse.medianMs).toBeNull()
    expect(none.backlog).toEqual({ count: 1, byAge: { under1d: 0, d1to3: 1, d3to7: 0, over7d: 0 } })
  })

  it('reports by team: South is Bob and Tia together, North is Ann', async () => {
    const rows = byKey(await report({ by: 'team' }))
    expect(Object.keys(rows).sort()).toEqual(['North', 'South', 'no team'])
    expect(rows['no team']!.label).toBe('No team')
    const s = rows.South!.figures
    expect(s.firstResponse).toMatchObject({ count: 3, medianMs: 30 * M, p90Ms: 1 * H })
    expect(s.resolution).toMatchObject({ count: 3, medianMs: 4 * H, p90Ms: 25 * H })
    expect(s.firstContactResolution).toEqual({ count: 1, of: 3, pct: (1 * 100) / 3 })
    expect(s.reopenRate).toEqual({ count: 1, of: 3, pct: (1 * 100) / 3 })
    expect(s.volume).toBe(3)
    expect(rows.North!.figures.escalationRate).toEqual({ count: 1, of: 2, pct: 50, handBacks: 0 })
  })

  it('reports by kind, channel and tier: items created, with labels', async () => {
    const kind = await report({ by: 'kind' })
    expect(kind.rows.map((r) => [r.key, r.label, r.figures.volume])).toEqual([
      ['service', 'Service', 4],
      ['support', 'Support', 1]
    ])
    expect(byKey(kind).support!.figures.escalationRate).toEqual({ count: 1, of: 1, pct: 100, handBacks: 0 })

    const channel = byKey(await report({ by: 'channel' }))
    expect(Object.fromEntries(Object.entries(channel).map(([k, r]) => [k, [r.label, r.figures.volume]]))).toEqual({
      email: ['Email', 3],
      chat: ['Chat', 1],
      phone: ['Phone', 1]
    })
    const email = channel.email!.figures
    expect(email.firstResponse).toMatchObject({ count: 2, medianMs: 1 * H, p90Ms: 1 * H })
    expect(email.escalationRate).toEqual({ count: 1, of: 2, pct: 50, handBacks: 0 })
    expect(email.csat).toEqual({ count: 1, of: 1, pct: 100 })
    expect(email.backlog.count).toBe(1)

    const tier = await report({ by: 'tier' })
    expect(tier.rows.map((r) => [r.key, r.label, r.figures.volume])).toEqual([
      ['none', 'No tier', 4],
      ['tier1', 'Tier 1', 1]
    ])
  })

  it('applies a filter before grouping (email only, by agent)', async () => {
    const rows = byKey(await report({ filter: { channel: 'email' } }))
    expect(Object.keys(rows).sort()).toEqual(['ann', 'no agent', 'tia'])
    expect(rows.ann!.figures.firstResponse.count).toBe(1)
    expect(rows.ann!.figures.volume).toBe(2)
    expect(rows.tia!.figures.resolution).toMatchObject({ count: 1, medianMs: 4 * H })
  })

  it('a period with nothing in it has no rows but the backlog, and "no data" is null, not 0', async () => {
    const res = await report({ from: '2026-10-01T00:00:00.000Z', to: '2026-10-08T00:00:00.000Z' })
    expect(res.rows.map((r) => r.key)).toEqual(['no agent'])
    const f = res.rows[0]!.figures
    expect(f.backlog.count).toBe(1)
    expect(f.csat.pct).toBeNull()
    expect(f.firstResponse.medianMs).toBeNull()
  })

  it('keeps the cache right after more pushes: a rating, a reopen and a new item are all seen by the next report', async () => {
    expect(byKey(await report()).tia!.figures.csat.count).toBe(0)
    vi.useFakeTimers({ toFake: ['Date'] })
    // A rating writes no item update (updated_at stays): the feed still names the item.
    await tia.at('2026-11-05T14:00:00.000Z', 'item.recordRating', { itemId: ids.C!, kind: 'csat', score: 4 })
    await ann.at('2026-11-08T09:00:00.000Z', 'item.setStatus', { itemId: ids.A!, status: 'open' })
    await ann.at('2026-11-08T10:00:00.000Z', 'item.create', create('F'))
    vi.useRealTimers()
    const rows = byKey(await report())
    expect(rows.tia!.figures.csat).toEqual({ count: 1, of: 1, pct: 100 })
    expect(rows.ann!.figures.reopenRate).toEqual({ count: 1, of: 1, pct: 100 })
    expect(rows.ann!.figures.firstContactResolution).toEqual({ count: 0, of: 1, pct: 0 })
    expect(rows.ann!.figures.backlog.count).toBe(2)
    const again = await refreshFacts(store.sql, DEFAULT_SLA_POLICY)
    expect(again).toEqual({ refreshed: 0, rebuilt: false })
  })

  it('finds items written without a feed row (at most a minute later) and rebuilds when the SLA policy changes', async () => {
    await report()
    // A copy of E under a new id, written straight into the tables.
    await store.sql.query(`INSERT INTO items SELECT 'copy-of-e', kind, category, channel, customer_id, subject, status, priority, assignee_id, tier, queue, handoff_summary,
      queue_changed_by, queue_changed_at, sla_started_at, sla_responded_at, created_at, updated_at, first_response_at, resolved_at, sla_due_at FROM items WHERE id = $1`, [ids.E])
    await store.sql.query(`INSERT INTO messages SELECT id || '-copy', 'copy-of-e', kind, author_id, channel, body, created_at FROM messages WHERE item_id = $1`, [ids.E])
    // Within the minute after the last look, the count is not taken again: the copy is not seen yet.
    expect(await refreshFacts(store.sql, DEFAULT_SLA_POLICY, { checkMissing: false })).toEqual({ refreshed: 0, rebuilt: false })
    expect(await refreshFacts(store.sql, DEFAULT_SLA_POLICY, { checkMissing: true })).toEqual({ refreshed: 1, rebuilt: false })
    expect(byKey(await report())['no agent']!.figures.backlog.count).toBe(2)
    const changed = { ...DEFAULT_SLA_POLICY, service: { ...DEFAULT_SLA_POLICY.service, normal: { firstResponseMinutes: 30, resolutionMinutes: 60 } } }
    expect(await refreshFacts(store.sql, changed)).toEqual({ refreshed: 6, rebuilt: true })
  })

  it('the facts a process holds in memory follow a rebuild: after the SLA policy changes, the held deadlines are the new ones', async () => {
    await report()
    const period = { from: Date.parse(FROM), to: Date.parse(TO) }
    const before = (await relevantFacts(store.sql, period)).find((f) => f.id === ids.A)!
    expect(before.firstResponseDueAt).not.toBe(Date.parse('2026-11-02T09:30:00.000Z'))
    const changed = { ...DEFAULT_SLA_POLICY, service: { ...DEFAULT_SLA_POLICY.service, normal: { firstResponseMinutes: 30, resolutionMinutes: 60 } } }
    expect(await refreshFacts(store.sql, changed)).toMatchObject({ rebuilt: true })
    const after = await relevantFacts(store.sql, period)
    expect(after.find((f) => f.id === ids.A)!.firstResponseDueAt).toBe(Date.parse('2026-11-02T09:30:00.000Z'))
    expect(after.filter((f) => f.id === ids.A)).toHaveLength(1)
  })

  it('rebuilds in short transactions: a push made while a rebuild runs is not held up by it (PGlite: completes first), and the report then has both', async () => {
    await report()
    const changed = { ...DEFAULT_SLA_POLICY, service: { ...DEFAULT_SLA_POLICY.service, normal: { firstResponseMinutes: 30, resolutionMinutes: 60 } } }
    const order: string[] = []
    const rebuild = refreshFacts(store.sql, changed, { rebuildChunk: 1 }).then((r) => (order.push('rebuild'), r))
    vi.useFakeTimers({ toFake: ['Date'] })
    const pushed = tia.at('2026-11-05T14:00:00.000Z', 'item.recordRating', { itemId: ids.C!, kind: 'csat', score: 4 }).then(() => order.push('push'))
    const [outcome] = await Promise.all([rebuild, pushed])
    vi.useRealTimers()
    // PGlite has one connection: the push waits for one step only, so finishes first. PostgreSQL runs both side by side.
    if (name === 'pglite') expect(order).toEqual(['push', 'rebuild'])
    expect(outcome.rebuilt).toBe(true)
    expect(outcome.refreshed).toBeGreaterThanOrEqual(5)
    const period = { from: Date.parse(FROM), to: Date.parse(TO) }
    expect((await relevantFacts(store.sql, period)).find((f) => f.id === ids.A)!.firstResponseDueAt).toBe(Date.parse('2026-11-02T09:30:00.000Z'))
    // The report rebuilds back to the stored policy, and sees the rating pushed during the rebuild.
    expect(byKey(await report()).tia!.figures.csat).toEqual({ count: 1, of: 1, pct: 100 })
  })

  it('a one-off report (hold: false, as cli report) reads only its period and gives the same numbers as a held one', async () => {
    const q = { from: FROM, to: TO, by: 'agent' as const }
    const once = await figuresReport(store.sql, q, { now: NOW, hold: false, timings: {} })
    const timings: { facts?: number } = {}
    const held = await figuresReport(store.sql, q, { now: NOW, timings })
    expect(once).toEqual(held)
    expect(byKey(once).ann!.figures.firstResponse.count).toBe(1)
    // The held facts are every item's; the one-off read took the period's (here: all 5 too).
    expect(timings.facts).toBe(5)
  })

  it('drills down to the items behind a number, newest first, with the total', async () => {
    const q = { from: FROM, to: TO, by: 'agent' as const }
    const volume = await figuresDrill(store.sql, { ...q, key: 'ann', figure: 'volume' }, { now: NOW })
    expect(volume.total).toBe(2)
    expect(volume.items.map((i) => i.id)).toEqual([ids.C, ids.A])
    expect(volume.items[0]).toMatchObject({ subject: 'C', kind: 'support', channel: 'email', status: 'resolved', priority: 'normal', createdAt: '2026-11-05T09:00:00.000Z' })
    const reopened = await figuresDrill(store.sql, { ...q, key: 'bob', figure: 'reopenRate' }, { now: NOW })
    expect(reopened.items.map((i) => i.id).sort()).toEqual([ids.B, ids.D].sort())
    const backlog = await figuresDrill(store.sql, { ...q, key: 'no agent', figure: 'backlog' }, { now: NOW })
    expect(backlog).toMatchObject({ total: 1, items: [{ id: ids.E, subject: 'E' }] })
    expect(await figuresDrill(store.sql, { ...q, key: 'nobody', figure: 'csat' }, { now: NOW })).toEqual({ total: 0, items: [] })
  })
})

describe('server figures held in memory by two server processes on one PostgreSQL database', () => {
  it('the report of each process sees what the other pushed (it re-reads only the rows written since it last read)', async () => {
    const url = await freshDatabase('figures-two')
    const one = await openStore({ databaseUrl: url })
    const two = await openStore({ databaseUrl: url })
    try {
      const agent = (await one.addAgent({ id: 'ann', name: 'Ann Archer', email: 'ann@example.com', role: 'service', tiers: [], admin: false })).agent
      const ann = new Agent(one, agent)
      const q = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString(), by: 'agent' as const }
      const backlog = async (s: ServerStore) => byKey(figuresReportResponse.parse(await figuresReport(s.sql, q))).ann?.figures.backlog.count ?? 0
      await ann.at(new Date().toISOString(), 'item.create', create('first'))
      expect(await backlog(two)).toBe(1)
      expect(await backlog(one)).toBe(1)
      await new Agent(two, agent).at(new Date().toISOString(), 'item.create', create('second'))
      expect(await backlog(one)).toBe(2)
      await ann.at(new Date().toISOString(), 'item.create', create('third'))
      expect(await backlog(two)).toBe(3)
      expect(await backlog(one)).toBe(3)
    } finally {
      await one.close()
      await two.close()
    }
  })
})
