/**
 * The change feed under concurrency, on a real PostgreSQL (it needs several connections):
 * transaction ids commit out of order, and a pull must never hand out a cursor past a writer
 * that has not committed yet.
 */
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pullResponse, type PullResponse, type PushedMutation } from '../../src/shared/sync/protocol'
import { openStore, type AgentRecord, type ServerStore } from '../../src/server/store'
import { cursorKey, decodeCursor, compareXid, type Cursor } from '../../src/server/store/cursor'
import type { Item } from '../../src/shared/domain/entities'
import { freshDatabase } from '../support/pg-database'

const newService = (subject: string) => ({
  kind: 'service',
  category: 'order',
  channel: 'email',
  subject,
  body: 'Hello',
  customer: { type: 'new', name: 'Cleo' }
})

const mutation = (agent: AgentRecord, seq: number, name: string, args: unknown): PushedMutation => ({
  seq,
  mutationId: randomUUID(),
  name,
  args,
  actorId: agent.id,
  clientTime: new Date().toISOString()
})

/** (lo, position) of a feed cursor, comparable: a later cursor is never smaller. */
function position(c: Cursor): [bigint, bigint, bigint] {
  if (c.p !== 'f') throw new Error('not a feed cursor')
  return c.at ? [BigInt(c.lo), BigInt(c.at[0]), BigInt(c.at[1])] : [BigInt(c.lo), BigInt(c.lo), 0n]
}
const notBefore = (a: [bigint, bigint, bigint], b: [bigint, bigint, bigint]) =>
  a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] >= b[2])))

