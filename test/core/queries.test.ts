import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/core/infra/database'
import { listAgents, searchCustomers } from '../../src/core/people/directory'
import { QUEUES } from '../../src/shared/domain/escalation'
import { inboxCount, inboxPage, PLANS, isSearchPlan, type InboxPageQuery, type Plan, type QueryContext } from '../../src/core/items/inbox-query'
import { itemDetail } from '../../src/core/items/item-detail'
import { seedWorkspace } from '../../src/core/demo/seed'
import { foldTerm, searchTerms } from '../../src/core/search/search-text'
import { BUILT_IN_VIEWS, listViews } from '../../src/core/views/views'
import { applyMutation } from '../../src/core/mutations/mutate'
import type { InboxSort, SavedViewFilter, SortColumn } from '../../src/shared/domain/entities'
import { SORT_COLUMNS } from '../../src/shared/domain/entities'
import { CHANNELS, ITEM_KINDS, PRIORITIES, PRIORITY_RANK, STATUSES, type Status } from '../../src/shared/domain/vocabulary'
import { FIXED_NOW, tempFile } from './helpers/workspace'

/**
 * Inbox queries against a seeded workspace, checked against a plain JavaScript reference that
 * filters and sorts every item. Every query plan is run and must give the same rows.
 */
let db: Database.Database
let me: string
let other: string
let ctx: QueryContext

interface Ref {
  rid: number
  id: string
  kind: string
  queue: string
  channel: string
  status: Status
  priority: (typeof PRIORITIES)[number]
  assignee_id: string | null
  assignee_name: string | null
  customer_id: string
  customer_name: string
  subject: string
  sla_due_at: string | null
  words: Set<string>
}
let all: Ref[] = []

/** Every word of a text (searchTerms keeps only the first few words of a query). */
const WORD = /[\p{L}\p{N}\p{Co}]+/gu
const STATUS_RANK: Record<Status, number> = { new: 0, open: 1, pending: 2, resolved: 3, closed: 4 }
const slaKey = (r: Ref) =>
  r.status === 'resolved' || r.status === 'closed' ? '9999-12-31T23:59:59.999Z' : (r.sla_due_at ?? '9999-12-31T23:59:59.998Z')
/** SQLite NOCASE: ASCII letters folded, then byte order (code unit order for these strings). */
const nocase = (s: string | null) => (s === null ? null : s.replace(/[A-Z]/g, (c) => c.toLowerCase()))

function loadReference(): Ref[] {
  const rows = db
    .prepare(
      'SELECT rid, id, kind, queue, channel, status, priority, assignee_id, assignee_name, customer_id, customer_name, subject, sla_due_at FROM items ORDER BY rid'
    )
    .all() as Omit<Ref, 'words'>[]
  const bodies = new Map<number, string[]>()
  for (const m of db.prepare('SELECT item_rid, body FROM messages').all() as { item_rid: number; body: string }[]) {
    bodies.set(m.item_rid, [...(bodies.get(m.item_rid) ?? []), m.body])
  }
  return rows.map((r) => ({
    ...r,
    words: new Set((([r.subject, r.customer_name, ...(bodies.get(r.rid) ?? [])].join('\n').normalize('NFC').match(WORD) ?? []) as string[]).map(foldTerm))
  }))
}

function referenceFilter(filter: SavedViewFilter): Ref[] {
  const dueAt = filter.dueWithinMinutes === undefined ? null : new Date(FIXED_NOW.getTime() + filter.dueWithinMinutes * 60_000).toISOString()
  const terms = filter.search === undefined ? [] : searchTerms(filter.search).map(foldTerm)
  return all.filter((r) => {
    if (filter.kinds?.length && !filter.kinds.includes(r.kind as never)) return false
    if (filter.queues?.length && !filter.queues.includes(r.queue as never)) return false
    if (filter.channels?.length && !filter.channels.includes(r.channel as never)) return false
    if (filter.statuses?.length && !filter.statuses.includes(r.status)) return false
    if (filter.priorities?.length && !filter.priorities.includes(r.priority)) return false
    const a = filter.assignee
    if (a?.type === 'me' && r.assignee_id !== me) return false
    if (a?.type === 'unassigned' && r.assignee_id !== null) return false
    if (a?.type === 'agent' && r.assignee_id !== a.agentId) return false
    if (dueAt !== null && !(slaKey(r) <= dueAt)) return false
    return terms.every((t, i) => {
      const last = i === terms.length - 1
      return last && t.length >= 2 ? [...r.words].some((w) => w.startsWith(t)) : r.words.has(t)
    })
  })
}

