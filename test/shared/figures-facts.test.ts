import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type { Agent, Item, ItemEvent, Message } from '../../src/shared/domain/entities'
import { FigureInputError, computeFigures, figureItems, itemFacts, parseIsoMs, slaLookbackMs, type FigureItemRow, type FigureMessageRow, type ItemFacts } from '../../src/shared/domain/figures'
import { DEFAULT_SLA_POLICY } from '../../src/shared/domain/sla'
import { emptySnapshot, mutations, type Change, type MutationName, type Mutations, type Snapshot } from '../../src/shared/mutations'

/**
 * itemFacts() over the rows the real mutations write: each scenario runs the mutations' own
 * decide() on an in-memory snapshot, keeps the messages, events and ratings they insert, and
 * derives the facts from those rows, so the rules are checked against what the stores hold.
 */
const H = 3_600_000
const T0 = Date.parse('2026-11-02T08:00:00.000Z') // a Monday
const at = (hours: number) => new Date(T0 + hours * H).toISOString()

const agent = (id: string, role: Agent['role'], tiers: Agent['tiers'] = []): Agent => ({ id, name: id, email: `${id}@example.com`, role, tiers })
const AGENTS = [agent('maya', 'service'), agent('liam', 'service'), agent('tomas', 'support', [1]), agent('hannah', 'support', [2]), agent('grace', 'supervisor')]

class World {
  snap: Snapshot = { ...emptySnapshot(), agents: new Map(AGENTS.map((a) => [a.id, a])) }
  messages: Message[] = []
  events: ItemEvent[] = []
  private n = 0

  run<N extends MutationName>(name: N, actorId: string, hours: number, args: z.input<Mutations[N]['args']>): unknown {
    const def = mutations[name]
    const parsed = def.args.parse(args)
    const ctx = { mutationId: `m${String(++this.n).padStart(4, '0')}`, actorId, now: at(hours) }
    const d = (def.decide as (s: Snapshot, a: unknown, c: typeof ctx) => ReturnType<(typeof def)['decide']>)(this.snap, parsed, ctx)
    if (!d.ok) throw new Error(`${name} refused: ${d.rejection.code}: ${d.rejection.message}`)
    for (const c of d.changes as Change[]) this.apply(c)
    return d.result
  }

  private apply(c: Change): void {
    const items = this.snap.items as Map<string, Item>
    switch (c.op) {
      case 'insertItem':
        items.set(c.item.id, c.item)
        break
      case 'updateItem': {
        const it = items.get(c.id)
        if (!it) throw new Error(`no item ${c.id}`)
        items.set(c.id, { ...it, ...c.patch })
        break
      }
      case 'insertMessage':
        this.messages.push(c.message)
        break
      case 'insertEvent':
        this.events.push(c.event)
        break
      case 'insertRating': {
        const ratings = this.snap.ratings as Map<string, Item[] | unknown[]>
        ratings.set(c.rating.itemId, [...(ratings.get(c.rating.itemId) ?? []), c.rating])
        break
      }
      case 'insertCustomer':
        ;(this.snap.customers as Map<string, unknown>).set(c.customer.id, c.customer)
        break
      default:
        break
    }
  }

  create(actorId: string, hours: number, over: Record<string, unknown> = {}): string {
    const r = this.run('item.create', actorId, hours, {
      kind: 'service',
      category: 'billing',
      channel: 'email',
      subject: 'Charged twice',
      body: 'I was charged twice for my order.',
      customer: { type: 'new', name: 'Ada Customer' },
      ...over
    } as z.input<Mutations['item.create']['args']>) as { itemId: string }
    return r.itemId
  }

  item(id: string): Item {
    const it = this.snap.items.get(id)
    if (!it) throw new Error(`no item ${id}`)
    return it
  }

  handoff(name: 'item.escalateToSupport' | 'item.escalateTier' | 'item.handBack' | 'item.deescalate', actorId: string, hours: number, id: string, assigneeId: string | null = null): void {
    const it = this.item(id)
    this.run(name, actorId, hours, {
      itemId: id,
      reasonCode: name === 'item.handBack' ? 'resolved-technical' : 'technical',
      summary: 'Context for the next person.',
      assigneeId,
      expectedQueue: it.queue,
      expectedTier: it.tier
    })
  }

