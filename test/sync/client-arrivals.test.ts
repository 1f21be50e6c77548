/**
 * What a bound console does with the customer messages a pull brings (issue 12): the item is
 * marked unread (not on the first sync, never for the agent's own messages), the inbox row says so
 * until the agent opens the item (item.markRead, local, with items.changed), and a message on an
 * item assigned to the agent is announced once as messages.arrived (for main's notification).
 * Also: a reply still in the outbox is `pending` in the thread until a pull confirms it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { HandoffEvent, ItemDetail, ThreadEntry } from '../../src/shared/contract'
import { PREVIEW_CHARS } from '../../src/shared/contract'
import { peek } from '../core/helpers/workspace'
import { boundCore, type Bound } from './client-bound'
import { AGENT, OTHER_AGENT, page, wireCustomer, wireItem, wireMessage } from './client-helpers'

let open: Bound[] = []
afterEach(() => {
  for (const b of open) b.core.close()
  open = []
})

/** A bound console that has done its first sync of two items: i-mine (assigned to Maya, the bound agent) and i-theirs (Liam's). */
async function afterFirstSync(): Promise<{ b: Bound; events: HandoffEvent[] }> {
  const b = await boundCore()
  open.push(b)
  await b.pull(
    page(0, {
      more: false,
      progress: { done: 2, total: 2 },
      agents: [AGENT, OTHER_AGENT],
      customers: [wireCustomer('c1', 'Ann Smith'), wireCustomer('c2', 'Bo Chen')],
      items: [wireItem('i-mine', 'c1', { assigneeId: AGENT.id, subject: 'Parcel never arrived' }), wireItem('i-theirs', 'c2', { assigneeId: OTHER_AGENT.id })],
      messages: [wireMessage('m1', 'i-mine', 'Where is my parcel?'), wireMessage('m2', 'i-theirs', 'Refund please')]
    })
  )
  const events: HandoffEvent[] = []
  b.core.onEvent((e) => events.push(e))
  return { b, events }
}

const unread = (b: Bound) => Object.fromEntries(b.inbox().map((r) => [r.id, r.unread]))
const arrivals = (events: HandoffEvent[]) => events.flatMap((e) => (e.name === 'messages.arrived' ? [e.payload] : []))
const marks = (b: Bound) => peek(b.file, (db) => db.prepare('SELECT i.id FROM unread_items u JOIN items i ON i.rid = u.item_rid ORDER BY i.id').pluck().all())
const messageEntries = (detail: ItemDetail) => detail.thread.filter((e): e is Extract<ThreadEntry, { type: 'message' }> => e.type === 'message')

