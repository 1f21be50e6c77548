import { afterEach, describe, expect, it } from 'vitest'
import type { ItemDetail, SyncRejection } from '../../src/shared/contract'
import { dump, peek } from '../core/helpers/workspace'
import { boundCore, type Bound } from './client-bound'
import { AGENT, OTHER_AGENT, T0, page, wireCustomer, wireItem, wireMessage } from './client-helpers'

let open: Bound[] = []
afterEach(() => {
  for (const b of open) b.core.close()
  open = []
})
async function bound(): Promise<Bound> {
  const b = await boundCore()
  open.push(b)
  return b
}

const C1 = wireCustomer('cust-1', 'Ann Smith')
const C2 = wireCustomer('cust-2', 'Bob Jones')
const A = wireItem('item-a', C1.id, { subject: 'Parcel never arrived' })
const B = wireItem('item-b', C2.id, { subject: 'Refund for a broken kettle', priority: 'high' })
const firstPage = () =>
  page(0, {
    agents: [AGENT, OTHER_AGENT],
    customers: [C1, C2],
    items: [A, B],
    messages: [wireMessage('msg-a1', A.id, 'Where is my zebra parcel?'), wireMessage('msg-b1', B.id, 'The kettle sparks.')]
  })

const count = (file: string, sql: string, ...params: unknown[]) => peek(file, (db) => db.prepare(sql).pluck().get(...params) as number)