  facts(id: string): ItemFacts {
    const it = this.item(id)
    const row: FigureItemRow = { id, kind: it.kind, channel: it.channel, priority: it.priority, status: it.status, queue: it.queue, tier: it.tier, assigneeId: it.assigneeId, createdAt: it.createdAt }
    return itemFacts(
      row,
      this.messages.filter((m) => m.itemId === id),
      this.events.filter((e) => e.itemId === id),
      (this.snap.ratings.get(id) ?? []).map((r) => ({ kind: r.kind, score: r.score, createdAt: r.createdAt })),
      DEFAULT_SLA_POLICY
    )
  }
}

describe('itemFacts: first customer contact and first response', () => {
  it('first customer contact is the creation of the item', () => {
    const w = new World()
    const id = w.create('maya', 0)
    expect(w.facts(id).firstContactAt).toBe(T0)
  })

  it('an earlier customer message than the creation (an imported thread) is the first contact', () => {
    const f = itemFacts(
      { id: 'x', kind: 'service', channel: 'email', priority: 'normal', status: 'open', queue: 'service', tier: null, assigneeId: null, createdAt: at(5) },
      [
        { kind: 'customer', authorId: null, createdAt: at(2) },
        { kind: 'customer', authorId: null, createdAt: at(1) }
      ],
      [],
      [],
      DEFAULT_SLA_POLICY
    )
    expect(f.firstContactAt).toBe(T0 + 1 * H)
  })

  it('notes, handoff summaries and automated messages never count as the first response', () => {
    const w = new World()
    const id = w.create('maya', 0, { assignToMe: true })
    w.run('item.addNote', 'maya', 0.5, { itemId: id, body: 'Checking the payment provider.' })
    w.messages.push({ id: 'auto-1', itemId: id, kind: 'auto', authorId: null, channel: 'email', body: 'We got your message.', createdAt: at(0.1) })
    w.handoff('item.escalateToSupport', 'maya', 1, id)
    w.run('item.reply', 'tomas', 3, { itemId: id, body: 'Fixed the double charge.' })
    const f = w.facts(id)
    expect(f.firstResponse).toEqual({ at: T0 + 3 * H, agentId: 'tomas' })
    expect(f.publicAgentReplies).toBe(1)
  })

  it('the first response counts for the agent who sent it, not the assignee', () => {
    const w = new World()
    const id = w.create('maya', 0, { assignToMe: true })
    w.run('item.reply', 'liam', 2, { itemId: id, body: 'Covering for Maya: refund is on its way.' })
    w.run('item.reply', 'maya', 4, { itemId: id, body: 'Back now; anything else?' })
    const f = w.facts(id)
    expect(f.assigneeId).toBe('maya')
    expect(f.firstResponse).toEqual({ at: T0 + 2 * H, agentId: 'liam' })
    expect(f.publicAgentReplies).toBe(2)
  })

  it('a logged phone contact is itself the first response, at the contact, by the agent who took it', () => {
    const w = new World()
    const r = w.run('item.logContact', 'maya', 1, {
      channel: 'phone',
      category: 'order',
      subject: 'Where is my parcel',
      summary: 'Gave the tracking number.',
      outcome: 'resolved',
      customer: { type: 'new', name: 'Bo Caller' }
    }) as { itemId: string }
    const f = w.facts(r.itemId)
    expect(f.firstContactAt).toBe(T0 + 1 * H)
    expect(f.firstResponse).toEqual({ at: T0 + 1 * H, agentId: 'maya' })
    expect(f.publicAgentReplies).toBe(1)
    expect(f.resolutions).toEqual([{ at: T0 + 1 * H, agentId: 'maya' }])
  })
})

