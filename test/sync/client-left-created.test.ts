/**
 * An item an agent makes outside their own queues (a service agent opening a support ticket):
 * the server applies it and the pull says it left (issue 13). The bound console removes its
 * optimistic copy and tells the agent where it went, until they dismiss it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { SyncStatus } from '../../src/shared/contract'
import { boundCore, type Bound } from './client-bound'
import { AGENT, OTHER_AGENT, page, wireCustomer, wireItem } from './client-helpers'

let open: Bound[] = []
afterEach(() => {
  for (const b of open) b.core.close()
  open = []
})

const C1 = wireCustomer('cust-1', 'Ann Smith')
const A = wireItem('item-a', C1.id, { subject: 'Parcel never arrived' })
const firstPage = () => page(0, { agents: [AGENT, OTHER_AGENT], customers: [C1], items: [A] })

async function withTicket(): Promise<{ b: Bound; itemId: string }> {
  const b = await boundCore()
  open.push(b)
  await b.pull(firstPage())
  b.server.reportedApplied = 0
  const { itemId } = b.call<{ itemId: string }>('item.create', {
    kind: 'support',
    category: 'access',
    channel: 'email',
    subject: 'Cannot log in',
    body: 'The password reset never comes.',
    customer: { type: 'existing', customerId: C1.id }
  })
  expect(b.inbox().map((r) => r.id)).toContain(itemId) // optimistic, pending
  return { b, itemId }
}

const SAID = 'Your new item “Cannot log in” is now in the Support tier 1 queue, outside your queues.'

describe('an item made outside one’s own queues', () => {
  it('goes when the pull lists it in left, and the agent is told where it went until they dismiss it', async () => {
    const { b, itemId } = await withTicket()
    await b.pull(page(1, { left: [itemId] }))
    expect(b.inbox().map((r) => r.id)).toEqual(['item-a'])
    expect(b.status()).toMatchObject({ pending: 0, rejections: 0, notices: [SAID] })
    // Said once, and kept across pulls until dismissed.
    await b.pull(page(1))
    expect(b.status().notices).toEqual([SAID])
    expect(b.call<SyncStatus>('sync.dismissNotices', {}).notices).toEqual([])
    expect(b.status().notices).toEqual([])
  })

  it('is told the same when the confirmation comes before the left (the console sees it is outside)', async () => {
    const { b, itemId } = await withTicket()
    await b.pull(page(1))
    expect(b.inbox().map((r) => r.id)).toEqual(['item-a'])
    expect(b.status().notices).toEqual([SAID])
    await b.pull(page(1, { left: [itemId] }))
    expect(b.status().notices).toEqual([SAID])
  })

  it('says nothing of an item that leaves and was not made here', async () => {
    const b = await boundCore()
    open.push(b)
    await b.pull(firstPage())
    await b.pull(page(0, { left: ['item-a'] }))
    expect(b.inbox()).toEqual([])
    expect(b.status().notices).toEqual([])
  })
})
