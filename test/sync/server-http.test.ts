/**
 * The server's door, over real HTTP, on both stores: authentication, the agent acting only as
 * themself, figures only for supervisors, and bad bodies. Every refusal is checked to have
 * changed nothing, by comparing what a supervisor's full sync sees before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, TEAM, addAgents, startTestServer, type TestServer } from './support/servers'
import type { PushResponse } from '../../src/shared/sync/protocol'
import { call, createItemArgs, fingerprint, mutation, newClientId } from './support/http'

describe.each(BACKENDS)('the sync server over HTTP (%s)', (backend) => {
  let server: TestServer
  let cred: Record<string, string>
  const watcher = newClientId()
  const danaClient = newClientId()
  let seq = 0
  const snapshot = () => fingerprint(server.url, cred.lee!, watcher)

  beforeAll(async () => {
    server = await startTestServer(backend)
    cred = await addAgents(server.store, TEAM)
    // Some data, so "nothing changed" means something.
    const pushed = await call(server.url, '/v1/push', {
      credential: cred.dana!,
      body: { clientId: danaClient, mutations: [mutation(++seq, 'dana', 'item.create', createItemArgs('Charged twice'))] }
    })
    expect(pushed.status).toBe(200)
  })
  afterAll(async () => server?.stop())

  it('answers the health check without a credential, and nothing else', async () => {
    expect((await call(server.url, '/v1/health')).status).toBe(200)
    for (const [path, body] of [
      ['/v1/me', undefined],
      ['/v1/pull', { clientId: watcher, cursor: null }],
      ['/v1/push', { clientId: danaClient, mutations: [mutation(seq + 1, 'dana', 'item.create', createItemArgs('x'))] }],
      ['/v1/events', undefined],
      ['/v1/figures/escalations?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z', undefined]
    ] as const) {
      const answer = await call(server.url, path, { body })
      expect(answer.status, path).toBe(401)
      expect(answer.body).toMatchObject({ error: { code: 'unauthorized' } })
    }
  })

  it('refuses a wrong secret, a malformed header, an unknown agent and a disabled agent with 401, changing nothing', async () => {
    const before = await snapshot()
    const right = cred.dana!
    const wrongSecret = right.slice(0, -4) + (right.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    const unknownAgent = right.replace('hf1.dana.', 'hf1.ghost.')
    for (const credential of [wrongSecret, unknownAgent, 'hf1.dana.short', 'not-a-credential']) {
      const answer = await call(server.url, '/v1/push', {
        credential,
        body: { clientId: danaClient, mutations: [mutation(seq + 1, 'dana', 'item.create', createItemArgs('should not land'))] }
      })
      expect(answer.status, credential).toBe(401)
    }
    expect((await call(server.url, '/v1/me', { headers: { authorization: `Basic ${right}` } })).status).toBe(401)
    const { credential: tempCredential } = await server.store.addAgent({ id: 'temp', name: 'Temp Worker', email: 'temp@example.com', role: 'service', tiers: [], admin: false })
    expect((await call(server.url, '/v1/me', { credential: tempCredential })).status).toBe(200)
    await server.store.setDisabled('temp', true)
    expect((await call(server.url, '/v1/me', { credential: tempCredential })).status).toBe(401)
    expect(await snapshot()).toEqual(before)
  })

  it('tells an agent who they are', async () => {
    const me = await call(server.url, '/v1/me', { credential: cred.mei! })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ protocol: 1, agent: { id: 'mei', name: 'Mei Tanaka', role: 'support', tiers: [2] }, admin: false })
  })

  it('refuses a mutation on behalf of another agent with 403, applying none of the push', async () => {
    const before = await snapshot()
    const answer = await call(server.url, '/v1/push', {
      credential: cred.dana!,
      body: {
        clientId: danaClient,
        mutations: [mutation(seq + 1, 'dana', 'item.create', createItemArgs('mine')), mutation(seq + 2, 'sam', 'item.create', createItemArgs('as Sam'))]
      }
    })
    expect(answer.status).toBe(403)
    expect(answer.body).toMatchObject({ error: { code: 'forbidden' } })
    expect(await snapshot()).toEqual(before)
  })

  it("refuses another agent's client id with 403", async () => {
    const before = await snapshot()
    const answer = await call(server.url, '/v1/push', {
      credential: cred.sam!,
      body: { clientId: danaClient, mutations: [mutation(1, 'sam', 'item.create', createItemArgs('on Dana’s client'))] }
    })
    expect(answer.status).toBe(403)
    expect((await call(server.url, '/v1/pull', { credential: cred.sam!, body: { clientId: danaClient, cursor: null } })).status).toBe(403)
    expect(await snapshot()).toEqual(before)
  })

  it("gives figures of others to supervisors only", async () => {
    const range = 'from=2026-06-01T00:00:00Z&to=2027-06-01T00:00:00Z'
    expect((await call(server.url, `/v1/figures/escalations?${range}&agentId=dana`, { credential: cred.dana! })).status).toBe(200)
    const other = await call(server.url, `/v1/figures/escalations?${range}&agentId=sam`, { credential: cred.dana! })
    expect(other.status).toBe(403)
    expect(other.body).toMatchObject({ error: { code: 'forbidden' } })
    expect((await call(server.url, `/v1/figures/escalations?${range}`, { credential: cred.dana! })).status).toBe(403)
    expect((await call(server.url, `/v1/figures/escalations?${range}&agentId=sam`, { credential: cred.lee! })).status).toBe(200)
    expect((await call(server.url, `/v1/figures/escalations?${range}`, { credential: cred.lee! })).status).toBe(200)
    expect((await call(server.url, `/v1/figures/escalations?from=2027-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`, { credential: cred.lee! })).status).toBe(400)
    // One request covers at most a year (it reads every event of the period).
    expect((await call(server.url, `/v1/figures/escalations?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z`, { credential: cred.lee! })).status).toBe(400)
  })

  it('refuses malformed, wrongly typed, unknown-field, non-JSON and oversized bodies with 400/413, changing nothing', async () => {
    const before = await snapshot()
    const valid = { clientId: danaClient, mutations: [mutation(seq + 1, 'dana', 'item.create', createItemArgs('fine'))] }
    const cases: { body?: unknown; rawBody?: string; contentType?: string; status: number }[] = [
      { rawBody: '{"clientId": ', status: 400 },
      { rawBody: 'clientId=1', contentType: 'application/x-www-form-urlencoded', status: 400 },
      { body: { ...valid, clientId: 'not-a-uuid' }, status: 400 },
      { body: { ...valid, mutations: [{ ...valid.mutations[0], seq: '1' }] }, status: 400 },
      { body: { ...valid, extra: true }, status: 400 },
      { body: { ...valid, mutations: [] }, status: 400 },
      { body: [valid], status: 400 },
      { rawBody: JSON.stringify({ ...valid, padding: 'x'.repeat(5 * 1024 * 1024) }), status: 413 }
    ]
    for (const c of cases) {
      const answer = await call(server.url, '/v1/push', { credential: cred.dana!, ...c })
      expect(answer.status, JSON.stringify(c).slice(0, 120)).toBe(c.status)
      expect(answer.body).toMatchObject({ error: { code: c.status === 413 ? 'too_large' : 'bad_request' } })
    }
    for (const body of [{ clientId: danaClient, cursor: 'garbage' }, { clientId: danaClient, cursor: null, limit: 0 }, { clientId: danaClient }]) {
      expect((await call(server.url, '/v1/pull', { credential: cred.dana!, body })).status, JSON.stringify(body)).toBe(400)
    }
    expect(await snapshot()).toEqual(before)
  })

  it('skips a repeated sequence, refuses a gap with the sequence it expects, and rejects a broken rule while moving on', async () => {
    const first = mutation(++seq, 'dana', 'item.create', createItemArgs('Refund please'))
    const applied = await call<{ results: { outcome: string }[]; lastAppliedSeq: number }>(server.url, '/v1/push', {
      credential: cred.dana!,
      body: { clientId: danaClient, mutations: [first] }
    })
    expect(applied.body.results[0]?.outcome).toBe('applied')
    const before = await snapshot()
    const again = await call<{ results: { outcome: string }[] }>(server.url, '/v1/push', { credential: cred.dana!, body: { clientId: danaClient, mutations: [first] } })
    expect(again.status).toBe(200)
    expect(again.body.results[0]?.outcome).toBe('duplicate')
    const gap = await call(server.url, '/v1/push', { credential: cred.dana!, body: { clientId: danaClient, mutations: [mutation(seq + 5, 'dana', 'item.create', createItemArgs('later'))] } })
    expect(gap.status).toBe(409)
    expect(gap.body).toMatchObject({ error: { code: 'sequence_gap', expectedSeq: seq + 1 } })
    expect(await snapshot()).toEqual(before)
    const broken = await call<{ results: { outcome: string; rejection?: { code: string } }[]; lastAppliedSeq: number }>(server.url, '/v1/push', {
      credential: cred.dana!,
      body: { clientId: danaClient, mutations: [mutation(++seq, 'dana', 'item.reply', { itemId: 'no-such-item', body: 'Hello' })] }
    })
    expect(broken.body.results[0]).toMatchObject({ outcome: 'rejected', rejection: { code: 'not_found' } })
    expect(broken.body.lastAppliedSeq).toBe(seq)
    // A mutation this server does not know (a newer console's) is rejected, and the queue moves on.
    const unknown = await call<{ results: { outcome: string; rejection?: { code: string } }[]; lastAppliedSeq: number }>(server.url, '/v1/push', {
      credential: cred.dana!,
      body: { clientId: danaClient, mutations: [mutation(++seq, 'dana', 'item.teleport', { itemId: 'x' })] }
    })
    expect(unknown.status).toBe(200)
    expect(unknown.body.results[0]).toMatchObject({ outcome: 'rejected', rejection: { code: 'invalid_argument' } })
    expect(unknown.body.lastAppliedSeq).toBe(seq)
    // The same sequence again with another mutation: the console's counter went back (a restored
    // data folder), which the server refuses rather than calling it a duplicate.
    const reused = await call(server.url, '/v1/push', {
      credential: cred.dana!,
      body: { clientId: danaClient, mutations: [mutation(seq, 'dana', 'item.create', createItemArgs('written after a restore'))] }
    })
    expect(reused.status).toBe(409)
    expect(reused.body).toMatchObject({ error: { code: 'client_conflict' } })
  })

  it('lets an agent change only the items of their scope', async () => {
    const clientId = newClientId()
    const create = mutation(1, 'dana', 'item.create', createItemArgs('Moves to support'))
    const handoff = { itemId: create.mutationId, reasonCode: 'other', reasonText: 'technical', summary: 'Card reader fault.', assigneeId: null, expectedQueue: 'service', expectedTier: null }
    const pushed = await call<PushResponse>(server.url, '/v1/push', {
      credential: cred.dana!,
      body: { clientId, mutations: [create, mutation(2, 'dana', 'item.escalateToSupport', handoff)] }
    })
    expect(pushed.body.results.map((r) => r.outcome)).toEqual(['applied', 'applied'])
    const before = await snapshot()
    // Now a tier 1 ticket: not Dana's to change, or to take.
    const after = await call<PushResponse>(server.url, '/v1/push', {
      credential: cred.dana!,
      body: {
        clientId,
        mutations: [
          mutation(3, 'dana', 'item.addNote', { itemId: create.mutationId, body: 'Sneaking a note in' }),
          mutation(4, 'dana', 'item.assign', { itemId: create.mutationId, assigneeId: 'dana', expectedAssigneeId: null })
        ]
      }
    })
    for (const r of after.body.results) expect(r).toMatchObject({ outcome: 'rejected', rejection: { code: 'not_found' } })
    expect(await snapshot()).toEqual(before)
    // Sam works tier 1: he may.
    const sam = await call<PushResponse>(server.url, '/v1/push', {
      credential: cred.sam!,
      body: { clientId: newClientId(), mutations: [mutation(1, 'sam', 'item.addNote', { itemId: create.mutationId, body: 'Looking at the reader logs.' })] }
    })
    expect(sam.body.results[0]?.outcome).toBe('applied')
  })
})
