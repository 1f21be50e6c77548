/**
 * Credential checks under attack (issue 13): the same scrypt work for unknown, disabled and
 * known ids; at most two derivations at once; failed checks rate-limited per address and per
 * agent id with 429 + Retry-After, while an agent already signed in keeps working; and the
 * Bearer scheme read case-insensitively. No timings: the number of scrypt calls and the answers.
 */
import { scrypt as scryptCb, type ScryptOptions } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/server/http/app'
import { AttemptLimiter, bearerCredential } from '../../src/server/http/auth'
import { Agents, Semaphore, type Derive } from '../../src/server/store/agents'
import { openStore, type ServerStore } from '../../src/server/store'
import { freshDatabase } from '../support/pg-database'
import { BACKENDS } from './support/servers'
import { call } from './support/http'

const realScrypt: Derive = (secret, salt, keylen, opts: ScryptOptions) =>
  new Promise((resolve, reject) => scryptCb(secret, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))))

function counting(): { derive: Derive; calls: () => number; maxConcurrent: () => number } {
  let calls = 0
  let running = 0
  let max = 0
  return {
    derive: async (...args) => {
      calls++
      running++
      max = Math.max(max, running)
      try {
        return await realScrypt(...args)
      } finally {
        running--
      }
    },
    calls: () => calls,
    maxConcurrent: () => max
  }
}

const wrongSecretOf = (credential: string) => credential.slice(0, -4) + (credential.endsWith('AAAA') ? 'BBBB' : 'AAAA')

describe('the Bearer scheme', () => {
  it('is read case-insensitively, and nothing else is a credential', () => {
    const c = `hf1.dana.${'A'.repeat(43)}`
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) expect(bearerCredential(`${scheme} ${c}`), scheme).toBe(c)
    for (const header of [`Basic ${c}`, `Bearer${c}`, `Bearer ${c} extra`, 'Bearer hf1.dana.short', c]) expect(bearerCredential(header), header).toBeNull()
  })
})

describe('the attempt limiter', () => {
  it('limits by address and by agent id, forgives successes, and frees a key when its window ends', () => {
    let now = 1_000_000
    const limiter = new AttemptLimiter({ perAddress: 3, perAgent: 2, windowMs: 60_000 }, () => now)
    expect(limiter.begin('1.1.1.1', 'dana')).toBeNull()
    expect(limiter.begin('1.1.1.1', 'dana')).toBeNull()
    // dana's id has had two checks: a third, from anywhere, waits for the window.
    expect(limiter.begin('2.2.2.2', 'dana')).toEqual({ retryAfterSeconds: 60 })
    expect(limiter.begin('1.1.1.1', 'sam')).toBeNull()
    // 1.1.1.1 has had three checks: any id from it waits.
    now += 15_000
    expect(limiter.begin('1.1.1.1', 'mei')).toEqual({ retryAfterSeconds: 45 })
    // A success gives its count back.
    limiter.succeeded('1.1.1.1', 'sam')
    expect(limiter.begin('1.1.1.1', 'mei')).toBeNull()
    now += 45_000
    expect(limiter.begin('2.2.2.2', 'dana')).toBeNull()
  })
})

describe('Agents.authenticate spends the same scrypt on every id (PGlite)', () => {
  let store: ServerStore

  beforeAll(async () => {
    store = await openStore()
  })
  afterAll(async () => store?.close())

  it('costs one scrypt for a wrong secret, an unknown id and a disabled id; none for a remembered credential', async () => {
    const counter = counting()
    const agents = new Agents(store.sql, { derive: counter.derive, gate: new Semaphore(2) })
    const { credential } = await agents.add({ id: 'dana', name: 'Dana Reyes', email: 'dana@example.com', role: 'service', tiers: [], admin: false })
    const { credential: offCredential } = await agents.add({ id: 'gone', name: 'Gone Agent', email: 'gone@example.com', role: 'service', tiers: [], admin: false })
    await agents.setDisabled('gone', true)
    const afterSetup = counter.calls()

    const cost = async (c: string) => {
      const before = counter.calls()
      const agent = await agents.authenticate(c)
      return { ok: agent !== null, scrypts: counter.calls() - before }
    }
    expect(await cost(wrongSecretOf(credential))).toEqual({ ok: false, scrypts: 1 })
    expect(await cost(credential.replace('hf1.dana.', 'hf1.ghost.'))).toEqual({ ok: false, scrypts: 1 })
    expect(await cost(offCredential)).toEqual({ ok: false, scrypts: 1 })
    expect(await cost(wrongSecretOf(offCredential))).toEqual({ ok: false, scrypts: 1 })
    expect(await cost(credential)).toEqual({ ok: true, scrypts: 1 })
    expect(await cost(credential)).toEqual({ ok: true, scrypts: 0 })
    // onlyRemembered: a new guess costs nothing and fails; the remembered credential passes.
    expect(await agents.authenticate(wrongSecretOf(credential), { onlyRemembered: true })).toBeNull()
    expect(await agents.authenticate(credential, { onlyRemembered: true })).not.toBeNull()
    expect(counter.calls()).toBe(afterSetup + 5)
  })

  it('runs at most the gate’s number of scrypts at once', async () => {
    const counter = counting()
    const agents = new Agents(store.sql, { derive: counter.derive, gate: new Semaphore(2) })
    const { credential } = await agents.add({ id: 'sam', name: 'Sam Okafor', email: 'sam@example.com', role: 'support', tiers: [1], admin: false })
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => agents.authenticate(i === 11 ? credential : wrongSecretOf(credential))))
    expect(results.filter((r) => r !== null)).toHaveLength(1)
    expect(counter.calls()).toBe(13) // the add's hash and twelve checks
    expect(counter.maxConcurrent()).toBe(2)
  })
})

