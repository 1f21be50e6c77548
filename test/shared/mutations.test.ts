import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type { Agent, Item, Rating, SavedView } from '../../src/shared/domain/entities'
import { MUTATION_NAMES, emptySnapshot, isMutationName, mutations, type Change, type MutationContext, type Mutations, type Snapshot } from '../../src/shared/mutations'

/** decide() is pure: these tests hand it snapshots and read its changes, no database involved. */
const NOW = '2026-11-23T09:00:00.000Z'
const ctx: MutationContext = { mutationId: '019aaaaa-0000-7000-8000-000000000001', actorId: 'agent-maya', now: NOW }

const maya: Agent = { id: 'agent-maya', name: 'Maya Okafor', email: 'maya@example.com', role: 'service', tiers: [] }
const tomas: Agent = { id: 'agent-tomas', name: 'Tomás Alvarez', email: 'tomas@example.com', role: 'support', tiers: [1] }

function item(over: Partial<Item> = {}): Item {
  return {
    id: 'item-1',
    kind: 'service',
    category: 'billing',
    channel: 'email',
    customerId: 'cust-1',
    subject: 'Charged twice',
    status: 'new',
    priority: 'normal',
    assigneeId: null,
    tier: null,
    queue: 'service',
    handoffSummary: null,
    queueChangedBy: null,
    queueChangedAt: null,
    slaStartedAt: '2026-11-23T08:00:00.000Z',
    slaRespondedAt: null,
    createdAt: '2026-11-23T08:00:00.000Z',
    updatedAt: '2026-11-23T08:00:00.000Z',
    firstResponseAt: null,
    resolvedAt: null,
    slaDueAt: '2026-11-23T12:00:00.000Z',
    ...over
  }
}

function snapshot(parts: { items?: Item[]; agents?: Agent[]; ratings?: Rating[]; views?: SavedView[] } = {}): Snapshot {
  const s = emptySnapshot()
  const ratings = new Map<string, Rating[]>()
  for (const r of parts.ratings ?? []) ratings.set(r.itemId, [...(ratings.get(r.itemId) ?? []), r])
  return {
    ...s,
    items: new Map((parts.items ?? []).map((i) => [i.id, i])),
    agents: new Map((parts.agents ?? []).map((a) => [a.id, a])),
    ratings,
    views: new Map((parts.views ?? []).map((v) => [v.id, v]))
  }
}

const changesOf = <T>(d: { ok: true; changes: Change[]; result: T } | { ok: false }) => {
  if (!d.ok) throw new Error('expected ok')
  return d.changes
}
const parse = <K extends keyof Mutations>(name: K, args: unknown): z.output<Mutations[K]['args']> => mutations[name].args.parse(args) as z.output<Mutations[K]['args']>

describe('the mutation registry', () => {
  it("names each mutation by its definition's name", () => {
    for (const name of MUTATION_NAMES) expect(mutations[name].name).toBe(name)
    expect(isMutationName('item.reply')).toBe(true)
    expect(isMutationName('toString')).toBe(false)
  })
})

describe('item.reply', () => {
  it('stamps the first response, opens a new item and moves the SLA to the resolution target', () => {
    const d = mutations['item.reply'].decide(snapshot({ items: [item()] }), parse('item.reply', { itemId: 'item-1', body: 'Refunded.' }), ctx)
    const changes = changesOf(d)
    expect(changes[0]).toMatchObject({ op: 'insertMessage', message: { id: `${ctx.mutationId}.m`, kind: 'reply', authorId: 'agent-maya', channel: 'email', body: 'Refunded.' } })
    expect(changes).toContainEqual(expect.objectContaining({ op: 'insertEvent', event: expect.objectContaining({ type: 'status', from: 'new', to: 'open', actorId: 'agent-maya' }) }))
    const update = changes.find((c) => c.op === 'updateItem')
    expect(update).toMatchObject({ patch: { firstResponseAt: NOW, status: 'open', updatedAt: NOW, slaDueAt: '2026-11-25T08:00:00.000Z' } })
  })

  it('does not restamp the first response or change the status of an open item', () => {
    const open = item({ status: 'open', firstResponseAt: '2026-11-23T08:30:00.000Z' })
    const changes = changesOf(mutations['item.reply'].decide(snapshot({ items: [open] }), parse('item.reply', { itemId: 'item-1', body: 'More.' }), ctx))
    const update = changes.find((c) => c.op === 'updateItem')
    expect(update && 'patch' in update ? update.patch : {}).not.toHaveProperty('firstResponseAt')
    expect(changes.some((c) => c.op === 'insertEvent')).toBe(false)
  })

  it('refuses a closed item and an unknown item', () => {
    expect(mutations['item.reply'].decide(snapshot({ items: [item({ status: 'closed' })] }), parse('item.reply', { itemId: 'item-1', body: 'x' }), ctx)).toMatchObject({
      ok: false,
      rejection: { code: 'closed' }
    })
    expect(mutations['item.reply'].decide(snapshot(), parse('item.reply', { itemId: 'nope', body: 'x' }), ctx)).toMatchObject({ ok: false, rejection: { code: 'not_found' } })
  })

  it('refuses an empty reply at the schema, with a message for agents', () => {
    const r = mutations['item.reply'].args.safeParse({ itemId: 'item-1', body: '   ' })
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]?.message).toBe('Reply cannot be empty.')
  })
})

