import { afterEach, describe, expect, it } from 'vitest'
import { BACKOFF_CAP_MS, backoffDelay } from '../../src/core/sync/backoff'
import { SyncTransportError } from '../../src/core/sync/transport'
import { MAX_PUSH_MUTATIONS } from '../../src/shared/sync/protocol'
import type { SyncStatus } from '../../src/shared/contract'
import { boundCore, type Bound } from './client-bound'
import { AGENT, deferred, page, wireCustomer, wireItem } from './client-helpers'

let open: Bound[] = []
afterEach(() => {
  for (const b of open) b.core.close()
  open = []
})
async function bound(random?: () => number): Promise<Bound> {
  const b = await boundCore(random ? { random } : {})
  open.push(b)
  // One item to work on.
  await b.pull(page(0, { agents: [AGENT], customers: [wireCustomer('c1')], items: [wireItem('i1', 'c1')] }))
  return b
}
const note = (b: Bound, body = 'A note.') => b.call<{ mutationId: string }>('item.addNote', { itemId: 'i1', body })
const seqs = (b: Bound) => b.server.pushes.map((p) => p.mutations.map((m) => m.seq))

describe('backoffDelay', () => {
  it('grows exponentially from 500 ms with full jitter, capped at 30 s', () => {
    const top = () => 0.999999
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20, 1000].map((a) => backoffDelay(a, top))).toEqual([499, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999, 29999])
    expect(backoffDelay(3, () => 0)).toBe(0)
    expect(backoffDelay(3, () => 0.5)).toBe(2000)
    for (let a = 0; a < 50; a++) expect(backoffDelay(a, Math.random)).toBeLessThan(BACKOFF_CAP_MS)
  })
})