describe('a pull page', () => {
  it('inserts new items and updates changed ones with every column from the server, keeping the local rid', async () => {
    const b = await bound()
    await b.pull(firstPage())
    expect(b.inbox().map((r) => r.id).sort()).toEqual(['item-a', 'item-b'])
    const ridBefore = count(b.file, `SELECT rid FROM items WHERE id = 'item-a'`)
    const versionBefore = b.status().dataVersion

    const changed = { ...A, status: 'open' as const, priority: 'urgent' as const, assigneeId: OTHER_AGENT.id, subject: 'Parcel lost in transit', updatedAt: '2026-11-23T08:30:00.000Z' }
    // An item always comes whole: with its thread (the protocol's rule).
    await b.pull(page(0, { items: [changed], messages: [wireMessage('msg-a1', A.id, 'Where is my zebra parcel?')] }))
    const detail = b.call<ItemDetail>('item.get', { itemId: 'item-a' })
    expect(detail.item).toEqual(changed)
    expect(detail.assigneeName).toBe(OTHER_AGENT.name)
    expect(count(b.file, `SELECT rid FROM items WHERE id = 'item-a'`)).toBe(ridBefore)
    expect(b.status().dataVersion).toBeGreaterThan(versionBefore)
    // Facet counts and search follow.
    expect(b.call<{ total: number }>('inbox.count', { filter: { priorities: ['urgent'] } }).total).toBe(1)
    expect(b.inbox({ search: 'transit' }).map((r) => r.id)).toEqual(['item-a'])
    expect(b.inbox({ search: 'zebra' }).map((r) => r.id)).toEqual(['item-a'])
    expect(b.status()).toMatchObject({ state: 'online', pending: 0, lastError: null })
  })

  it('purges items that left the scope: gone from the inbox, its counts and search, history included', async () => {
    const b = await bound()
    await b.pull(firstPage())
    expect(b.inbox({ search: 'kettle' })).toHaveLength(1)
    await b.pull(page(0, { left: ['item-b'] }))
    expect(b.inbox().map((r) => r.id)).toEqual(['item-a'])
    expect(b.call<{ total: number }>('inbox.count', { filter: {} }).total).toBe(1)
    expect(b.call<{ total: number }>('inbox.count', { filter: { priorities: ['high'] } }).total).toBe(0)
    expect(b.inbox({ search: 'kettle' })).toEqual([])
    expect(count(b.file, 'SELECT count(*) FROM items_fts')).toBe(1)
    expect(count(b.file, `SELECT count(*) FROM messages WHERE id = 'msg-b1'`)).toBe(0)
    expect(count(b.file, 'SELECT count(*) FROM sync_purge')).toBe(0)
    // The item may come back into scope later, with a new rid.
    await b.pull(page(0, { items: [B], messages: [wireMessage('msg-b1', B.id, 'The kettle sparks.')] }))
    expect(b.inbox({ search: 'kettle' }).map((r) => r.id)).toEqual(['item-b'])
    expect(b.call<ItemDetail>('item.get', { itemId: 'item-b' }).thread).toHaveLength(1)
  })

  it('re-applies a pending local reply on top of the pulled item, keeps it once, and drops the outbox row only at lastAppliedSeq', async () => {
    const b = await bound()
    await b.pull(firstPage())
    b.server.reportedApplied = 0 // the server has the push but its pulls do not confirm it yet
    const { messageId, mutationId } = b.call<{ messageId: string; mutationId: string }>('item.reply', { itemId: 'item-a', body: 'It left our depot today.' })
    expect(messageId).toBe(`${mutationId}.m`)
    b.timers.advance(100) // the push
    await b.engine().idle()
    expect(b.server.pushes).toHaveLength(1)
    expect(b.server.pushes[0]!.mutations[0]).toMatchObject({ seq: 1, mutationId, name: 'item.reply', actorId: AGENT.id })
    expect(b.status().pending).toBe(1) // a push's 200 confirms nothing

    // Someone else raised the priority; the server has not applied the reply yet.
    await b.pull(page(0, { items: [{ ...A, priority: 'urgent', updatedAt: '2026-11-23T08:40:00.000Z' }], messages: [wireMessage('msg-a1', A.id, 'Where is my zebra parcel?')] }))
    let detail = b.call<ItemDetail>('item.get', { itemId: 'item-a' })
    expect(detail.item.priority).toBe('urgent') // the server's change
    expect(detail.item.status).toBe('open') // and the pending reply's, re-applied
    expect(detail.item.firstResponseAt).not.toBeNull()
    expect(detail.thread.filter((e) => e.type === 'message' && e.message.id === messageId)).toHaveLength(1)
    expect(b.status().pending).toBe(1)

    // The server applied it and sends its rows (same ids): kept once, the outbox row goes.
    const applied = { ...A, priority: 'urgent' as const, status: 'open' as const, firstResponseAt: T0, slaRespondedAt: T0 }
    await b.pull(
      page(1, {
        items: [applied],
        messages: [wireMessage('msg-a1', A.id, 'Where is my zebra parcel?'), wireMessage(messageId, 'item-a', 'It left our depot today.', { kind: 'reply', authorId: AGENT.id })],
        events: [{ id: `${mutationId}.e0`, itemId: 'item-a', type: 'status', actorId: AGENT.id, from: 'new', to: 'open', reason: null, createdAt: T0 }]
      })
    )
    detail = b.call<ItemDetail>('item.get', { itemId: 'item-a' })
    expect(detail.thread.filter((e) => e.type === 'message' && e.message.id === messageId)).toHaveLength(1)
    expect(detail.thread.filter((e) => e.type === 'event' && e.event.id === `${mutationId}.e0`)).toHaveLength(1)
    expect(detail.item).toEqual(applied)
    expect(b.status().pending).toBe(0)
  })

  it('records a rejection, shows it until dismissed, and purges what the rejected mutation wrote', async () => {
    const b = await bound()
    await b.pull(firstPage())
    b.server.reportedApplied = 0
    const { messageId, mutationId } = b.call<{ messageId: string; mutationId: string }>('item.reply', { itemId: 'item-b', body: 'We will send a new kettle.' })
    expect(b.inbox({ search: 'new kettle' })).toHaveLength(1)
    const rejection = { seq: 1, mutationId, name: 'item.reply', code: 'closed', message: 'This item is closed; closed items are final.', itemId: 'item-b', at: T0 }
    await b.pull(
      page(1, { items: [{ ...B, status: 'closed', resolvedAt: T0, slaDueAt: null }], messages: [wireMessage('msg-b1', B.id, 'The kettle sparks.')], rejections: [rejection] })
    )

    expect(b.call<SyncRejection[]>('sync.rejections', {})).toEqual([rejection])
    expect(b.status()).toMatchObject({ rejections: 1, pending: 0 })
    expect(count(b.file, 'SELECT count(*) FROM messages WHERE id = ?', messageId)).toBe(0)
    expect(count(b.file, `SELECT count(*) FROM item_events WHERE id LIKE ?`, `${mutationId}.%`)).toBe(0)
    expect(b.call<ItemDetail>('item.get', { itemId: 'item-b' }).thread).toHaveLength(1)
    expect(b.inbox({ search: 'new kettle' })).toEqual([])
    expect(b.server.pulls.at(-1)?.rejectionsAfter).toBe(0)
    await b.pull(page(1))
    expect(b.server.pulls.at(-1)?.rejectionsAfter).toBe(1)

    b.call('sync.dismissRejection', { seq: 1 })
    expect(b.call<SyncRejection[]>('sync.rejections', {})).toEqual([])
    expect(b.status().rejections).toBe(0)
  })

  it('undoes the optimistic change of a rejected mutation even when the server does not send the item again', async () => {
    const b = await bound()
    await b.pull(firstPage())
    b.server.reportedApplied = 0
    const first = b.call<{ mutationId: string }>('item.setPriority', { itemId: 'item-a', priority: 'urgent' })
    b.call('item.reply', { itemId: 'item-a', body: 'Looking into it.' }) // a second pending change on the same item
    expect(b.call<ItemDetail>('item.get', { itemId: 'item-a' }).item).toMatchObject({ priority: 'urgent', status: 'open' })
    expect(count(b.file, 'SELECT count(*) FROM sync_shadow')).toBe(1)
    const rejection = { seq: 1, mutationId: first.mutationId, name: 'item.setPriority', code: 'forbidden', message: 'Only supervisors may do that.', itemId: 'item-a', at: T0 }
    await b.pull(page(1, { rejections: [rejection] }))
    // The rejected priority is gone; the reply, still pending, is re-applied on the server's item.
    expect(b.call<ItemDetail>('item.get', { itemId: 'item-a' }).item).toMatchObject({ priority: 'normal', status: 'open' })
    expect(b.call<{ total: number }>('inbox.count', { filter: { priorities: ['urgent'] } }).total).toBe(0)
    expect(b.status()).toMatchObject({ pending: 1, rejections: 1 })
    // Once nothing is pending, the shadows go.
    await b.pull(page(2, { items: [{ ...A, status: 'open', firstResponseAt: T0, slaRespondedAt: T0 }], messages: [wireMessage('msg-a1', A.id, 'Where is my zebra parcel?')] }))
    expect(b.status().pending).toBe(0)
    expect(count(b.file, 'SELECT count(*) FROM sync_shadow')).toBe(0)
  })

  it('purges an item a rejected item.create made, with its customer', async () => {
    const b = await bound()
    await b.pull(firstPage())
    b.server.reportedApplied = 0
    const created = b.call<{ itemId: string; mutationId: string }>('item.create', {
      kind: 'service',
      category: 'order',
      channel: 'phone',
      subject: 'Wrong size delivered',
      body: 'Size 42 instead of 44.',
      customer: { type: 'new', name: 'Cleo Park', email: 'cleo@example.com' }
    })
    expect(b.inbox()).toHaveLength(3)
    const rejection = { seq: 1, mutationId: created.mutationId, name: 'item.create', code: 'forbidden', message: 'No.', itemId: null, at: T0 }
    await b.pull(page(1, { rejections: [rejection] }))
    expect(b.inbox()).toHaveLength(2)
    expect(b.call<{ total: number }>('inbox.count', { filter: {} }).total).toBe(2)
    expect(count(b.file, `SELECT count(*) FROM customers WHERE name = 'Cleo Park'`)).toBe(0)
    expect(b.inbox({ search: 'size' })).toEqual([])
  })

  it('leaves a pending mutation that is now refused locally in the outbox, changing nothing', async () => {
    const b = await bound()
    await b.pull(firstPage())
    b.server.reportedApplied = 0
    b.call('item.setPriority', { itemId: 'item-a', priority: 'high' })
    const closed = { ...A, status: 'closed' as const, resolvedAt: T0, slaDueAt: null, updatedAt: '2026-11-23T08:50:00.000Z' }
    await b.pull(page(0, { items: [closed], messages: [wireMessage('msg-a1', A.id, 'Where is my zebra parcel?')] }))
    expect(b.call<ItemDetail>('item.get', { itemId: 'item-a' }).item).toEqual(closed)
    expect(b.status().pending).toBe(1)
  })

  it('applies a page atomically: a failure half-way changes nothing, not even the cursor', async () => {
    const b = await bound()
    await b.pull(firstPage())
    const before = dump(b.file)
    const cursor = peek(b.file, (db) => db.prepare(`SELECT value FROM meta WHERE key = 'sync.cursor'`).pluck().get())
    expect(cursor).toEqual(expect.any(String))
    // The second item names an agent nobody has heard of: its write fails after the first one's.
    const bad = page(0, {
      customers: [wireCustomer('cust-3', 'Dora Vale')],
      items: [{ ...A, priority: 'urgent' }, wireItem('item-c', 'cust-3', { assigneeId: 'agent-ghost' })]
    })
    const logged = console.error
    console.error = () => undefined
    try {
      await b.pull(bad)
    } finally {
      console.error = logged
    }
    expect(dump(b.file)).toBe(before)
    expect(b.status()).toMatchObject({ state: 'offline' })
    expect(b.status().lastError).toMatch(/Syncing failed/)
    expect(b.call<ItemDetail>('item.get', { itemId: 'item-a' }).item.priority).toBe('normal')
    // The retry asks again from the same cursor.
    b.timers.advance(60_000)
    await b.engine().idle()
    expect(b.server.pulls.at(-2)?.cursor).toBe(cursor) // the failed one
    expect(b.server.pulls.at(-1)?.cursor).toBe(cursor) // the retry
    expect(b.status().state).toBe('online')
  })

  it('replaces the agent directory and keeps assignee names in step', async () => {
    const b = await bound()
    await b.pull(firstPage())
    b.call('item.assign', { itemId: 'item-a', assigneeId: OTHER_AGENT.id, expectedAssigneeId: null })
    await b.pull(page(1, { agents: [AGENT, { ...OTHER_AGENT, name: 'Liam B.' }] }))
    expect(b.inbox().find((r) => r.id === 'item-a')?.assigneeName).toBe('Liam B.')
    expect(b.call<{ id: string }[]>('agents.list', {}).map((a) => a.id).sort()).toEqual([OTHER_AGENT.id, AGENT.id].sort())
  })

  it('keeps an item exactly as the server sent it: an optimistic line the server wrote otherwise goes, a confirmed one takes the server time', async () => {
    const b = await bound()
    await b.pull(firstPage())
    b.server.reportedApplied = 0
    // Locally the item is new, so the reply also opens it (a status line); on the server someone
    // had opened it already, so the server's run of the same reply wrote no status line.
    const { messageId, mutationId } = b.call<{ messageId: string; mutationId: string }>('item.reply', { itemId: 'item-a', body: 'On it.' })
    expect(count(b.file, 'SELECT count(*) FROM item_events WHERE id = ?', `${mutationId}.e0`)).toBe(1)
    const serverTime = '2026-11-23T08:45:00.000Z'
    await b.pull(
      page(1, {
        items: [{ ...A, status: 'open', firstResponseAt: serverTime, slaRespondedAt: serverTime, updatedAt: serverTime }],
        messages: [wireMessage('msg-a1', A.id, 'Where is my zebra parcel?'), wireMessage(messageId, A.id, 'On it.', { kind: 'reply', authorId: AGENT.id, createdAt: serverTime })]
      })
    )
    expect(b.status().pending).toBe(0)
    expect(count(b.file, 'SELECT count(*) FROM item_events WHERE id = ?', `${mutationId}.e0`)).toBe(0)
    const thread = b.call<ItemDetail>('item.get', { itemId: 'item-a' }).thread
    expect(thread.flatMap((e) => (e.type === 'message' ? [[e.message.id, e.message.createdAt]] : []))).toEqual([
      ['msg-a1', T0],
      [messageId, serverTime]
    ])
  })

  it('drops an item the agent made outside their own scope once the server confirms it', async () => {
    const b = await bound()
    await b.pull(firstPage())
    b.server.reportedApplied = 0
    const { mutationId } = b.call<{ mutationId: string }>('item.escalateToSupport', {
      itemId: 'item-a',
      reasonCode: 'other',
      reasonText: 'needs a specialist',
      summary: 'Parcel scan shows a fault.',
      assigneeId: null,
      expectedQueue: 'service',
      expectedTier: null
    })
    expect(mutationId).toEqual(expect.any(String))
    expect(b.inbox().map((r) => r.id)).toContain('item-a') // pending: still here
    await b.pull(page(1))
    expect(b.inbox().map((r) => r.id)).toEqual(['item-b'])
  })
})
