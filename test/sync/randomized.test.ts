/**
 * The randomized sync test. Five consoles (real cores on real SQLite files, real engines) work
 * against one real server (PostgreSQL, then PGlite) through a network that drops requests, loses
 * responses after the server acted, sends requests twice and late (so they also arrive out of
 * order) and delays them; consoles go offline at random, and the server restarts. The
 * operations are drawn from a seeded generator (HANDOFF_SYNC_SEED to replay one); thread timing
 * is real, so interleavings vary from run to run while the work does not.
 *
 * At quiescence:
 * - every console's data (items, threads, history, ratings) equals what the server gives a fresh
 *   sync of that agent's scope;
 * - every mutation a console recorded was handled by the server exactly once (applied or
 *   rejected), none is missing and none is extra;
 * - every rejected one is shown to its console with the server's reason; every outbox is empty.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/core/core'
import { createRng, type Rng } from '../../src/core/demo/prng'
import { memoryVault } from '../../src/core/sync/credentials'
import type { Envelope, InboxRow, ItemDetail, SyncRejection, SyncStatus } from '../../src/shared/contract'
import type { Item, ItemEvent, Message, Rating } from '../../src/shared/domain/entities'
import type { PullResponse } from '../../src/shared/sync/protocol'
import { ok, tempFile } from '../core/helpers/workspace'
import { faultyFetch, NO_FAULTS, type FaultyFetch, type Faults } from './support/faulty-fetch'
import { call, newClientId } from './support/http'
import { BACKENDS, TEAM, addAgents, startTestServer, type NewAgent, type TestServer } from './support/servers'
import { until as waitUntil } from '../support/until'

const SEED = Number(process.env.HANDOFF_SYNC_SEED ?? 20261123)
const STEPS = Number(process.env.HANDOFF_SYNC_STEPS ?? 160)
const AGENTS: readonly NewAgent[] = [...TEAM, { id: 'eli', name: 'Eli Brooks', role: 'service' }]
const FAULTS: Faults = { dropRequest: 0.1, dropResponse: 0.1, duplicate: 0.15, delay: 0.3, maxDelayMs: 40 }

interface Console {
  agentId: string
  core: Core
  net: FaultyFetch
  /** Mutation ids this console recorded locally, in order. */
  recorded: string[]
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const until = (what: string, check: () => boolean | Promise<boolean>, ms = 90_000) => waitUntil(what, check, ms, 50)

/** Fails with its name rather than letting a hang run into the test's timeout. */
async function within<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

const status = (c: Console) => ok<SyncStatus>(c.core.dispatch('sync.status', {}))

function localRows(c: Console): InboxRow[] {
  return ok<{ rows: InboxRow[] }>(c.core.dispatch('inbox.page', { filter: {}, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 100 })).rows
}