describe.each(BACKENDS)('the server rate-limits failed sign-ins (%s)', (backend) => {
  let store: ServerStore
  let app: FastifyInstance
  let url: string
  let dana: string
  let sam: string

  beforeAll(async () => {
    store = await openStore(backend === 'postgres' ? { databaseUrl: await freshDatabase('auth') } : {})
    dana = (await store.addAgent({ id: 'dana', name: 'Dana Reyes', email: 'dana@example.com', role: 'service', tiers: [], admin: false })).credential
    sam = (await store.addAgent({ id: 'sam', name: 'Sam Okafor', email: 'sam@example.com', role: 'support', tiers: [1], admin: false })).credential
  })
  afterEach(async () => app?.close())
  afterAll(async () => store?.close())

  const start = async (limits: { perAddress: number; perAgent: number }) => {
    app = await buildApp({ store, heartbeatMs: 60_000, attemptLimits: { ...limits, windowMs: 60_000 } })
    url = await app.listen({ host: '127.0.0.1', port: 0 })
  }

  it('answers 429 with Retry-After once an agent id has had its failures, and a signed-in agent keeps working', async () => {
    await start({ perAddress: 100, perAgent: 5 })
    expect((await call(url, '/v1/me', { credential: dana })).status).toBe(200) // dana is signed in (remembered)
    // A hundred parallel guesses at dana's secret: only five get to run a check.
    const answers = await Promise.all(Array.from({ length: 100 }, () => fetch(new URL('/v1/me', url), { headers: { authorization: `Bearer ${wrongSecretOf(dana)}` } })))
    const statuses = answers.map((a) => a.status)
    expect(statuses.filter((s) => s === 401)).toHaveLength(5)
    expect(statuses.filter((s) => s === 429)).toHaveLength(95)
    const bodies = await Promise.all(answers.map(async (a) => ({ status: a.status, retryAfter: a.headers.get('retry-after'), body: (await a.json()) as unknown })))
    for (const limited of bodies.filter((b) => b.status === 429)) {
      expect(Number(limited.retryAfter)).toBeGreaterThan(0)
      expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } })
    }
    // Dana's remembered credential still works; another agent is not limited by dana's id.
    expect((await call(url, '/v1/me', { credential: dana })).status).toBe(200)
    expect((await call(url, '/v1/me', { credential: sam })).status).toBe(200)
  })

  it('limits an address across agent ids, and reads a lower-case bearer scheme', async () => {
    await start({ perAddress: 3, perAgent: 100 })
    for (const id of ['a1', 'a2', 'a3']) expect((await call(url, '/v1/me', { credential: dana.replace('hf1.dana.', `hf1.${id}.`) })).status).toBe(401)
    const answer = await fetch(new URL('/v1/me', url), { headers: { authorization: `Bearer ${dana.replace('hf1.dana.', 'hf1.a4.')}` } })
    expect(answer.status).toBe(429)
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/)
    await answer.body?.cancel()
    // Successful checks do not count: the remembered credential, with any case of the scheme.
    const me = await fetch(new URL('/v1/me', url), { headers: { authorization: `bearer ${dana}` } })
    expect(me.status).toBe(200)
    await me.body?.cancel()
  })
})
