/**
 * Scope leaks nothing (issue 13): on a real PostgreSQL and on PGlite, an agent's change to an
 * item outside their scope is refused before the rules run, with exactly the answer a made-up id
 * gets, so a refusal tells neither the item's state nor whether it exists.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pullResponse, pushResponse, type PushedMutation } from '../../src/shared/sync/protocol'
import { openStore, type AgentRecord, type ServerStore } from '../../src/server/store'
import { MUTATION_NAMES, type MutationName } from '../../src/shared/mutations'
import { freshDatabase } from '../support/pg-database'
import { newService, newSupport } from './support/items'

const backends = [
  { name: 'postgres', open: async () => openStore({ databaseUrl: await freshDatabase('scope') }) },
  { name: 'pglite', open: () => openStore() }
] as const

/** The mutations that name no existing item: nothing to be out of scope. */
const NO_ITEM = ['item.create', 'item.logContact', 'view.save', 'view.delete', 'settings.update'] as const satisfies readonly MutationName[]
type ItemMutation = Exclude<MutationName, (typeof NO_ITEM)[number]>

/**
 * Arguments for every item mutation that the rules would refuse on the out-of-scope items below
 * with a reason naming their state (or apply): the scope check must answer first.
 */
const handoff = { reasonCode: 'technical', summary: 'Please look.', assigneeId: null, expectedQueue: 'service', expectedTier: null }
const ARGS: Record<ItemMutation, (itemId: string) => Record<string, unknown>> = {
  'item.reply': (itemId) => ({ itemId, body: 'Hello' }),
  'item.addNote': (itemId) => ({ itemId, body: 'Note' }),
  'item.setStatus': (itemId) => ({ itemId, status: 'open' }),
  'item.setPriority': (itemId) => ({ itemId, priority: 'normal' }),
  'item.assign': (itemId) => ({ itemId, assigneeId: 't1', expectedAssigneeId: null }),
  'item.recordRating': (itemId) => ({ itemId, kind: 'csat', score: 5 }),
  'item.escalateToSupport': (itemId) => ({ itemId, ...handoff }),
  'item.escalateTier': (itemId) => ({ itemId, ...handoff, expectedQueue: 'tier1', expectedTier: 1 }),
  'item.handBack': (itemId) => ({ itemId, ...handoff, expectedQueue: 'tier1', expectedTier: 1 }),
  'item.deescalate': (itemId) => ({ itemId, ...handoff, expectedQueue: 'tier2', expectedTier: 2 }),
  'item.retryDelivery': (itemId) => ({ itemId, messageId: `${itemId}.m0` })
}
const ITEM_MUTATIONS = Object.keys(ARGS) as ItemMutation[]

describe.each(backends)('scope on $name', ({ open }) => {
  let store: ServerStore
  let sup: AgentRecord, svc: AgentRecord, t1: AgentRecord
  let supClient: string
  const seqs = new Map<string, number>()
  beforeEach(async () => {
    store = await open()
    seqs.clear()
    supClient = randomUUID()
    const add = async (id: string, role: 'service' | 'support' | 'supervisor', tiers: (1 | 2 | 3)[]) =>
      (await store.addAgent({ id, name: id.toUpperCase(), email: `${id}@example.com`, role, tiers, admin: false })).agent
    sup = await add('sup', 'supervisor', [])
    svc = await add('svc', 'service', [])
    t1 = await add('t1', 'support', [1])
  })
  afterEach(async () => {
    await store.close()
  })

  const mutation = (agent: AgentRecord, clientId: string, name: string, args: unknown): PushedMutation => ({
    seq: seqs.set(clientId, (seqs.get(clientId) ?? 0) + 1).get(clientId)!,
    mutationId: randomUUID(),
    name,
    args,
    actorId: agent.id,
    clientTime: new Date().toISOString()
  })
  const push = async (agent: AgentRecord, clientId: string, mutations: PushedMutation[]) => pushResponse.parse(await store.push(agent, { clientId, mutations }))
  /** Pushes one applied mutation as the supervisor; returns its id. */
  const supDoes = async (name: string, args: unknown): Promise<string> => {
    const m = mutation(sup, supClient, name, args)
    expect((await push(sup, supClient, [m])).results[0]).toMatchObject({ outcome: 'applied' })
    return m.mutationId
  }

  /** Frontline items a tier 1 specialist may not touch, in states the rules would describe. */
  async function outOfScopeItems(): Promise<Record<string, string>> {
    const rated = await supDoes('item.create', newService('rated, assigned to svc'))
    await supDoes('item.recordRating', { itemId: rated, kind: 'csat', score: 4 })
    await supDoes('item.assign', { itemId: rated, assigneeId: 'svc', expectedAssigneeId: null })
    const closed = await supDoes('item.create', newService('closed'))
    await supDoes('item.setStatus', { itemId: closed, status: 'resolved' })
    await supDoes('item.setStatus', { itemId: closed, status: 'closed' })
    return { rated, closed }
  }

  it(`refuses each of the ${ITEM_MUTATIONS.length} item mutations on an out-of-scope item exactly as on a made-up id, one at a time and read ahead`, async () => {
    expect(new Set([...ITEM_MUTATIONS, ...NO_ITEM])).toEqual(new Set(MUTATION_NAMES))
    const items = await outOfScopeItems()
    for (const batched of [false, true]) {
      const clientId = randomUUID()
      const madeUp = `made-up-${randomUUID()}`
      const targets = [madeUp, ...Object.values(items)]
      const pushed = ITEM_MUTATIONS.flatMap((name) => targets.map((itemId) => ({ name, itemId, m: mutation(t1, clientId, name, ARGS[name](itemId)) })))
      // Read ahead when pushed together (prefetch.ts), read one by one otherwise (push.ts).
      const results = batched
        ? (await push(t1, clientId, pushed.map((p) => p.m))).results
        : (await sequential(pushed.map((p) => () => push(t1, clientId, [p.m])))).flatMap((r) => r.results)
      expect(results).toHaveLength(pushed.length)
      for (const [i, p] of pushed.entries()) {
        const r = results[i]!
        expect(r.outcome, `${p.name} on ${p.itemId}`).toBe('rejected')
        // The same code and the same words, the pushed id aside.
        const asMadeUp = results[pushed.findIndex((q) => q.name === p.name && q.itemId === madeUp)]!
        expect({ code: r.rejection?.code, message: r.rejection?.message.replace(p.itemId, '<id>') }, `${p.name} on ${p.itemId}`).toEqual({
          code: asMadeUp.rejection?.code,
          message: asMadeUp.rejection?.message.replace(madeUp, '<id>')
        })
        expect(r.rejection?.message).not.toMatch(/CSAT|already|closed|assigned to (svc|nobody|SVC)|priority|moved/i)
      }
      // The pull's rejections say the same, and nothing of the items comes with them.
      const page = pullResponse.parse(await store.pull(t1, { clientId, cursor: null, limit: 500, rejectionsAfter: 0 }))
      expect(page.rejections.map((r) => r.code)).toEqual(pushed.map(() => 'not_found'))
      expect(page.items.map((i) => i.id)).toEqual([])
      // Nothing changed: the rating is still the first, the closed item still closed.
      const { rows } = await store.sql.query<{ id: string; status: string; assignee_id: string | null }>('SELECT id, status, assignee_id FROM items ORDER BY id')
      expect(rows.find((r) => r.id === items.rated)).toMatchObject({ status: 'new', assignee_id: 'svc' })
      expect(rows.find((r) => r.id === items.closed)).toMatchObject({ status: 'closed', assignee_id: null })
    }
  })

  it('keeps the rules’ own reasons inside the scope and for supervisors', async () => {
    const ticket = await supDoes('item.create', newSupport())
    const clientId = randomUUID()
    const inScope = await push(t1, clientId, [mutation(t1, clientId, 'item.setPriority', { itemId: ticket, priority: 'normal' })])
    expect(inScope.results[0]?.rejection).toEqual({ code: 'unchanged', message: 'The priority is already normal.' })
    const { rated } = await outOfScopeItems()
    const bySup = await push(sup, supClient, [mutation(sup, supClient, 'item.recordRating', { itemId: rated, kind: 'csat', score: 5 })])
    expect(bySup.results[0]?.rejection?.code).toBe('duplicate')
    // An agent's own assigned item is in scope wherever it waits.
    const svcClient = randomUUID()
    const assigned = await push(svc, svcClient, [mutation(svc, svcClient, 'item.recordRating', { itemId: rated, kind: 'csat', score: 5 })])
    expect(assigned.results[0]?.rejection?.code).toBe('duplicate')
  })
})

