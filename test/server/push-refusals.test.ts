/**
 * One mutation the database refuses must never stall a client's queue (issue 13): it is recorded
 * as a rejection with a reason, the client's seq moves past it, and the mutations after it, in
 * the same push and in later ones, apply. Pushed raw (a client that skips the console's checks),
 * on PostgreSQL and on PGlite, both ways of pushing (read-ahead and one by one).
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type AgentRecord, type ServerStore } from '../../src/server/store'
import { push } from '../../src/server/store/push'
import { pullResponse, type PushedMutation } from '../../src/shared/sync/protocol'
import { freshDatabase } from '../support/pg-database'
import { newService } from './support/items'

const backends = [
  { name: 'postgres', url: () => freshDatabase('refusals') },
  { name: 'pglite', url: async () => undefined }
] as const

describe.each(backends)('a refused mutation on $name', ({ url }) => {
  // One store for the tests of a backend (each test has its own client and items).
  let store: ServerStore
  let agent: AgentRecord
  beforeAll(async () => {
    const databaseUrl = await url()
    store = await openStore(databaseUrl ? { databaseUrl } : {})
    agent = (await store.addAgent({ id: 'lee', name: 'Lee Park', email: 'lee@example.com', role: 'supervisor', tiers: [], admin: false })).agent
  })
  afterAll(async () => {
    await store.close()
  })
  const mutation = (agent: AgentRecord, seq: number, name: string, args: unknown, mutationId = randomUUID()): PushedMutation => ({
    seq,
    mutationId,
    name,
    args,
    actorId: agent.id,
    clientTime: new Date().toISOString()
  })

  /** An item stored under `id` by no mutation (as the importer stores them): a copy of `from`. */
  async function storeImported(store: ServerStore, from: string, id: string): Promise<void> {
    await store.sql.transaction(async (tx) => {
      await tx.query('CREATE TEMP TABLE imported ON COMMIT DROP AS SELECT * FROM items WHERE id = $1', [from])
      await tx.query('UPDATE imported SET id = $1', [id])
      await tx.query('INSERT INTO items SELECT * FROM imported')
    })
  }

  for (const readAhead of [true, false]) {
    it(`rejects it with a reason and goes on (${readAhead ? 'read-ahead' : 'one by one'})`, async () => {
      const clientId = randomUUID()
      const first = mutation(agent, 1, 'item.create', newService('First'))
      await push(store.sql, agent, { clientId, mutations: [first] }, { readAhead })
      const taken = randomUUID()
      await storeImported(store, first.mutationId, taken)

      const res = await push(
        store.sql,
        agent,
        {
          clientId,
          mutations: [
            mutation(agent, 2, 'item.reply', { itemId: first.mutationId, body: 'Before.' }),
            // Its id (the mutation id) is the imported item's: the database's unique key refuses it.
            mutation(agent, 3, 'item.create', newService('Collides'), taken),
            // A NUL where the schema refuses it, and where only the database would (the recorded item id, the name).
            mutation(agent, 4, 'item.reply', { itemId: 'item\u0000x', body: 'Hello' }),
            mutation(agent, 5, 'item.reply\u0000', { itemId: first.mutationId, body: 'Hello' }),
            mutation(agent, 6, 'item.reply', { itemId: first.mutationId, body: 'Sorry \ud83d' }),
            mutation(agent, 7, 'item.reply', { itemId: first.mutationId, body: 'After.' }),
            mutation(agent, 8, 'item.addNote', { itemId: first.mutationId, body: 'Noted.' })
          ]
        },
        { readAhead }
      )
      expect(res.results.map((r) => [r.seq, r.outcome, r.rejection?.code])).toEqual([
        [2, 'applied', undefined],
        [3, 'rejected', 'conflict'],
        [4, 'rejected', 'invalid_argument'],
        [5, 'rejected', 'invalid_argument'],
        [6, 'rejected', 'invalid_argument'],
        [7, 'applied', undefined],
        [8, 'applied', undefined]
      ])
      expect(res.results[1]!.rejection!.message).toMatch(/could not store this change: it conflicts with what is stored/)
      expect(res.results[4]!.rejection!.message).toMatch(/half of an emoji/)
      expect(res.lastAppliedSeq).toBe(8)

      // Later pushes apply too; the rejections are reported by the pull with their reasons.
      const later = await push(store.sql, agent, { clientId, mutations: [mutation(agent, 9, 'item.reply', { itemId: first.mutationId, body: 'Later.' })] }, { readAhead })
      expect(later.results).toEqual([{ seq: 9, outcome: 'applied' }])
      const page = pullResponse.parse(await store.pull(agent, { clientId, cursor: null, limit: 500, rejectionsAfter: 0 }))
      expect(page.rejections.map((r) => [r.seq, r.code])).toEqual([
        [3, 'conflict'],
        [4, 'invalid_argument'],
        [5, 'invalid_argument'],
        [6, 'invalid_argument']
      ])
      expect(page.rejections.find((r) => r.seq === 5)!.name).toBe('item.reply\ufffd')
      expect(page.rejections.find((r) => r.seq === 4)!.itemId).toBeNull()
      const bodies = page.messages.filter((m) => m.itemId === first.mutationId).map((m) => m.body)
      expect(bodies).toEqual(expect.arrayContaining(['Before.', 'After.', 'Later.']))
      expect(page.items.find((i) => i.id === taken)?.subject).toBe('First') // the imported item is untouched
    })
  }
})
