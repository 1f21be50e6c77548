/**
 * The engine at the edges of the protocol: push bodies under the size limit (and a 413 halving
 * the batch), a client_conflict moving the folder to a fresh client id, a pull cursor the server
 * refuses, and other 4xx answers. The in-test transports wrap the FakeServer's methods.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { SyncRejection } from '../../src/shared/contract'
import { PUSH_BODY_BUDGET } from '../../src/core/sync/engine'
import { SyncTransportError } from '../../src/core/sync/transport'
import { LIMITS } from '../../src/shared/mutations/fields'
import { MAX_BODY_BYTES, type PullRequest, type PullResponse, type PushRequest, type PushResponse, type RejectionWire, type SyncErrorCode } from '../../src/shared/sync/protocol'
import { boundCore, type Bound } from './client-bound'
import { AGENT, FakeServer, T0, page, wireCustomer, wireItem } from './client-helpers'

let open: Bound[] = []
afterEach(() => {
  for (const b of open) b.core.close()
  open = []
})
async function bound(): Promise<Bound> {
  const b = await boundCore()
  open.push(b)
  await b.pull(page(0, { agents: [AGENT], customers: [wireCustomer('c1')], items: [wireItem('i1', 'c1')] }))
  return b
}
const note = (b: Bound, body: string) => b.call<{ mutationId: string }>('item.addNote', { itemId: 'i1', body })
const reply = (b: Bound, body: string) => b.call<{ mutationId: string }>('item.reply', { itemId: 'i1', body })
const httpError = (status: number, code: SyncErrorCode, message: string) => new SyncTransportError('http', message, { status, code })
async function settle(b: Bound): Promise<void> {
  b.timers.advance(100)
  await b.engine().idle()
}

/** Wraps the server's push: records each request's body size, answers 413 over `limit`. */
function sizedPush(b: Bound, limit = MAX_BODY_BYTES) {
  const inner = b.server.push.bind(b.server)
  const log = { limit, sizes: [] as number[], refused: 0, accepted: [] as number[][] }
  b.server.push = (request: PushRequest): Promise<PushResponse> => {
    const size = Buffer.byteLength(JSON.stringify(request))
    log.sizes.push(size)
    if (size > log.limit) {
      log.refused++
      return Promise.reject(httpError(413, 'too_large', 'The request body is over the limit.'))
    }
    log.accepted.push(request.mutations.map((m) => m.seq))
    return inner(request)
  }
  return log
}

describe('push batches and the body limit', () => {
  it('splits a long offline shift of long replies into batches under the body limit', async () => {
    const b = await bound()
    const log = sizedPush(b)
    const body = 'é'.repeat(19_000)
    expect(body.length).toBeLessThanOrEqual(LIMITS.body)
    for (let i = 0; i < 120; i++) reply(b, body)
    // The replies together weigh more than a body may.
    expect(120 * Buffer.byteLength(body)).toBeGreaterThan(MAX_BODY_BYTES)
    await settle(b)
    expect(log.refused).toBe(0)
    expect(log.sizes.length).toBeGreaterThanOrEqual(2)
    for (const size of log.sizes) expect(size).toBeLessThanOrEqual(PUSH_BODY_BUDGET)
    expect(log.accepted.flat()).toEqual(Array.from({ length: 120 }, (_, i) => i + 1))
    expect(b.status()).toMatchObject({ state: 'online', pending: 0, lastError: null })
  }, 30_000)

  it('halves the batch on a 413 (a server with a lower limit) and keeps going', async () => {
    const b = await bound()
    const log = sizedPush(b, 1024 * 1024)
    const body = 'é'.repeat(19_000)
    for (let i = 0; i < 30; i++) reply(b, body)
    await settle(b)
    expect(log.refused).toBe(1)
    expect(log.accepted.map((s) => s.length)).toEqual([15, 15])
    expect(log.accepted.flat()).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    expect(b.status()).toMatchObject({ state: 'online', pending: 0, lastError: null })
  })

  it('a single mutation over the limit backs off with the server message, and goes once the limit allows', async () => {
    const b = await bound()
    const log = sizedPush(b, 10_000)
    reply(b, 'é'.repeat(19_000))
    await settle(b)
    expect(b.status()).toMatchObject({ state: 'offline', pending: 1, lastError: 'The request body is over the limit.' })
    expect(b.timers.delays()).toEqual([250])
    b.timers.advance(250)
    await b.engine().idle()
    expect(b.timers.delays()).toEqual([500]) // the normal backoff, no fast loop
    expect(log.refused).toBe(2)
    log.limit = MAX_BODY_BYTES
    b.timers.advance(500)
    await b.engine().idle()
    expect(log.accepted).toEqual([[1]])
    expect(b.status()).toMatchObject({ state: 'online', pending: 0, lastError: null })
  })
})

