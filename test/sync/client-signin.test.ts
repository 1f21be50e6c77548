import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/core/core'
import { memoryVault } from '../../src/core/sync/credentials'
import { httpTransport } from '../../src/core/sync/transport'
import type { Envelope, SessionInfo, SyncStatus } from '../../src/shared/contract'
import { FIXED_NOW, ok, openCore, peek, tempFile } from '../core/helpers/workspace'
import { AGENT, CREDENTIAL, FakeServer, ManualTimers, ME, page } from './client-helpers'

/** A tiny HTTP server speaking just enough of the protocol: /v1/me, /v1/pull, /v1/events. */
let http: Server
let base: string
let requests: string[] = []
beforeAll(async () => {
  http = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`)
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.headers.authorization !== `Bearer ${CREDENTIAL}`) return json(401, { error: { code: 'unauthorized', message: 'Unknown credential.' } })
    if (req.url === '/v1/me') return json(200, ME)
    if (req.url === '/v1/pull') return json(200, page(0, { agents: [AGENT] }))
    if (req.url === '/v1/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(': hello\n\n')
      return
    }
    json(404, { error: { code: 'not_found', message: 'No such route.' } })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
})
afterAll(async () => {
  http.closeAllConnections()
  await new Promise((resolve) => http.close(resolve))
})

let cores: Core[] = []
afterEach(() => {
  for (const c of cores) c.close()
  cores = []
  requests = []
})
const track = (core: Core) => (cores.push(core), core)
const fail = (e: Envelope<unknown>) => {
  if (e.ok) throw new Error(`expected a failure, got ${JSON.stringify(e.value)}`)
  return e.error
}
const WRONG = `hf1.${AGENT.id}.${'b'.repeat(43)}`

describe('sync.signIn', () => {
  it('refuses a workspace that holds local data, before any network call', async () => {
    const { core } = openCore({ seedDemo: true })
    track(core)
    const error = fail(await core.dispatch('sync.signIn', { serverUrl: base, credential: CREDENTIAL }))
    expect(error).toMatchObject({ code: 'rejected' })
    expect(error.message).toMatch(/start a new data folder to connect/i)
    expect(requests).toEqual([])
    expect(ok<SyncStatus>(core.dispatch('sync.status', {})).state).toBe('local')
  })

  it('answers unauthorized for a wrong or malformed credential, and unreachable for a server that is not there', async () => {
    const core = track(createCore({ file: tempFile(), now: () => FIXED_NOW, vault: memoryVault() }))
    const wrong = fail(await core.dispatch('sync.signIn', { serverUrl: base, credential: WRONG }))
    expect(wrong.code).toBe('unauthorized')
    expect(wrong.message).toMatch(/did not accept this credential/)
    expect(fail(await core.dispatch('sync.signIn', { serverUrl: base, credential: 'letmein' })).code).toBe('unauthorized')
    // A port nothing listens on.
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const unreachable = fail(await core.dispatch('sync.signIn', { serverUrl: `http://127.0.0.1:${port}`, credential: CREDENTIAL }))
    expect(unreachable.code).toBe('unreachable')
    expect(unreachable.message).toMatch(/Could not reach the server/)
    // Not a Handoff server.
    const notHandoff = fail(await core.dispatch('sync.signIn', { serverUrl: `${base}/elsewhere`, credential: CREDENTIAL }))
    expect(notHandoff.code).toBe('unreachable')
    expect(ok<SyncStatus>(core.dispatch('sync.status', {})).state).toBe('local')
  })

  it('binds an empty workspace over HTTP: the server agent signs in, local identity switching stops, the credential goes to the vault', async () => {
    const vault = memoryVault()
    const file = tempFile()
    const core = track(createCore({ file, now: () => FIXED_NOW, vault }))
    ok(core.dispatch('workspace.startEmpty', { name: 'Local Me', email: 'me@example.com' })) // an agent but no items: allowed
    const status = ok<SyncStatus>(await core.dispatch('sync.signIn', { serverUrl: `${base}/`, credential: CREDENTIAL }))
    expect(status).toMatchObject({ serverUrl: base, agentId: AGENT.id, pending: 0 })
    expect(['connecting', 'online']).toContain(status.state)
    expect(await vault.load()).toBe(CREDENTIAL)
    expect(ok<SessionInfo>(core.dispatch('session.get', {})).agent).toEqual(AGENT)
    expect(ok<{ id: string }[]>(core.dispatch('agents.list', {})).map((a) => a.id)).toEqual([AGENT.id])

    expect(fail(core.dispatch('session.signIn', { agentId: AGENT.id })).message).toMatch(/connected to a server/)
    expect(fail(core.dispatch('workspace.seedDemo', {})).message).toMatch(/connected to a server/)
    expect(fail(core.dispatch('workspace.startEmpty', { name: 'X', email: 'x@example.com' })).code).toBe('rejected')
    // Mutations are recorded as the bound agent.
    ok(core.dispatch('view.save', { name: 'Mine', filter: {}, sort: { column: 'age', direction: 'asc' } }))
    expect(peek(file, (db) => db.prepare('SELECT actor_id FROM outbox').pluck().all())).toEqual([AGENT.id])

    await core.sync?.engine()?.idle()
    expect(requests).toContain('POST /v1/pull')

    // Sign out: the credential goes, the binding, data and outbox stay.
    const out = ok<SyncStatus>(core.dispatch('sync.signOut', {}))
    expect(out).toMatchObject({ state: 'signed_out', serverUrl: base, agentId: AGENT.id, pending: 1 })
    expect(await vault.load()).toBeNull()
    expect(fail(core.dispatch('session.signIn', { agentId: AGENT.id })).code).toBe('rejected')
  })

  it('resumes at start-up when bound with a saved credential; refuses another server or another agent', async () => {
    const server = new FakeServer()
    const timers = new ManualTimers()
    const vault = memoryVault()
    const file = tempFile()
    const options = { file, now: () => FIXED_NOW, vault, transportFactory: () => server, sync: { timers } }
    const first = track(createCore(options))
    ok(await first.dispatch('sync.signIn', { serverUrl: 'https://a.test', credential: CREDENTIAL }))
    first.close()
    cores = []

    const again = track(createCore(options))
    expect(ok<SyncStatus>(again.dispatch('sync.status', {})).state).toBe('connecting')
    await new Promise((r) => setImmediate(r))
    await again.sync?.engine()?.idle()
    expect(ok<SyncStatus>(again.dispatch('sync.status', {})).state).toBe('online')

    server.me_ = { ...ME, serverId: 'another-server' }
    const other = fail(await again.dispatch('sync.signIn', { serverUrl: 'https://b.test', credential: CREDENTIAL }))
    expect(other).toMatchObject({ code: 'rejected' })
    expect(other.message).toMatch(/another Handoff server/)
    server.me_ = { ...ME, agent: { ...AGENT, id: 'agent-zed', name: 'Zed' } }
    expect(fail(await again.dispatch('sync.signIn', { serverUrl: 'https://a.test', credential: `hf1.agent-zed.${'c'.repeat(43)}` })).message).toMatch(/another agent/)
    // The same server and agent again: fine (signing back in after signing out).
    server.me_ = ME
    ok(again.dispatch('sync.signOut', {}))
    expect(ok<SyncStatus>(await again.dispatch('sync.signIn', { serverUrl: 'https://a.test', credential: CREDENTIAL })).agentId).toBe(AGENT.id)

    // Signed out, a restart stays signed out.
    ok(again.dispatch('sync.signOut', {}))
    again.close()
    cores = []
    const later = track(createCore(options))
    await new Promise((r) => setImmediate(r))
    expect(ok<SyncStatus>(later.dispatch('sync.status', {})).state).toBe('signed_out')
  })
})