describe('itemFacts: resolutions, reopens and attribution', () => {
  it('a resolution counts for the assignee at resolution, after a reassignment, not the resolver', () => {
    const w = new World()
    const id = w.create('maya', 0, { assignToMe: true })
    w.run('item.reply', 'maya', 1, { itemId: id, body: 'Looking into it.' })
    w.run('item.assign', 'grace', 2, { itemId: id, assigneeId: 'liam', expectedAssigneeId: 'maya' })
    w.run('item.setStatus', 'grace', 5, { itemId: id, status: 'resolved' })
    w.run('item.assign', 'grace', 6, { itemId: id, assigneeId: 'maya', override: true })
    const f = w.facts(id)
    expect(f.resolutions).toEqual([{ at: T0 + 5 * H, agentId: 'liam' }])
  })

  it('an unassigned item resolved counts for the agent who resolved it', () => {
    const w = new World()
    const id = w.create('maya', 0)
    w.run('item.setStatus', 'liam', 2, { itemId: id, status: 'resolved' })
    expect(w.facts(id).resolutions).toEqual([{ at: T0 + 2 * H, agentId: 'liam' }])
  })

  it('a rating counts for the assignee at the resolution before it, even after a later reassignment', () => {
    const w = new World()
    const id = w.create('maya', 0, { assignToMe: true })
    w.run('item.assign', 'grace', 1, { itemId: id, assigneeId: 'liam', expectedAssigneeId: 'maya' })
    w.run('item.setStatus', 'liam', 2, { itemId: id, status: 'resolved' })
    w.run('item.setStatus', 'maya', 3, { itemId: id, status: 'open' })
    w.run('item.assign', 'grace', 3.5, { itemId: id, assigneeId: 'maya', expectedAssigneeId: 'liam' })
    w.run('item.recordRating', 'maya', 4, { itemId: id, kind: 'csat', score: 2 })
    w.run('item.setStatus', 'maya', 5, { itemId: id, status: 'resolved' })
    w.run('item.recordRating', 'maya', 6, { itemId: id, kind: 'nps', score: 10 })
    const f = w.facts(id)
    expect(f.ratings).toEqual([
      { kind: 'csat', score: 2, at: T0 + 4 * H, agentId: 'liam' },
      { kind: 'nps', score: 10, at: T0 + 6 * H, agentId: 'maya' }
    ])
  })

  it('a rating given before any resolution counts for the assignee when it was given', () => {
    const w = new World()
    const id = w.create('maya', 0, { assignToMe: true })
    w.run('item.recordRating', 'maya', 1, { itemId: id, kind: 'csat', score: 5 })
    expect(w.facts(id).ratings[0]?.agentId).toBe('maya')
  })

  it('a reopen is resolved -> open; every resolution is kept, oldest first', () => {
    const w = new World()
    const id = w.create('maya', 0, { assignToMe: true })
    w.run('item.setStatus', 'maya', 1, { itemId: id, status: 'resolved' })
    w.run('item.setStatus', 'maya', 30, { itemId: id, status: 'open' })
    w.run('item.setStatus', 'maya', 40, { itemId: id, status: 'pending' })
    w.run('item.setStatus', 'maya', 41, { itemId: id, status: 'resolved' })
    w.run('item.setStatus', 'maya', 50, { itemId: id, status: 'closed' })
    const f = w.facts(id)
    expect(f.resolutions.map((r) => r.at)).toEqual([T0 + 1 * H, T0 + 41 * H])
    expect(f.reopens).toEqual([{ at: T0 + 30 * H, agentId: 'maya' }])
    expect(f.status).toBe('closed')
  })

  it('closing a resolved item is not another resolution; an item closed straight from active (imported) is one', () => {
    const rows = (from: string, to: string) =>
      itemFacts(
        { id: 'x', kind: 'service', channel: 'email', priority: 'normal', status: 'closed', queue: 'service', tier: null, assigneeId: 'maya', createdAt: at(0) },
        [],
        [{ type: 'status', actorId: 'maya', from, to, createdAt: at(1) }],
        [],
        DEFAULT_SLA_POLICY
      )
    expect(rows('resolved', 'closed').resolutions).toHaveLength(0)
    expect(rows('open', 'closed').resolutions).toEqual([{ at: T0 + 1 * H, agentId: 'maya' }])
  })
})

describe('itemFacts: escalations and hand-backs', () => {
  it('escalations count for the agent who escalated; a hand-back is not an escalation; a de-escalation is neither', () => {
    const w = new World()
    const id = w.create('maya', 0, { assignToMe: true })
    w.handoff('item.escalateToSupport', 'maya', 1, id, 'tomas')
    w.handoff('item.escalateTier', 'tomas', 2, id, 'hannah')
    w.handoff('item.deescalate', 'hannah', 3, id, 'tomas')
    w.handoff('item.handBack', 'tomas', 4, id, 'maya')
    const f = w.facts(id)
    expect(f.escalations).toEqual([
      { at: T0 + 1 * H, agentId: 'maya' },
      { at: T0 + 2 * H, agentId: 'tomas' }
    ])
    expect(f.handBacks).toEqual([{ at: T0 + 4 * H, agentId: 'tomas' }])
    expect(f.kind).toBe('support')
    expect(f.tier).toBe(1)
  })

  it('the assignee set by a handoff is the assignee at a later resolution', () => {
    const w = new World()
    const id = w.create('maya', 0, { assignToMe: true })
    w.handoff('item.escalateToSupport', 'maya', 1, id, 'tomas')
    w.run('item.setStatus', 'grace', 2, { itemId: id, status: 'resolved' })
    expect(w.facts(id).resolutions).toEqual([{ at: T0 + 2 * H, agentId: 'tomas' }])
  })
})