describe('client_conflict', () => {
  it('moves to a fresh client id in one step and pushes the pending rows again from seq 1', async () => {
    const b = await bound()
    // An earlier rejection: the rejections cursor is past 0, and its row must not shadow the new client's.
    const old: RejectionWire = { seq: 1, mutationId: '01900000-0000-7000-8000-000000000001', name: 'item.addNote', code: 'invalid', message: 'An old refusal.', itemId: 'i1', at: T0 }
    const dismissed: RejectionWire = { ...old, seq: 2, mutationId: '01900000-0000-7000-8000-000000000002', message: 'Read and dismissed.' }
    await b.pull(page(0, { rejections: [old, dismissed] }))
    b.call('sync.dismissRejection', { seq: 2 })
    const before = b.server.pulls.at(-1)!
    await b.pull(page(0, { cursor: 'cursor-before-the-conflict' }))
    expect(b.server.pulls.at(-1)!.rejectionsAfter).toBe(2)

    note(b, 'one')
    const two = note(b, 'two')
    const first = b.server.pushes.length
    const inner = b.server.push.bind(b.server)
    let conflicts = 0
    b.server.push = (request) => {
      if (conflicts++ === 0) {
        b.server.pushes.push(request)
        return Promise.reject(httpError(409, 'client_conflict', 'This sequence number was used for another change.'))
      }
      return inner(request)
    }
    expect(b.call<SyncRejection[]>('sync.rejections', {})).toHaveLength(1) // the dismissed one is not shown
    b.server.pages.push(page(2))
    await settle(b)

    const pushes = b.server.pushes.slice(first)
    expect(pushes).toHaveLength(2)
    expect(pushes[0]!.clientId).toBe(before.clientId)
    expect(pushes[1]!.clientId).not.toBe(before.clientId)
    expect(pushes[1]!.clientId).toMatch(/^[0-9a-f-]{36}$/)
    expect(pushes[1]!.mutations.map((m) => m.seq)).toEqual([1, 2])
    expect(pushes[1]!.mutations.map((m) => m.mutationId)).toEqual(pushes[0]!.mutations.map((m) => m.mutationId))
    expect(pushes[1]!.mutations[1]!.mutationId).toBe(two.mutationId)
    // The pull cursor stays; the rejections cursor starts over with the new client.
    expect(b.server.pulls.at(-1)).toMatchObject({ clientId: pushes[1]!.clientId, cursor: 'cursor-before-the-conflict', rejectionsAfter: 0 })
    expect(b.status()).toMatchObject({ state: 'online', pending: 0, lastError: null })

    // The server rejected 'one' as a duplicate (another copy of the folder had pushed it): that
    // rejection, under the new client's seq 1, is recorded and shown next to the old one.
    const dup: RejectionWire = { ...old, seq: 1, mutationId: pushes[1]!.mutations[0]!.mutationId, code: 'duplicate', message: 'This change was already applied.' }
    await b.pull(page(2, { rejections: [dup] }))
    const shown = b.call<SyncRejection[]>('sync.rejections', {})
    expect(shown.map((r) => r.message).sort()).toEqual(['An old refusal.', 'This change was already applied.'])
    expect(shown.find((r) => r.code === 'duplicate')!.seq).toBe(1)
    const moved = shown.find((r) => r.message === 'An old refusal.')!
    b.call('sync.dismissRejection', { seq: moved.seq })
    expect(b.call<SyncRejection[]>('sync.rejections', {}).map((r) => r.code)).toEqual(['duplicate'])
    expect(b.server.pulls.at(-1)!.rejectionsAfter).toBe(0)
  })
})

