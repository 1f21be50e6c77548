import { beforeEach, describe, expect, it } from 'vitest'
import type { Core, ImmediateOperationName } from '../../src/core/core'
import type { InboxRow, Results, SessionInfo } from '../../src/shared/contract'
import type { SavedView } from '../../src/shared/domain/entities'
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../../src/shared/domain/settings'
import { FIXED_NOW, LOCAL_TEAM, dump, ok, peek, teamWorkspace } from './helpers/workspace'

/** The handoff protocol (domain.md) through the core's door: real SQLite files, every rule. */
let core: Core
let file: string
let maya: string
const [TOMAS, HANNAH, KENJI, GRACE] = [LOCAL_TEAM.tomas.id, LOCAL_TEAM.hannah.id, LOCAL_TEAM.kenji.id, LOCAL_TEAM.grace.id]
const NOW = FIXED_NOW.toISOString()
const plusMinutes = (iso: string, m: number) => new Date(Date.parse(iso) + m * 60_000).toISOString()

const row = (sql: string, ...params: unknown[]) => peek(file, (db) => db.prepare(sql).get(...params) as Record<string, unknown> | undefined)
const rows = (sql: string, ...params: unknown[]) => peek(file, (db) => db.prepare(sql).all(...params) as Record<string, unknown>[])

function call<T>(name: ImmediateOperationName, args: unknown): T {
  return ok<T>(core.dispatch(name, args))
}
function signIn(agentId: string) {
  call<SessionInfo>('session.signIn', { agentId })
}
/** A refused call: its error, and proof that nothing was written. */
function refused(name: ImmediateOperationName, args: unknown): { code: string; rejection?: string; message: string } {
  const before = dump(file)
  const answer = core.dispatch(name, args)
  expect(answer.ok).toBe(false)
  expect(dump(file)).toBe(before)
  if (answer.ok) throw new Error('expected a refusal')
  return answer.error as { code: string; rejection?: string; message: string }
}

function createItem(extra: Record<string, unknown> = {}): string {
  return call<Results['item.create']>('item.create', {
    kind: 'service',
    category: 'billing',
    channel: 'email',
    subject: 'Charged twice and the app crashes',
    body: 'The app crashes when I open the invoice.',
    customer: { type: 'new', name: 'Ann Smith', email: 'ann@example.com' },
    ...extra
  }).itemId
}

const base = { reasonCode: 'technical', summary: 'App crashes on the invoice screen; customer on iOS 18, reinstall did not help.' }
const toSupport = (itemId: string, extra: Record<string, unknown> = {}) => ({ itemId, ...base, expectedQueue: 'service', expectedTier: null, ...extra })
const item = (id: string) => row('SELECT kind, queue, tier, assignee_id, handoff_summary, queue_changed_by, queue_changed_at, sla_started_at, sla_responded_at, sla_due_at, created_at FROM items WHERE id = ?', id) ?? {}

beforeEach(() => {
  ;({ core, file, maya } = teamWorkspace([LOCAL_TEAM.tomas, LOCAL_TEAM.hannah, LOCAL_TEAM.kenji, LOCAL_TEAM.grace]))
})