describe('itemFacts: SLA targets', () => {
  it('a service item gets the service targets of its priority from the first contact', () => {
    const w = new World()
    const id = w.create('maya', 0, { priority: 'high' })
    const f = w.facts(id)
    expect(f.firstResponseDueAt).toBe(T0 + 1 * H)
    expect(f.resolutionDueAt).toBe(T0 + 24 * H)
  })

  it('a support ticket starts in tier 1 and gets the tier 1 targets', () => {
    const w = new World()
    const id = w.create('tomas', 0, { kind: 'support', category: 'bug' })
    const f = w.facts(id)
    expect(f.firstResponseDueAt).toBe(T0 + 8 * H)
    expect(f.resolutionDueAt).toBe(T0 + 72 * H)
  })

  it('the targets stay those of the queue and priority the item started with, after escalation and a priority change', () => {
    const w = new World()
    const id = w.create('maya', 0)
    w.run('item.setPriority', 'maya', 0.5, { itemId: id, priority: 'urgent' })
    w.handoff('item.escalateToSupport', 'maya', 1, id)
    const f = w.facts(id)
    expect(w.item(id).queue).toBe('tier1')
    expect(f.priority).toBe('urgent')
    // service / normal: 4 h and 48 h
    expect(f.firstResponseDueAt).toBe(T0 + 4 * H)
    expect(f.resolutionDueAt).toBe(T0 + 48 * H)
  })

  it('who answers for a missed target is the assignee at the deadline', () => {
    const w = new World()
    const id = w.create('maya', 0, { assignToMe: true })
    w.run('item.assign', 'grace', 2, { itemId: id, assigneeId: 'liam', expectedAssigneeId: 'maya' })
    w.run('item.assign', 'grace', 30, { itemId: id, assigneeId: 'maya', expectedAssigneeId: 'liam' })
    const f = w.facts(id)
    expect(f.firstResponseDueAgentId).toBe('liam') // due at 4 h
    expect(f.resolutionDueAgentId).toBe('maya') // due at 48 h
  })

  it('the SLA look-back of the default policy is its longest target, 240 h', () => {
    expect(slaLookbackMs(DEFAULT_SLA_POLICY)).toBe(240 * H)
  })
})

describe('itemFacts: input', () => {
  it('rows given out of time order are put in order first', () => {
    const f = itemFacts(
      { id: 'x', kind: 'service', channel: 'chat', priority: 'normal', status: 'resolved', queue: 'service', tier: null, assigneeId: 'liam', createdAt: at(0) },
      [
        { kind: 'reply', authorId: 'liam', createdAt: at(3) },
        { kind: 'reply', authorId: 'maya', createdAt: at(1) }
      ],
      [
        { type: 'status', actorId: 'liam', from: 'open', to: 'resolved', createdAt: at(4) },
        { type: 'assigned', actorId: 'grace', from: 'maya', to: 'liam', createdAt: at(2) }
      ],
      [],
      DEFAULT_SLA_POLICY
    )
    expect(f.firstResponse).toEqual({ at: T0 + 1 * H, agentId: 'maya' })
    expect(f.resolutions).toEqual([{ at: T0 + 4 * H, agentId: 'liam' }])
  })

  it('an unreadable stored time is a FigureInputError naming the item, not a silent NaN', () => {
    expect(() =>
      itemFacts(
        { id: 'bad-1', kind: 'service', channel: 'chat', priority: 'normal', status: 'open', queue: 'service', tier: null, assigneeId: null, createdAt: 'yesterday' },
        [],
        [],
        [],
        DEFAULT_SLA_POLICY
      )
    ).toThrow(FigureInputError)
  })
})

