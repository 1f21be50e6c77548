/** The delivery queue's pure rules: backoff with jitter and a cap, the threading headers of a reply, and what a failure means. */
import { describe, expect, it } from 'vitest'
import { DEFAULT_BACKOFF, nextRetry } from '../../../src/server/channels/backoff'
import { LOST_AFTER_DATA_REASON, outcomeOf } from '../../../src/server/channels/email/deliver'
import { replyThreading } from '../../../src/server/channels/email/reply-thread'
import { SmtpError } from '../../../src/server/channels/email/smtp'
import { SecretError } from '../../../src/server/channels/registry'
import type { ThreadMessage } from '../../../src/server/channels/delivery-queue'

describe('backoff', () => {
  const policy = { baseMs: 1000, maxDelayMs: 10_000, maxAttempts: 6 }

  it('doubles from the base, takes a random half off, and never waits longer than the cap', () => {
    expect(nextRetry(1, policy, () => 1)).toEqual({ retry: true, delayMs: 1000 })
    expect(nextRetry(1, policy, () => 0)).toEqual({ retry: true, delayMs: 500 })
    expect(nextRetry(2, policy, () => 1)).toEqual({ retry: true, delayMs: 2000 })
    expect(nextRetry(3, policy, () => 0.5)).toEqual({ retry: true, delayMs: 3000 })
    expect(nextRetry(5, policy, () => 1)).toEqual({ retry: true, delayMs: 10_000 })
    expect(nextRetry(5, policy, () => 0)).toEqual({ retry: true, delayMs: 5000 })
  })

  it('gives up after the last attempt', () => {
    expect(nextRetry(6, policy)).toEqual({ retry: false })
    expect(nextRetry(60, policy)).toEqual({ retry: false })
    expect(() => nextRetry(0, policy)).toThrow(RangeError)
  })

  it('the defaults try for hours, not forever', () => {
    let total = 0
    for (let n = 1; ; n++) {
      const next = nextRetry(n, DEFAULT_BACKOFF, () => 1)
      if (!next.retry) break
      total += next.delayMs
    }
    expect(total).toBeGreaterThan(2 * 3_600_000)
    expect(total).toBeLessThan(6 * 3_600_000)
  })
})

describe('reply threading', () => {
  const m = (id: string, kind: 'customer' | 'reply', externalId: string, createdAt: string): ThreadMessage => ({ itemId: 'i1', id, kind, externalId, createdAt })
  const thread = [
    m('c1', 'customer', '<c1@customer.example>', '2026-03-01T09:00:00.000Z'),
    m('r1', 'reply', '<handoff.r1@acme.test>', '2026-03-01T10:00:00.000Z'),
    m('c2', 'customer', '<c2@customer.example>', '2026-03-01T11:00:00.000Z'),
    m('r2', 'reply', '<handoff.r2@acme.test>', '2026-03-01T12:00:00.000Z'),
    m('c3', 'customer', '<c3@customer.example>', '2026-03-01T13:00:00.000Z')
  ]

  it('answers the customer\'s last email before the reply, referencing the thread up to it', () => {
    expect(replyThreading(thread, { id: 'r3', itemId: 'i1', createdAt: '2026-03-01T12:30:00.000Z' })).toEqual({
      inReplyTo: '<c2@customer.example>',
      references: ['<c1@customer.example>', '<handoff.r1@acme.test>']
    })
    expect(replyThreading(thread, { id: 'r4', itemId: 'i1', createdAt: '2026-03-02T00:00:00.000Z' }).inReplyTo).toBe('<c3@customer.example>')
  })

  it('leaves out made-up ids, other items and the reply itself; without a customer email, no In-Reply-To', () => {
    const odd = [
      m('c0', 'customer', '<abc@generated.handoff.invalid>', '2026-03-01T08:00:00.000Z'),
      { ...m('x', 'customer', '<other@item.example>', '2026-03-01T08:30:00.000Z'), itemId: 'i2' },
      m('r1', 'reply', '<handoff.r1@acme.test>', '2026-03-01T10:00:00.000Z')
    ]
    expect(replyThreading(odd, { id: 'r2', itemId: 'i1', createdAt: '2026-03-01T12:00:00.000Z' })).toEqual({ inReplyTo: null, references: ['<handoff.r1@acme.test>'] })
    expect(replyThreading(odd, { id: 'r1', itemId: 'i1', createdAt: '2026-03-01T10:00:00.000Z' })).toEqual({ inReplyTo: null, references: [] })
  })
})

describe('what a failure means', () => {
  const smtp = (fields: Partial<ConstructorParameters<typeof SmtpError>[1]>) =>
    new SmtpError('Message failed', { temporary: true, code: null, response: '', reason: null, command: null, ...fields })

  it('4xx and no connection are retried; 5xx is final; silence after the whole message is unconfirmed', () => {
    expect(outcomeOf(smtp({ temporary: true, code: 451, response: '451 Greylisted' }))).toEqual({ kind: 'failed', temporary: true, reason: 'The mail server asked to try again later: 451 Greylisted' })
    expect(outcomeOf(smtp({ temporary: false, code: 554, response: '554 No' }))).toEqual({ kind: 'failed', temporary: false, reason: 'The mail server refused the reply: 554 No' })
    expect(outcomeOf(smtp({ temporary: true, reason: 'ESOCKET' }))).toMatchObject({ kind: 'failed', temporary: true })
    expect(outcomeOf(smtp({ temporary: true, reason: 'ECONNECTION', afterData: true }))).toEqual({ kind: 'unconfirmed', reason: LOST_AFTER_DATA_REASON })
  })

  it('a password that cannot be read, or anything unforeseen, is retried', () => {
    expect(outcomeOf(new SecretError('The environment variable X (a password) is not set.'))).toMatchObject({ kind: 'failed', temporary: true })
    expect(outcomeOf(new Error('socket hang up'))).toMatchObject({ kind: 'failed', temporary: true, reason: 'Sending failed: socket hang up' })
  })
})
