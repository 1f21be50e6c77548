/**
 * The supervisor view's core operations (figures.team, figures.teamItems) against the real sync
 * server over HTTP (PGlite store): a supervisor's console gets the server's report and keeps it;
 * another agent is refused; a local workspace is told to connect; with the server gone the
 * console answers from its cache with the server's "as of" time; the drill-down lists the items.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/core/core'
import { memoryVault } from '../../src/core/sync/credentials'
import { createSyncController } from '../../src/core/sync/controller'
import { openDatabase } from '../../src/core/infra/database'
import { teamFigureHandlers } from '../../src/core/figures/team'
import { personalFiguresArchive } from '../../src/core/figures/personal'
import type { Envelope, HandoffErrorData, InboxRow, SyncStatus, TeamFigures, TeamItems } from '../../src/shared/contract'
import type { FiguresReportResponse } from '../../src/shared/sync/figures-protocol'
import Database from 'better-sqlite3'
import { ok, tempFile } from '../core/helpers/workspace'
import { call } from './support/http'
import { TEAM, addAgents, startTestServer, type TestServer } from './support/servers'
import { until as waitUntil } from '../support/until'

let server: TestServer
let cred: Record<string, string>
const cores: Core[] = []
let dana: Core
let lee: Core
let itemId: string
let from: string
let to: string

const status = (c: Core) => ok<SyncStatus>(c.dispatch('sync.status', {}))
const failure = (e: Envelope<unknown>): HandoffErrorData => {
  if (e.ok) throw new Error(`Expected a refusal, got ${JSON.stringify(e.value).slice(0, 200)}`)
  return e.error
}

const until = (what: string, check: () => boolean | Promise<boolean>, ms = 20_000) => waitUntil(what, check, ms, 25)

const files = new Map<Core, string>()
async function consoleFor(agentId: string): Promise<Core> {
  const file = tempFile()
  const core = createCore({ file, vault: memoryVault(), sync: { pollMs: 500 } })
  files.set(core, file)
  cores.push(core)
  ok(await core.dispatch('sync.signIn', { serverUrl: server.url, credential: cred[agentId]! }))
  await until(`${agentId} online`, () => status(core).state === 'online')
  return core
}

beforeAll(async () => {
  server = await startTestServer('pglite')
  cred = await addAgents(server.store, TEAM)
  dana = await consoleFor('dana')
  lee = await consoleFor('lee')
  // Dana's day: a billing email she takes, answers once and resolves; a call she logs.
  itemId = ok<{ itemId: string }>(
    dana.dispatch('item.create', {
      kind: 'service',
      category: 'billing',
      channel: 'email',
      subject: 'Charged twice for one order',
      body: 'My card shows two charges.',
      customer: { type: 'new', name: 'Ann Smith', email: 'ann@example.com' },
      assignToMe: true
    })
  ).itemId
  ok(dana.dispatch('item.reply', { itemId, body: 'Refunding the second charge now.' }))
  ok(dana.dispatch('item.setStatus', { itemId, status: 'resolved' }))
  await until('dana confirmed', () => status(dana).pending === 0)
  const inbox = () => ok<{ rows: InboxRow[] }>(lee.dispatch('inbox.page', { filter: {}, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 50 })).rows
  await until('lee has the item', () => inbox().some((r) => r.id === itemId))
  to = new Date(Date.now() + 60_000).toISOString()
  from = new Date(Date.parse(to) - 7 * 86_400_000).toISOString()
}, 90_000)

afterAll(async () => {
  for (const c of cores) c.close()
  await server?.stop().catch(() => undefined)
})

describe('figures.team', () => {
  it('gives a supervisor the rows of the server’s report, from the server', async () => {
    const mine = ok<TeamFigures>(await lee.dispatch('figures.team', { from, to }))
    const direct = await call<FiguresReportResponse>(server.url, '/v1/figures/report', { credential: cred.lee!, body: { from, to, by: 'agent' } })
    expect(direct.status).toBe(200)
    expect(mine.source).toBe('server')
    expect(mine.offlineReason).toBeNull()
    expect(mine.by).toBe('agent')
    expect(mine.rows).toEqual(direct.body.rows)
    // And they are about Dana's work: one first response, one resolution, one item worked.
    const danaRow = mine.rows.find((r) => r.key === 'dana')
    expect(danaRow?.label).toBe('Dana Reyes')
    expect(danaRow?.figures.firstResponse.count).toBe(1)
    expect(danaRow?.figures.resolution.count).toBe(1)
    expect(danaRow?.figures.csat).toEqual({ count: 0, of: 0, pct: null })
  })

  it('passes the cut and the filter on', async () => {
    const byKind = ok<TeamFigures>(await lee.dispatch('figures.team', { from, to, by: 'kind', filter: { channel: 'email' } }))
    const direct = await call<FiguresReportResponse>(server.url, '/v1/figures/report', {
      credential: cred.lee!,
      body: { from, to, by: 'kind', filter: { channel: 'email' } }
    })
    expect(byKind.by).toBe('kind')
    expect(byKind.filter).toEqual({ channel: 'email' })
    expect(byKind.rows).toEqual(direct.body.rows)
    expect(byKind.rows.find((r) => r.key === 'service')?.figures.resolution.count).toBe(1)
    const chat = ok<TeamFigures>(await lee.dispatch('figures.team', { from, to, by: 'kind', filter: { channel: 'chat' } }))
    expect(chat.rows.find((r) => r.key === 'service')?.figures.resolution.count ?? 0).toBe(0)
  })

  it('cuts by team as the server does, and filters by team', async () => {
    await server.store.setTeam('dana', 'Frontline')
    const byTeam = ok<TeamFigures>(await lee.dispatch('figures.team', { from, to, by: 'team' }))
    const direct = await call<FiguresReportResponse>(server.url, '/v1/figures/report', { credential: cred.lee!, body: { from, to, by: 'team' } })
    expect(byTeam.rows).toEqual(direct.body.rows)
    expect(byTeam.rows.find((r) => r.key === 'Frontline')?.figures.resolution.count).toBe(1)
    const frontline = ok<TeamFigures>(await lee.dispatch('figures.team', { from, to, filter: { team: 'Frontline' } }))
    const directFrontline = await call<FiguresReportResponse>(server.url, '/v1/figures/report', { credential: cred.lee!, body: { from, to, by: 'agent', filter: { team: 'Frontline' } } })
    expect(frontline.rows).toEqual(directFrontline.body.rows)
    expect(frontline.rows.find((r) => r.key === 'dana')?.figures.resolution.count).toBe(1)
  })

  it('keeps one cached answer per request, the latest', async () => {
    const first = ok<TeamFigures>(await lee.dispatch('figures.team', { from, to, by: 'tier' }))
    const second = ok<TeamFigures>(await lee.dispatch('figures.team', { from, to, by: 'tier' }))
    const db = new Database(files.get(lee)!, { readonly: true })
    try {
      const rows = db.prepare(`SELECT as_of AS asOf FROM team_figures_cache WHERE cut = 'tier'`).all() as { asOf: string }[]
      expect(rows).toEqual([{ asOf: second.asOf }])
      expect(Date.parse(second.asOf)).toBeGreaterThanOrEqual(Date.parse(first.asOf))
    } finally {
      db.close()
    }
  })

  it('keeps only the newest answers when the cache is full', async () => {
    const file = tempFile()
    const db = openDatabase(file)
    const sync = createSyncController(db, { vault: memoryVault(), keeper: personalFiguresArchive, now: () => new Date() })
    try {
      await sync.handlers['sync.signIn']({ serverUrl: server.url, credential: cred.lee! })
      const team = teamFigureHandlers(db, () => new Date(), sync, 2)
      const spans = [1, 2, 3].map((days) => ({ from: new Date(Date.parse(to) - days * 86_400_000).toISOString(), to, by: 'agent' as const, filter: {} }))
      for (const s of spans) expect((await team['figures.team'](s)).source).toBe('server')
      const kept = db.prepare('SELECT span_ms AS span FROM team_figures_cache ORDER BY span_ms').pluck().all()
      expect(kept).toEqual([2 * 86_400_000, 3 * 86_400_000])
    } finally {
      sync.close()
      db.close()
    }
  })

  it('shows a signed-out supervisor the saved figures and says why', async () => {
    ok(lee.dispatch('sync.signOut', {}))
    const saved = ok<TeamFigures>(await lee.dispatch('figures.team', { from, to }))
    expect(saved.source).toBe('cache')
    expect(saved.offlineReason).toMatch(/signed out/)
    ok(await lee.dispatch('sync.signIn', { serverUrl: server.url, credential: cred.lee! }))
    expect(ok<TeamFigures>(await lee.dispatch('figures.team', { from, to })).source).toBe('server')
  })

  it('refuses an agent who is not a supervisor, before asking the server', async () => {
    const refused = failure(await dana.dispatch('figures.team', { from, to }))
    expect(refused).toMatchObject({ code: 'rejected', rejection: 'forbidden' })
    expect(refused.message).toMatch(/supervisors/)
    expect(failure(await dana.dispatch('figures.teamItems', { from, to, key: 'dana', figure: 'volume' }))).toMatchObject({ code: 'rejected', rejection: 'forbidden' })
  })

  it('tells a local workspace to connect to a server', async () => {
    const local = createCore({ file: tempFile(), seedDemoIfEmpty: true })
    cores.push(local)
    const refused = failure(await local.dispatch('figures.team', { from, to }))
    expect(refused.code).toBe('not_signed_in')
    expect(refused.message).toMatch(/connect this workspace to a server/)
  })

  it('refuses a range that ends before it starts, at the door', async () => {
    const refused = failure(await lee.dispatch('figures.team', { from: to, to: from }))
    expect(refused.code).toBe('invalid_argument')
    expect(refused.message).toMatch(/start of the period must be before its end/)
  })
})

describe('figures.teamItems', () => {
  it('lists the items behind a number, marking those in this workspace', async () => {
    const items = ok<TeamItems>(await lee.dispatch('figures.teamItems', { from, to, by: 'agent', key: 'dana', figure: 'resolution' }))
    expect(items.total).toBe(1)
    expect(items.items).toEqual([expect.objectContaining({ id: itemId, subject: 'Charged twice for one order', status: 'resolved', kind: 'service', local: true })])
    const none = ok<TeamItems>(await lee.dispatch('figures.teamItems', { from, to, by: 'agent', key: 'dana', figure: 'csat' }))
    expect(none).toEqual({ total: 0, items: [] })
  })
})

describe('offline', () => {
  it('answers from the cache with the server’s as-of time once the server is gone; the drill-down says it needs the server', async () => {
    const online = ok<TeamFigures>(await lee.dispatch('figures.team', { from, to }))
    expect(online.source).toBe('server')
    await server.stop()

    const cached = ok<TeamFigures>(await lee.dispatch('figures.team', { from, to }))
    expect(cached.source).toBe('cache')
    expect(cached.asOf).toBe(online.asOf)
    expect(cached.rows).toEqual(online.rows)
    expect(cached.offlineReason).toMatch(/cannot be reached/)

    // A rolling period a minute later: the latest answer of the same length, with its own period.
    const later = { from: new Date(Date.parse(from) + 60_000).toISOString(), to: new Date(Date.parse(to) + 60_000).toISOString() }
    const rolled = ok<TeamFigures>(await lee.dispatch('figures.team', later))
    expect(rolled).toMatchObject({ source: 'cache', asOf: online.asOf, from: online.from, to: online.to })

    // Nothing saved for a cut never asked for: a clear unreachable, not an empty table.
    const never = failure(await lee.dispatch('figures.team', { from, to, by: 'channel' }))
    expect(never.code).toBe('unreachable')
    expect(never.message).toMatch(/No team figures for this period have been saved/)

    const drill = failure(await lee.dispatch('figures.teamItems', { from, to, key: 'dana', figure: 'resolution' }))
    expect(drill.code).toBe('unreachable')
  })
})
