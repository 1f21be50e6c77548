/**
 * GET /v1/figures/escalations over real HTTP, on both stores, computed by the one implementation
 * (the report's per-agent rows): a resolution counts as worked for the assignee at the resolution
 * (not the supervisor who resolved it), hand-backs and de-escalations are counted apart, and the
 * numbers equal the supervisor view's (POST /v1/figures/report).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EscalationFigures } from '../../src/shared/domain/figures/escalations'
import type { FiguresReportResponse } from '../../src/shared/sync/figures-protocol'
import { BACKENDS, TEAM, addAgents, startTestServer, type TestServer } from './support/servers'
import { call, createItemArgs, mutation, newClientId } from './support/http'

const DAY = 86_400_000

describe.each(BACKENDS)('escalation figures route (%s)', (backend) => {
  let server: TestServer
  let cred: Record<string, string>
  const today = Math.floor(Date.now() / DAY) * DAY
  const from = new Date(today - DAY).toISOString()
  const to = new Date(today + 2 * DAY).toISOString()
  const escalations = (credential: string, query = '') =>
    call<{ from: string; to: string; figures: EscalationFigures[] }>(server.url, `/v1/figures/escalations?from=${from}&to=${to}${query}`, { credential })

  beforeAll(async () => {
    server = await startTestServer(backend)
    cred = await addAgents(server.store, TEAM)
    const seqs: Record<string, number> = { dana: 0, sam: 0, lee: 0 }
    const clients: Record<string, string> = { dana: newClientId(), sam: newClientId(), lee: newClientId() }
    const push = async (actor: string, name: string, args: unknown) => {
      const m = mutation(++seqs[actor]!, actor, name, args)
      const res = await call<{ results: { outcome: string }[] }>(server.url, '/v1/push', { credential: cred[actor]!, body: { clientId: clients[actor], mutations: [m] } })
      expect(res.status).toBe(200)
      expect(res.body.results[0]!.outcome, `${name} by ${actor}`).toBe('applied')
      return m.mutationId
    }
    // Dana: item 1 escalated to Sam (tier 1), who hands it back; item 2 is Dana's, resolved by Lee (supervisor).
    const one = await push('dana', 'item.create', { ...createItemArgs('App crashes'), assignToMe: true })
    await push('dana', 'item.escalateToSupport', { itemId: one, reasonCode: 'technical', summary: 'Needs a specialist.', assigneeId: 'sam', expectedQueue: 'service', expectedTier: null })
    await push('sam', 'item.handBack', { itemId: one, reasonCode: 'resolved-technical', summary: 'Fixed on our side; please tell the customer.', expectedQueue: 'tier1', expectedTier: 1 })
    const two = await push('dana', 'item.create', { ...createItemArgs('Refund please'), assignToMe: true })
    await push('lee', 'item.setStatus', { itemId: two, status: 'resolved' })
  })
  afterAll(async () => server?.stop())

  it("counts Lee's resolution of Dana's item as worked by Dana; hand-backs apart; nothing for Lee", async () => {
    const res = await escalations(cred.lee!)
    expect(res.status).toBe(200)
    expect(res.body.figures).toEqual([
      { agentId: 'dana', escalations: 1, handBacks: 0, deescalations: 0, itemsWorked: 2, escalationRatePct: 50 },
      { agentId: 'sam', escalations: 0, handBacks: 1, deescalations: 0, itemsWorked: 0, escalationRatePct: null }
    ])
  })

  it('gives the same numbers as the supervisor view, and an agent only their own line', async () => {
    const report = await call<FiguresReportResponse>(server.url, '/v1/figures/report', { credential: cred.lee!, body: { from, to, by: 'agent' } })
    expect(report.status).toBe(200)
    const dana = report.body.rows.find((r) => r.key === 'dana')!.figures.escalationRate
    const mine = await escalations(cred.dana!, '&agentId=dana')
    expect(mine.body.figures).toEqual([{ agentId: 'dana', escalations: dana.count, handBacks: dana.handBacks, deescalations: 0, itemsWorked: dana.of, escalationRatePct: dana.pct }])
  })
})
