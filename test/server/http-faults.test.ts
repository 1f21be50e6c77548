/**
 * What the server answers when a request fails (docs/sync-protocol.md, "what a client does about
 * a 500/503"): a transient fault of the database is 503 'unavailable' (retry later, the same
 * request succeeds), a fault of the server's own 500 'internal'. Issue 13.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/server/http/app'
import { openStore, type ServerStore } from '../../src/server/store'
import { syncErrorBody } from '../../src/shared/sync/protocol'

const fault = (message: string, code?: string): Error => Object.assign(new Error(message), code === undefined ? {} : { code })

describe('a failed request', () => {
  let store: ServerStore
  let credential: string
  let failWith: Error | null = null
  let app: FastifyInstance
  beforeAll(async () => {
    store = await openStore({})
    credential = (await store.addAgent({ id: 'lee', name: 'Lee Park', email: 'lee@example.com', role: 'supervisor', tiers: [], admin: false })).credential
    const faulty: ServerStore = {
      ...store,
      push: async (agent, req) => {
        if (failWith) throw failWith
        return store.push(agent, req)
      }
    }
    app = await buildApp({ store: faulty })
  })
  afterAll(async () => {
    await app.close()
    await store.close()
  })

  const cases: [string, number, string, Error][] = [
    ['an administrator shutdown (57P01)', 503, 'unavailable', fault('terminating connection due to administrator command', '57P01')],
    ['a lost connection (08006)', 503, 'unavailable', fault('connection failure', '08006')],
    ['a serialization failure after the retries (40001)', 503, 'unavailable', fault('could not serialize access', '40001')],
    ['a socket reset', 503, 'unavailable', fault('read ECONNRESET', 'ECONNRESET')],
    ['a connection pg saw die', 503, 'unavailable', fault('Connection terminated unexpectedly')],
    ['a fault of its own (an undefined table)', 500, 'internal', fault('relation "nope" does not exist', '42P01')],
    ['a bug', 500, 'internal', new TypeError('x is undefined')]
  ]
  it.each(cases)('%s answers %i %s', async (_what, status, code, error) => {
    failWith = error
    const body = { clientId: randomUUID(), mutations: [{ seq: 1, mutationId: randomUUID(), name: 'item.setStatus', args: { itemId: 'x', status: 'open' }, actorId: 'lee', clientTime: new Date().toISOString() }] }
    const res = await app.inject({ method: 'POST', url: '/v1/push', headers: { authorization: `Bearer ${credential}` }, payload: body })
    expect(res.statusCode).toBe(status)
    expect(syncErrorBody.parse(res.json()).error.code).toBe(code)
    // The same request once the fault is gone.
    failWith = null
    const again = await app.inject({ method: 'POST', url: '/v1/push', headers: { authorization: `Bearer ${credential}` }, payload: body })
    expect(again.statusCode).toBe(200)
  })
})
