/**
 * What a bound workspace's core emits as it syncs: items.changed and sync.changed when a pull
 * changed local data, outbox.changed when a local change is recorded and when a pull confirms
 * it, sync.changed when the engine goes offline and back — and nothing for a status that did
 * not change.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { HandoffEvent, SyncStatus } from '../../src/shared/contract'
import { peek } from '../core/helpers/workspace'
import { boundCore, type Bound } from './client-bound'
import { AGENT, page, wireCustomer, wireItem, wireMessage } from './client-helpers'

let open: Bound[] = []
afterEach(() => {
  for (const b of open) b.core.close()
  open = []
})

async function listening(): Promise<{ b: Bound; events: HandoffEvent[] }> {
  const b = await boundCore()
  open.push(b)
  const events: HandoffEvent[] = []
  b.core.onEvent((e) => events.push(e))
  return { b, events }
}

const names = (events: HandoffEvent[]) => events.map((e) => e.name)
const statuses = (events: HandoffEvent[]): SyncStatus[] => events.flatMap((e) => (e.name === 'sync.changed' ? [e.payload] : []))

describe('a pull that changes local data', () => {
  it('emits items.changed with the new data version, then sync.changed carrying it', async () => {
    const { b, events } = await listening()
    await b.pull(page(0, { agents: [AGENT], customers: [wireCustomer('c1')], items: [wireItem('i1', 'c1')], messages: [wireMessage('m1', 'i1', 'Where is my parcel?')] }))
    // The first announcement to a new listener carries the outbox too: it knows neither yet.
    expect(names(events)).toEqual(['items.changed', 'outbox.changed', 'sync.changed'])
    expect(events[0]).toEqual({ name: 'items.changed', payload: { dataVersion: 1 } })
    expect(events[1]).toEqual({ name: 'outbox.changed', payload: { pending: 0 } })
    expect(events[2]!.payload).toEqual(b.status())
    expect(events[2]).toMatchObject({ payload: { state: 'online', dataVersion: 1, pending: 0 } })
    // The data is committed by the time the event goes out.
    expect(b.inbox().map((r) => r.id)).toEqual(['i1'])

    await b.pull(page(0, { items: [wireItem('i1', 'c1', { subject: 'Parcel lost', updatedAt: '2026-11-23T08:30:00.000Z' })] }))
    expect(names(events.slice(3))).toEqual(['items.changed', 'sync.changed'])
    expect(events[3]).toEqual({ name: 'items.changed', payload: { dataVersion: 2 } })
  })

  it('a pull that changes nothing emits nothing: an unchanged status is not sent twice', async () => {
    const { b, events } = await listening()
    await b.pull(page(0, { agents: [AGENT], customers: [wireCustomer('c1')], items: [wireItem('i1', 'c1')] }))
    const before = events.length
    const pulls = b.server.pulls.length
    // An empty page, and a nudge that finds nothing new: each sets lastSyncedAt again, to the same pinned time.
    await b.pull(page(0))
    b.server.nudge()
    await b.engine().idle()
    expect(b.server.pulls.length).toBe(pulls + 2)
    expect(events.slice(before)).toEqual([])
  })

  it('first-sync progress goes out page by page, and ends with the progress cleared', async () => {
    const { b, events } = await listening()
    await b.pull(
      page(0, { more: true, progress: { done: 1, total: 2 }, customers: [wireCustomer('c1')], items: [wireItem('i1', 'c1')] }),
      page(0, { more: false, progress: { done: 2, total: 2 }, items: [wireItem('i2', 'c1')] })
    )
    expect(statuses(events).map((s) => s.firstSync)).toEqual([{ done: 1, total: 2 }, null])
    expect(names(events)).toEqual(['items.changed', 'outbox.changed', 'sync.changed', 'items.changed', 'sync.changed'])
  })
})

describe('the outbox of a bound workspace', () => {
  it('outbox.changed when a local change is recorded, and again when a pull confirms it', async () => {
    const { b, events } = await listening()
    await b.pull(page(0, { agents: [AGENT], customers: [wireCustomer('c1')], items: [wireItem('i1', 'c1')] }))
    events.length = 0
    b.call('item.addNote', { itemId: 'i1', body: 'Asked the courier.' })
    expect(events.filter((e) => e.name === 'outbox.changed')).toEqual([{ name: 'outbox.changed', payload: { pending: 1 } }])
    expect(statuses(events).at(-1)).toMatchObject({ pending: 1 })
    // The push goes, the pull that follows confirms it (the FakeServer answers lastAppliedSeq 1).
    b.timers.advance(100)
    await b.engine().idle()
    expect(events.filter((e) => e.name === 'outbox.changed')).toEqual([
      { name: 'outbox.changed', payload: { pending: 1 } },
      { name: 'outbox.changed', payload: { pending: 0 } }
    ])
    expect(statuses(events).at(-1)).toMatchObject({ pending: 0, state: 'online' })
    expect(peek(b.file, (db) => db.prepare('SELECT count(*) FROM outbox').pluck().get())).toBe(0)
  })
})

describe('the engine’s state', () => {
  it('offline once with its error (not again on each retry), then online again', async () => {
    const { b, events } = await listening()
    b.server.offline = true
    b.engine().requestPull()
    await b.engine().idle()
    expect(statuses(events).map((s) => s.state)).toEqual(['offline'])
    expect(statuses(events)[0]!.lastError).toContain('connection refused')
    // Retries that fail the same way change nothing on screen.
    for (let i = 0; i < 3; i++) {
      b.timers.advance(60_000)
      await b.engine().idle()
    }
    expect(b.server.pulls.length).toBeGreaterThan(3)
    expect(statuses(events).map((s) => s.state)).toEqual(['offline'])

    b.server.offline = false
    b.timers.advance(60_000)
    await b.engine().idle()
    expect(statuses(events).map((s) => [s.state, s.lastError])).toEqual([
      ['offline', expect.stringContaining('connection refused')],
      ['online', null]
    ])
  })

  it('a refused credential: sync.changed to signed_out with why', async () => {
    const { b, events } = await listening()
    b.server.unauthorized = true
    b.engine().requestPull()
    await b.engine().idle()
    expect(statuses(events).at(-1)).toMatchObject({ state: 'signed_out', lastError: 'The server no longer accepts your credential. Sign in again.' })
  })

  it('sign-out, and dismissing a refused change, announce the status they answer', async () => {
    const { b, events } = await listening()
    const rejection = { seq: 1, mutationId: '01900000-0000-7000-8000-000000000001', name: 'item.addNote', code: 'invalid', message: 'Refused.', itemId: null, at: '2026-11-23T08:00:00.000Z' }
    await b.pull(page(0, { rejections: [rejection] }))
    expect(statuses(events).at(-1)).toMatchObject({ rejections: 1 })
    const dismissed = b.call<SyncStatus>('sync.dismissRejection', { seq: 1 })
    expect(statuses(events).at(-1)).toEqual(dismissed)
    expect(dismissed.rejections).toBe(0)
    const out = b.call<SyncStatus>('sync.signOut', {})
    expect(statuses(events).at(-1)).toEqual(out)
    expect(out.state).toBe('signed_out')
    const count = events.length
    b.call('sync.status', {})
    expect(events.length).toBe(count)
  })
})