/**
 * A server that keeps, per client id, which mutation each seq carried and which mutation ids it
 * applied: a seq reused with another mutation id is a client_conflict, an already applied
 * mutation id under another client is rejected as a duplicate.
 */
class ModelServer {
  seqs = new Map<string, Map<number, string>>()
  appliedIds = new Set<string>()
  rejections = new Map<string, RejectionWire[]>()
  /** Serves every FakeServer made from now on (scripted pages first), until the returned undo. */
  install(): () => void {
    const proto = FakeServer.prototype
    const { push, pull } = proto
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const model = this
    proto.push = function (this: FakeServer, request: PushRequest) {
      this.pushes.push(request)
      return model.push(request)
    }
    proto.pull = function (this: FakeServer, request: PullRequest) {
      this.pulls.push(request)
      const scripted = this.pages.shift()
      return scripted ? Promise.resolve(scripted) : model.pull(request)
    }
    return () => Object.assign(proto, { push, pull })
  }
  private last(clientId: string): number {
    return this.seqs.get(clientId)?.size ?? 0
  }
  push(request: PushRequest): Promise<PushResponse> {
    const seen = this.seqs.get(request.clientId) ?? new Map<number, string>()
    this.seqs.set(request.clientId, seen)
    const results: PushResponse['results'] = []
    for (const m of request.mutations) {
      const had = seen.get(m.seq)
      if (had !== undefined) {
        if (had !== m.mutationId) return Promise.reject(httpError(409, 'client_conflict', 'This sequence number was used for another change.'))
        results.push({ seq: m.seq, outcome: 'duplicate' })
        continue
      }
      if (m.seq !== seen.size + 1) return Promise.reject(new SyncTransportError('http', 'Sequence gap.', { status: 409, code: 'sequence_gap', expectedSeq: seen.size + 1 }))
      seen.set(m.seq, m.mutationId)
      if (this.appliedIds.has(m.mutationId)) {
        const rejection = { code: 'duplicate', message: 'This change was already applied.' }
        const list = this.rejections.get(request.clientId) ?? []
        list.push({ seq: m.seq, mutationId: m.mutationId, name: m.name, itemId: 'i1', at: T0, ...rejection })
        this.rejections.set(request.clientId, list)
        results.push({ seq: m.seq, outcome: 'rejected', rejection })
      } else {
        this.appliedIds.add(m.mutationId)
        results.push({ seq: m.seq, outcome: 'applied' })
      }
    }
    return Promise.resolve({ results, lastAppliedSeq: this.last(request.clientId) })
  }
  pull(request: PullRequest): Promise<PullResponse> {
    const rejections = (this.rejections.get(request.clientId) ?? []).filter((r) => r.seq > (request.rejectionsAfter ?? 0))
    return Promise.resolve(page(this.last(request.clientId), { rejections }))
  }
}