describe('unread marks', () => {
  it('the first sync brings the past, not news: nothing is unread and nothing is announced', async () => {
    const b = await boundCore()
    open.push(b)
    const events: HandoffEvent[] = []
    b.core.onEvent((e) => events.push(e))
    await b.pull(
      page(0, {
        more: true,
        progress: { done: 1, total: 1 },
        agents: [AGENT],
        customers: [wireCustomer('c1')],
        items: [wireItem('i1', 'c1', { assigneeId: AGENT.id })],
        messages: [wireMessage('m1', 'i1', 'Hello?')]
      }),
      page(0)
    )
    expect(unread(b)).toEqual({ i1: false })
    expect(marks(b)).toEqual([])
    expect(arrivals(events)).toEqual([])
  })

  it('a later pull with a new customer message marks its item unread, and the inbox row says so', async () => {
    const { b } = await afterFirstSync()
    expect(unread(b)).toEqual({ 'i-mine': false, 'i-theirs': false })
    await b.pull(page(0, { messages: [wireMessage('m3', 'i-theirs', 'Any news?', { createdAt: '2026-11-23T08:40:00.000Z' })] }))
    expect(unread(b)).toEqual({ 'i-mine': false, 'i-theirs': true })
    expect(marks(b)).toEqual(['i-theirs'])
    // A new item of Ann's, written since this console last synced (09:00 by its clock): unread, in
    // the inbox and among her other items (item.get).
    await b.pull(
      page(0, {
        items: [wireItem('i-more', 'c1', { createdAt: '2026-11-23T09:05:00.000Z', updatedAt: '2026-11-23T09:05:00.000Z' })],
        messages: [wireMessage('m4', 'i-more', 'And another thing', { createdAt: '2026-11-23T09:05:00.000Z' })]
      })
    )
    expect(unread(b)).toEqual({ 'i-mine': false, 'i-theirs': true, 'i-more': true })
    const detail = b.call<ItemDetail>('item.get', { itemId: 'i-mine' })
    expect(detail.customerItems.map((r) => [r.id, r.unread])).toEqual([['i-more', true]])
  })

  it('an item that enters the scope with an old thread (handed to the agent) is history: only what was written since the last sync is news', async () => {
    const { b, events } = await afterFirstSync()
    await b.pull(
      page(0, {
        customers: [wireCustomer('c3', 'Cy Old')],
        items: [wireItem('i-handed', 'c3', { assigneeId: AGENT.id, subject: 'Long story', updatedAt: '2026-11-23T09:10:00.000Z' })],
        messages: [
          ...Array.from({ length: 15 }, (_, i) => wireMessage(`old-${i}`, 'i-handed', `Message ${i}`, { createdAt: `2026-11-2${i < 9 ? 0 : 1}T10:${String(10 + i).padStart(2, '0')}:00.000Z` })),
          wireMessage('new-1', 'i-handed', 'Written just now', { createdAt: '2026-11-23T09:09:00.000Z' })
        ]
      })
    )
    expect(marks(b)).toEqual(['i-handed'])
    expect(arrivals(events).map((a) => a.messageId)).toEqual(['new-1'])
  })

  it('a message the console already has (sent again by the feed) marks nothing', async () => {
    const { b } = await afterFirstSync()
    await b.pull(page(0, { messages: [wireMessage('m1', 'i-mine', 'Where is my parcel?')] }))
    expect(marks(b)).toEqual([])
  })

  it('the agent’s own reply and own new item, confirmed by a pull, never mark anything', async () => {
    const { b, events } = await afterFirstSync()
    const reply = b.call<{ mutationId: string }>('item.reply', { itemId: 'i-mine', body: 'It is on its way.' })
    const created = b.call<{ mutationId: string; itemId: string }>('item.create', {
      kind: 'service',
      category: 'order',
      channel: 'email',
      customer: { type: 'existing', customerId: 'c1' },
      subject: 'Second order',
      body: 'The customer wrote about a second order.',
      assignToMe: true
    })
    const createdItem = b.call<ItemDetail>('item.get', { itemId: created.itemId })
    // The server's copies come back (same ids: they derive from the mutation ids), the pushes confirmed.
    b.server.pages.push(
      page(2, {
        items: [{ ...createdItem.item }],
        messages: [
          wireMessage(`${reply.mutationId}.m`, 'i-mine', 'It is on its way.', { kind: 'reply', authorId: AGENT.id }),
          ...messageEntries(createdItem).map((e) => e.message)
        ]
      })
    )
    b.timers.advance(100)
    await b.engine().idle()
    expect(peek(b.file, (db) => db.prepare('SELECT count(*) FROM outbox').pluck().get())).toBe(0)
    expect(marks(b)).toEqual([])
    expect(b.inbox().every((r) => !r.unread)).toBe(true)
    expect(arrivals(events)).toEqual([])
  })

  it('item.markRead clears the mark, tells the inbox once (items.changed), and does nothing the second time', async () => {
    const { b, events } = await afterFirstSync()
    await b.pull(page(0, { messages: [wireMessage('m3', 'i-mine', 'Any news?')] }))
    expect(unread(b)['i-mine']).toBe(true)
    events.length = 0
    expect(b.call('item.markRead', { itemId: 'i-mine' })).toEqual({ cleared: true })
    expect(unread(b)['i-mine']).toBe(false)
    expect(marks(b)).toEqual([])
    const changed = events.filter((e) => e.name === 'items.changed')
    expect(changed).toHaveLength(1)
    // The status the renderer asks for next carries the same data version (it does not reload twice).
    expect(b.status().dataVersion).toBe((changed[0]!.payload as { dataVersion: number }).dataVersion)
    events.length = 0
    expect(b.call('item.markRead', { itemId: 'i-mine' })).toEqual({ cleared: false })
    expect(events.filter((e) => e.name === 'items.changed')).toEqual([])
    // Local only: nothing waits to be pushed.
    expect(b.status().pending).toBe(0)
  })

  it('item.markRead refuses what is not an id', () => {
    return afterFirstSync().then(({ b }) => {
      const answer = b.core.dispatch('item.markRead', { itemId: '' })
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    })
  })
})

