/** The words of a reply's delivery chip (src/renderer/src/features/item/delivery-status.ts). */
import { describe, expect, it } from 'vitest'
import { deliveryView, type DeliveryInput } from '../../src/renderer/src/features/item/delivery-status'
import type { MessageDelivery } from '../../src/shared/domain/entities'

const at = (iso: string) => `<${iso.slice(11, 16)}>`
const delivery = (over: Partial<MessageDelivery>): MessageDelivery => ({ state: 'queued', attempts: 0, nextAttemptAt: null, error: null, sentAt: null, ...over })
const reply = (over: Partial<DeliveryInput> = {}): DeliveryInput => ({ kind: 'reply', pending: false, delivery: null, ...over })

describe('deliveryView', () => {
  it('a reply still in the outbox of a synced workspace is waiting to sync; a local workspace has nothing to wait for', () => {
    expect(deliveryView(reply({ pending: true }), true, at)).toEqual({ tone: 'waiting', text: 'Waiting to sync', action: null })
    expect(deliveryView(reply({ pending: true }), false, at)).toBeNull()
    // A retry waiting in the outbox: the reply itself is synced, its state is the local copy's.
    expect(deliveryView(reply({ delivery: delivery({ state: 'queued' }) }), true, at)?.text).toBe('Queued')
  })

  it('each state of the server’s queue, in words, with the action the agent may take', () => {
    const view = (d: Partial<MessageDelivery>) => deliveryView(reply({ delivery: delivery(d) }), true, at)
    expect(view({ state: 'queued' })).toEqual({ tone: 'progress', text: 'Queued', action: null })
    expect(view({ state: 'sending', attempts: 1 })).toEqual({ tone: 'progress', text: 'Sending', action: null })
    expect(view({ state: 'sent', sentAt: '2026-12-07T14:05:00.000Z' })).toEqual({ tone: 'done', text: 'Sent <14:05>', action: null })
    expect(view({ state: 'failed', error: '451 try later', nextAttemptAt: '2026-12-07T14:20:00.000Z' })).toEqual({
      tone: 'failed',
      text: 'Failed: 451 try later — retrying at <14:20>',
      action: null
    })
    expect(view({ state: 'failed', error: '550 mailbox unavailable' })).toEqual({ tone: 'failed', text: 'Failed: 550 mailbox unavailable', action: 'retry' })
    expect(view({ state: 'failed', error: null })).toEqual({ tone: 'failed', text: 'Failed: no reason given', action: 'retry' })
    expect(view({ state: 'unconfirmed' })).toEqual({
      tone: 'unconfirmed',
      text: 'Unconfirmed: the server stopped while sending; it may have arrived',
      action: 'sendAgain'
    })
  })

  it('nothing for a message the server does not deliver (a note, a customer’s message, a reply on a channel without delivery)', () => {
    expect(deliveryView({ kind: 'note', pending: true, delivery: null }, true, at)).toBeNull()
    expect(deliveryView({ kind: 'customer', pending: false, delivery: null }, true, at)).toBeNull()
    expect(deliveryView(reply(), true, at)).toBeNull()
  })
})