function sortKey(r: Ref, column: SortColumn): string | number | null {
  switch (column) {
    case 'kind':
      return r.kind
    case 'channel':
      return r.channel
    case 'customer':
      return nocase(r.customer_name)
    case 'subject':
      return nocase(r.subject)
    case 'status':
      return STATUS_RANK[r.status]
    case 'priority':
      return PRIORITY_RANK[r.priority]
    case 'assignee':
      return nocase(r.assignee_name)
    case 'age':
      return 0
    case 'slaDue':
      return slaKey(r)
  }
}

function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  return a < b ? -1 : 1
}

function referencePage(q: InboxPageQuery): string[] {
  const dir = q.sort.direction === 'asc' ? 1 : -1
  return referenceFilter(q.filter)
    .sort((x, y) => dir * (compare(sortKey(x, q.sort.column), sortKey(y, q.sort.column)) || x.rid - y.rid))
    .slice(q.offset, q.offset + q.limit)
    .map((r) => r.id)
}

/** The page under every plan that fits the query; all must equal the reference. */
function expectPage(q: InboxPageQuery) {
  const expected = referencePage(q)
  const searching = q.filter.search !== undefined && searchTerms(q.filter.search).length > 0
  const plans: (Plan | undefined)[] = [undefined, ...PLANS.filter((p) => isSearchPlan(p) === searching)]
  for (const plan of plans) {
    expect(
      inboxPage(db, q, ctx, plan).map((r) => r.id),
      `${JSON.stringify(q)} plan ${plan ?? 'auto'}`
    ).toEqual(expected)
  }
  return expected
}

const page = (filter: SavedViewFilter, sort: InboxSort = { column: 'age', direction: 'desc' }, offset = 0, limit = 60): InboxPageQuery => ({ filter, sort, offset, limit })

beforeAll(() => {
  db = openDatabase(tempFile())
  const seeded = seedWorkspace(db, { seed: 7, items: 1500, now: FIXED_NOW })
  me = seeded.firstServiceAgentId
  other = seeded.agents.find((a) => a.role === 'support')?.id ?? ''
  ctx = { agentId: me, now: FIXED_NOW }
  // A few hand-made items with words nowhere else, for exact search checks.
  const create = (subject: string, body: string, customer: string) =>
    applyMutation(
      db,
      'item.create',
      { kind: 'support', category: 'bug', channel: 'chat', priority: 'urgent', subject, body, customer: { type: 'new', name: customer, email: null, phone: '+1 (555) 010-4242' }, assignToMe: true },
      { actorId: me, now: FIXED_NOW }
    )
  const a = create('Quixotic gizmo overheats', 'The flux capacitor smells of toast.', 'Zoë Quennell-Ångström')
  applyMutation(db, 'item.reply', { itemId: a.itemId, body: 'Please send the xylophonic serial number.' }, { actorId: me, now: FIXED_NOW })
  create('Another quixotic report', 'Nothing special here.', 'Bartholomew Quince')
  all = loadReference()
})

afterAll(() => db.close())