/** One random operation through the console's door; local refusals are part of the game. */
function act(c: Console, rng: Rng, serial: number): void {
  const rows = localRows(c)
  const row = rows.length > 0 ? rng.pick(rows) : null
  const op = row === null ? 'create' : rng.weighted([['create', 12], ['reply', 22], ['note', 14], ['status', 12], ['priority', 8], ['assign', 12], ['handoff', 14], ['rating', 6]] as const)
  let envelope: Envelope<unknown>
  switch (op) {
    case 'create':
      envelope = c.core.dispatch('item.create', {
        kind: 'service',
        category: rng.pick(['order', 'billing', 'return'] as const),
        channel: rng.pick(['email', 'chat', 'phone'] as const),
        subject: `Case ${serial} from ${c.agentId}`,
        body: `The customer describes problem ${serial}.`,
        customer: { type: 'new', name: `Customer ${serial}`, email: `c${serial}@example.com` },
        priority: rng.pick(['low', 'normal', 'high'] as const)
      }) as Envelope<unknown>
      break
    case 'reply':
      envelope = c.core.dispatch('item.reply', { itemId: row!.id, body: `Reply ${serial} by ${c.agentId}` }) as Envelope<unknown>
      break
    case 'note':
      envelope = c.core.dispatch('item.addNote', { itemId: row!.id, body: `Note ${serial} by ${c.agentId}` }) as Envelope<unknown>
      break
    case 'status':
      envelope = c.core.dispatch('item.setStatus', { itemId: row!.id, status: rng.pick(['open', 'pending', 'resolved', 'closed'] as const) }) as Envelope<unknown>
      break
    case 'priority':
      envelope = c.core.dispatch('item.setPriority', { itemId: row!.id, priority: rng.pick(['low', 'normal', 'high', 'urgent'] as const) }) as Envelope<unknown>
      break
    case 'assign':
      envelope = c.core.dispatch('item.assign', {
        itemId: row!.id,
        assigneeId: rng.chance(0.8) ? c.agentId : null,
        expectedAssigneeId: row!.assigneeId,
        ...(c.agentId === 'lee' && rng.chance(0.5) ? { override: true } : {})
      }) as Envelope<unknown>
      break
    case 'handoff': {
      const base = { itemId: row!.id, reasonCode: 'other', reasonText: 'randomized', summary: `Handoff ${serial}: what we know so far.`, assigneeId: null, expectedQueue: row!.queue, expectedTier: row!.tier }
      const name = row!.queue === 'service' ? 'item.escalateToSupport' : rng.chance(0.6) ? 'item.escalateTier' : rng.chance(0.7) ? 'item.handBack' : 'item.deescalate'
      envelope = c.core.dispatch(name, base) as Envelope<unknown>
      break
    }
    case 'rating':
      envelope = c.core.dispatch('item.recordRating', { itemId: row!.id, kind: 'csat', score: rng.between(1, 5) }) as Envelope<unknown>
      break
  }
  if (envelope.ok) c.recorded.push((envelope.value as { mutationId: string }).mutationId)
}