describe('escalate to support', () => {
  it('moves the item to tier 1 with its summary, a reasoned event, an outbox row and a restarted SLA clock', () => {
    const id = createItem()
    const r = call<Results['item.escalateToSupport']>('item.escalateToSupport', toSupport(id, { category: 'bug', assigneeId: TOMAS }))
    expect(r).toMatchObject({ queue: 'tier1', tier: 1 })
    expect(item(id)).toMatchObject({
      kind: 'support',
      queue: 'tier1',
      tier: 1,
      assignee_id: TOMAS,
      handoff_summary: base.summary,
      queue_changed_by: maya,
      queue_changed_at: NOW,
      sla_started_at: NOW,
      sla_responded_at: null,
      // Tier 1, normal priority: first response within 8 hours of the escalation.
      sla_due_at: plusMinutes(NOW, 8 * 60)
    })
    expect(row('SELECT category FROM items WHERE id = ?', id)).toEqual({ category: 'bug' })
    expect(rows("SELECT m.kind, m.author_id, m.body FROM messages m JOIN items i ON i.rid = m.item_rid WHERE i.id = ? AND m.kind = 'handoff'", id)).toEqual([
      { kind: 'handoff', author_id: maya, body: base.summary }
    ])
    expect(rows("SELECT e.type, e.actor_id, e.from_value, e.to_value, e.reason FROM item_events e JOIN items i ON i.rid = e.item_rid WHERE i.id = ? AND e.type IN ('escalated', 'assigned') ORDER BY e.rid", id)).toEqual([
      { type: 'escalated', actor_id: maya, from_value: 'service', to_value: 'tier1', reason: 'Technical problem beyond frontline' },
      { type: 'assigned', actor_id: maya, from_value: null, to_value: TOMAS, reason: 'Escalate to support' }
    ])
    const outbox = row('SELECT name, actor_id, args FROM outbox WHERE mutation_id = ?', r.mutationId)
    expect(outbox).toMatchObject({ name: 'item.escalateToSupport', actor_id: maya })
    expect(JSON.parse(String(outbox?.args))).toMatchObject({ itemId: id, reasonCode: 'technical', expectedQueue: 'service', expectedTier: null })
    // The detail shows the summary message; the inbox row its queue.
    const detail = call<Results['item.get']>('item.get', { itemId: id })
    expect(detail.item).toMatchObject({ queue: 'tier1', tier: 1, handoffSummary: base.summary, queueChangedBy: maya, queueChangedAt: NOW, slaStartedAt: NOW, slaRespondedAt: null })
    expect(detail.thread.find((e) => e.type === 'message' && e.message.kind === 'handoff')).toMatchObject({ authorName: 'Maya Okafor', message: { body: base.summary } })
    expect(detail.thread.find((e) => e.type === 'event' && e.event.type === 'escalated')).toMatchObject({ actorName: 'Maya Okafor', event: { from: 'service', to: 'tier1' } })
    const page = call<{ rows: InboxRow[] }>('inbox.page', { filter: { queues: ['tier1'] }, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 10 })
    expect(page.rows.map((r) => [r.id, r.queue, r.tier])).toEqual([[id, 'tier1', 1]])
    expect(call<{ total: number }>('inbox.count', { filter: { queues: ['service'] } }).total).toBe(0)
  })

  it('needs a reason from the list, and words when it is "other"; an unknown reason is refused', () => {
    const id = createItem()
    expect(refused('item.escalateToSupport', toSupport(id, { reasonCode: 'because' }))).toMatchObject({ code: 'rejected', rejection: 'invalid_handoff' })
    expect(refused('item.escalateToSupport', toSupport(id, { reasonCode: 'other' }))).toMatchObject({ code: 'rejected', rejection: 'invalid_handoff', message: expect.stringMatching(/Other/) })
    expect(refused('item.escalateToSupport', toSupport(id, { reasonCode: '' }))).toMatchObject({ code: 'invalid_argument' })
    expect(refused('item.escalateToSupport', toSupport(id, { summary: '' }))).toMatchObject({ code: 'invalid_argument' })
    call('item.escalateToSupport', toSupport(id, { reasonCode: 'other', reasonText: 'Customer is a beta tester' }))
    expect(row("SELECT reason FROM item_events WHERE type = 'escalated'")).toEqual({ reason: 'Other: Customer is a beta tester' })
  })

  it('refuses a resolved or closed item until it is reopened', () => {
    const id = createItem()
    call('item.setStatus', { itemId: id, status: 'resolved' })
    expect(refused('item.escalateToSupport', toSupport(id))).toMatchObject({ code: 'rejected', rejection: 'invalid_transition', message: expect.stringMatching(/reopen/) })
    call('item.setStatus', { itemId: id, status: 'closed' })
    expect(refused('item.escalateToSupport', toSupport(id))).toMatchObject({ code: 'rejected' })
  })

  it('refuses an unknown assignee and one who does not work the receiving queue', () => {
    const id = createItem()
    expect(refused('item.escalateToSupport', toSupport(id, { assigneeId: '019a0000-0000-7000-8000-00000000dead' }))).toMatchObject({ rejection: 'not_found' })
    expect(refused('item.escalateToSupport', toSupport(id, { assigneeId: HANNAH }))).toMatchObject({ rejection: 'invalid_handoff', message: expect.stringMatching(/Hannah Schultz does not work Support tier 1/) })
    expect(refused('item.escalateToSupport', toSupport(id, { assigneeId: maya }))).toMatchObject({ rejection: 'invalid_handoff' })
  })
})

