/**
 * The read-ahead push (src/server/store/prefetch.ts): a push decides its mutations from one read
 * of the rows the next ones need, kept up to date by its own writes. Its decisions must be the
 * ones a fresh read per mutation gives, and a write must find out when somebody else changed
 * what was read ahead (then the mutation is read and decided afresh).
 */
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRng, type Rng } from '../../src/core/demo/prng'
import { openStore, type AgentRecord, type ServerStore } from '../../src/server/store'
import { push } from '../../src/server/store/push'
import { DEFAULT_SLA_POLICY } from '../../src/shared/domain/sla'
import type { SqlClient } from '../../src/server/store/sql'
import type { PushResponse, PushedMutation } from '../../src/shared/sync/protocol'
import { freshDatabase } from '../support/pg-database'
import { newService } from './support/items'
import { rowLockWaiter } from '../support/row-lock-waiter'

const AGENTS = [
  { id: 'lee', name: 'Lee Park', role: 'supervisor', tiers: [] },
  { id: 'dana', name: 'Dana Reyes', role: 'service', tiers: [] },
  { id: 'sam', name: 'Sam Okafor', role: 'support', tiers: [1] }
] as const


/**
 * Counts the statements a store is sent outside transactions, the read-aheads among them, and
 * the guarded writes that found what they decided on changed (with nobody else writing, none
 * should: a stale cache would show here).
 */
function counting(sql: SqlClient): { sql: SqlClient; statements: () => number; readAheads: () => number; stale: () => number } {
  let statements = 0
  let readAheads = 0
  let stale = 0
  return {
    sql: {
      async query<T>(text: string, params?: readonly unknown[]) {
        statements++
        if (text.startsWith('WITH its AS')) readAheads++
        const result = await sql.query<T>(text, params)
        if (text.startsWith('WITH g AS') && (result.rows[0] as { ok?: boolean } | undefined)?.ok !== true) stale++
        return result
      },
      transaction: (fn) => sql.transaction(fn),
      listen: (channel, onNotify) => sql.listen(channel, onNotify),
      close: () => sql.close()
    },
    statements: () => statements,
    readAheads: () => readAheads,
    stale: () => stale
  }
}

interface Planned {
  agent: (typeof AGENTS)[number]['id']
  m: PushedMutation
}

/**
 * A seeded mix of every kind of mutation by three agents over a handful of items, with the
 * awkward cases: conflicts, stale expectations, unknown items, invalid arguments, a mutation id
 * pushed twice, and view writes (which the read-ahead hands to the fresh way).
 */