describe('item.addNote', () => {
  it('is internal: a note message, no first response, allowed on closed items', () => {
    const changes = changesOf(mutations['item.addNote'].decide(snapshot({ items: [item({ status: 'closed' })] }), parse('item.addNote', { itemId: 'item-1', body: 'FYI' }), ctx))
    expect(changes[0]).toMatchObject({ op: 'insertMessage', message: { kind: 'note' } })
    expect(changes[1]).toEqual({ op: 'updateItem', id: 'item-1', patch: { updatedAt: NOW } })
  })
})

describe('item.setStatus', () => {
  const run = (it: Item, status: string, now = NOW) =>
    mutations['item.setStatus'].decide(snapshot({ items: [it] }), parse('item.setStatus', { itemId: it.id, status }), { ...ctx, now })

  it('resolves with a resolvedAt and no deadline', () => {
    const changes = changesOf(run(item({ status: 'open', firstResponseAt: NOW }), 'resolved'))
    expect(changes[0]).toMatchObject({ op: 'updateItem', patch: { status: 'resolved', resolvedAt: NOW, slaDueAt: null } })
    expect(changes[1]).toMatchObject({ op: 'insertEvent', event: { type: 'status', from: 'open', to: 'resolved' } })
  })

  it('reopens a resolved item within 7 days, clearing resolvedAt', () => {
    const resolved = item({ status: 'resolved', firstResponseAt: '2026-11-18T08:00:00.000Z', resolvedAt: '2026-11-18T09:00:00.000Z', slaDueAt: null })
    const changes = changesOf(run(resolved, 'open'))
    expect(changes[0]).toMatchObject({ patch: { status: 'open', resolvedAt: null } })
  })

  it('refuses to reopen after the window', () => {
    const resolved = item({ status: 'resolved', resolvedAt: '2026-11-10T09:00:00.000Z', slaDueAt: null })
    expect(run(resolved, 'open')).toMatchObject({ ok: false, rejection: { code: 'invalid_transition' } })
  })

  it('treats closed as final and the same status as unchanged', () => {
    expect(run(item({ status: 'closed' }), 'open')).toMatchObject({ ok: false, rejection: { code: 'closed' } })
    expect(run(item({ status: 'open' }), 'open')).toMatchObject({ ok: false, rejection: { code: 'unchanged' } })
    expect(run(item({ status: 'new' }), 'closed')).toMatchObject({ ok: false, rejection: { code: 'invalid_transition' } })
  })
})

describe('item.setPriority', () => {
  it('recomputes the deadline and records the change', () => {
    const changes = changesOf(mutations['item.setPriority'].decide(snapshot({ items: [item()] }), parse('item.setPriority', { itemId: 'item-1', priority: 'urgent' }), ctx))
    expect(changes[0]).toMatchObject({ patch: { priority: 'urgent', slaDueAt: '2026-11-23T08:30:00.000Z' } })
    expect(changes[1]).toMatchObject({ event: { type: 'priority', from: 'normal', to: 'urgent' } })
  })

  it('refuses the same priority', () => {
    expect(mutations['item.setPriority'].decide(snapshot({ items: [item()] }), parse('item.setPriority', { itemId: 'item-1', priority: 'normal' }), ctx)).toMatchObject({
      ok: false,
      rejection: { code: 'unchanged' }
    })
  })
})