describe('tiers', () => {
  function atTier3(): string {
    const id = createItem()
    call('item.escalateToSupport', toSupport(id))
    signIn(TOMAS)
    call('item.escalateTier', { itemId: id, ...base, reasonCode: 'needs-expertise', expectedQueue: 'tier1', expectedTier: 1 })
    signIn(HANNAH)
    call('item.escalateTier', { itemId: id, ...base, reasonCode: 'needs-engineering', expectedQueue: 'tier2', expectedTier: 2, assigneeId: KENJI })
    return id
  }

  it('go up one at a time, attributed to the specialist who escalated; beyond tier 3 is refused', () => {
    const id = atTier3()
    expect(item(id)).toMatchObject({ queue: 'tier3', tier: 3, assignee_id: KENJI, queue_changed_by: HANNAH })
    expect(rows("SELECT actor_id, from_value, to_value, reason FROM item_events WHERE type = 'escalated' ORDER BY rid")).toEqual([
      { actor_id: maya, from_value: 'service', to_value: 'tier1', reason: 'Technical problem beyond frontline' },
      { actor_id: TOMAS, from_value: 'tier1', to_value: 'tier2', reason: 'Needs specialist expertise' },
      { actor_id: HANNAH, from_value: 'tier2', to_value: 'tier3', reason: 'Needs engineering' }
    ])
    signIn(KENJI)
    expect(refused('item.escalateTier', { itemId: id, ...base, expectedQueue: 'tier3', expectedTier: 3 })).toMatchObject({ rejection: 'invalid_handoff', message: expect.stringMatching(/last tier/) })
  })

  it('never drop but by de-escalation: a hand-back keeps the tier, and escalating again returns to it', () => {
    const id = atTier3()
    signIn(KENJI)
    call('item.deescalate', { itemId: id, ...base, reasonCode: 'misrouted', expectedQueue: 'tier3', expectedTier: 3 })
    expect(item(id)).toMatchObject({ queue: 'tier2', tier: 2 })
    call('item.handBack', { itemId: id, ...base, reasonCode: 'resolved-technical', expectedQueue: 'tier2', expectedTier: 2, assigneeId: maya })
    expect(item(id)).toMatchObject({ kind: 'support', queue: 'service', tier: 2, assignee_id: maya, queue_changed_by: KENJI })
    expect(rows("SELECT type, from_value, to_value FROM item_events WHERE type IN ('deescalated', 'handed_back') ORDER BY rid")).toEqual([
      { type: 'deescalated', from_value: 'tier3', to_value: 'tier2' },
      { type: 'handed_back', from_value: 'tier2', to_value: 'service' }
    ])
    // A hand-back and a de-escalation do not restart the SLA clock.
    expect(item(id).sla_started_at).toBe(NOW)
    signIn(maya)
    call('item.escalateToSupport', toSupport(id, { expectedTier: 2 }))
    expect(item(id)).toMatchObject({ queue: 'tier2', tier: 2 })
    // Tier 1 cannot be de-escalated: hand it back instead.
    signIn(HANNAH)
    call('item.deescalate', { itemId: id, ...base, expectedQueue: 'tier2', expectedTier: 2 })
    expect(refused('item.deescalate', { itemId: id, ...base, expectedQueue: 'tier1', expectedTier: 1 })).toMatchObject({ rejection: 'invalid_handoff', message: expect.stringMatching(/hand it back/) })
    expect(refused('item.escalateToSupport', toSupport(id, { expectedQueue: 'tier1', expectedTier: 1 }))).toMatchObject({ rejection: 'invalid_handoff' })
  })
})

describe('a concurrent move (two windows)', () => {
  it('is refused the second time, naming who moved the item, and nothing is applied twice', () => {
    const id = createItem()
    const seen = toSupport(id)
    call('item.escalateToSupport', seen)
    signIn(GRACE)
    const error = refused('item.escalateToSupport', seen)
    expect(error).toMatchObject({ code: 'rejected', rejection: 'conflict' })
    expect(error.message).toMatch(/Maya Okafor already moved this item to Support tier 1/)
    expect(row("SELECT count(*) AS n FROM item_events WHERE type = 'escalated'")).toEqual({ n: 1 })
    expect(row("SELECT count(*) AS n FROM messages WHERE kind = 'handoff'")).toEqual({ n: 1 })
    expect(row("SELECT count(*) AS n FROM outbox WHERE name = 'item.escalateToSupport'")).toEqual({ n: 1 })
    // The same for a tier move made twice.
    signIn(TOMAS)
    const up = { itemId: id, ...base, expectedQueue: 'tier1', expectedTier: 1 }
    call('item.escalateTier', up)
    expect(refused('item.escalateTier', up).message).toMatch(/Tomás Alvarez already moved/)
  })
})