describe('httpTransport', () => {
  it('carries the server error code and expectedSeq, and validates answers', async () => {
    const fetchImpl = (async () =>
      new Response(JSON.stringify({ error: { code: 'sequence_gap', message: 'Expected 4.', expectedSeq: 4 } }), { status: 409 })) as typeof fetch
    const t = httpTransport('http://x.test', CREDENTIAL, fetchImpl)
    await expect(t.push({ clientId: '0196b3a0-0000-7000-8000-000000000000', mutations: [] as never })).rejects.toMatchObject({ kind: 'http', status: 409, code: 'sequence_gap', expectedSeq: 4 })
    const bad = httpTransport('http://x.test', CREDENTIAL, (async () => new Response(JSON.stringify({ protocol: 2 }), { status: 200 })) as typeof fetch)
    await expect(bad.me()).rejects.toMatchObject({ kind: 'invalid' })
    const down = httpTransport('http://x.test', CREDENTIAL, (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch)
    await expect(down.pull({ clientId: '0196b3a0-0000-7000-8000-000000000000', cursor: null })).rejects.toMatchObject({ kind: 'network' })
  })

  it('sends the credential on the event stream and reports nudges', async () => {
    const nudges: string[] = []
    let authorization: string | undefined
    const stream = createServer((req, res) => {
      authorization = req.headers.authorization
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('event: changed\ndata: {}\n\n')
    })
    await new Promise<void>((resolve) => stream.listen(0, '127.0.0.1', resolve))
    const t = httpTransport(`http://127.0.0.1:${(stream.address() as AddressInfo).port}`, CREDENTIAL)
    const stop = t.subscribe(
      () => nudges.push('changed'),
      () => nudges.push('connected')
    )
    for (let i = 0; i < 100 && nudges.length < 2; i++) await new Promise((r) => setTimeout(r, 10))
    stop()
    stream.closeAllConnections()
    await new Promise((resolve) => stream.close(resolve))
    expect(authorization).toBe(`Bearer ${CREDENTIAL}`)
    expect(nudges).toEqual(['connected', 'changed'])
  })
})
