/**
 * POST /v1/figures/report and /v1/figures/items over real HTTP, on both stores: who may ask what
 * (a supervisor anything; another agent only their own row, by agent), refusals (401, 403, 400),
 * and `cli report` printing the same numbers as the route for the same range, as JSON and CSV.
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runReportCommand } from '../../src/server/cli/report'
import { figuresItemsResponse, figuresReportResponse, type FiguresReportResponse } from '../../src/shared/sync/figures-protocol'
import { BACKENDS, TEAM, addAgents, startTestServer, type TestServer } from './support/servers'
import { call, createItemArgs, mutation, newClientId } from './support/http'

const DAY = 86_400_000

describe.each(BACKENDS)('figures routes over HTTP (%s)', (backend) => {
  let server: TestServer
  let cred: Record<string, string>
  const items: string[] = []
  // A range around now, at whole UTC days, so `cli report` can name it by dates.
  const today = Math.floor(Date.now() / DAY) * DAY
  const from = new Date(today - DAY).toISOString()
  const to = new Date(today + 2 * DAY).toISOString()
  const cliRange = ['--from', from.slice(0, 10), '--to', new Date(today + DAY).toISOString().slice(0, 10)]

  const report = (credential: string | null, body: unknown) => call<FiguresReportResponse>(server.url, '/v1/figures/report', { credential, body })
  const drill = (credential: string | null, body: unknown) => call(server.url, '/v1/figures/items', { credential, body })

  beforeAll(async () => {
    server = await startTestServer(backend)
    cred = await addAgents(server.store, TEAM)
    await server.store.setTeam('dana', 'Frontline')
    await server.store.setTeam('sam', 'Support')
    const dana = newClientId()
    let seq = 0
    const push = async (clientId: string, credential: string, actor: string, name: string, args: unknown) => {
      const m = mutation(++seq, actor, name, args)
      const res = await call<{ results: { outcome: string }[] }>(server.url, '/v1/push', { credential, body: { clientId, mutations: [m] } })
      expect(res.status).toBe(200)
      expect(res.body.results[0]!.outcome).toBe('applied')
      return m.mutationId
    }
    for (const subject of ['Charged twice', 'Refund please', 'Where is it']) {
      const id = await push(dana, cred.dana!, 'dana', 'item.create', { ...createItemArgs(subject), assignToMe: true })
      items.push(id)
      await push(dana, cred.dana!, 'dana', 'item.reply', { itemId: id, body: 'Looking into it.' })
    }
    await push(dana, cred.dana!, 'dana', 'item.setStatus', { itemId: items[0], status: 'resolved' })
    await push(dana, cred.dana!, 'dana', 'item.recordRating', { itemId: items[0], kind: 'csat', score: 4 })
    await push(dana, cred.dana!, 'dana', 'item.escalateToSupport', {
      itemId: items[1],
      reasonCode: 'technical',
      summary: 'Needs a specialist.',
      assigneeId: 'sam',
      expectedQueue: 'service',
      expectedTier: null
    })
  })
  afterAll(async () => server?.stop())

  it('gives a supervisor every agent, labelled, valid by the protocol', async () => {
    const res = await report(cred.lee!, { from, to, by: 'agent' })
    expect(res.status).toBe(200)
    const body = figuresReportResponse.parse(res.body)
    const dana = body.rows.find((r) => r.key === 'dana')!
    expect(dana.label).toBe('Dana Reyes')
    expect(dana.figures.csat).toEqual({ count: 1, of: 1, pct: 100 })
    expect(dana.figures.firstResponse.count).toBe(3)
    expect(dana.figures.escalationRate).toEqual({ count: 1, of: 2, pct: 50, handBacks: 0 })
    expect(dana.figures.backlog.count).toBe(1)
    expect(body.rows.find((r) => r.key === 'sam')!.figures.backlog.count).toBe(1)
    const teams = figuresReportResponse.parse((await report(cred.lee!, { from, to, by: 'team' })).body)
    expect(teams.rows.map((r) => r.label).sort()).toEqual(['Frontline', 'Support'])
  })

  it('gives another agent their own row only, and refuses any other cut or anyone else’s items with 403', async () => {
    const own = await report(cred.dana!, { from, to, by: 'agent' })
    expect(own.status).toBe(200)
    expect(own.body.rows.map((r) => r.key)).toEqual(['dana'])
    const sam = await report(cred.sam!, { from, to, by: 'agent' })
    expect(sam.body.rows.map((r) => r.key)).toEqual(['sam'])
    const mei = await report(cred.mei!, { from, to, by: 'agent' })
    expect(mei.body.rows).toEqual([])
    for (const by of ['team', 'kind', 'channel', 'tier']) {
      const refused = await report(cred.dana!, { from, to, by })
      expect(refused.status, by).toBe(403)
      expect(refused.body).toMatchObject({ error: { code: 'forbidden' } })
    }
    const mine = await drill(cred.dana!, { from, to, by: 'agent', key: 'dana', figure: 'volume' })
    expect(mine.status).toBe(200)
    expect(figuresItemsResponse.parse(mine.body).total).toBe(2)
    expect((await drill(cred.dana!, { from, to, by: 'agent', key: 'sam', figure: 'backlog' })).status).toBe(403)
    expect((await drill(cred.dana!, { from, to, by: 'kind', key: 'service', figure: 'volume' })).status).toBe(403)
  })

  it('drills down for a supervisor: the items behind a number, newest first', async () => {
    const res = await drill(cred.lee!, { from, to, by: 'kind', key: 'service', figure: 'volume' })
    expect(res.status).toBe(200)
    const body = figuresItemsResponse.parse(res.body)
    expect(body.total).toBe(2)
    expect(body.items.map((i) => i.id)).toEqual([items[2], items[0]])
    expect(body.items[0]).toMatchObject({ subject: 'Where is it', kind: 'service', channel: 'email', status: 'open' })
  })

  it('refuses a call without a credential with 401, and a bad range or body with 400', async () => {
    expect((await report(null, { from, to, by: 'agent' })).status).toBe(401)
    expect((await drill(null, { from, to, by: 'agent', key: 'dana', figure: 'csat' })).status).toBe(401)
    const backwards = await report(cred.lee!, { from: to, to: from, by: 'agent' })
    expect(backwards.status).toBe(400)
    expect(backwards.body).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining('`from` must be before `to`') } })
    const long = await report(cred.lee!, { from: '2025-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z', by: 'agent' })
    expect(long.status).toBe(400)
    expect((await report(cred.lee!, { from, to, by: 'weekday' })).status).toBe(400)
    expect((await drill(cred.lee!, { from, to, by: 'agent', key: 'dana', figure: 'happiness' })).status).toBe(400)
    expect((await report(cred.lee!, { from: 'yesterday', to, by: 'agent' })).status).toBe(400)
  })

  it('cli report prints the route’s numbers for the same range, as JSON and as CSV', async () => {
    for (const by of ['agent', 'team', 'channel'] as const) {
      const route = figuresReportResponse.parse((await report(cred.lee!, { from, to, by, filter: { kind: 'service' } })).body)
      const lines: string[] = []
      await runReportCommand(server.store, [...cliRange, '--by', by, '--kind', 'service', '--format', 'json'], { out: (l) => lines.push(l) }, false)
      const cli = figuresReportResponse.parse(JSON.parse(lines.join('\n')))
      expect({ ...cli, asOf: null }).toEqual({ ...route, asOf: null })

      const csvLines: string[] = []
      await runReportCommand(server.store, [...cliRange, '--by', by, '--kind', 'service', '--format', 'csv'], { out: (l) => csvLines.push(l) }, false)
      const records = parseCsv(csvLines.join('\n'), { columns: true }) as Record<string, string>[]
      expect(records.map((r) => r.key)).toEqual(route.rows.map((r) => r.key ?? ''))
      for (const [i, row] of route.rows.entries()) {
        const rec = records[i]!
        expect(rec.label).toBe(row.label)
        expect(rec.csat_pct).toBe(row.figures.csat.pct === null ? '' : String(Math.round(row.figures.csat.pct * 100) / 100))
        expect(rec.csat_responses).toBe(String(row.figures.csat.of))
        expect(rec.first_response_count).toBe(String(row.figures.firstResponse.count))
        expect(rec.first_response_median_min).toBe(row.figures.firstResponse.medianMs === null ? '' : String(Math.round((row.figures.firstResponse.medianMs / 60_000) * 100) / 100))
        expect(rec.escalations).toBe(String(row.figures.escalationRate.count))
        expect(rec.volume).toBe(String(row.figures.volume))
        expect(rec.backlog).toBe(String(row.figures.backlog.count))
      }
    }
  })
})
