/** Push and pull of the server store, on a real PostgreSQL and on PGlite. */
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pullResponse, pushResponse, type PullResponse, type PushedMutation } from '../../src/shared/sync/protocol'
import { StoreError, openStore, type AgentRecord, type ServerStore } from '../../src/server/store'
import { freshDatabase } from '../support/pg-database'
import { newService, newSupport } from './support/items'
import { DEFAULT_SLA_POLICY, slaDueAt } from '../../src/shared/domain/sla'
import type { Queue } from '../../src/shared/domain/escalation'
import type { Priority, Status } from '../../src/shared/domain/vocabulary'

const backends = [
  { name: 'postgres', open: async () => openStore({ databaseUrl: await freshDatabase('sync') }) },
  { name: 'pglite', open: () => openStore() }
] as const

/** One console: an agent, a client id and its next seq. */
class Console {
  readonly clientId = randomUUID()
  seq = 0
  constructor(
    readonly store: ServerStore,
    readonly agent: AgentRecord
  ) {}
  mutation(name: string, args: unknown, seq = ++this.seq): PushedMutation {
    return { seq, mutationId: randomUUID(), name, args, actorId: this.agent.id, clientTime: new Date().toISOString() }
  }
  async push(...mutations: PushedMutation[]) {
    return pushResponse.parse(await this.store.push(this.agent, { clientId: this.clientId, mutations }))
  }
  /** Pushes one mutation and returns its id (the id of the item it creates, for item.create). */
  async do(name: string, args: unknown): Promise<string> {
    const m = this.mutation(name, args)
    const res = await this.push(m)
    expect(res.results[0]?.outcome, JSON.stringify(res.results[0])).toBe('applied')
    return m.mutationId
  }
  cursor: string | null = null
  async pull(limit = 500, rejectionsAfter = 0): Promise<PullResponse> {
    const res = pullResponse.parse(await this.store.pull(this.agent, { clientId: this.clientId, cursor: this.cursor, limit, rejectionsAfter }))
    this.cursor = res.cursor
    return res
  }
  /** Pulls until nothing more is waiting; returns every page. */
  async pullAll(limit = 500): Promise<PullResponse[]> {
    const pages: PullResponse[] = []
    for (;;) {
      const page = await this.pull(limit)
      pages.push(page)
      if (!page.more) return pages
    }
  }
}

type ItemRowLite = { id: string; status: Status; queue: Queue; priority: Priority; sla_started_at: string; sla_responded_at: string | null; sla_due_at: string | null }

const itemIds = (pages: PullResponse[]) => new Set(pages.flatMap((p) => p.items.map((i) => i.id)))

