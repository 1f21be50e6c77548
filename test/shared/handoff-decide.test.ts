import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type { Agent, Item } from '../../src/shared/domain/entities'
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../../src/shared/domain/settings'
import { emptySnapshot, mutations, type Change, type Decision, type MutationContext, type Mutations, type Snapshot } from '../../src/shared/mutations'

/** The handoff and settings decide() functions, pure: snapshots in, changes out, no database. */
const NOW = '2026-11-23T09:00:00.000Z'
const CREATED = '2026-11-23T08:00:00.000Z'
const ctx: MutationContext = { mutationId: '019aaaaa-0000-7000-8000-000000000001', actorId: 'maya', now: NOW }
const as = (actorId: string): MutationContext => ({ ...ctx, actorId })

const agent = (id: string, name: string, role: Agent['role'], tiers: Agent['tiers'] = []): Agent => ({ id, name, email: `${id}@example.com`, role, tiers })
const AGENTS = [agent('maya', 'Maya Okafor', 'service'), agent('tomas', 'Tomás Alvarez', 'support', [1]), agent('hannah', 'Hannah Schultz', 'support', [2]), agent('grace', 'Grace Mitchell', 'supervisor')]

function item(over: Partial<Item> = {}): Item {
  return {
    id: 'item-1',
    kind: 'service',
    category: 'billing',
    channel: 'email',
    customerId: 'cust-1',
    subject: 'App crashes',
    status: 'open',
    priority: 'normal',
    assigneeId: 'maya',
    tier: null,
    queue: 'service',
    handoffSummary: null,
    queueChangedBy: null,
    queueChangedAt: null,
    slaStartedAt: CREATED,
    slaRespondedAt: CREATED,
    createdAt: CREATED,
    updatedAt: CREATED,
    firstResponseAt: CREATED,
    resolvedAt: null,
    slaDueAt: null,
    ...over
  }
}

function snapshot(items: Item[], settings: WorkspaceSettings = DEFAULT_SETTINGS): Snapshot {
  return { ...emptySnapshot(), items: new Map(items.map((i) => [i.id, i])), agents: new Map(AGENTS.map((a) => [a.id, a])), settings }
}

type HandoffName = 'item.escalateToSupport' | 'item.escalateTier' | 'item.handBack' | 'item.deescalate'
function decide(name: HandoffName, it: Item, args: Record<string, unknown>, c: MutationContext = ctx, settings?: WorkspaceSettings): Decision<unknown> {
  const def = mutations[name]
  const parsed = def.args.parse({ itemId: it.id, reasonCode: 'technical', summary: 'Crashes on the invoice screen.', expectedQueue: it.queue, expectedTier: it.tier, ...args }) as z.output<Mutations[HandoffName]['args']>
  return def.decide(snapshot([it], settings), parsed, c)
}
const changes = (d: Decision<unknown>): Change[] => {
  if (!d.ok) throw new Error(`expected ok, got ${d.rejection.code}: ${d.rejection.message}`)
  return d.changes
}
const rejection = (d: Decision<unknown>) => (d.ok ? null : d.rejection)
const patchOf = (d: Decision<unknown>) => changes(d).find((c): c is Extract<Change, { op: 'updateItem' }> => c.op === 'updateItem')?.patch