describe('inbox facets', () => {
  const active: Status[] = ['new', 'open', 'pending']
  const filters: [string, SavedViewFilter][] = [
    ['no filter', {}],
    ...ITEM_KINDS.map((k): [string, SavedViewFilter] => [`kind ${k}`, { kinds: [k] }]),
    ...CHANNELS.map((c): [string, SavedViewFilter] => [`channel ${c}`, { channels: [c] }]),
    ...STATUSES.map((s): [string, SavedViewFilter] => [`status ${s}`, { statuses: [s] }]),
    ...PRIORITIES.map((p): [string, SavedViewFilter] => [`priority ${p}`, { priorities: [p] }]),
    ['active statuses', { statuses: active }],
    ['two channels and two priorities', { channels: ['email', 'chat'], priorities: ['high', 'urgent'] }],
    ['every kind (same as none)', { kinds: [...ITEM_KINDS] }],
    ['empty lists mean any', { kinds: [], statuses: [] }],
    ['assignee me', { assignee: { type: 'me' } }],
    ['my open', { assignee: { type: 'me' }, statuses: active }],
    ['unassigned', { assignee: { type: 'unassigned' } }],
    ['another agent', { assignee: { type: 'agent', agentId: '' } }],
    ['anyone', { assignee: { type: 'anyone' } }],
    ['due within 2 hours', { dueWithinMinutes: 120 }],
    ['due within 3 days, active', { dueWithinMinutes: 3 * 24 * 60, statuses: active }],
    ['overdue (due within 0)', { dueWithinMinutes: 0 }],
    ...QUEUES.map((q): [string, SavedViewFilter] => [`queue ${q}`, { queues: [q] }]),
    ...QUEUES.map((q): [string, SavedViewFilter] => [`queue ${q}, active`, { queues: [q], statuses: active }]),
    ['two support queues, urgent', { queues: ['tier2', 'tier3'], priorities: ['urgent', 'high'] }],
    ['tier 1 queue, unassigned, due within 3 days', { queues: ['tier1'], assignee: { type: 'unassigned' }, dueWithinMinutes: 3 * 24 * 60, statuses: active }]
  ]

  it.each(filters)('%s: page and count match the reference', (_name, raw) => {
    const filter = raw.assignee?.type === 'agent' ? { ...raw, assignee: { type: 'agent' as const, agentId: other } } : raw
    const expected = expectPage(page(filter))
    expect(inboxCount(db, filter, ctx)).toBe(referenceFilter(filter).length)
    if (Object.keys(filter).length > 0 && !('kinds' in filter && filter.kinds?.length === ITEM_KINDS.length) && !(filter.kinds?.length === 0) && filter.assignee?.type !== 'anyone') {
      expect(expected.length).toBeGreaterThan(0)
    }
  })

  it('pages every queue view in every sort and direction, under every plan', () => {
    for (const queue of QUEUES) {
      for (const column of SORT_COLUMNS) {
        for (const direction of ['asc', 'desc'] as const) expectPage(page({ queues: [queue], statuses: active }, { column, direction }, 20, 30))
      }
    }
  })

  it('answers "me" without a signed-in agent with not_signed_in', () => {
    expect(() => inboxPage(db, page({ assignee: { type: 'me' } }), { agentId: null, now: FIXED_NOW })).toThrow(expect.objectContaining({ code: 'not_signed_in' }))
  })

  it('returns the denormalized names and the fields of an inbox row', () => {
    const [row] = inboxPage(db, page({ assignee: { type: 'me' } }, { column: 'age', direction: 'desc' }, 0, 1), ctx)
    // A workspace nobody synced has no unread marks (only a pull sets them).
    expect(row).toMatchObject({ assigneeId: me, assigneeName: 'Maya Okafor', unread: false })
    expect(Object.keys(row ?? {}).sort()).toEqual(
      ['assigneeId', 'assigneeName', 'category', 'channel', 'createdAt', 'customerId', 'customerName', 'id', 'kind', 'priority', 'queue', 'slaDueAt', 'status', 'subject', 'tier', 'updatedAt', 'unread'].sort()
    )
  })
})

describe('inbox sorting and paging', () => {
  const sorts = SORT_COLUMNS.flatMap((column) => (['asc', 'desc'] as const).map((direction): InboxSort => ({ column, direction })))

  it.each(sorts.map((s) => [`${s.column} ${s.direction}`, s] as const))('sorts by %s (all items, active items, my items), stable across pages', (_name, sort) => {
    expectPage(page({}, sort))
    expectPage(page({}, sort, 700, 50))
    expectPage(page({ statuses: ['new', 'open', 'pending'] }, sort))
    expectPage(page({ assignee: { type: 'me' }, statuses: ['open', 'pending'] }, sort, 5, 20))
    expectPage(page({ statuses: ['resolved', 'closed'], kinds: ['support'] }, sort, 30, 40))
  })

  it('sorts status in lifecycle order and priority by rank', () => {
    const statuses = inboxPage(db, page({}, { column: 'status', direction: 'asc' }, 0, 500), ctx).map((r) => STATUS_RANK[r.status])
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b))
    const top = inboxPage(db, page({}, { column: 'priority', direction: 'desc' }, 0, 5), ctx)
    expect(top.every((r) => r.priority === 'urgent')).toBe(true)
  })

  it('puts items without a deadline after every deadline when sorting by deadline ascending', () => {
    const rows = inboxPage(db, page({}, { column: 'slaDue', direction: 'asc' }, 0, 500), ctx)
    const firstWithout = rows.findIndex((r) => r.slaDueAt === null)
    expect(firstWithout).toBeGreaterThan(0)
    expect(rows.slice(firstWithout).every((r) => r.slaDueAt === null)).toBe(true)
  })

  it('pages through everything exactly once', () => {
    const sort: InboxSort = { column: 'customer', direction: 'asc' }
    const seen: string[] = []
    for (let offset = 0; ; offset += 200) {
      const rows = inboxPage(db, page({}, sort, offset, 200), ctx)
      seen.push(...rows.map((r) => r.id))
      if (rows.length < 200) break
    }
    expect(seen).toHaveLength(all.length)
    expect(new Set(seen).size).toBe(all.length)
    expect(inboxPage(db, page({}, sort, all.length + 10, 50), ctx)).toEqual([])
  })
})