describe('messages.arrived', () => {
  it('once per new customer message on an item assigned to the agent, with plain text cut short; none for a colleague’s item', async () => {
    const { b, events } = await afterFirstSync()
    const long = `Hello,\n\n  I ordered   a lamp ${'and it still has not come '.repeat(10)}— please help.`
    await b.pull(
      page(0, {
        messages: [
          wireMessage('m3', 'i-mine', 'Any news?', { createdAt: '2026-11-23T08:40:00.000Z' }),
          wireMessage('m4', 'i-theirs', 'Hello again', { createdAt: '2026-11-23T08:41:00.000Z' }),
          wireMessage('m5', 'i-mine', long, { createdAt: '2026-11-23T08:42:00.000Z' })
        ]
      })
    )
    const got = arrivals(events)
    expect(got).toHaveLength(2)
    expect(got[0]).toEqual({ itemId: 'i-mine', messageId: 'm3', subject: 'Parcel never arrived', customerName: 'Ann Smith', preview: 'Any news?' })
    expect(got[1]).toMatchObject({ itemId: 'i-mine', messageId: 'm5' })
    const preview = got[1]!.preview
    expect(Array.from(preview)).toHaveLength(PREVIEW_CHARS)
    expect(preview.startsWith('Hello, I ordered a lamp and it still')).toBe(true)
    expect(preview.endsWith('…')).toBe(true)
    expect(preview).not.toMatch(/\s{2}|\n/)
    // After the data: items.changed comes first, so a listener that reloads sees the message.
    const names = events.map((e) => e.name)
    expect(names.indexOf('items.changed')).toBeLessThan(names.indexOf('messages.arrived'))

    // The same messages again (the feed may resend): no second announcement.
    await b.pull(page(0, { messages: [wireMessage('m3', 'i-mine', 'Any news?', { createdAt: '2026-11-23T08:40:00.000Z' })] }))
    expect(arrivals(events)).toHaveLength(2)
  })

  it('a customer message on an item that was just assigned to the agent in the same page is announced', async () => {
    const { b, events } = await afterFirstSync()
    await b.pull(
      page(0, {
        items: [wireItem('i-theirs', 'c2', { assigneeId: AGENT.id, updatedAt: '2026-11-23T08:50:00.000Z' })],
        messages: [wireMessage('m6', 'i-theirs', 'Is anyone there?', { createdAt: '2026-11-23T08:50:00.000Z' })]
      })
    )
    expect(arrivals(events).map((a) => a.messageId)).toEqual(['m6'])
  })
})

describe('a reply waiting in the outbox', () => {
  it('is pending in the thread until a pull confirms its mutation', async () => {
    const { b } = await afterFirstSync()
    b.server.offline = true
    const reply = b.call<{ mutationId: string }>('item.reply', { itemId: 'i-mine', body: 'Looking into it.' })
    const pendingOf = () =>
      Object.fromEntries(messageEntries(b.call<ItemDetail>('item.get', { itemId: 'i-mine' })).map((e) => [e.message.id, e.pending]))
    expect(pendingOf()).toEqual({ m1: false, [`${reply.mutationId}.m`]: true })
    b.server.offline = false
    b.timers.advance(60_000)
    await b.engine().idle()
    expect(b.status().pending).toBe(0)
    expect(pendingOf()).toEqual({ m1: false, [`${reply.mutationId}.m`]: false })
  })
})