describe('item.assign', () => {
  const assign = (state: Snapshot, args: unknown) => mutations['item.assign'].decide(state, parse('item.assign', args), ctx)

  it('assigns and records who from and to', () => {
    const changes = changesOf(assign(snapshot({ items: [item()], agents: [maya] }), { itemId: 'item-1', assigneeId: 'agent-maya', expectedAssigneeId: null }))
    expect(changes).toEqual([
      { op: 'updateItem', id: 'item-1', patch: { assigneeId: 'agent-maya', updatedAt: NOW } },
      expect.objectContaining({ op: 'insertEvent', event: expect.objectContaining({ type: 'assigned', from: null, to: 'agent-maya' }) })
    ])
  })

  it('refuses a compare-and-set conflict, naming who holds the item', () => {
    const d = assign(snapshot({ items: [item({ assigneeId: 'agent-tomas' })], agents: [maya, tomas] }), {
      itemId: 'item-1',
      assigneeId: 'agent-maya',
      expectedAssigneeId: null
    })
    expect(d).toEqual({ ok: false, rejection: { code: 'conflict', message: 'The assignee changed meanwhile: the item is now assigned to Tomás Alvarez.' } })
  })

  it('needs the assignee the client saw, unless a supervisor overrides', () => {
    expect(mutations['item.assign'].args.safeParse({ itemId: 'item-1', assigneeId: 'agent-maya' }).success).toBe(false)
    expect(mutations['item.assign'].args.safeParse({ itemId: 'item-1', assigneeId: 'agent-maya', override: true }).success).toBe(true)
  })

  it('lets a supervisor override the compare-and-set, and nobody else', () => {
    const dana: Agent = { id: 'agent-dana', name: 'Dana Reyes', email: 'dana@example.com', role: 'supervisor', tiers: [] }
    const held = snapshot({ items: [item({ assigneeId: 'agent-tomas' })], agents: [maya, tomas, dana] })
    const args = { itemId: 'item-1', assigneeId: 'agent-maya', expectedAssigneeId: null, override: true }
    const bySupervisor = mutations['item.assign'].decide(held, parse('item.assign', args), { ...ctx, actorId: 'agent-dana' })
    expect(changesOf(bySupervisor)[0]).toEqual({ op: 'updateItem', id: 'item-1', patch: { assigneeId: 'agent-maya', updatedAt: NOW } })
    expect(assign(held, args)).toMatchObject({ ok: false, rejection: { code: 'forbidden' } })
  })

  it('refuses an unknown agent, an unchanged assignee and a closed item', () => {
    expect(assign(snapshot({ items: [item()] }), { itemId: 'item-1', assigneeId: 'ghost', expectedAssigneeId: null })).toMatchObject({ rejection: { code: 'not_found' } })
    expect(assign(snapshot({ items: [item({ assigneeId: 'agent-maya' })], agents: [maya] }), { itemId: 'item-1', assigneeId: 'agent-maya', expectedAssigneeId: 'agent-maya' })).toMatchObject({
      rejection: { code: 'unchanged' }
    })
    expect(assign(snapshot({ items: [item({ status: 'closed' })], agents: [maya] }), { itemId: 'item-1', assigneeId: 'agent-maya', expectedAssigneeId: null })).toMatchObject({
      rejection: { code: 'closed' }
    })
  })
})

describe('item.recordRating', () => {
  const csat: Rating = { id: 'r1', itemId: 'item-1', kind: 'csat', score: 4, recordedBy: 'agent-maya', createdAt: NOW }

  it('records the first CSAT and refuses a second one', () => {
    const first = mutations['item.recordRating'].decide(snapshot({ items: [item({ status: 'resolved' })] }), parse('item.recordRating', { itemId: 'item-1', kind: 'csat', score: 5 }), ctx)
    expect(changesOf(first)[0]).toMatchObject({ op: 'insertRating', rating: { kind: 'csat', score: 5, recordedBy: 'agent-maya' } })
    const second = mutations['item.recordRating'].decide(
      snapshot({ items: [item({ status: 'resolved' })], ratings: [csat] }),
      parse('item.recordRating', { itemId: 'item-1', kind: 'csat', score: 2 }),
      ctx
    )
    expect(second).toMatchObject({ ok: false, rejection: { code: 'duplicate' } })
    expect(!second.ok && second.rejection.message).toContain('(4)')
  })

  it('accepts an NPS next to a CSAT', () => {
    const d = mutations['item.recordRating'].decide(snapshot({ items: [item()], ratings: [csat] }), parse('item.recordRating', { itemId: 'item-1', kind: 'nps', score: 0 }), ctx)
    expect(d.ok).toBe(true)
  })

  it('checks the scales at the schema', () => {
    const schema = mutations['item.recordRating'].args
    expect(schema.safeParse({ itemId: 'i', kind: 'csat', score: 7 }).error?.issues[0]?.message).toBe('A CSAT answer is 1 to 5.')
    expect(schema.safeParse({ itemId: 'i', kind: 'nps', score: 11 }).error?.issues[0]?.message).toBe('A NPS answer is 0 to 10.')
    expect(schema.safeParse({ itemId: 'i', kind: 'csat', score: 0 }).success).toBe(false)
    expect(schema.safeParse({ itemId: 'i', kind: 'nps', score: 3.5 }).success).toBe(false)
  })
})