describe('parseIsoMs (stored times read fast)', () => {
  it('reads stored times exactly as Date.parse does, in every form', () => {
    const samples = [
      '2026-11-23T09:00:00.000Z',
      '2026-11-23T09:00:00Z',
      '2024-02-29T23:59:59.999Z',
      '2026-12-31T00:00:00.001Z',
      '1999-01-01T00:00:00.000Z',
      '2026-11-23T10:00:00.000+01:00',
      '2026-11-23 09:00:00Z',
      '2026-11-23'
    ]
    for (const s of samples) expect(parseIsoMs(s), s).toBe(Date.parse(s))
  })

  it('an unreadable or impossible time is NaN, as with Date.parse', () => {
    for (const s of ['2026-13-01T00:00:00.000Z', '2026-11-23T24:30:00.000Z', '2026-1a-01T00:00:00.000Z', 'not a time at all, 24ch', '']) {
      expect(parseIsoMs(s), s).toBeNaN()
    }
  })
})

describe('itemFacts: bad rows', () => {
  const row: FigureItemRow = { id: 'bad-2', kind: 'service', channel: 'chat', priority: 'normal', status: 'open', queue: 'service', tier: null, assigneeId: null, createdAt: at(0) }
  it('a CSAT answer outside 1-5 or an NPS answer outside 0-10 is a FigureInputError, not a skewed figure', () => {
    expect(() => itemFacts(row, [], [], [{ kind: 'csat', score: 0, createdAt: at(1) }], DEFAULT_SLA_POLICY)).toThrow(/csat answer of 0 is outside 1-5/)
    expect(() => itemFacts(row, [], [], [{ kind: 'nps', score: 11, createdAt: at(1) }], DEFAULT_SLA_POLICY)).toThrow(FigureInputError)
    expect(() => itemFacts(row, [], [], [{ kind: 'csat', score: 4.5, createdAt: at(1) }], DEFAULT_SLA_POLICY)).toThrow(FigureInputError)
    expect(itemFacts(row, [], [], [{ kind: 'nps', score: 0, createdAt: at(1) }], DEFAULT_SLA_POLICY).ratings).toHaveLength(1)
  })

  it('a message of an unknown kind is a FigureInputError naming it', () => {
    const odd = { kind: 'sms-bot', authorId: null, createdAt: at(1) } as unknown as FigureMessageRow
    expect(() => itemFacts(row, [odd], [], [], DEFAULT_SLA_POLICY)).toThrow(/unknown kind “sms-bot”/)
  })
})