async function sequential<T>(steps: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = []
  for (const step of steps) out.push(await step())
  return out
}

describe.each(backends)('an item created outside one’s scope, on $name', ({ open }) => {
  let store: ServerStore
  beforeEach(async () => {
    store = await open()
  })
  afterEach(async () => {
    await store.close()
  })

  it('is applied and leaves the creating client through left; nobody else hears of it', async () => {
    const add = async (id: string, role: 'service' | 'support', tiers: (1 | 2 | 3)[]) =>
      (await store.addAgent({ id, name: id.toUpperCase(), email: `${id}@example.com`, role, tiers, admin: false })).agent
    const svc = await add('svc', 'service', [])
    const t2 = await add('t2', 'support', [2])
    const pull = async (agent: AgentRecord, clientId: string) => {
      const pages = []
      let cursor: string | null = null
      for (;;) {
        const page = pullResponse.parse(await store.pull(agent, { clientId, cursor, limit: 500, rejectionsAfter: 0 }))
        pages.push(page)
        cursor = page.cursor
        if (!page.more) return { cursor, pages }
      }
    }
    const mine = randomUUID()
    const other = randomUUID()
    const t2Client = randomUUID()
    let svcCursor = (await pull(svc, mine)).cursor
    const otherCursor = (await pull(svc, other)).cursor
    const t2Cursor = (await pull(t2, t2Client)).cursor
    const ticket = randomUUID()
    const kept = randomUUID()
    const res = pushResponse.parse(
      await store.push(svc, {
        clientId: mine,
        mutations: [
          { seq: 1, mutationId: ticket, name: 'item.create', args: newSupport('Router fails'), actorId: 'svc', clientTime: new Date().toISOString() },
          { seq: 2, mutationId: kept, name: 'item.create', args: newService('Stays here'), actorId: 'svc', clientTime: new Date().toISOString() }
        ]
      })
    )
    expect(res.results.map((r) => r.outcome)).toEqual(['applied', 'applied'])
    const after = async (agent: AgentRecord, clientId: string, cursor: string) => {
      const page = pullResponse.parse(await store.pull(agent, { clientId, cursor, limit: 500, rejectionsAfter: 0 }))
      return { left: page.left, items: page.items.map((i) => i.id), next: page.cursor }
    }
    const first = await after(svc, mine, svcCursor)
    expect(first).toMatchObject({ left: [ticket], items: [kept] })
    svcCursor = first.next
    // Another console of the same agent never held it; a specialist of another tier never could.
    expect(await after(svc, other, otherCursor)).toMatchObject({ left: [], items: [kept] })
    expect(await after(t2, t2Client, t2Cursor)).toMatchObject({ left: [], items: [] })
    // It is said once.
    expect(await after(svc, mine, svcCursor)).toMatchObject({ left: [], items: [] })
  })
})