describe('the SLA clock', () => {
  it('restarts on escalation by default, and not when the policy says so', () => {
    const id = createItem()
    const created = String(item(id).created_at)
    call('item.reply', { itemId: id, body: 'Looking into it.' })
    expect(item(id).sla_responded_at).toBe(NOW)
    signIn(GRACE)
    call('settings.update', { sla: { ...DEFAULT_SETTINGS.sla, restartOnEscalation: false } })
    signIn(maya)
    call('item.escalateToSupport', toSupport(id))
    // Not restarted: the clock started at creation and was answered; the resolution target of tier 1 (72 h) applies.
    expect(item(id)).toMatchObject({ sla_started_at: created, sla_responded_at: NOW, sla_due_at: plusMinutes(created, 72 * 60) })
    signIn(GRACE)
    call('settings.update', { sla: DEFAULT_SETTINGS.sla })
    signIn(TOMAS)
    call('item.escalateTier', { itemId: id, ...base, expectedQueue: 'tier1', expectedTier: 1 })
    // Restarted: tier 2, normal, nobody answered on this clock yet: 12 h.
    expect(item(id)).toMatchObject({ sla_started_at: NOW, sla_responded_at: null, sla_due_at: plusMinutes(NOW, 12 * 60) })
  })
})

describe('settings', () => {
  it('are the defaults until a supervisor changes them; the "Due soon" view follows', () => {
    expect(call<WorkspaceSettings>('settings.get', {})).toEqual(DEFAULT_SETTINGS)
    signIn(GRACE)
    const reasons = [...DEFAULT_SETTINGS.escalationReasons, { code: 'vip', label: 'VIP customer' }]
    const r = call<Results['settings.update']>('settings.update', { sla: { ...DEFAULT_SETTINGS.sla, dueSoonMinutes: 45 }, escalationReasons: reasons })
    expect(r.settings.sla.dueSoonMinutes).toBe(45)
    expect(call<WorkspaceSettings>('settings.get', {})).toEqual({ sla: { ...DEFAULT_SETTINGS.sla, dueSoonMinutes: 45 }, escalationReasons: reasons, businessSchedule: null })
    expect(call<SavedView[]>('views.list', {}).find((v) => v.id === 'builtin:due-soon')?.filter.dueWithinMinutes).toBe(45)
    expect(row("SELECT name FROM outbox WHERE name = 'settings.update'")).toEqual({ name: 'settings.update' })
    // A new reason can be used at once.
    signIn(maya)
    const id = createItem()
    call('item.escalateToSupport', toSupport(id, { reasonCode: 'vip' }))
    expect(row("SELECT reason FROM item_events WHERE type = 'escalated'")).toEqual({ reason: 'VIP customer' })
  })

  it('move the deadlines of active items with the policy (sla_due_at = slaDueAt(item, policy))', () => {
    const id = createItem()
    const done = createItem()
    call('item.setStatus', { itemId: done, status: 'resolved' })
    call('item.escalateToSupport', toSupport(id))
    signIn(GRACE)
    const sla = { ...DEFAULT_SETTINGS.sla, tier1: { ...DEFAULT_SETTINGS.sla.tier1, normal: { firstResponseMinutes: 90, resolutionMinutes: 600 } } }
    call('settings.update', { sla })
    expect(item(id).sla_due_at).toBe(plusMinutes(NOW, 90))
    expect(item(done).sla_due_at).toBeNull()
  })

  it('are refused to anyone but a supervisor, and when they are not valid; nothing is written', () => {
    expect(refused('settings.update', { sla: { ...DEFAULT_SETTINGS.sla, dueSoonMinutes: 30 } })).toMatchObject({ code: 'rejected', rejection: 'forbidden' })
    signIn(TOMAS)
    expect(refused('settings.update', { sla: { ...DEFAULT_SETTINGS.sla, dueSoonMinutes: 30 } })).toMatchObject({ rejection: 'forbidden' })
    signIn(GRACE)
    expect(refused('settings.update', { escalationReasons: [{ code: 'bug', label: 'Bug' }] })).toMatchObject({ code: 'invalid_argument' })
    expect(refused('settings.update', { escalationReasons: [] })).toMatchObject({ code: 'invalid_argument' })
    expect(refused('settings.update', { sla: { ...DEFAULT_SETTINGS.sla, dueSoonMinutes: 0 } })).toMatchObject({ code: 'invalid_argument' })
    expect(refused('settings.update', { sla: { ...DEFAULT_SETTINGS.sla, tier1: { ...DEFAULT_SETTINGS.sla.tier1, urgent: { firstResponseMinutes: -5, resolutionMinutes: 60 } } } })).toMatchObject({
      code: 'invalid_argument'
    })
    expect(refused('settings.update', { sla: { restartOnEscalation: true } })).toMatchObject({ code: 'invalid_argument' })
    expect(call<WorkspaceSettings>('settings.get', {})).toEqual(DEFAULT_SETTINGS)
  })
})

