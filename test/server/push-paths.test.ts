/**
 * Which way the server pushes each mutation (PUSH_PATH, src/server/store/push.ts): 'fresh' for
 * exactly those whose changes applyChanges writes by statements of their own (CHANGE_WRITTEN,
 * apply.ts), 'ahead' for the rest. Each mutation is decided here once, applied, and what it
 * wrote is checked against the way it is placed. The scenarios are keyed by MutationName, so a
 * new mutation fails the type check here until it has one, as it does in PUSH_PATH.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { Agent, Item, SavedView } from '../../src/shared/domain/entities'
import { DEFAULT_SETTINGS } from '../../src/shared/domain/settings'
import { MUTATION_NAMES, decideMutation, emptySnapshot, planStoredMutation, type Change, type MutationContext, type MutationName, type Snapshot } from '../../src/shared/mutations'
import { CHANGE_WRITTEN, writesApart } from '../../src/server/store/apply'
import { PUSH_PATH } from '../../src/server/store/push'

const ctx: MutationContext = { mutationId: '019aaaaa-0000-7000-8000-000000000001', actorId: 'lee', now: '2026-11-23T09:00:00.000Z' }

const lee: Agent = { id: 'lee', name: 'Lee Park', email: 'lee@example.com', role: 'supervisor', tiers: [] }
const sam: Agent = { id: 'sam', name: 'Sam Okafor', email: 'sam@example.com', role: 'support', tiers: [1, 2, 3] }

const item = (id: string, over: Partial<Item>): Item => ({
  id,
  kind: 'service',
  category: 'billing',
  channel: 'email',
  customerId: 'cust-1',
  subject: 'Charged twice',
  status: 'open',
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
})

const items = [
  item('front', {}),
  item('tier1', { kind: 'support', category: 'bug', queue: 'tier1', tier: 1 }),
  item('tier2', { kind: 'support', category: 'bug', queue: 'tier2', tier: 2 }),
  item('done', { status: 'resolved', resolvedAt: '2026-11-23T08:30:00.000Z' })
]
const view: SavedView = { id: 'view-1', name: 'Mine', ownerId: 'lee', builtIn: false, filter: {}, sort: { column: 'age', direction: 'desc' } }

const snapshot: Snapshot = {
  ...emptySnapshot(),
  items: new Map(items.map((i) => [i.id, i])),
  customers: new Map([['cust-1', { id: 'cust-1', name: 'Ada Lovelace', email: null, phone: null, createdAt: '2026-11-20T08:00:00.000Z' }]]),
  agents: new Map([lee, sam].map((a) => [a.id, a])),
  ratings: new Map([['done', []]]),
  views: new Map([[view.id, view]]),
  settings: DEFAULT_SETTINGS
}

const handoff = (itemId: string, expectedQueue: Item['queue'], expectedTier: Item['tier'], reasonCode: string) => ({ itemId, reasonCode, reasonText: 'Details', summary: 'What the next person needs.', assigneeId: null, expectedQueue, expectedTier })

/** Arguments (as pushed) under which each mutation applies to `snapshot`. */
const applying: { [K in MutationName]: unknown } = {
  'item.create': { kind: 'service', category: 'billing', channel: 'email', subject: 'Refund', body: 'Please refund.', customer: { type: 'new', name: 'Grace Hopper' } },
  'item.logContact': { channel: 'phone', category: 'billing', subject: 'Call', summary: 'Asked about a refund.', outcome: 'resolved', customer: { type: 'existing', customerId: 'cust-1' } },
  'item.reply': { itemId: 'front', body: 'Refunded.' },
  'item.addNote': { itemId: 'front', body: 'Called back.' },
  'item.setStatus': { itemId: 'front', status: 'pending' },
  'item.setPriority': { itemId: 'front', priority: 'urgent' },
  'item.assign': { itemId: 'front', assigneeId: 'lee', expectedAssigneeId: null },
  'item.recordRating': { itemId: 'done', kind: 'csat', score: 5 },
  'view.save': { name: 'Urgent', filter: { priorities: ['urgent'] }, sort: { column: 'slaDue', direction: 'asc' } },
  'view.delete': { viewId: 'view-1' },
  'item.escalateToSupport': { ...handoff('front', 'service', null, 'technical'), category: 'bug' },
  'item.escalateTier': handoff('tier1', 'tier1', 1, 'other'),
  'item.handBack': handoff('tier1', 'tier1', 1, 'other'),
  'item.deescalate': handoff('tier2', 'tier2', 2, 'other'),
  'settings.update': { escalationReasons: [{ code: 'other', label: 'Other' }] },
  'item.retryDelivery': { itemId: 'front', messageId: 'reply-1' }
}

function changesOf(name: MutationName): Change[] {
  const plan = planStoredMutation(name, applying[name], ctx)
  if (!plan.ok) throw new Error(`${name}: ${JSON.stringify(plan)}`)
  const decision = decideMutation(plan.planned, snapshot, ctx)
  if (!decision.ok) throw new Error(`${name}: ${decision.rejection.message}`)
  return decision.changes
}

describe('the push path of each mutation', () => {
  it('places every mutation, and nothing else', () => {
    expectTypeOf<keyof typeof PUSH_PATH>().toEqualTypeOf<MutationName>()
    expect(Object.keys(PUSH_PATH).sort()).toEqual([...MUTATION_NAMES].sort())
  })

  it.each(MUTATION_NAMES)('%s goes the fresh way exactly when its changes are written apart', (name) => {
    const changes = changesOf(name)
    expect(changes.length).toBeGreaterThan(0)
    expect(PUSH_PATH[name]).toBe(writesApart(changes) ? 'fresh' : 'ahead')
  })

  it('writes views and settings apart, every row of an item in the statement', () => {
    expect(Object.entries(CHANGE_WRITTEN).filter(([, how]) => how === 'apart').map(([op]) => op).sort()).toEqual(['deleteView', 'setSettings', 'upsertView'])
  })
})