function plan(rng: Rng, steps: number): Planned[] {
  const seqs = new Map<string, number>()
  const items: string[] = []
  /** Items the plan escalated (to support, then a tier up): where hand-backs and de-escalations aim. */
  const escalated: string[] = []
  const tieredUp: string[] = []
  const sent: Planned[] = []
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!
  const out: Planned[] = []
  const add = (agent: Planned['agent'], name: string, args: unknown, mutationId: string = randomUUID()) => {
    const seq = (seqs.get(agent) ?? 0) + 1
    seqs.set(agent, seq)
    const p: Planned = { agent, m: { seq, mutationId, name, args, actorId: agent, clientTime: '2026-11-23T10:00:00.000Z' } }
    out.push(p)
    sent.push(p)
    return p
  }
  let agent: Planned['agent'] = 'lee'
  for (let i = 0; i < steps; i++) {
    // An agent works a while before another pushes: runs of mutations long enough to read ahead.
    if (rng.next() < 0.1) agent = pick(AGENTS).id
    const roll = rng.next()
    if (items.length < 3 || roll < 0.1) {
      if (agent === 'sam') continue
      items.push(add(agent, 'item.create', newService(`Parcel ${i}`)).m.mutationId)
      continue
    }
    if (roll < 0.13 && agent !== 'sam') {
      // A contact logged for a customer already on file: an item from an existing customer row.
      items.push(add(agent, 'item.logContact', { channel: 'phone', category: 'order', subject: `Call ${i}`, summary: 'Asked where the parcel is.', outcome: pick(['open', 'resolved']), customer: { type: 'existing', customerId: `${items[0]}.c` } }).m.mutationId)
      continue
    }
    if (roll < 0.15 && agent === 'lee') {
      // The reasons change under the pushes that follow (escalating for 'technical' comes and goes).
      add(agent, 'settings.update', { escalationReasons: rng.next() < 0.5 ? [{ code: 'other', label: 'Other' }] : [{ code: 'technical', label: 'Technical' }, { code: 'resolved-technical', label: 'Back' }, { code: 'needs-expertise', label: 'Expertise' }, { code: 'other', label: 'Other' }] })
      continue
    }
    const itemId = rng.next() < 0.05 ? `missing-${i}` : pick(items)
    const who = pick([null, 'lee', 'dana', 'sam'])
    const r = rng.next()
    if (r < 0.2) add(agent, 'item.reply', { itemId, body: `Reply ${i}` })
    else if (r < 0.3) add(agent, 'item.addNote', { itemId, body: `Note ${i}` })
    else if (r < 0.4) add(agent, 'item.setStatus', { itemId, status: pick(['open', 'pending', 'resolved', 'closed', 'open']) })
    else if (r < 0.47) add(agent, 'item.setPriority', { itemId, priority: pick(['low', 'normal', 'high', 'urgent']) })
    else if (r < 0.56) add(agent, 'item.assign', { itemId, assigneeId: who, expectedAssigneeId: pick([null, 'lee', 'dana', 'sam']) })
    else if (r < 0.6) add(agent, 'item.assign', { itemId, assigneeId: who, override: true })
    else if (r < 0.68) add(agent, 'item.recordRating', rng.next() < 0.5 ? { itemId, kind: 'csat', score: 1 + Math.floor(rng.next() * 5) } : { itemId, kind: 'nps', score: Math.floor(rng.next() * 11) })
    else if (r < 0.76) {
      add(agent, 'item.escalateToSupport', { itemId, reasonCode: 'technical', summary: `Needs a specialist (${i})`, assigneeId: pick([null, 'sam']), expectedQueue: 'service', expectedTier: null, category: 'troubleshooting' })
      escalated.push(itemId)
    } else if (r < 0.82) add(agent, 'item.handBack', { itemId: escalated.length > 0 && rng.next() < 0.8 ? pick(escalated) : itemId, reasonCode: 'resolved-technical', summary: `Back to service (${i})`, assigneeId: null, expectedQueue: 'tier1', expectedTier: 1 })
    else if (r < 0.85) {
      const up = escalated.length > 0 && rng.next() < 0.8 ? pick(escalated) : itemId
      add(agent, 'item.escalateTier', { itemId: up, reasonCode: 'needs-expertise', summary: `Tier up (${i})`, assigneeId: null, expectedQueue: 'tier1', expectedTier: 1 })
      tieredUp.push(up)
    } else if (r < 0.87) add(agent, 'item.deescalate', { itemId: tieredUp.length > 0 && rng.next() < 0.8 ? pick(tieredUp) : itemId, reasonCode: 'other', reasonText: 'Back down', summary: `Tier down (${i})`, assigneeId: null, expectedQueue: 'tier2', expectedTier: 2 })
    else if (r < 0.9) add(agent, 'view.save', { name: `View ${i}`, filter: { statuses: ['open'] }, sort: { column: 'priority', direction: 'desc' } })
    else if (r < 0.94) add(agent, 'item.reply', { itemId, body: '' })
    else {
      // The same mutation id again, under a new seq (a restored outbox), often one just sent (in
      // the same push) and in capitals half the time: refused as a duplicate of the first.
      const earlier = sent.filter((s) => s.agent === agent).slice(rng.next() < 0.5 ? -3 : 0)
      if (earlier.length > 0) {
        const again = pick(earlier).m
        add(agent, again.name, again.args, rng.next() < 0.5 ? again.mutationId.toUpperCase() : again.mutationId)
      }
    }
  }
  return out
}

