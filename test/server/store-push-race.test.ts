/**
 * The optimistic push (src/server/store/push.ts): a mutation is read and decided without locks,
 * then written by one statement that locks and re-checks what it read. These tests hold a
 * competing writer open on a real PostgreSQL between the read and the write, and check that the
 * mutation is decided again on the new state instead of being written over it.
 */
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore, type AgentRecord, type ServerStore } from '../../src/server/store'
import type { PushedMutation } from '../../src/shared/sync/protocol'
import { freshDatabase } from '../support/pg-database'
import { newService } from './support/items'
import { rowLockWaiter } from '../support/row-lock-waiter'

describe('optimistic push on postgres', () => {
  let databaseUrl: string
  let store: ServerStore
  let sup: AgentRecord, svc: AgentRecord
  let raw: pg.Client
  const clients = new Map<string, { id: string; seq: number }>()
  const mutation = (agent: AgentRecord, name: string, args: unknown): PushedMutation => {
    let c = clients.get(agent.id)
    if (!c) clients.set(agent.id, (c = { id: randomUUID(), seq: 0 }))
    return { seq: ++c.seq, mutationId: randomUUID(), name, args, actorId: agent.id, clientTime: new Date().toISOString() }
  }
  const push = (agent: AgentRecord, m: PushedMutation) => store.push(agent, { clientId: clients.get(agent.id)!.id, mutations: [m] })
  const lockWaiter = () => rowLockWaiter(store.sql, 'the push to wait on the held row')

  beforeEach(async () => {
    databaseUrl = await freshDatabase('race')
    store = await openStore({ databaseUrl })
    const add = async (id: string, role: 'service' | 'supervisor') => (await store.addAgent({ id, name: id.toUpperCase(), email: `${id}@example.com`, role, tiers: [], admin: false })).agent
    sup = await add('sup', 'supervisor')
    svc = await add('svc', 'service')
    clients.clear()
    raw = new pg.Client({ connectionString: databaseUrl })
    await raw.connect()
  })
  afterEach(async () => {
    await raw.end()
    await store.close()
  })

  it('decides again when the item changed between its read and its write, and names who holds it', async () => {
    const create = mutation(sup, 'item.create', newService('Race'))
    expect((await push(sup, create)).results[0]!.outcome).toBe('applied')
    const itemId = create.mutationId

    // A competing writer takes the item (as another server process would) and holds its lock.
    await raw.query('BEGIN')
    await raw.query("UPDATE items SET assignee_id = 'sup' WHERE id = $1", [itemId])
    const pushing = push(svc, mutation(svc, 'item.assign', { itemId, assigneeId: 'svc', expectedAssigneeId: null }))
    await lockWaiter()
    await raw.query('COMMIT')

    const res = await pushing
    expect(res.results[0]).toMatchObject({ outcome: 'rejected', rejection: { code: 'conflict' } })
    expect(res.results[0]!.rejection!.message).toContain('SUP')
    expect(res.lastAppliedSeq).toBe(1)
    const { rows } = await store.sql.query<{ assignee_id: string; status: string }>('SELECT i.assignee_id, m.status FROM mutations m JOIN items i ON i.id = m.item_id WHERE m.client_id = $1', [clients.get('svc')!.id])
    expect(rows).toEqual([{ assignee_id: 'sup', status: 'rejected' }])
  })

  it('writes nothing of a decision made on a stale read: the seq advances once', async () => {
    const create = mutation(sup, 'item.create', newService('Stale'))
    await push(sup, create)
    const itemId = create.mutationId

    await raw.query('BEGIN')
    await raw.query("UPDATE items SET status = 'resolved', resolved_at = now()::text WHERE id = $1", [itemId])
    const pushing = push(svc, mutation(svc, 'item.reply', { itemId, body: 'On its way.' }))
    await lockWaiter()
    await raw.query('COMMIT')
    const res = await pushing

    // Replying to a resolved item is allowed (it reopens or not per the rules); whatever the
    // outcome, exactly one record and one seq, and the reply written at most once.
    const { rows: recs } = await store.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM mutations WHERE client_id = $1', [clients.get('svc')!.id])
    expect(recs[0]!.n).toBe('1')
    const { rows: replies } = await store.sql.query<{ n: string }>("SELECT count(*)::text AS n FROM messages WHERE item_id = $1 AND kind = 'reply'", [itemId])
    expect(Number(replies[0]!.n)).toBe(res.results[0]!.outcome === 'applied' ? 1 : 0)
    expect(res.lastAppliedSeq).toBe(1)
  })

  it('moves the version of an item a change only added a child row to, so concurrent decisions on it serialize', async () => {
    const create = mutation(sup, 'item.create', newService('Versions'))
    await push(sup, create)
    const itemId = create.mutationId
    const version = async () => (await store.sql.query<{ v: string }>('SELECT xmin::text AS v FROM items WHERE id = $1', [itemId])).rows[0]!.v
    const before = await version()
    expect((await push(sup, mutation(sup, 'item.addNote', { itemId, body: 'Checked the courier.' }))).results[0]!.outcome).toBe('applied')
    expect(await version()).not.toBe(before)
  })
})
