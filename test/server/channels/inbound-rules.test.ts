/** The pure rules of an inbound customer message (src/shared/channels/inbound.ts). */
import { describe, expect, it } from 'vitest'
import { decideInbound, inboundBody, inboundSubject, type InboundMessage } from '../../../src/shared/channels/inbound'
import type { Customer, Item } from '../../../src/shared/domain/entities'
import { DEFAULT_SETTINGS } from '../../../src/shared/domain/settings'
import { LIMITS } from '../../../src/shared/mutations/fields'

const customer: Customer = { id: 'c1', name: 'Carla', email: 'carla@x.example', phone: null, createdAt: '2026-03-01T00:00:00.000Z' }
const item = (patch: Partial<Item>): Item => ({
  id: 'i1',
  kind: 'service',
  category: 'general',
  channel: 'email',
  customerId: 'c1',
  subject: 'Late',
  status: 'open',
  priority: 'normal',
  assigneeId: 'ann',
  tier: null,
  queue: 'service',
  handoffSummary: null,
  queueChangedBy: null,
  queueChangedAt: null,
  slaStartedAt: '2026-03-01T00:00:00.000Z',
  slaRespondedAt: '2026-03-01T01:00:00.000Z',
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T01:00:00.000Z',
  firstResponseAt: '2026-03-01T01:00:00.000Z',
  resolvedAt: null,
  slaDueAt: null,
  ...patch
})
const msg = (thread: Item | null, now = '2026-03-05T00:00:00.000Z'): InboundMessage => ({
  id: 'u1',
  now,
  channel: 'email',
  customer: { type: 'existing', customer },
  thread,
  subject: 'Re: Late',
  body: 'Hello?'
})
const ops = (d: ReturnType<typeof decideInbound>) => d.changes.map((c) => c.op)

describe('decideInbound', () => {
  it('appends to an active item without touching its status', () => {
    const d = decideInbound(DEFAULT_SETTINGS, msg(item({ status: 'open' })))
    expect(d).toMatchObject({ action: 'appended', itemId: 'i1', messageId: 'u1.m' })
    expect(ops(d)).toEqual(['insertMessage', 'updateItem'])
    expect(d.changes[0]).toMatchObject({ message: { kind: 'customer', authorId: null, body: 'Hello?' } })
  })

  it('opens a pending item, the event by nobody', () => {
    const d = decideInbound(DEFAULT_SETTINGS, msg(item({ status: 'pending' })))
    expect(d.action).toBe('appended')
    expect(d.changes).toContainEqual(expect.objectContaining({ op: 'updateItem', patch: expect.objectContaining({ status: 'open' }) as unknown }))
    expect(d.changes).toContainEqual(expect.objectContaining({ op: 'insertEvent', event: expect.objectContaining({ type: 'status', from: 'pending', to: 'open', actorId: null }) as unknown }))
  })

  it('reopens within the window (7 days to the ms) and not after it', () => {
    const resolved = item({ status: 'resolved', resolvedAt: '2026-03-01T00:00:00.000Z' })
    expect(decideInbound(DEFAULT_SETTINGS, msg(resolved, '2026-03-08T00:00:00.000Z')).action).toBe('reopened')
    const late = decideInbound(DEFAULT_SETTINGS, msg(resolved, '2026-03-08T00:00:00.001Z'))
    expect(late).toMatchObject({ action: 'created-linked', linkedTo: 'i1', itemId: 'u1' })
    expect(late.changes).toContainEqual(expect.objectContaining({ op: 'insertEvent', event: expect.objectContaining({ type: 'created', reason: expect.stringContaining('i1') as unknown }) as unknown }))
    expect(late.changes.some((c) => c.op === 'updateItem' && c.id === 'i1')).toBe(false)
  })

  it('a closed item gets a linked new item; no thread gets a plain new one for a new customer', () => {
    expect(decideInbound(DEFAULT_SETTINGS, msg(item({ status: 'closed', resolvedAt: '2026-03-04T00:00:00.000Z' }))).action).toBe('created-linked')
    const d = decideInbound(DEFAULT_SETTINGS, { ...msg(null), customer: { type: 'new', name: '  ', email: 'new@x.example' } })
    expect(d).toMatchObject({ action: 'created', linkedTo: null })
    expect(ops(d)).toEqual(['insertCustomer', 'insertItem', 'insertMessage', 'insertEvent'])
    expect(d.changes[0]).toMatchObject({ customer: { name: 'new@x.example', email: 'new@x.example' } })
    expect(d.changes[1]).toMatchObject({ item: { queue: 'service', channel: 'email', status: 'new', assigneeId: null } })
  })

  it('keeps subject and body within the limits and never empty', () => {
    expect(inboundSubject('   ')).toBe('(no subject)')
    expect(inboundSubject('x'.repeat(500))).toHaveLength(LIMITS.subject)
    expect(inboundBody('')).toBe('(no text)')
    expect(inboundBody('y'.repeat(30_000))).toHaveLength(LIMITS.body)
  })
})