describe('a data folder restored from a backup', () => {
  let undo: (() => void) | null = null
  afterEach(() => {
    undo?.()
    undo = null
  })
  it('a pull confirming seqs this folder never made resets the client instead of dropping pending work', async () => {
    const model = new ModelServer()
    undo = model.install()
    const a = await bound()
    const one = note(a, 'one') // pending when the backup is taken
    a.core.close()
    open = open.filter((x) => x !== a)
    const { copyFileSync, existsSync } = await import('node:fs')
    const backup = `${a.file}.backup`
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(a.file + suffix)) copyFileSync(a.file + suffix, backup + suffix)

    // The original goes on: 'one' and 'two' reach the server under the folder's client id.
    const a2 = await boundCore({ file: a.file })
    open.push(a2)
    note(a2, 'two')
    await settle(a2)
    expect(a2.status()).toMatchObject({ state: 'online', pending: 0 })
    a2.core.close()
    open = open.filter((x) => x !== a2)

    // The disk dies; the backup comes back with 'one' pending and the counter at 1.
    const c = await boundCore({ file: backup })
    open.push(c)
    // Its first push of 'one' (seq 1) is a duplicate; the pull after it reports seq 2, which this
    // folder never made: a fresh client, and 'one' again as its seq 1.
    expect(model.seqs.size).toBe(2)
    const three = note(c, 'three')
    await settle(c)
    expect(c.status()).toMatchObject({ state: 'online', pending: 0, lastError: null })
    // 'three' was applied (not confirmed away by the other copy's seq 2), 'one' refused as a duplicate and shown.
    expect(model.appliedIds.has(three.mutationId)).toBe(true)
    const shown = c.call<SyncRejection[]>('sync.rejections', {})
    expect(shown).toMatchObject([{ seq: 1, mutationId: one.mutationId, code: 'duplicate' }])
    expect(model.seqs.size).toBe(2)
  })
})

describe('pull refusals', () => {
  it('a refused cursor is cleared and the pull starts over from the beginning, once', async () => {
    const b = await bound()
    const inner = b.server.pull.bind(b.server)
    let refuseCursor = true
    b.server.pull = (request) => {
      if (refuseCursor && request.cursor !== null) {
        b.server.pulls.push(request)
        return Promise.reject(httpError(400, 'bad_request', 'The cursor is not valid for this server.'))
      }
      return inner(request)
    }
    const from = b.server.pulls.length
    b.server.nudge()
    await b.engine().idle()
    const cursors = b.server.pulls.slice(from).map((p) => p.cursor)
    expect(cursors).toHaveLength(2)
    expect(cursors[0]).not.toBeNull()
    expect(cursors[1]).toBeNull()
    expect(b.status()).toMatchObject({ state: 'online', lastError: null })
    expect(b.inbox()).toHaveLength(1) // the data stayed
    refuseCursor = false
    b.server.nudge()
    await b.engine().idle()
    expect(b.server.pulls.at(-1)!.cursor).not.toBeNull()
  })

  it('a refusal of the fresh start too is shown as lastError with the normal backoff', async () => {
    const b = await bound()
    let refuse = true
    const inner = b.server.pull.bind(b.server)
    b.server.pull = (request) => {
      b.server.pulls.push(request)
      if (refuse) return Promise.reject(httpError(400, 'bad_request', 'The cursor is ahead of this server.'))
      return inner(request)
    }
    const from = b.server.pulls.length
    b.server.nudge()
    await b.engine().idle()
    expect(b.server.pulls.length - from).toBe(2)
    expect(b.status()).toMatchObject({ state: 'offline', lastError: 'The cursor is ahead of this server.' })
    expect(b.timers.delays()).toEqual([250])
    b.timers.advance(250)
    await b.engine().idle()
    expect(b.server.pulls.length - from).toBe(3) // one try per backoff, no fast loop
    expect(b.timers.delays()).toEqual([500])
    refuse = false
    b.timers.advance(500)
    await b.engine().idle()
    expect(b.status()).toMatchObject({ state: 'online', lastError: null })
  })

  it('another 4xx (403) shows the server message while backing off', async () => {
    const b = await bound()
    b.server.pull = (request) => {
      b.server.pulls.push(request)
      return Promise.reject(httpError(403, 'forbidden', 'This client id belongs to another agent.'))
    }
    b.server.nudge()
    await b.engine().idle()
    expect(b.status()).toMatchObject({ state: 'offline', lastError: 'This client id belongs to another agent.' })
    expect(b.timers.delays()).toEqual([250])
    b.timers.advance(250)
    await b.engine().idle()
    expect(b.timers.delays()).toEqual([500])
  })
})