describe('figures.escalations', () => {
  it('attributes escalations to the escalating agent and counts hand-backs separately', () => {
    const a = createItem()
    const b = createItem({ subject: 'Cannot log in' })
    call('item.escalateToSupport', toSupport(a))
    call('item.escalateToSupport', toSupport(b))
    call('item.setStatus', { itemId: createItem({ subject: 'Refund' }), status: 'resolved' })
    signIn(TOMAS)
    call('item.escalateTier', { itemId: a, ...base, expectedQueue: 'tier1', expectedTier: 1 })
    call('item.handBack', { itemId: b, ...base, reasonCode: 'resolved-technical', expectedQueue: 'tier1', expectedTier: 1 })
    const figures = call<Results['figures.escalations']>('figures.escalations', { from: plusMinutes(NOW, -60), to: plusMinutes(NOW, 60) })
    const of = (id: string) => figures.find((f) => f.agentId === id)
    // Maya escalated two of the three items she worked (two escalated, one resolved).
    // The rate is the shared formulas' (computeFigures), unrounded: the dialog formats it.
    expect(of(maya)).toEqual({ agentId: maya, agentName: 'Maya Okafor', escalations: 2, handBacks: 0, deescalations: 0, itemsWorked: 3, escalationRatePct: 200 / 3 })
    expect(of(TOMAS)).toEqual({ agentId: TOMAS, agentName: 'Tomás Alvarez', escalations: 1, handBacks: 1, deescalations: 0, itemsWorked: 1, escalationRatePct: 100 })
    // The period is [from, to): an event at `to` is outside.
    expect(call<Results['figures.escalations']>('figures.escalations', { from: plusMinutes(NOW, -60), to: NOW })).toEqual([])
  })

  it('counts a resolution as worked by the assignee at the resolution, not by whoever resolved it', () => {
    const mine = createItem({ assignToMe: true })
    signIn(GRACE)
    call('item.setStatus', { itemId: mine, status: 'resolved' })
    const figures = call<Results['figures.escalations']>('figures.escalations', { from: plusMinutes(NOW, -60), to: plusMinutes(NOW, 60) })
    expect(figures).toEqual([{ agentId: maya, agentName: 'Maya Okafor', escalations: 0, handBacks: 0, deescalations: 0, itemsWorked: 1, escalationRatePct: 0 }])
  })
})

describe('views.list', () => {
  it('puts a support specialist’s lowest-tier queue first, and "My open" first for everyone else', () => {
    const first = () => call<SavedView[]>('views.list', {})[0]?.name
    expect(first()).toBe('My open')
    signIn(TOMAS)
    expect(first()).toBe('Tier 1 queue')
    signIn(HANNAH)
    expect(first()).toBe('Tier 2 queue')
    signIn(KENJI)
    expect(first()).toBe('Tier 3 queue')
    signIn(GRACE)
    expect(first()).toBe('My open')
    // Oldest first: 'age' sorts by creation, 'asc' is the earliest created first.
    signIn(maya)
    const older = createItem()
    const newer = createItem()
    const frontline = call<SavedView[]>('views.list', {}).find((v) => v.name === 'Frontline queue')
    expect(call<{ rows: InboxRow[] }>('inbox.page', { filter: frontline?.filter, sort: frontline?.sort, offset: 0, limit: 10 }).rows.map((r) => r.id)).toEqual([older, newer])
    const queueView = call<SavedView[]>('views.list', {}).find((v) => v.name === 'Tier 3 queue')
    expect(queueView).toMatchObject({ builtIn: true, filter: { queues: ['tier3'], statuses: ['new', 'open', 'pending'] }, sort: { column: 'age', direction: 'asc' } })
  })
})