describe('item.escalateToSupport decide()', () => {
  it('moves a service item to tier 1 as a support ticket, with summary, event and restarted SLA clock', () => {
    const d = decide('item.escalateToSupport', item(), { assigneeId: 'tomas', category: 'bug' })
    expect(patchOf(d)).toEqual({
      queue: 'tier1',
      tier: 1,
      kind: 'support',
      category: 'bug',
      handoffSummary: 'Crashes on the invoice screen.',
      queueChangedBy: 'maya',
      queueChangedAt: NOW,
      assigneeId: 'tomas',
      slaStartedAt: NOW,
      slaRespondedAt: null,
      slaDueAt: '2026-11-23T17:00:00.000Z',
      updatedAt: NOW
    })
    const ops = changes(d)
    expect(ops.find((c) => c.op === 'insertEvent' && c.event.type === 'escalated')).toMatchObject({ event: { actorId: 'maya', from: 'service', to: 'tier1', reason: 'Technical problem beyond frontline' } })
    expect(ops.find((c) => c.op === 'insertMessage')).toMatchObject({ message: { kind: 'handoff', authorId: 'maya', body: 'Crashes on the invoice screen.' } })
    expect(ops.find((c) => c.op === 'insertEvent' && c.event.type === 'assigned')).toMatchObject({ event: { from: 'maya', to: 'tomas' } })
  })

  it('keeps the SLA clock when the policy does not restart it', () => {
    const settings = { ...DEFAULT_SETTINGS, sla: { ...DEFAULT_SETTINGS.sla, restartOnEscalation: false } }
    const patch = patchOf(decide('item.escalateToSupport', item(), {}, ctx, settings))
    expect(patch).not.toHaveProperty('slaStartedAt')
    // Answered on the clock started at creation: tier 1 resolution target, 72 h.
    expect(patch?.slaDueAt).toBe('2026-11-26T08:00:00.000Z')
  })

  it('refuses unknown reasons, "other" without words, inactive items and wrong assignees', () => {
    expect(rejection(decide('item.escalateToSupport', item(), { reasonCode: 'nope' }))?.code).toBe('invalid_handoff')
    expect(rejection(decide('item.escalateToSupport', item(), { reasonCode: 'other' }))?.code).toBe('invalid_handoff')
    expect(decide('item.escalateToSupport', item(), { reasonCode: 'other', reasonText: 'VIP' }).ok).toBe(true)
    expect(rejection(decide('item.escalateToSupport', item({ status: 'resolved' }), {}))?.code).toBe('invalid_transition')
    expect(rejection(decide('item.escalateToSupport', item({ status: 'closed' }), {}))).not.toBeNull()
    expect(rejection(decide('item.escalateToSupport', item(), { assigneeId: 'ghost' }))?.code).toBe('not_found')
    expect(rejection(decide('item.escalateToSupport', item(), { assigneeId: 'hannah' }))?.message).toMatch(/Hannah Schultz does not work/)
    expect(rejection(decide('item.escalateToSupport', item({ queue: 'tier1', tier: 1, kind: 'support' }), {}))?.code).toBe('invalid_handoff')
  })

  it('refuses a move made meanwhile by someone else, naming them', () => {
    const moved = item({ queue: 'tier1', tier: 1, kind: 'support', queueChangedBy: 'tomas' })
    const r = rejection(decide('item.escalateToSupport', moved, { expectedQueue: 'service', expectedTier: null }))
    expect(r).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^Tomás Alvarez already moved/) })
  })
})

describe('tier moves decide()', () => {
  const atTier = (tier: 1 | 2 | 3) => item({ kind: 'support', queue: `tier${tier}`, tier })

  it('escalate one tier up, refuse beyond tier 3', () => {
    expect(patchOf(decide('item.escalateTier', atTier(1), {}, as('tomas')))).toMatchObject({ queue: 'tier2', tier: 2, queueChangedBy: 'tomas' })
    expect(rejection(decide('item.escalateTier', atTier(3), {}))?.message).toMatch(/last tier/)
    expect(rejection(decide('item.escalateTier', item(), {}))?.code).toBe('invalid_handoff')
  })

  it('hand back keeps the tier and the SLA clock; de-escalate is the only way down', () => {
    const back = patchOf(decide('item.handBack', atTier(2), { reasonCode: 'resolved-technical' }))
    expect(back).toMatchObject({ queue: 'service', tier: 2 })
    expect(back).not.toHaveProperty('slaStartedAt')
    expect(changes(decide('item.handBack', atTier(2), {})).find((c) => c.op === 'insertEvent')).toMatchObject({ event: { type: 'handed_back', from: 'tier2', to: 'service' } })
    expect(patchOf(decide('item.deescalate', atTier(2), {}))).toMatchObject({ queue: 'tier1', tier: 1 })
    expect(rejection(decide('item.deescalate', atTier(1), {}))?.message).toMatch(/hand it back/)
    expect(patchOf(decide('item.escalateToSupport', item({ kind: 'support', queue: 'service', tier: 2 }), {}))).toMatchObject({ queue: 'tier2', tier: 2 })
  })
})

describe('settings.update decide()', () => {
  const run = (actor: string, args: unknown) => mutations['settings.update'].decide(snapshot([]), mutations['settings.update'].args.parse(args), as(actor))

  it('lets a supervisor change the policy and keeps what is not given', () => {
    const d = run('grace', { sla: { ...DEFAULT_SETTINGS.sla, dueSoonMinutes: 30 } })
    expect(changes(d)).toEqual([{ op: 'setSettings', settings: { sla: { ...DEFAULT_SETTINGS.sla, dueSoonMinutes: 30 }, escalationReasons: DEFAULT_SETTINGS.escalationReasons, businessSchedule: null } }])
  })

  it('refuses everyone else, and invalid settings at the schema', () => {
    expect(rejection(run('tomas', { sla: DEFAULT_SETTINGS.sla }))?.code).toBe('forbidden')
    expect(rejection(run('maya', {}))?.code).toBe('forbidden')
    expect(mutations['settings.update'].args.safeParse({ escalationReasons: [{ code: 'a', label: 'A' }] }).success).toBe(false)
    expect(mutations['settings.update'].args.safeParse({ escalationReasons: [{ code: 'other', label: 'Other' }, { code: 'other', label: 'Again' }] }).success).toBe(false)
    expect(mutations['settings.update'].args.safeParse({ sla: { ...DEFAULT_SETTINGS.sla, dueSoonMinutes: 0 } }).success).toBe(false)
  })
})