describe.each(backends)('store on $name', ({ open }) => {
  let store: ServerStore
  let sup: Console, svc: Console, t1: Console, t2: Console
  beforeEach(async () => {
    store = await open()
    const add = async (id: string, role: 'service' | 'support' | 'supervisor', tiers: (1 | 2 | 3)[]) =>
      new Console(store, (await store.addAgent({ id, name: id.toUpperCase(), email: `${id}@example.com`, role, tiers, admin: false })).agent)
    sup = await add('sup', 'supervisor', [])
    svc = await add('svc', 'service', [])
    t1 = await add('t1', 'support', [1])
    t2 = await add('t2', 'support', [2])
  })
  afterEach(async () => {
    await store.close()
  })

  describe('push', () => {
    it('applies a mutation, writes its rows and a feed row for its item', async () => {
      const m = svc.mutation('item.create', newService())
      expect(await svc.push(m)).toEqual({ results: [{ seq: 1, outcome: 'applied' }], lastAppliedSeq: 1 })
      const { rows } = await store.sql.query<{ id: string; subject: string; queue: string }>('SELECT id, subject, queue FROM items')
      expect(rows).toEqual([{ id: m.mutationId, subject: 'Where is my order?', queue: 'service' }])
      const changes = await store.sql.query<{ entity: string; entity_id: string; queue_before: string | null; queue_after: string }>(
        "SELECT entity, entity_id, queue_before, queue_after FROM changes WHERE entity = 'item'"
      )
      expect(changes.rows).toEqual([{ entity: 'item', entity_id: m.mutationId, queue_before: null, queue_after: 'service' }])
      const recorded = await store.sql.query('SELECT status, actor_id, item_id FROM mutations')
      expect(recorded.rows).toEqual([{ status: 'applied', actor_id: 'svc', item_id: m.mutationId }])
    })

    it('skips a seq it has seen as a duplicate', async () => {
      const m = svc.mutation('item.create', newService())
      await svc.push(m)
      expect(await svc.push(m)).toEqual({ results: [{ seq: 1, outcome: 'duplicate' }], lastAppliedSeq: 1 })
      expect((await store.sql.query('SELECT id FROM items')).rows).toHaveLength(1)
    })

    it('stops at a gap with sequence_gap and expectedSeq; the mutations before it stay applied', async () => {
      const first = svc.mutation('item.create', newService('one'), 1)
      const skipped = svc.mutation('item.create', newService('three'), 3)
      const error = await svc.push(first, skipped).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StoreError)
      expect(error).toMatchObject({ code: 'sequence_gap', expectedSeq: 2 })
      const { rows } = await store.sql.query<{ subject: string }>('SELECT subject FROM items')
      expect(rows.map((r) => r.subject)).toEqual(['one'])
      expect((await store.sql.query('SELECT last_seq FROM clients WHERE id = $1', [svc.clientId])).rows.map((r) => Number(r.last_seq))).toEqual([1])
    })

    it('records a rejection, advances last_seq and re-sends the true state of its items', async () => {
      const itemId = await svc.do('item.create', newService())
      await svc.do('item.setStatus', { itemId, status: 'open' })
      const before = await store.sql.query("SELECT count(*)::int AS n FROM changes WHERE entity = 'item' AND entity_id = $1", [itemId])
      const res = await svc.push(svc.mutation('item.setStatus', { itemId, status: 'open' }), svc.mutation('item.reply', { itemId: 'missing', body: 'Hello' }))
      expect(res.lastAppliedSeq).toBe(4)
      expect(res.results.map((r) => [r.outcome, r.rejection?.code])).toEqual([
        ['rejected', 'unchanged'],
        ['rejected', 'not_found']
      ])
      const after = await store.sql.query("SELECT count(*)::int AS n FROM changes WHERE entity = 'item' AND entity_id = $1", [itemId])
      expect(Number(after.rows[0]!.n)).toBe(Number(before.rows[0]!.n) + 1)
    })

    it('rejects invalid arguments with invalid_argument and advances', async () => {
      const res = await svc.push(svc.mutation('item.reply', { itemId: 'x', body: '' }), svc.mutation('item.setStatus', { nonsense: true }))
      expect(res.results.map((r) => r.rejection?.code)).toEqual(['invalid_argument', 'invalid_argument'])
      expect(res.results[0]?.rejection?.message).toMatch(/^body: /)
      expect(res.lastAppliedSeq).toBe(2)
    })

    it('rejects a mutation id already applied under another seq as a duplicate', async () => {
      const m = svc.mutation('item.create', newService())
      await svc.push(m)
      const res = await svc.push({ ...m, seq: ++svc.seq })
      expect(res.results).toEqual([{ seq: 2, outcome: 'rejected', rejection: expect.objectContaining({ code: 'duplicate' }) }])
      expect((await store.sql.query('SELECT id FROM items')).rows).toHaveLength(1)
    })

    it('applies one mutation id once when two clients push it at the same time', async () => {
      const other = new Console(store, svc.agent)
      const m = svc.mutation('item.create', newService())
      const [a, b] = await Promise.all([svc.push(m), other.push({ ...m, seq: ++other.seq })])
      expect([a.results[0]!.outcome, b.results[0]!.outcome].sort()).toEqual(['applied', 'rejected'])
      expect([a, b].find((r) => r.results[0]!.outcome === 'rejected')!.results[0]!.rejection?.code).toBe('duplicate')
      expect((await store.sql.query('SELECT id FROM items')).rows).toHaveLength(1)
    })

    it('refuses a push that acts for someone else, writing nothing', async () => {
      const mine = svc.mutation('item.create', newService())
      const theirs = { ...svc.mutation('item.create', newService()), actorId: 'sup' }
      await expect(svc.push(mine, theirs)).rejects.toMatchObject({ code: 'forbidden' })
      expect((await store.sql.query('SELECT id FROM items')).rows).toHaveLength(0)
      expect((await store.sql.query('SELECT id FROM clients')).rows).toHaveLength(0)
    })

    it("refuses another agent's client id, on push and on pull", async () => {
      await svc.do('item.create', newService())
      const intruder = new Console(store, t1.agent)
      Object.assign(intruder, { clientId: svc.clientId })
      await expect(intruder.push(intruder.mutation('item.create', newService()))).rejects.toMatchObject({ code: 'forbidden' })
      await expect(intruder.pull()).rejects.toMatchObject({ code: 'forbidden' })
    })

    it('lets exactly one of two concurrent compare-and-set assignments win', async () => {
      for (let round = 0; round < 5; round++) {
        const itemId = await sup.do('item.create', newService(`race ${round}`))
        const [a, b] = await Promise.all([
          svc.push(svc.mutation('item.assign', { itemId, assigneeId: 'svc', expectedAssigneeId: null })),
          // A supervisor (any item is theirs to assign) racing the frontline agent.
          sup.push(sup.mutation('item.assign', { itemId, assigneeId: 'sup', expectedAssigneeId: null }))
        ])
        const outcomes = [a.results[0]!, b.results[0]!]
        expect(outcomes.filter((r) => r.outcome === 'applied')).toHaveLength(1)
        expect(outcomes.find((r) => r.outcome === 'rejected')?.rejection?.code).toBe('conflict')
        const winner = a.results[0]!.outcome === 'applied' ? 'svc' : 'sup'
        expect((await store.sql.query('SELECT assignee_id FROM items WHERE id = $1', [itemId])).rows).toEqual([{ assignee_id: winner }])
      }
    })
  })

  describe('pull', () => {
    it('sends the first sync in pages with progress, the directory and settings first, then follows the feed', async () => {
      const created: string[] = []
      for (let i = 0; i < 7; i++) created.push(await sup.do('item.create', newService(`item ${i}`)))
      await sup.do('item.reply', { itemId: created[0]!, body: 'On its way.' })
      const pages = await svc.pullAll(3)
      expect(pages.map((p) => p.progress)).toEqual([{ done: 3, total: 7 }, { done: 6, total: 7 }, { done: 7, total: 7 }, null])
      expect(pages.map((p) => p.more)).toEqual([true, true, true, false])
      expect(itemIds(pages)).toEqual(new Set(created))
      expect(pages[0]!.agents?.map((a) => a.id).sort()).toEqual(['sup', 'svc', 't1', 't2'])
      expect(pages[0]!.agents?.[0]).not.toHaveProperty('admin')
      expect(pages[0]!.settings?.escalationReasons.length).toBeGreaterThan(0)
      expect(pages.slice(1).every((p) => p.agents === null && p.settings === null)).toBe(true)
      const all = pages.flatMap((p) => p.messages)
      expect(all.filter((m) => m.itemId === created[0]).map((m) => m.kind)).toEqual(['customer', 'reply'])
      expect(new Set(pages.flatMap((p) => p.customers.map((c) => c.id))).size).toBe(7)
      expect(pages.flatMap((p) => p.events).length).toBeGreaterThanOrEqual(8)

      // The feed: a later change comes with the item's whole thread.
      await sup.do('item.addNote', { itemId: created[3]!, body: 'Checked the warehouse.' })
      const next = await svc.pullAll()
      expect(next.flatMap((p) => p.items.map((i) => i.id))).toEqual([created[3]])
      expect(next.flatMap((p) => p.messages.map((m) => m.kind))).toEqual(['customer', 'note'])
      expect(next.flatMap((p) => p.customers)).toHaveLength(1)
      expect(next[0]!.progress).toBeNull()
      // Nothing new: an empty page, and the cursor stays usable.
      const idle = await svc.pull()
      expect(idle.items).toEqual([])
      expect(idle.more).toBe(false)
    })

    it('sends what changed during the first sync after it, even items already passed', async () => {
      const created: string[] = []
      for (let i = 0; i < 4; i++) created.push(await sup.do('item.create', newService(`item ${i}`)))
      const sorted = [...created].sort()
      const first = await svc.pull(2)
      expect(first.items.map((i) => i.id)).toEqual(sorted.slice(0, 2))
      // Meanwhile: an item already sent changes, and a new one appears (its id may sort anywhere).
      await sup.do('item.setPriority', { itemId: sorted[0]!, priority: 'urgent' })
      const late = await sup.do('item.create', newService('late'))
      const rest = await svc.pullAll(2)
      const all = [first, ...rest]
      expect(itemIds(all)).toEqual(new Set([...created, late]))
      const lastSeen = new Map<string, string>()
      for (const p of all) for (const i of p.items) lastSeen.set(i.id, i.priority)
      expect(lastSeen.get(sorted[0]!)).toBe('urgent')
    })

    it('re-sends the true state of an item after a rejected mutation on it', async () => {
      const itemId = await sup.do('item.create', newService())
      await svc.pullAll()
      // svc raced sup: sup resolved it first, svc's optimistic priority change is refused.
      await sup.do('item.setStatus', { itemId, status: 'resolved' })
      await sup.do('item.setStatus', { itemId, status: 'closed' })
      await svc.pullAll()
      const res = await svc.push(svc.mutation('item.setPriority', { itemId, priority: 'high' }))
      expect(res.results[0]?.rejection?.code).toBe('closed')
      const pages = await svc.pullAll()
      expect(pages.flatMap((p) => p.items.map((i) => [i.id, i.status, i.priority]))).toEqual([[itemId, 'closed', 'normal']])
      expect(pages.flatMap((p) => p.rejections.map((r) => [r.code, r.itemId]))).toEqual([['closed', itemId]])
    })

    it('pages the feed when more changes wait than a page holds', async () => {
      await svc.pullAll()
      const created: string[] = []
      for (let i = 0; i < 5; i++) created.push(await svc.do('item.create', newService(`later ${i}`)))
      const pages = await svc.pullAll(2)
      expect(pages.map((p) => p.more)).toEqual([true, true, false])
      expect(itemIds(pages)).toEqual(new Set(created))
    })

    it('scopes items: service agents the frontline, specialists their tiers, supervisors all, everyone their assigned items', async () => {
      const service = await sup.do('item.create', newService('service'))
      const ticket = await sup.do('item.create', newSupport('tier 1 ticket'))
      const tier2 = await sup.do('item.create', newSupport('tier 2 ticket'))
      await sup.do('item.escalateTier', { itemId: tier2, reasonCode: 'bug', summary: 'Needs tier 2.', expectedQueue: 'tier1', expectedTier: 1 })
      const assigned = await sup.do('item.create', newService('service, assigned to t2'))
      await sup.do('item.assign', { itemId: assigned, assigneeId: 't2', expectedAssigneeId: null })
      expect(itemIds(await svc.pullAll())).toEqual(new Set([service, assigned]))
      expect(itemIds(await t1.pullAll())).toEqual(new Set([ticket]))
      expect(itemIds(await t2.pullAll())).toEqual(new Set([tier2, assigned]))
      expect(itemIds(await sup.pullAll())).toEqual(new Set([service, ticket, tier2, assigned]))
    })

    it('tells an agent when an item leaves their scope, and the receiving queue gets it', async () => {
      const itemId = await svc.do('item.create', newService('turns technical'))
      const other = await svc.do('item.create', newService('stays'))
      expect(itemIds(await svc.pullAll())).toEqual(new Set([itemId, other]))
      expect(itemIds(await t1.pullAll())).toEqual(new Set())
      await svc.do('item.escalateToSupport', { itemId, reasonCode: 'technical', summary: 'Router fails.', expectedQueue: 'service', expectedTier: null })
      const pages = await svc.pullAll()
      expect(pages.flatMap((p) => p.left)).toEqual([itemId])
      expect(itemIds(pages)).toEqual(new Set())
      const received = await t1.pullAll()
      expect(itemIds(received)).toEqual(new Set([itemId]))
      expect(received.flatMap((p) => p.messages.map((m) => m.kind))).toEqual(['customer', 'handoff'])
      // An agent who never saw it is not told it left.
      expect((await t2.pullAll()).flatMap((p) => p.left)).toEqual([])
    })

    it('returns rejections past rejectionsAfter, with lastAppliedSeq', async () => {
      await svc.push(
        svc.mutation('item.reply', { itemId: 'gone', body: 'Hi' }),
        svc.mutation('item.create', newService()),
        svc.mutation('item.setStatus', { itemId: 'gone', status: 'open' })
      )
      const page = await svc.pull(500, 0)
      expect(page.lastAppliedSeq).toBe(3)
      expect(page.rejections.map((r) => [r.seq, r.name, r.code, r.itemId])).toEqual([
        [1, 'item.reply', 'not_found', 'gone'],
        [3, 'item.setStatus', 'not_found', 'gone']
      ])
      expect((await svc.pull(500, 1)).rejections.map((r) => r.seq)).toEqual([3])
      expect((await svc.pull(500, 3)).rejections).toEqual([])
      // Another client of the same agent has its own.
      expect((await new Console(store, svc.agent).pull()).rejections).toEqual([])
    })

    it("sends an agent's own views and their deletion, and nobody else's", async () => {
      await svc.pullAll()
      await t1.pullAll()
      const viewId = await svc.do('view.save', { name: 'Mine', filter: { queues: ['service'] }, sort: { column: 'age', direction: 'desc' } })
      const saved = await svc.pullAll()
      expect(saved.flatMap((p) => p.views)).toEqual([
        { id: viewId, name: 'Mine', ownerId: 'svc', builtIn: false, filter: { queues: ['service'] }, sort: { column: 'age', direction: 'desc' } }
      ])
      expect((await t1.pullAll()).flatMap((p) => [...p.views, ...p.deletedViews])).toEqual([])
      // A fresh console of the owner gets it on the first pull.
      expect((await new Console(store, svc.agent).pullAll()).flatMap((p) => p.views.map((v) => v.id))).toEqual([viewId])
      await svc.do('view.delete', { viewId })
      const deleted = await svc.pullAll()
      expect(deleted.flatMap((p) => p.deletedViews)).toEqual([viewId])
      expect(deleted.flatMap((p) => p.views)).toEqual([])
      expect((await t1.pullAll()).flatMap((p) => [...p.views, ...p.deletedViews])).toEqual([])
    })

    it('sends settings and the directory when they change', async () => {
      await svc.pullAll()
      expect((await svc.pull()).settings).toBeNull()
      const reasons = [
        { code: 'other', label: 'Other' },
        { code: 'vip', label: 'VIP customer' }
      ]
      await sup.do('settings.update', { escalationReasons: reasons })
      const page = await svc.pull()
      expect(page.settings?.escalationReasons).toEqual(reasons)
      expect(page.agents).toBeNull()
      await store.addAgent({ id: 'new', name: 'Newcomer', email: '', role: 'service', tiers: [], admin: false })
      expect((await svc.pull()).agents?.map((a) => a.id)).toContain('new')
      expect((await svc.pull()).agents).toBeNull()
      // A service agent may not change settings: rejected, settings unchanged.
      const res = await svc.push(svc.mutation('settings.update', { escalationReasons: [{ code: 'other', label: 'x' }] }))
      expect(res.results[0]?.rejection?.code).toBe('forbidden')
    })

    it('recomputes the deadlines of active items when the SLA policy changes, as the console does', async () => {
      const active = await sup.do('item.create', newService('active'))
      const answered = await sup.do('item.create', newService('answered'))
      await sup.do('item.reply', { itemId: answered, body: 'On it.' })
      const done = await sup.do('item.create', newService('done'))
      await sup.do('item.setStatus', { itemId: done, status: 'resolved' })
      const sla = structuredClone(DEFAULT_SLA_POLICY)
      sla.service.normal = { firstResponseMinutes: 7, resolutionMinutes: 77 }
      await sup.do('settings.update', { sla })
      const { rows } = await store.sql.query<ItemRowLite>(
        'SELECT id, status, queue, priority, sla_started_at, sla_responded_at, sla_due_at FROM items WHERE id = ANY($1::text[])',
        [[active, answered, done]]
      )
      for (const r of rows) {
        const expected = slaDueAt({ queue: r.queue, priority: r.priority, status: r.status, slaStartedAt: r.sla_started_at, slaRespondedAt: r.sla_responded_at }, sla)
        expect(r.sla_due_at, r.id).toBe(expected)
      }
      expect(rows.find((r) => r.id === done)?.sla_due_at).toBeNull()
    })

    it('refuses a tampered cursor as bad_request', async () => {
      await svc.pullAll()
      const good = svc.cursor!
      // Altered, even with the signature of the true one, or unsigned: refused alike.
      const [payload, signature] = good.split('.') as [string, string]
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { lo: string }
      const ahead = Buffer.from(JSON.stringify({ ...decoded, lo: '99999999999' })).toString('base64url')
      const extra = Buffer.from(JSON.stringify({ ...decoded, x: 1 })).toString('base64url')
      const foreign = Buffer.from(JSON.stringify({ ...decoded, s: randomUUID() })).toString('base64url')
      for (const cursor of ['garbage!', 'eyJ2IjoyfQ', ahead, extra, foreign, Buffer.from('not json').toString('base64url'), payload, `${ahead}.${signature}`, `${extra}.${signature}`]) {
        const error = await store.pull(svc.agent, { clientId: svc.clientId, cursor }).catch((e: unknown) => e)
        expect(error, cursor).toBeInstanceOf(StoreError)
        expect(error).toMatchObject({ code: 'bad_request' })
      }
    })

    it('reports escalation events in a range with their item kind', async () => {
      const itemId = await svc.do('item.create', newService())
      await svc.do('item.escalateToSupport', { itemId, reasonCode: 'technical', summary: 'Tech.', expectedQueue: 'service', expectedTier: null })
      const events = await store.eventsInRange('2000-01-01T00:00:00.000Z', '2999-01-01T00:00:00.000Z')
      expect(events.map((e) => [e.type, e.actorId, e.kind, e.from, e.to])).toEqual([['escalated', 'svc', 'support', 'service', 'tier1']])
      expect(events[0]!.at).toBe(events[0]!.createdAt)
      expect(await store.eventsInRange('2000-01-01T00:00:00.000Z', '2000-01-02T00:00:00.000Z')).toEqual([])
      // Bounds without milliseconds compare as times, not as text.
      const at = events[0]!.createdAt
      expect(await store.eventsInRange(at.replace(/\.\d{3}Z$/, 'Z'), '2999-01-01T00:00:00Z')).toHaveLength(1)
      expect(await store.eventsInRange(at, at)).toEqual([])
      await expect(store.eventsInRange('yesterday', at)).rejects.toMatchObject({ code: 'bad_request' })
    })

    it('announces committed changes to listeners', async () => {
      let calls = 0
      const unlisten = await store.onChange(() => calls++)
      await svc.do('item.create', newService())
      for (let i = 0; i < 50 && calls === 0; i++) await new Promise((r) => setTimeout(r, 20))
      expect(calls).toBeGreaterThan(0)
      await unlisten()
    })
  })
})