describe('the sync engine', () => {
  it('pushes a local change soon, and the pull after it confirms it', async () => {
    const b = await bound()
    const { mutationId } = note(b)
    expect(b.status().pending).toBe(1)
    b.timers.advance(100)
    await b.engine().idle()
    expect(b.server.pushes).toHaveLength(1)
    expect(b.server.pushes[0]).toMatchObject({ clientId: expect.any(String), mutations: [{ seq: 1, mutationId, name: 'item.addNote', actorId: AGENT.id, args: { itemId: 'i1', body: 'A note.' } }] })
    expect(b.status()).toMatchObject({ state: 'online', pending: 0 })
    expect(b.status().lastSyncedAt).not.toBeNull()
  })

  it('keeps one push in flight, in seq order, in batches of at most MAX_PUSH_MUTATIONS', async () => {
    const b = await bound()
    const gate = deferred()
    b.server.pushGate = gate
    for (let i = 0; i < MAX_PUSH_MUTATIONS + 1; i++) note(b, `note ${i}`)
    b.timers.advance(100)
    note(b, 'while in flight')
    b.timers.advance(100)
    b.engine().requestPull()
    b.server.nudge()
    expect(b.server.pushes).toHaveLength(1)
    gate.resolve()
    await b.engine().idle()
    expect(b.server.maxPushesInFlight).toBe(1)
    expect(seqs(b).map((s) => s.length)).toEqual([MAX_PUSH_MUTATIONS, 2])
    expect(seqs(b).flat()).toEqual(Array.from({ length: MAX_PUSH_MUTATIONS + 2 }, (_, i) => i + 1))
    expect(b.status().pending).toBe(0)
  })

  it('goes offline with growing, capped backoff, and catches up when the server is back', async () => {
    const b = await bound(() => 0.5)
    b.server.offline = true
    note(b)
    b.timers.advance(100)
    await b.engine().idle()
    expect(b.status()).toMatchObject({ state: 'offline', pending: 1 })
    expect(b.status().lastError).toMatch(/Could not reach/)
    const delays: number[] = []
    for (let i = 0; i < 9; i++) {
      expect(b.timers.pending).toBe(1) // only the retry: no poll, no second loop
      const [delay] = b.timers.delays()
      delays.push(delay!)
      b.timers.advance(delay!)
      await b.engine().idle()
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000])
    b.server.offline = false
    b.timers.advance(15_000)
    await b.engine().idle()
    expect(b.status()).toMatchObject({ state: 'online', pending: 0, lastError: null })
    expect(b.server.applied).toBe(1)
    // Success resets the backoff.
    b.server.offline = true
    note(b)
    b.timers.advance(100)
    await b.engine().idle()
    expect(b.timers.delays()).toEqual([250])
  })

  it.each([
    [503, 'unavailable'],
    [500, 'internal']
  ] as const)('retries the same push with backoff after a %i %s, keeping the change queued', async (status, code) => {
    const b = await bound(() => 0.5)
    b.server.failWith = new SyncTransportError('http', 'The server cannot reach its database just now: try again shortly.', { status, code })
    note(b)
    b.timers.advance(100)
    await b.engine().idle()
    expect(b.status()).toMatchObject({ state: 'offline', pending: 1 })
    expect(b.status().lastError).toMatch(/try again shortly/)
    expect(b.timers.delays()).toEqual([250])
    b.timers.advance(250)
    await b.engine().idle()
    expect(b.timers.delays()).toEqual([500]) // still failing: the backoff grows
    b.server.failWith = null
    b.timers.advance(500)
    await b.engine().idle()
    expect(b.status()).toMatchObject({ state: 'online', pending: 0, lastError: null })
    expect(b.server.applied).toBe(1)
    expect(new Set(b.server.pushes.map((p) => p.mutations[0]!.mutationId)).size).toBe(1) // the same change, retried
  })

  it('restarts from the expected seq on a 409 sequence_gap', async () => {
    const b = await bound()
    b.server.reportedApplied = 0 // pulls do not confirm, so the rows stay in the outbox
    note(b, 'one')
    note(b, 'two')
    b.timers.advance(100)
    await b.engine().idle()
    expect(seqs(b)).toEqual([[1, 2]])
    b.server.applied = 1 // the server was restored from a backup and lost seq 2
    note(b, 'three')
    b.timers.advance(100)
    await b.engine().idle()
    expect(seqs(b)).toEqual([[1, 2], [3], [2, 3]])
    expect(b.server.applied).toBe(3)
    expect(b.status().state).toBe('online')
  })

  it('pulls on a nudge, on reconnect and on the poll timer, and again at once while the server has more', async () => {
    const b = await bound()
    const before = b.server.pulls.length
    b.server.nudge()
    await b.engine().idle()
    expect(b.server.pulls.length).toBe(before + 1)
    b.timers.advance(15_000)
    await b.engine().idle()
    expect(b.server.pulls.length).toBe(before + 2)

    // A first sync in pages: its progress shows while it runs.
    const seen: (SyncStatus['firstSync'] | undefined)[] = []
    b.server.onPull = () => seen.push(b.status().firstSync)
    b.server.pages.push(
      page(0, { more: true, progress: { done: 1, total: 3 }, customers: [wireCustomer('c2')], items: [wireItem('i2', 'c2')] }),
      page(0, { more: true, progress: { done: 2, total: 3 }, customers: [wireCustomer('c3')], items: [wireItem('i3', 'c3')] }),
      page(0, { more: false, progress: { done: 3, total: 3 }, customers: [wireCustomer('c4')], items: [wireItem('i4', 'c4')] })
    )
    b.server.nudge()
    await b.engine().idle()
    expect(seen).toEqual([null, { done: 1, total: 3 }, { done: 2, total: 3 }])
    expect(b.status().firstSync).toBeNull()
    expect(b.inbox()).toHaveLength(4)
    const cursors = b.server.pulls.slice(-3).map((p) => p.cursor)
    expect(new Set(cursors).size).toBe(3)
  })

  it('stops itself when the credential is refused, and stop leaves no timer and no stream', async () => {
    const b = await bound()
    b.server.unauthorized = true
    b.server.nudge()
    await b.engine().idle()
    expect(b.status()).toMatchObject({ state: 'signed_out' })
    expect(b.status().lastError).toMatch(/no longer accepts your credential/)
    expect(b.core.sync?.engine()).toBeNull()
    expect(b.timers.pending).toBe(0)
    expect(b.server.subscribers).toBe(0)
  })

  it('closing the core stops the engine: no timers left, the stream closed', async () => {
    const b = await bound()
    note(b)
    expect(b.timers.pending).toBeGreaterThan(0)
    b.core.close()
    open = open.filter((x) => x !== b)
    expect(b.timers.pending).toBe(0)
    expect(b.server.subscribers).toBe(0)
  })
})