/** Pushes the plan in the same order on `store`, each agent's run of mutations in pushes of 1–30. */
async function run(store: ServerStore, sql: SqlClient, agents: Map<string, AgentRecord>, planned: readonly Planned[], readAhead: boolean, rng: Rng): Promise<PushResponse['results']> {
  const clientIds = new Map(AGENTS.map((a, k) => [a.id, `00000000-0000-4000-8000-00000000000${k}`]))
  const results: PushResponse['results'] = []
  for (let i = 0; i < planned.length; ) {
    const agent = planned[i]!.agent
    const size = 1 + Math.floor(rng.next() * 30)
    const batch: PushedMutation[] = []
    while (i < planned.length && planned[i]!.agent === agent && batch.length < size) batch.push(planned[i++]!.m)
    const res = await push(sql, agents.get(agent)!, { clientId: clientIds.get(agent)!, mutations: batch }, { readAhead })
    results.push(...res.results)
  }
  void store
  return results
}

const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g
/** Times differ between two runs (each decision stamps its own now): compare everything else. */
const timeless = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replace(ISO, '<time>'))

async function state(sql: SqlClient): Promise<unknown> {
  const q = async (text: string) => (await sql.query(text)).rows
  return timeless({
    items: await q('SELECT * FROM items ORDER BY id'),
    customers: await q('SELECT * FROM customers ORDER BY id'),
    messages: await q('SELECT * FROM messages ORDER BY id'),
    events: await q('SELECT * FROM item_events ORDER BY id'),
    ratings: await q('SELECT * FROM ratings ORDER BY id'),
    views: await q('SELECT * FROM views ORDER BY id'),
    mutations: await q('SELECT client_id, seq, mutation_id, name, actor_id, status, rejection_code, rejection_message, item_id FROM mutations ORDER BY client_id, seq'),
    clients: await q('SELECT id, agent_id, last_seq FROM clients ORDER BY id'),
    feed: await q('SELECT entity, entity_id, owner_id, queue_before, assignee_before, queue_after, assignee_after FROM changes ORDER BY tx, id')
  })
}

const backends = [
  { name: 'postgres', url: () => freshDatabase('ahead') },
  { name: 'pglite', url: async () => undefined }
] as const

describe.each(backends)('read-ahead push on $name', ({ url }) => {
  const open: ServerStore[] = []
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close()
  })
  const fresh = async () => {
    const databaseUrl = await url()
    const store = await openStore(databaseUrl ? { databaseUrl } : {})
    open.push(store)
    const agents = new Map<string, AgentRecord>()
    for (const a of AGENTS) agents.set(a.id, (await store.addAgent({ ...a, tiers: [...a.tiers], email: `${a.id}@example.com`, admin: false })).agent)
    return { store, agents }
  }

  it('decides a seeded mix of every mutation exactly as a fresh read per mutation does', async () => {
    const planned = plan(createRng(20261123), 400)
    const ahead = await fresh()
    const alone = await fresh()
    const aheadSql = counting(ahead.store.sql)
    const aloneSql = counting(alone.store.sql)
    const withAhead = await run(ahead.store, aheadSql.sql, ahead.agents, planned, true, createRng(7))
    const without = await run(alone.store, aloneSql.sql, alone.agents, planned, false, createRng(7))

    expect(timeless(withAhead)).toEqual(timeless(without))
    expect(await state(ahead.store.sql)).toEqual(await state(alone.store.sql))

    // The mix reached what it was made for.
    const outcomes = withAhead.map((r) => (r.outcome === 'rejected' ? r.rejection!.code : r.outcome))
    expect(outcomes.filter((o) => o === 'applied').length).toBeGreaterThan(100)
    for (const code of ['conflict', 'not_found', 'invalid_argument', 'duplicate', 'forbidden']) expect(outcomes, code).toContain(code)
    for (const name of ['item.logContact', 'settings.update', 'item.escalateToSupport', 'item.handBack', 'view.save']) {
      expect(planned.some((p, k) => p.m.name === name && withAhead[k]!.outcome === 'applied'), name).toBe(true)
    }
    // And the read-ahead did the reading: far fewer statements than one read per mutation.
    expect(aheadSql.readAheads()).toBeGreaterThan(5)
    expect(aloneSql.readAheads()).toBe(0)
    expect(aheadSql.statements()).toBeLessThan(aloneSql.statements() * 0.75)
    // Every decision from the read-ahead was made on the rows as they were: no write went stale.
    expect(aheadSql.stale()).toBe(0)
    expect(aloneSql.stale()).toBe(0)
  })

  it('names the first record of an id pushed three times in one push, as a fresh read does', async () => {
    const { store, agents } = await fresh()
    const lee = agents.get('lee')!
    const create: PushedMutation = { seq: 1, mutationId: randomUUID(), name: 'item.create', args: newService('Thrice'), actorId: 'lee', clientTime: '2026-11-23T10:00:00.000Z' }
    const again = (seq: number): PushedMutation => ({ ...create, seq, mutationId: seq === 3 ? create.mutationId.toUpperCase() : create.mutationId })
    const counted = counting(store.sql)
    const res = await push(counted.sql, lee, { clientId: randomUUID(), mutations: [create, again(2), again(3), again(4)] })
    expect(counted.readAheads()).toBe(1)
    expect(res.results.map((r) => r.outcome)).toEqual(['applied', 'rejected', 'rejected', 'rejected'])
    for (const r of res.results.slice(1)) expect(r.rejection).toEqual({ code: 'duplicate', message: `Mutation ${r.seq === 3 ? create.mutationId.toUpperCase() : create.mutationId} was already pushed (seq 1).` })
  })
})