describe('the change feed on PostgreSQL', () => {
  let databaseUrl: string
  let store: ServerStore
  let sup: AgentRecord
  const puller = randomUUID()
  let cursor: string | null = null
  const pull = async (limit = 500): Promise<PullResponse> => {
    const page = pullResponse.parse(await store.pull(sup, { clientId: puller, cursor, limit, rejectionsAfter: 0 }))
    cursor = page.cursor
    return page
  }
  const drain = async (limit = 500): Promise<PullResponse[]> => {
    const pages: PullResponse[] = []
    for (;;) {
      const p = await pull(limit)
      pages.push(p)
      if (!p.more) return pages
    }
  }

  beforeEach(async () => {
    databaseUrl = await freshDatabase('feed')
    store = await openStore({ databaseUrl })
    sup = (await store.addAgent({ id: 'sup', name: 'Sup', email: '', role: 'supervisor', tiers: [], admin: false })).agent
    cursor = null
  })
  afterEach(async () => {
    await store.close()
  })

  it('waits for a writer that committed later than a younger one, then returns both', async () => {
    const client = randomUUID()
    const [a, b] = [mutation(sup, 1, 'item.create', newService('A')), mutation(sup, 2, 'item.create', newService('B'))]
    await store.push(sup, { clientId: client, mutations: [a, b] })
    await drain()

    const writerA = new pg.Client({ connectionString: databaseUrl })
    await writerA.connect()
    try {
      // Writer A: an older transaction id, still open.
      await writerA.query('BEGIN')
      await writerA.query("UPDATE items SET subject = 'A changed' WHERE id = $1", [a.mutationId])
      await writerA.query("INSERT INTO changes (entity, entity_id, queue_before, queue_after) VALUES ('item', $1, 'service', 'service')", [a.mutationId])
      const { rows } = await writerA.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')
      const xidA = rows[0]!.xid

      // Writer B: a younger transaction that commits first.
      await store.push(sup, { clientId: client, mutations: [mutation(sup, 3, 'item.addNote', { itemId: b.mutationId, body: 'B changed' })] })
      const { rows: bRows } = await writerA.query<{ tx: string }>("SELECT tx::text AS tx FROM changes WHERE entity_id = $1 ORDER BY id DESC LIMIT 1", [b.mutationId])
      expect(compareXid(bRows[0]!.tx, xidA)).toBe(1)

      const held = await drain()
      expect(held.flatMap((p) => p.items)).toEqual([])
      const c = decodeCursor(cursor!, await cursorKey(store.sql))
      expect(c.p === 'f' && compareXid(c.lo, xidA)).toBeLessThanOrEqual(0)

      await writerA.query('COMMIT')
      const after = await drain()
      const items = after.flatMap((p) => p.items)
      expect(items.map((i) => i.subject).sort()).toEqual(['A changed', 'B'])
      expect(after.flatMap((p) => p.messages).some((m) => m.body === 'B changed')).toBe(true)
      expect((await drain()).flatMap((p) => p.items)).toEqual([])
    } finally {
      await writerA.end()
    }
  })

  it('under concurrent pushes, the union of what a looping puller received is every change, and its cursor never goes back', async () => {
    await drain()
    const writers = 6
    const perWriter = 40
    const others = await Promise.all(
      Array.from({ length: writers }, async (_, w) => (await store.addAgent({ id: `w${w}`, name: `W${w}`, email: '', role: 'supervisor', tiers: [], admin: false })).agent)
    )
    const created: string[] = []
    let done = false
    const received = new Map<string, Item>()
    let last: [bigint, bigint, bigint] | null = null
    const loop = (async () => {
      while (!done) {
        const page = await pull(7)
        for (const item of page.items) received.set(item.id, item)
        const pos = position(decodeCursor(page.cursor, await cursorKey(store.sql)))
        if (last) expect(notBefore(pos, last)).toBe(true)
        last = pos
        if (!page.more) await new Promise((r) => setTimeout(r, Math.random() * 5))
      }
    })()

    // Slow writers: transactions that hold their xid open a while, so commits land out of xid order.
    await store.sql.query("INSERT INTO customers (id, name, created_at) VALUES ('slow-customer', 'Slow', '2026-01-01T00:00:00.000Z')")
    const slow = Array.from({ length: 3 }, async (_, n) => {
      const c = new pg.Client({ connectionString: databaseUrl })
      await c.connect()
      try {
        for (let i = 0; !done || i < 3; i++) {
          await c.query('BEGIN')
          const itemId = created[Math.floor(Math.random() * created.length)]
          if (!itemId || Math.random() < 0.5) {
            // A new item only this transaction writes: skipped, it would never be received.
            const id = `slow-${n}-${i}`
            const now = new Date().toISOString()
            await c.query(
              `INSERT INTO items (id, kind, category, channel, customer_id, subject, status, priority, queue, sla_started_at, created_at, updated_at)
               VALUES ($1, 'service', 'order', 'email', 'slow-customer', $1, 'new', 'normal', 'service', $2, $2, $2)`,
              [id, now]
            )
            await c.query("INSERT INTO changes (entity, entity_id, queue_after) VALUES ('item', $1, 'service')", [id])
          } else {
            await c.query("UPDATE items SET subject = $2, updated_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') WHERE id = $1", [itemId, `slow ${n}.${i}`])
            await c.query("INSERT INTO changes (entity, entity_id, queue_before, queue_after) VALUES ('item', $1, 'service', 'service')", [itemId])
          }
          await new Promise((r) => setTimeout(r, Math.random() * 30))
          await c.query('COMMIT')
        }
      } finally {
        await c.end()
      }
    })
    await Promise.all(
      others.map(async (agent) => {
        const clientId = randomUUID()
        const mine: string[] = []
        for (let seq = 1; seq <= perWriter; seq++) {
          let m: PushedMutation
          const r = Math.random()
          if (mine.length === 0 || r < 0.4) m = mutation(agent, seq, 'item.create', newService(`${agent.id} ${seq}`))
          else {
            const pool = r < 0.7 ? mine : created
            const itemId = pool[Math.floor(Math.random() * pool.length)]!
            m = r < 0.85 ? mutation(agent, seq, 'item.addNote', { itemId, body: `note ${seq}` }) : mutation(agent, seq, 'item.setPriority', { itemId, priority: seq % 2 ? 'high' : 'low' })
          }
          const res = await store.push(agent, { clientId, mutations: [m] })
          if (m.name === 'item.create' && res.results[0]?.outcome === 'applied') {
            mine.push(m.mutationId)
            created.push(m.mutationId)
          }
        }
      })
    )
    done = true
    await Promise.all(slow)
    await loop
    for (const page of await drain(7)) for (const item of page.items) received.set(item.id, item)

    const { rows } = await store.sql.query<{ id: string; updated_at: string; priority: string; subject: string }>('SELECT id, updated_at, priority, subject FROM items')
    expect(new Set(received.keys())).toEqual(new Set(rows.map((r) => r.id)))
    expect(rows.filter((r) => !r.id.startsWith('slow-')).length).toBe(created.length)
    // The last version received of each item is its current state: no update was skipped.
    for (const r of rows) expect([received.get(r.id)?.updatedAt, received.get(r.id)?.priority, received.get(r.id)?.subject]).toEqual([r.updated_at, r.priority, r.subject])
  })

  it('keeps announcing changes after the LISTEN connection is cut', async () => {
    let calls = 0
    const unlisten = await store.onChange(() => calls++)
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    try {
      const killed = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()")
      expect(killed.rows.length).toBe(1)
      for (let i = 0; i < 100 && calls === 0; i++) await new Promise((r) => setTimeout(r, 20))
      expect(calls).toBeGreaterThan(0) // told once on reconnect: something may have been missed
      calls = 0
      await store.push(sup, { clientId: randomUUID(), mutations: [mutation(sup, 1, 'item.create', newService('after the cut'))] })
      for (let i = 0; i < 100 && calls === 0; i++) await new Promise((r) => setTimeout(r, 20))
      expect(calls).toBeGreaterThan(0)
    } finally {
      await admin.end()
      await unlisten()
    }
  })
})