describe('inbox search', () => {
  const searches: string[] = [
    'refund',
    'Refund',
    'refu',
    'refunds',
    'password reset',
    'pass',
    'invoice',
    'deliv',
    'crash',
    'warehouse', // only in agent replies
    'quixotic',
    'quixotic gizmo',
    'xylophonic', // only in a reply written after the item was created
    'capacitor toast',
    'zoe', // customer name with diacritics
    'ångström',
    'angstrom',
    'quennell',
    'muller',
    'Müller order',
    're',
    'a'
  ]

  it.each(searches)('finds %j in subjects, bodies and customer names, under every plan', (text) => {
    const expected = expectPage(page({ search: text }))
    expect(inboxCount(db, { search: text }, ctx)).toBe(referenceFilter({ search: text }).length)
    expectPage(page({ search: text, statuses: ['new', 'open', 'pending'] }, { column: 'slaDue', direction: 'asc' }))
    expectPage(page({ search: text, assignee: { type: 'me' } }, { column: 'customer', direction: 'desc' }, 3, 10))
    expect(inboxCount(db, { search: text, channels: ['email'] }, ctx)).toBe(referenceFilter({ search: text, channels: ['email'] }).length)
    if (!['a', 're', 'refunds'].includes(text)) expect(expected.length).toBeGreaterThan(0)
  })

  it('finds a word of a body only through its item, and the customer by name', () => {
    const [hit] = inboxPage(db, page({ search: 'xylophonic' }), ctx)
    expect(hit?.subject).toBe('Quixotic gizmo overheats')
    expect(inboxPage(db, page({ search: 'quince' }), ctx).map((r) => r.customerName)).toEqual(['Bartholomew Quince'])
  })

  const hostile = [
    '"',
    '""',
    "'",
    '*',
    '-',
    '- refund',
    'refund*',
    '"refund',
    'NEAR(refund password)',
    'refund NOT password',
    'refund OR',
    'AND',
    'OR OR OR',
    '(refund',
    'refund)',
    '^refund',
    'subject:refund',
    'doc : refund',
    '{refund}',
    '+-*/\\',
    'a"b"c',
    '\u0000',
    '😀 refund',
    'ｒｅｆｕｎｄ',
    'x'.repeat(200),
    'refund '.repeat(28)
  ]

  it.each(hostile)('treats %j as words, never as FTS5 syntax, and never fails', (text) => {
    const rows = inboxPage(db, page({ search: text }), ctx)
    expect(Array.isArray(rows)).toBe(true)
    expect(typeof inboxCount(db, { search: text }, ctx)).toBe('number')
    for (const plan of PLANS) expect(Array.isArray(inboxPage(db, page({ search: text }, { column: 'subject', direction: 'asc' }), ctx, plan))).toBe(true)
  })

  it('matches nothing-but-punctuation as no search at all', () => {
    expect(inboxCount(db, { search: '*** --- ""' }, ctx)).toBe(all.length)
  })
})