describe('read-ahead push against another writer on postgres', () => {
  let store: ServerStore
  let lee: AgentRecord, dana: AgentRecord
  let raw: pg.Client
  const seqs = new Map<string, number>()
  const clientIds = new Map<string, string>()
  const mutation = (agent: AgentRecord, name: string, args: unknown): PushedMutation => {
    const seq = (seqs.get(agent.id) ?? 0) + 1
    seqs.set(agent.id, seq)
    return { seq, mutationId: randomUUID(), name, args, actorId: agent.id, clientTime: new Date().toISOString() }
  }
  let counted: ReturnType<typeof counting>
  const pushAll = (agent: AgentRecord, ms: PushedMutation[]) => {
    if (!clientIds.has(agent.id)) clientIds.set(agent.id, randomUUID())
    return push(counted.sql, agent, { clientId: clientIds.get(agent.id)!, mutations: ms })
  }
  const lockWaiter = () => rowLockWaiter(store.sql, 'the push to wait on the held row')
  const create = async (subject: string) => {
    const m = mutation(lee, 'item.create', newService(subject))
    expect((await pushAll(lee, [m])).results[0]!.outcome).toBe('applied')
    return m.mutationId
  }

  beforeEach(async () => {
    const databaseUrl = await freshDatabase('ahead_race')
    store = await openStore({ databaseUrl })
    counted = counting(store.sql)
    lee = (await store.addAgent({ id: 'lee', name: 'LEE', email: 'lee@example.com', role: 'supervisor', tiers: [], admin: false })).agent
    dana = (await store.addAgent({ id: 'dana', name: 'DANA', email: 'dana@example.com', role: 'service', tiers: [], admin: false })).agent
    seqs.clear()
    clientIds.clear()
    raw = new pg.Client({ connectionString: databaseUrl })
    await raw.connect()
  })
  afterEach(async () => {
    await raw.end()
    await store.close()
  })

  it('decides again from a fresh read when another writer changed an item after the read-ahead', async () => {
    const [a, b, x] = [await create('A'), await create('B'), await create('X')]
    // Another process takes X and holds it; the push reads ahead (X unassigned), applies its
    // first replies, and its claim of X waits on the held row.
    await raw.query('BEGIN')
    await raw.query("UPDATE items SET assignee_id = 'lee' WHERE id = $1", [x])
    const pushing = pushAll(dana, [
      mutation(dana, 'item.reply', { itemId: a, body: 'One.' }),
      mutation(dana, 'item.reply', { itemId: b, body: 'Two.' }),
      mutation(dana, 'item.assign', { itemId: x, assigneeId: 'dana', expectedAssigneeId: null }),
      mutation(dana, 'item.reply', { itemId: x, body: 'Three.' }),
      mutation(dana, 'item.reply', { itemId: a, body: 'Four.' })
    ])
    await lockWaiter()
    await raw.query('COMMIT')
    const res = await pushing

    expect(res.results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'rejected', 'applied', 'applied'])
    expect(res.results[2]!.rejection).toMatchObject({ code: 'conflict' })
    expect(res.results[2]!.rejection!.message).toContain('LEE')
    expect(res.lastAppliedSeq).toBe(5)
    const { rows } = await store.sql.query<{ assignee_id: string | null }>('SELECT assignee_id FROM items WHERE id = $1', [x])
    expect(rows).toEqual([{ assignee_id: 'lee' }])
    const { rows: replies } = await store.sql.query<{ n: string }>("SELECT count(*)::text AS n FROM messages WHERE kind = 'reply' AND author_id = 'dana'")
    expect(replies[0]!.n).toBe('4')
    // The claim was decided from the read-ahead, found X changed, and was decided afresh.
    expect(counted.readAheads()).toBe(1)
    expect(counted.stale()).toBe(1)
  })

  it('sees an item another client created after the read-ahead, instead of deciding it is missing', async () => {
    const [a, b] = [await create('A'), await create('B')]
    const later = mutation(dana, 'item.create', newService('Created meanwhile'))
    // Hold A (locked, not changed) so the push waits after its read-ahead, which finds the
    // coming item missing; meanwhile another client creates it.
    await raw.query('BEGIN')
    await raw.query('SELECT 1 FROM items WHERE id = $1 FOR UPDATE', [a])
    const pushing = pushAll(lee, [
      mutation(lee, 'item.reply', { itemId: a, body: 'One.' }),
      mutation(lee, 'item.reply', { itemId: b, body: 'Two.' }),
      mutation(lee, 'item.reply', { itemId: later.mutationId, body: 'To the new one.' }),
      mutation(lee, 'item.reply', { itemId: b, body: 'Three.' })
    ])
    await lockWaiter()
    expect((await pushAll(dana, [later])).results[0]!.outcome).toBe('applied')
    await raw.query('COMMIT')
    const res = await pushing

    expect(res.results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied', 'applied'])
    const { rows } = await store.sql.query<{ n: string }>("SELECT count(*)::text AS n FROM messages WHERE item_id = $1 AND kind = 'reply'", [later.mutationId])
    expect(rows[0]!.n).toBe('1')
    expect(counted.readAheads()).toBe(1)
    expect(counted.stale()).toBe(1)
  })

  it('decides afresh when the settings changed after the read-ahead: a new item gets the new SLA target', async () => {
    const sue = (await store.addAgent({ id: 'sue', name: 'SUE', email: 'sue@example.com', role: 'supervisor', tiers: [], admin: false })).agent
    const a = await create('A')
    expect((await pushAll(lee, [mutation(lee, 'item.setStatus', { itemId: a, status: 'resolved' })])).results[0]!.outcome).toBe('applied')
    // Hold A (resolved, so a new SLA policy leaves it alone) while the push reads ahead.
    await raw.query('BEGIN')
    await raw.query('SELECT 1 FROM items WHERE id = $1 FOR UPDATE', [a])
    const batch = [mutation(lee, 'item.addNote', { itemId: a, body: 'One.' }), mutation(lee, 'item.addNote', { itemId: a, body: 'Two.' }), mutation(lee, 'item.create', newService('After the new policy')), mutation(lee, 'item.addNote', { itemId: a, body: 'Three.' })]
    const creating = batch[2]!
    const pushing = pushAll(lee, batch)
    await lockWaiter()
    const sla = { ...DEFAULT_SLA_POLICY, service: { ...DEFAULT_SLA_POLICY.service, normal: { firstResponseMinutes: 7, resolutionMinutes: 700 } } }
    expect((await pushAll(sue, [mutation(sue, 'settings.update', { sla })])).results[0]!.outcome).toBe('applied')
    await raw.query('COMMIT')
    expect((await pushing).results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied', 'applied'])

    const { rows } = await store.sql.query<{ sla_started_at: string; sla_due_at: string }>('SELECT sla_started_at, sla_due_at FROM items WHERE id = $1', [creating.mutationId])
    expect(Date.parse(rows[0]!.sla_due_at) - Date.parse(rows[0]!.sla_started_at)).toBe(7 * 60_000)
    expect(counted.stale()).toBe(1)
  })
})