describe('item.create and item.logContact', () => {
  it('creates an item with its first message, a new customer and the SLA', () => {
    const args = parse('item.create', { kind: 'support', category: 'access', channel: 'chat', subject: 'Locked out', body: 'Help', customer: { type: 'new', name: 'Ann Smith' } })
    const d = mutations['item.create'].decide(emptySnapshot(), args, ctx)
    const changes = changesOf(d)
    expect(changes.map((c) => c.op)).toEqual(['insertCustomer', 'insertItem', 'insertMessage', 'insertEvent'])
    expect(changes[1]).toMatchObject({ item: { id: ctx.mutationId, status: 'new', tier: 1, customerId: `${ctx.mutationId}.c`, slaDueAt: '2026-11-23T17:00:00.000Z' } })
  })

  it('refuses an unknown existing customer and a category of the other kind', () => {
    const args = parse('item.create', { kind: 'service', category: 'order', channel: 'email', subject: 's', body: 'b', customer: { type: 'existing', customerId: 'ghost' } })
    expect(mutations['item.create'].decide(emptySnapshot(), args, ctx)).toMatchObject({ ok: false, rejection: { code: 'not_found' } })
    const wrong = mutations['item.create'].args.safeParse({ kind: 'service', category: 'bug', channel: 'email', subject: 's', body: 'b', customer: { type: 'new', name: 'A' } })
    expect(wrong.error?.issues[0]?.message).toBe('That category does not belong to that kind of item.')
  })

  it('logs a resolved phone contact as answered and resolved at once, with no deadline', () => {
    const args = parse('item.logContact', { channel: 'phone', category: 'billing', subject: 'Call', summary: 'Explained invoice', outcome: 'resolved', customer: { type: 'new', name: 'Bo' } })
    const changes = changesOf(mutations['item.logContact'].decide(emptySnapshot(), args, ctx))
    expect(changes[1]).toMatchObject({ item: { status: 'resolved', firstResponseAt: NOW, resolvedAt: NOW, slaDueAt: null, assigneeId: 'agent-maya' } })
    expect(changes[2]).toMatchObject({ message: { kind: 'contact', authorId: 'agent-maya' } })
  })
})

describe('views', () => {
  const builtIn: SavedView = { id: 'builtin:all', name: 'All', ownerId: null, builtIn: true, filter: {}, sort: { column: 'age', direction: 'desc' } }
  const others: SavedView = { id: 'v-2', name: 'Theirs', ownerId: 'agent-tomas', builtIn: false, filter: {}, sort: { column: 'age', direction: 'desc' } }
  const save = (state: Snapshot, args: unknown) => mutations['view.save'].decide(state, parse('view.save', args), ctx)

  it('creates a view owned by the actor under the mutation id', () => {
    const changes = changesOf(save(snapshot(), { name: 'Urgent', filter: { priorities: ['urgent'] }, sort: { column: 'slaDue', direction: 'asc' } }))
    expect(changes).toEqual([{ op: 'upsertView', view: expect.objectContaining({ id: ctx.mutationId, ownerId: 'agent-maya', builtIn: false }) }])
  })

  it("refuses changing or deleting a built-in or someone else's view", () => {
    const sort = { column: 'age', direction: 'desc' }
    expect(save(snapshot({ views: [builtIn] }), { viewId: builtIn.id, name: 'x', filter: {}, sort })).toMatchObject({ rejection: { code: 'forbidden' } })
    expect(save(snapshot({ views: [others] }), { viewId: others.id, name: 'x', filter: {}, sort })).toMatchObject({ rejection: { code: 'forbidden' } })
    expect(mutations['view.delete'].decide(snapshot({ views: [builtIn] }), { viewId: builtIn.id }, ctx)).toMatchObject({ rejection: { code: 'forbidden' } })
    expect(mutations['view.delete'].decide(snapshot(), { viewId: 'none' }, ctx)).toMatchObject({ rejection: { code: 'not_found' } })
  })
})
