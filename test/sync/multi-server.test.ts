/**
 * Several server processes over one PostgreSQL (how a large team scales): each is a separate
 * app with its own store, connection pool and LISTEN connection, sharing nothing but the
 * database (they run in this test's process; the crash tests run the server as a real child
 * process). A change committed through one
 * nudges the event streams of the other; a race for one item through two processes has one
 * winner; consoles connected to different processes converge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/core/core'
import { memoryVault } from '../../src/core/sync/credentials'
import type { ItemDetail, SyncStatus } from '../../src/shared/contract'
import type { PushResponse } from '../../src/shared/sync/protocol'
import { ok, tempFile } from '../core/helpers/workspace'
import { call, createItemArgs, mutation, newClientId } from './support/http'
import { TEAM, addAgents, startTestServer, type TestServer } from './support/servers'
import { until as waitUntil } from '../support/until'

const until = (what: string, check: () => boolean | Promise<boolean>, ms = 20_000) => waitUntil(what, check, ms, 25)

describe('two server processes over one PostgreSQL', () => {
  let a: TestServer
  let b: TestServer
  let cred: Record<string, string>
  const cores: Core[] = []
  beforeAll(async () => {
    a = await startTestServer('postgres')
    b = await a.sibling()
    cred = await addAgents(a.store, [...TEAM, { id: 'eli', name: 'Eli Brooks', role: 'service' }])
  })
  afterAll(async () => {
    for (const c of cores) c.close()
    await b?.stop()
    await a?.stop()
  })

  it('a change committed through one process nudges the event stream of the other', async () => {
    const controller = new AbortController()
    const response = await fetch(new URL('/v1/events', b.url), { headers: { authorization: `Bearer ${cred.eli}` }, signal: controller.signal })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    const read = async (predicate: (t: string) => boolean) => {
      while (!predicate(text)) {
        const { value, done } = await reader.read()
        if (done) throw new Error('stream ended')
        text += decoder.decode(value)
      }
    }
    await read((t) => t.includes('event: changed')) // the greeting nudge on connect
    const greeted = text.length
    const pushed = await call(a.url, '/v1/push', { credential: cred.dana!, body: { clientId: newClientId(), mutations: [mutation(1, 'dana', 'item.create', createItemArgs('Through A'))] } })
    expect(pushed.status).toBe(200)
    await read((t) => t.slice(greeted).includes('event: changed'))
    controller.abort()
  })

  it('a race for one item through two processes has exactly one winner', async () => {
    const item = mutation(1, 'lee', 'item.create', createItemArgs('Contested'))
    expect((await call(a.url, '/v1/push', { credential: cred.lee!, body: { clientId: newClientId(), mutations: [item] } })).status).toBe(200)
    const [viaA, viaB] = await Promise.all([
      call<PushResponse>(a.url, '/v1/push', {
        credential: cred.dana!,
        body: { clientId: newClientId(), mutations: [mutation(1, 'dana', 'item.assign', { itemId: item.mutationId, assigneeId: 'dana', expectedAssigneeId: null })] }
      }),
      call<PushResponse>(b.url, '/v1/push', {
        credential: cred.eli!,
        body: { clientId: newClientId(), mutations: [mutation(1, 'eli', 'item.assign', { itemId: item.mutationId, assigneeId: 'eli', expectedAssigneeId: null })] }
      })
    ])
    expect([viaA.body.results[0]?.outcome, viaB.body.results[0]?.outcome].sort()).toEqual(['applied', 'rejected'])
  })

  it('consoles connected to different processes see each other’s work', async () => {
    const consoleOn = async (server: TestServer, agentId: string) => {
      const core = createCore({ file: tempFile(), vault: memoryVault(), sync: { pollMs: 60_000 } }) // the nudge, not the timer
      cores.push(core)
      ok(await core.dispatch('sync.signIn', { serverUrl: server.url, credential: cred[agentId]! }))
      await until(`${agentId} online`, () => ok<SyncStatus>(core.dispatch('sync.status', {})).state === 'online')
      return core
    }
    const dana = await consoleOn(a, 'dana')
    const eli = await consoleOn(b, 'eli')
    const { itemId } = ok<{ itemId: string }>(dana.dispatch('item.create', createItemArgs('Across processes')))
    ok(dana.dispatch('item.reply', { itemId, body: 'Answered through A.' }))
    const bodies = (core: Core) => {
      const got = core.dispatch('item.get', { itemId })
      return got.ok ? (got.value as ItemDetail).thread.flatMap((e) => (e.type === 'message' ? [e.message.body] : [])) : []
    }
    await until('Eli (on B) sees Dana’s reply (on A)', () => bodies(eli).includes('Answered through A.'))
    ok(eli.dispatch('item.addNote', { itemId, body: 'Noted through B.' }))
    await until('Dana (on A) sees Eli’s note (on B)', () => bodies(dana).includes('Noted through B.'))
  })
})