/** Items of the agent's scope as a fresh sync from the server gives them. */
async function serverScope(url: string, credential: string): Promise<Map<string, unknown>> {
  const clientId = newClientId()
  let cursor: string | null = null
  const page = { items: new Map<string, Item>(), messages: new Map<string, Message>(), events: new Map<string, ItemEvent>(), ratings: new Map<string, Rating>() }
  for (;;) {
    const answer: { status: number; body: PullResponse } = await call<PullResponse>(url, '/v1/pull', { credential, body: { clientId, cursor, limit: 2000 } })
    if (answer.status !== 200) throw new Error(`pull failed: ${answer.status} ${JSON.stringify(answer.body)}`)
    for (const i of answer.body.items) page.items.set(i.id, i)
    for (const i of answer.body.left) page.items.delete(i)
    for (const m of answer.body.messages) page.messages.set(m.id, m)
    for (const e of answer.body.events) page.events.set(e.id, e)
    for (const r of answer.body.ratings) page.ratings.set(r.id, r)
    cursor = answer.body.cursor
    if (!answer.body.more) break
  }
  const result = new Map<string, unknown>()
  for (const item of page.items.values()) {
    result.set(item.id, {
      item,
      messages: [...page.messages.values()].filter((m) => m.itemId === item.id).sort(byId),
      events: [...page.events.values()].filter((e) => e.itemId === item.id).sort(byId),
      ratings: [...page.ratings.values()].filter((r) => r.itemId === item.id).sort(byId)
    })
  }
  return result
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** The same, from the console's SQLite file through its own door. */
function consoleScope(c: Console): Map<string, unknown> {
  const ids = ok<{ rows: InboxRow[] }>(c.core.dispatch('inbox.page', { filter: {}, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 500 })).rows.map((r) => r.id)
  const result = new Map<string, unknown>()
  for (const id of ids) {
    const d = ok<ItemDetail>(c.core.dispatch('item.get', { itemId: id }))
    result.set(id, {
      item: d.item,
      messages: d.thread.flatMap((e) => (e.type === 'message' ? [e.message] : [])).sort(byId),
      events: d.thread.flatMap((e) => (e.type === 'event' ? [e.event] : [])).sort(byId),
      ratings: [...d.ratings].sort(byId)
    })
  }
  return result
}

describe.each(BACKENDS)('randomized sync over a faulty network (%s)', (backend) => {
  let server: TestServer | undefined
  const consoles: Console[] = []
  afterAll(async () => {
    for (const c of consoles) c.core.close()
    await server?.stop()
  })

  it(`converges with nothing lost and nothing doubled (seed ${SEED}, ${STEPS} steps)`, async () => {
    const rng = createRng(SEED)
    server = await startTestServer(backend)
    const credentials = await addAgents(server.store, AGENTS)
    for (const agent of AGENTS) {
      const net = faultyFetch(() => rng.next(), NO_FAULTS)
      // Jitter from a scaled source: retries stay within ~1.5 s so the test ends in reasonable time.
      const core = createCore({ file: tempFile(), vault: memoryVault(), fetch: net.fetch, sync: { pollMs: 700, random: () => rng.next() * 0.05 } })
      consoles.push({ agentId: agent.id, core, net, recorded: [] })
      ok(await core.dispatch('sync.signIn', { serverUrl: server.url, credential: credentials[agent.id]! }))
    }
    for (const c of consoles) c.net.faults = FAULTS

    let restarts = 0
    for (let step = 0; step < STEPS; step++) {
      const roll = rng.next()
      if (roll < 0.06) {
        const c = rng.pick(consoles)
        c.net.offline = !c.net.offline
      } else if (roll < 0.08) {
        await within('a server restart', 30_000, server.restart())
        restarts++
      } else {
        act(rng.pick(consoles), rng, step)
      }
      await sleep(rng.between(0, 25))
    }

    // Quiescence: the network heals, everyone is online, the server is up.
    for (const c of consoles) {
      c.net.offline = false
      c.net.faults = NO_FAULTS
    }
    for (const c of consoles) await within('the late duplicate requests', 60_000, c.net.settle())
    await until('every outbox confirmed and every console online', () => consoles.every((c) => status(c).pending === 0 && status(c).state === 'online'))
    // A last pull everywhere, so each console has what the others' last pushes did.
    for (const c of consoles) c.core.sync?.engine()?.requestPull()
    for (const c of consoles) await within('the last pulls', 60_000, c.core.sync?.engine()?.idle() ?? Promise.resolve())

    const recordedTotal = consoles.reduce((n, c) => n + c.recorded.length, 0)
    expect(recordedTotal).toBeGreaterThan(STEPS / 3)
    const faultsSeen = consoles.reduce((n, c) => n + c.net.stats.droppedRequests + c.net.stats.droppedResponses + c.net.stats.duplicates, 0)
    expect(faultsSeen).toBeGreaterThan(10)

    // Every recorded mutation was handled once, and nothing else was.
    const handled = (
      await server.store.sql.query<{ mutation_id: string; actor_id: string; status: string }>('SELECT mutation_id::text AS mutation_id, actor_id, status FROM mutations')
    ).rows
    for (const c of consoles) {
      const mine = handled.filter((h) => h.actor_id === c.agentId)
      expect(mine.map((h) => h.mutation_id).sort(), `${c.agentId}: server handled exactly what the console recorded`).toEqual(c.recorded.map((id) => id.toLowerCase()).sort())
      const rejectedOnServer = mine.filter((h) => h.status === 'rejected').map((h) => h.mutation_id)
      const shown = ok<SyncRejection[]>(c.core.dispatch('sync.rejections', {}))
      expect(shown.map((r) => r.mutationId.toLowerCase()).sort(), `${c.agentId}: every rejection is shown`).toEqual(rejectedOnServer.sort())
      for (const r of shown) expect(r.message.length).toBeGreaterThan(10)
    }

    // Every console holds exactly its scope, as the server has it.
    for (const c of consoles) {
      const expected = await serverScope(server.url, credentials[c.agentId]!)
      const actual = consoleScope(c)
      expect([...actual.keys()].sort(), `${c.agentId}: the same items`).toEqual([...expected.keys()].sort())
      for (const [id, value] of expected) expect(actual.get(id), `${c.agentId}: item ${id}`).toEqual(value)
    }

    const stats = consoles.map((c) => ({ agent: c.agentId, recorded: c.recorded.length, ...c.net.stats }))
    console.info(`[randomized ${backend}] seed ${SEED}: ${recordedTotal} mutations, ${handled.filter((h) => h.status === 'rejected').length} rejected, ${restarts} server restarts`, JSON.stringify(stats))
  }, 240_000)
})