describe('item detail', () => {
  it('merges messages and events oldest first, with names, ratings and the customer', () => {
    const withRating = db.prepare(`SELECT i.id FROM items i JOIN ratings r ON r.item_rid = i.rid WHERE i.channel NOT IN ('phone', 'inperson') LIMIT 1`).pluck().get() as string
    const detail = itemDetail(db, withRating)
    if (!detail) throw new Error('missing')
    const at = detail.thread.map((e) => e.at)
    expect(at).toEqual([...at].sort())
    expect(detail.thread[0]).toMatchObject({ type: 'event', event: { type: 'created' } })
    expect(detail.thread[1]).toMatchObject({ type: 'message', message: { kind: 'customer', authorId: null }, authorName: null })
    const reply = detail.thread.find((e) => e.type === 'message' && e.message.kind === 'reply')
    expect(reply && reply.type === 'message' && reply.authorName).toBeTruthy()
    expect(detail.ratings.length).toBeGreaterThan(0)
    expect(detail.customer.id).toBe(detail.item.customerId)
    expect(detail.thread.every((e) => (e.type === 'message' ? e.message.itemId : e.event.itemId) === withRating)).toBe(true)
  })

  it("lists the customer's other items across kinds, newest first, without the item itself", () => {
    const busy = db.prepare('SELECT customer_id FROM items GROUP BY customer_id HAVING count(DISTINCT kind) = 2 ORDER BY count(*) DESC LIMIT 1').pluck().get() as string
    const id = db.prepare('SELECT id FROM items WHERE customer_id = ? ORDER BY rid LIMIT 1').pluck().get(busy) as string
    const detail = itemDetail(db, id)
    const others = detail?.customerItems ?? []
    expect(others.length).toBeGreaterThan(1)
    expect(others.some((r) => r.id === id)).toBe(false)
    expect(others.every((r) => r.customerId === busy)).toBe(true)
    expect(new Set(others.map((r) => r.kind)).size).toBe(2)
    const created = others.map((r) => r.createdAt)
    expect(created).toEqual([...created].sort().reverse())
  })

  it('is null for an unknown item', () => {
    expect(itemDetail(db, 'no-such-item')).toBeNull()
  })
})

describe('views, agents and customers', () => {
  it('lists the built-in views, then only the agent own views', () => {
    const mine = applyMutation(db, 'view.save', { name: 'Mine', filter: { priorities: ['urgent'] }, sort: { column: 'slaDue', direction: 'asc' } }, { actorId: me })
    applyMutation(db, 'view.save', { name: 'Theirs', filter: {}, sort: { column: 'age', direction: 'desc' } }, { actorId: other })
    const views = listViews(db, me)
    expect(views.map((v) => v.name)).toEqual(['My open', 'Unassigned', 'Due soon', 'All open', 'All items', 'Frontline queue', 'Tier 1 queue', 'Tier 2 queue', 'Tier 3 queue', 'Mine'])
    expect(views.slice(0, 9).every((v) => v.builtIn && v.ownerId === null)).toBe(true)
    expect(views[9]).toMatchObject({ id: mine.viewId, ownerId: me, builtIn: false, filter: { priorities: ['urgent'] } })
    expect(listViews(db, null)).toEqual(BUILT_IN_VIEWS)
    expect(BUILT_IN_VIEWS.find((v) => v.name === 'Due soon')).toMatchObject({ filter: { dueWithinMinutes: 120, statuses: ['new', 'open', 'pending'] }, sort: { column: 'slaDue', direction: 'asc' } })
  })

  it('lists agents by name', () => {
    const names = listAgents(db).map((a) => a.name)
    expect(names).toEqual([...names].sort())
    expect(names).toHaveLength(7)
  })

  it('finds customers by a prefix of any word of their name, email or phone', () => {
    expect(searchCustomers(db, 'quen', 10).map((c) => c.name)).toEqual(['Zoë Quennell-Ångström'])
    expect(searchCustomers(db, 'zoe quen', 10).map((c) => c.name)).toEqual(['Zoë Quennell-Ångström'])
    expect(searchCustomers(db, 'angs', 10).map((c) => c.name)).toEqual(['Zoë Quennell-Ångström'])
    expect(searchCustomers(db, '5550104', 10).map((c) => c.name).sort()).toEqual(['Bartholomew Quince', 'Zoë Quennell-Ångström'])
    const byEmail = db.prepare('SELECT email FROM customers WHERE email IS NOT NULL LIMIT 1').pluck().get() as string
    expect(searchCustomers(db, byEmail, 5).map((c) => c.email)).toContain(byEmail)
    expect(searchCustomers(db, '', 5)).toHaveLength(5)
    expect(searchCustomers(db, '"NEAR(*', 5)).toEqual(expect.any(Array))
  })
})