describe('a worked day, from mutations to figures', () => {
  /*
   * Monday from 08:00 UTC (hour 0); the period is that day [0 h, 24 h); now is 30 h.
   *  A  email, Maya's: automated ack 0.1, Maya replies 1, resolves 2, CSAT 5 at 3.
   *  B  chat, Maya's: note 0.5, Liam replies 2, reassigned to Liam 2.5, Maya replies 3,
   *     Grace resolves 4 (for Liam, the assignee), CSAT 2 and NPS 9 at 5.
   *  C  phone call logged by Maya at 6, resolved in the call.
   *  D  email at 1, Maya's: Maya escalates to support (Tomás) 3, Tomás replies 4, escalates a
   *     tier (Hannah) 5, Hannah hands back (Maya) 7, Maya resolves 9, reopens 10, resolves 12.
   *  E  email at 20, Maya's, unanswered (first response due at 24 h: outside the period).
   */
  const w = new World()
  const A = w.create('maya', 0, { assignToMe: true })
  w.messages.push({ id: 'ack-A', itemId: A, kind: 'auto', authorId: null, channel: 'email', body: 'Thanks, we got it.', createdAt: at(0.1) })
  w.run('item.reply', 'maya', 1, { itemId: A, body: 'Refunded.' })
  w.run('item.setStatus', 'maya', 2, { itemId: A, status: 'resolved' })
  w.run('item.recordRating', 'maya', 3, { itemId: A, kind: 'csat', score: 5 })

  const B = w.create('maya', 0, { assignToMe: true, channel: 'chat' })
  w.run('item.addNote', 'maya', 0.5, { itemId: B, body: 'Probably the card provider.' })
  w.run('item.reply', 'liam', 2, { itemId: B, body: 'Checking with the card provider.' })
  w.run('item.assign', 'grace', 2.5, { itemId: B, assigneeId: 'liam', expectedAssigneeId: 'maya' })
  w.run('item.reply', 'maya', 3, { itemId: B, body: 'Liam has it now.' })
  w.run('item.setStatus', 'grace', 4, { itemId: B, status: 'resolved' })
  w.run('item.recordRating', 'grace', 5, { itemId: B, kind: 'csat', score: 2 })
  w.run('item.recordRating', 'grace', 5, { itemId: B, kind: 'nps', score: 9 })

  const C = (
    w.run('item.logContact', 'maya', 6, { channel: 'phone', category: 'order', subject: 'Parcel', summary: 'Gave tracking.', outcome: 'resolved', customer: { type: 'new', name: 'Bo' } }) as {
      itemId: string
    }
  ).itemId

  const D = w.create('maya', 1, { assignToMe: true })
  w.handoff('item.escalateToSupport', 'maya', 3, D, 'tomas')
  w.run('item.reply', 'tomas', 4, { itemId: D, body: 'Reproduced it.' })
  w.handoff('item.escalateTier', 'tomas', 5, D, 'hannah')
  w.handoff('item.handBack', 'hannah', 7, D, 'maya')
  w.run('item.setStatus', 'maya', 9, { itemId: D, status: 'resolved' })
  w.run('item.setStatus', 'maya', 10, { itemId: D, status: 'open' })
  w.run('item.setStatus', 'maya', 12, { itemId: D, status: 'resolved' })

  const E = w.create('maya', 20, { assignToMe: true })

  const facts = [A, B, C, D, E].map((id) => w.facts(id))
  const options = { period: { from: T0, to: T0 + 24 * H }, now: T0 + 30 * H }

  it('the uncut figures of the day, worked by hand', () => {
    const [r] = computeFigures(facts, options)
    expect(r?.figures).toEqual({
      csat: { count: 1, of: 2, pct: 50 },
      nps: { count: 1, promoters: 1, detractors: 0, score: 100 },
      firstResponse: { count: 4, medianMs: 1.5 * H, p90Ms: 3 * H, business: null }, // 0, 1, 2, 3 h
      resolution: { count: 4, medianMs: 3 * H, p90Ms: 11 * H, business: null }, // 0, 2, 4, 11 h
      firstContactResolution: { count: 2, of: 4, pct: 50 }, // A and C
      escalationRate: { count: 2, of: 4, pct: 50, handBacks: 1 },
      reopenRate: { count: 1, of: 4, pct: 25 },
      slaFirstResponse: { count: 4, of: 4, pct: 100 }, // A, B, C, D due in the day and met; E due at 24 h
      slaResolution: { count: 0, of: 0, pct: null }, // all due 48 h after the contact
      volume: 5,
      backlog: { count: 1, byAge: { under1d: 1, d1to3: 0, d3to7: 0, over7d: 0 } }
    })
  })

  it('the same day per agent: each number where domain.md attributes it', () => {
    const rows = computeFigures(facts, { ...options, by: 'agent' })
    expect(rows.map((r) => r.key)).toEqual(['hannah', 'liam', 'maya', 'tomas'])
    const of = (k: string) => rows.find((r) => r.key === k)?.figures
    expect(of('maya')).toMatchObject({
      csat: { count: 1, of: 1, pct: 100 },
      nps: { count: 0, score: null },
      firstResponse: { count: 2, medianMs: 0.5 * H },
      resolution: { count: 3, medianMs: 2 * H },
      firstContactResolution: { count: 2, of: 3 },
      escalationRate: { count: 1, of: 3, handBacks: 0 },
      reopenRate: { count: 1, of: 3 },
      slaFirstResponse: { count: 2, of: 2 },
      volume: 3,
      backlog: { count: 1 }
    })
    expect(of('liam')).toMatchObject({
      csat: { count: 0, of: 1, pct: 0 },
      nps: { count: 1, score: 100 },
      firstResponse: { count: 1, medianMs: 2 * H },
      resolution: { count: 1, medianMs: 4 * H },
      firstContactResolution: { count: 0, of: 1, pct: 0 },
      escalationRate: { count: 0, of: 1, pct: 0 },
      volume: 1
    })
    expect(of('tomas')).toMatchObject({ firstResponse: { count: 1, medianMs: 3 * H }, escalationRate: { count: 1, of: 1, pct: 100 }, slaFirstResponse: { count: 1, of: 1 }, volume: 1 })
    expect(of('hannah')).toMatchObject({ escalationRate: { count: 0, of: 0, pct: null, handBacks: 1 }, volume: 0 })
    expect(figureItems(facts, { ...options, by: 'agent' }, 'maya', 'reopenRate')).toEqual([A, C, D])
  })
})
