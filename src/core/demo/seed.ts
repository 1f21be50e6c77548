import type { Database } from 'better-sqlite3'
import type { Agent, Item } from '../../shared/domain/entities'
import { slaDueAt, DEFAULT_SLA_POLICY } from '../../shared/domain/sla'
import { DEFAULT_ESCALATION_REASONS, QUEUE_LABEL, queueOfTier, type Queue } from '../../shared/domain/escalation'
import {
  SERVICE_CATEGORIES,
  SUPPORT_CATEGORIES,
  type Category,
  type Channel,
  type ItemKind,
  type MessageKind,
  type Priority,
  type Status,
  type Tier
} from '../../shared/domain/vocabulary'
import type { EventType } from '../../shared/domain/entities'
import { SLOTS_PER_MS } from '../items/item-keys'
import { createRng, seededUuidV7, type Rng } from './prng'
import { EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, conversation, emailLocalPart } from './seed-text'
import { markSearchIndexCurrent } from '../search/search-index'
import { forgetSearchVocabulary } from '../search/search-query'
import { customerDocument, itemDocument } from '../search/search-text'
import { META, setMeta } from '../infra/meta'

/**
 * The demo workspace: a deterministic (seeded) set of agents, customers and a few thousand items
 * of plausible support traffic over the last weeks. Written by bulk insert, NOT through mutations
 * or the outbox: demo data is local and must never be pushed to a server. The same generator
 * fills a million items for the benchmark, in large transactions of prepared inserts.
 */
export interface SeedOptions {
  /** Same seed and same `now` => same data. */
  seed?: number
  items?: number
  /** Defaults to one customer per 8 items, at least 200. */
  customers?: number
  /** The end of the seeded period; defaults to the current time. */
  now?: Date
  /** Length of the seeded period in days. */
  days?: number
  /** Items per transaction. */
  batchSize?: number
  /** Merge the full-text index into one segment afterwards (default: for 50,000 items or more). */
  optimizeSearchIndex?: boolean
  onProgress?: (done: number, total: number) => void
}

export interface SeedSummary {
  agents: Agent[]
  /** The first service agent: whom the demo signs in as. */
  firstServiceAgentId: string
  customers: number
  items: number
  messages: number
  events: number
  ratings: number
  milliseconds: number
}

export class WorkspaceNotEmptyError extends Error {
  constructor() {
    super('The workspace already has items; demo data is only added to an empty workspace.')
    this.name = 'WorkspaceNotEmptyError'
  }
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const DEMO_AGENTS: readonly Omit<Agent, 'id' | 'email'>[] = [
  { name: 'Maya Okafor', role: 'service', tiers: [] },
  { name: 'Liam Bergström', role: 'service', tiers: [] },
  { name: 'Priya Raman', role: 'service', tiers: [] },
  // One specialist per support tier; tier 3 is engineering.
  { name: 'Tomás Alvarez', role: 'support', tiers: [1] },
  { name: 'Hannah Schultz', role: 'support', tiers: [2] },
  { name: 'Kenji Watanabe', role: 'support', tiers: [3] },
  { name: 'Grace Mitchell', role: 'supervisor', tiers: [] }
]

const CHANNEL_WEIGHTS = [
  ['email', 30],
  ['chat', 25],
  ['phone', 14],
  ['webform', 10],
  ['social', 8],
  ['sms', 7],
  ['inperson', 6]
] as const satisfies readonly (readonly [Channel, number])[]
const PRIORITY_WEIGHTS = [
  ['low', 20],
  ['normal', 55],
  ['high', 18],
  ['urgent', 7]
] as const satisfies readonly (readonly [Priority, number])[]
const TIER_WEIGHTS = [
  [1, 70],
  [2, 22],
  [3, 8]
] as const satisfies readonly (readonly [Tier, number])[]
/** Business-hours-ish arrivals (UTC hours 0..23). */
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 6, 10, 12, 12, 11, 10, 11, 12, 11, 10, 8, 6, 5, 4, 3, 2, 1].map((w, h) => [h, w] as const)
const THREAD_LENGTH = [
  [1, 15],
  [2, 25],
  [3, 25],
  [4, 17],
  [5, 10],
  [6, 8]
] as const
const CSAT_WEIGHTS = [
  [5, 45],
  [4, 30],
  [3, 12],
  [2, 7],
  [1, 6]
] as const
const NPS_WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((s) => [s, s >= 9 ? 18 : s >= 7 ? 12 : 3] as const)

/** Older items are mostly done; today's mostly waiting. A week-old open item is rare (and overdue). */
function statusForAge(rng: Rng, ageMs: number): Status {
  if (ageMs < DAY)
    return rng.weighted<Status>([
      ['new', 40],
      ['open', 25],
      ['pending', 15],
      ['resolved', 20]
    ])
  if (ageMs < 3 * DAY)
    return rng.weighted<Status>([
      ['new', 10],
      ['open', 25],
      ['pending', 20],
      ['resolved', 40],
      ['closed', 5]
    ])
  if (ageMs < 7 * DAY)
    return rng.weighted<Status>([
      ['new', 1],
      ['open', 4],
      ['pending', 7],
      ['resolved', 58],
      ['closed', 30]
    ])
  return rng.weighted<Status>([
    ['new', 0.05],
    ['open', 0.25],
    ['pending', 0.5],
    ['resolved', 20],
    ['closed', 79.2]
  ])
}

const iso = (ms: number) => new Date(ms).toISOString()

interface Statements {
  agent: (a: Agent) => number
  customer: (id: string, name: string, email: string | null, phone: string | null, createdAt: string) => number
  customerDoc: (rid: number, doc: string) => void
  item: (rid: number, item: Item, customerName: string, assignee: { name: string; key: number } | null) => void
  itemDoc: (rid: number, doc: string) => void
  message: (id: string, itemRid: number, kind: MessageKind, authorId: string | null, channel: Channel, body: string, at: string) => void
  event: (id: string, itemRid: number, type: EventType, actorId: string | null, from: string | null, to: string | null, reason: string | null, at: string) => void
  rating: (id: string, itemRid: number, kind: 'csat' | 'nps', score: number, recordedBy: string, at: string) => void
}

function statements(db: Database): Statements {
  const agent = db.prepare('INSERT INTO agents (id, name, email, role, tiers) VALUES (?, ?, ?, ?, ?)')
  const customer = db.prepare('INSERT INTO customers (id, name, email, phone, created_at) VALUES (?, ?, ?, ?, ?)')
  const customerFts = db.prepare('INSERT INTO customers_fts (rowid, doc) VALUES (CAST(? AS INTEGER), ?)')
  const item = db.prepare(
    `INSERT INTO items (rid, id, kind, category, channel, customer_id, customer_name, subject, status, priority, assignee_id, assignee_name, assignee_key, tier,
       queue, handoff_summary, queue_changed_by, queue_changed_at, sla_started_at, sla_responded_at,
       created_at, updated_at, first_response_at, resolved_at, sla_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  )
  const itemFts = db.prepare('INSERT INTO items_fts (rowid, doc) VALUES (CAST(? AS INTEGER), ?)')
  const message = db.prepare('INSERT INTO messages (id, item_rid, kind, author_id, channel, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
  const event = db.prepare('INSERT INTO item_events (id, item_rid, type, actor_id, from_value, to_value, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  const rating = db.prepare('INSERT INTO ratings (id, item_rid, kind, score, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
  return {
    agent: (a) => Number(agent.run(a.id, a.name, a.email, a.role, JSON.stringify(a.tiers)).lastInsertRowid),
    customer: (id, name, email, phone, createdAt) => Number(customer.run(id, name, email, phone, createdAt).lastInsertRowid),
    customerDoc: (rid, doc) => customerFts.run(rid, doc),
    itemDoc: (rid, doc) => itemFts.run(rid, doc),
    item: (rid, it, customerName, assignee) => {
      item.run(
        rid,
        it.id,
        it.kind,
        it.category,
        it.channel,
        it.customerId,
        customerName,
        it.subject,
        it.status,
        it.priority,
        it.assigneeId,
        assignee?.name ?? null,
        assignee?.key ?? null,
        it.tier,
        it.queue,
        it.handoffSummary,
        it.queueChangedBy,
        it.queueChangedAt,
        it.slaStartedAt,
        it.slaRespondedAt,
        it.createdAt,
        it.updatedAt,
        it.firstResponseAt,
        it.resolvedAt,
        it.slaDueAt
      )
    },
    message: (...args) => message.run(...args),
    event: (...args) => event.run(...args),
    rating: (...args) => rating.run(...args)
  }
}

interface SeedCustomer {
  id: string
  name: string
}

/** Arrival times of `n` items over `days` days before `now`, weekdays and office hours busier, sorted. */
function arrivalTimes(rng: Rng, n: number, nowMs: number, days: number): Float64Array {
  const todayStart = Math.floor(nowMs / DAY) * DAY
  const times = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    for (;;) {
      const dayStart = todayStart - rng.int(days) * DAY
      const weekday = new Date(dayStart).getUTCDay()
      if ((weekday === 0 || weekday === 6) && !rng.chance(0.45)) continue
      const ms = dayStart + rng.weighted(HOUR_WEIGHTS) * HOUR + rng.int(HOUR)
      if (ms > nowMs - MINUTE) continue
      times[i] = ms
      break
    }
  }
  return times.sort()
}

export function seedWorkspace(db: Database, options: SeedOptions = {}): SeedSummary {
  const started = performance.now()
  if (db.prepare('SELECT EXISTS (SELECT 1 FROM items)').pluck().get() === 1) throw new WorkspaceNotEmptyError()
  const rng = createRng(options.seed ?? 1)
  const nowMs = (options.now ?? new Date()).getTime()
  const itemTotal = Math.max(0, Math.floor(options.items ?? 3000))
  const customerTotal = Math.max(1, Math.floor(options.customers ?? Math.max(200, Math.round(itemTotal / 8))))
  const days = Math.max(1, options.days ?? 60)
  const batchSize = Math.max(1, options.batchSize ?? 10_000)
  const put = statements(db)

  // Agents
  const agents: Agent[] = DEMO_AGENTS.map((a, i) => {
    const [first = a.name, last = ''] = a.name.split(' ')
    return { ...a, id: seededUuidV7(nowMs - 400 * DAY + i, rng), email: `${emailLocalPart(first, last)}@handoff.example` }
  })
  const serviceAgents = agents.filter((a) => a.role === 'service')
  const supportAgents = agents.filter((a) => a.role === 'support')
  const supervisor = agents.find((a) => a.role === 'supervisor')
  const firstService = serviceAgents[0]
  if (!supervisor || !firstService) throw new Error('The demo needs a supervisor and a service agent')

  // Customers
  const customers: SeedCustomer[] = []
  const customerRows: Parameters<Statements['customer']>[] = []
  for (let i = 0; i < customerTotal; i++) {
    const first = rng.pick(FIRST_NAMES)
    const last = rng.pick(LAST_NAMES)
    const name = `${first} ${last}`
    const createdMs = nowMs - (days + 1) * DAY - rng.int(400 * DAY)
    const email = rng.chance(0.92) ? `${emailLocalPart(first, last)}${rng.chance(0.5) ? rng.int(100) : ''}@${rng.pick(EMAIL_DOMAINS)}` : null
    const phone = email === null || rng.chance(0.55) ? `+1 555 ${String(rng.int(1000)).padStart(3, '0')} ${String(rng.int(10000)).padStart(4, '0')}` : null
    const id = seededUuidV7(createdMs, rng)
    customers.push({ id, name })
    customerRows.push([id, name, email, phone, iso(createdMs)])
  }
  const assigneeOf = new Map<string, { name: string; key: number }>()
  db.transaction(() => {
    for (const a of agents) assigneeOf.set(a.id, { name: a.name, key: put.agent(a) })
  })()
  // Full-text documents are written after the rows of each transaction: an FTS5 table flushes
  // its pending terms whenever a later statement opens a savepoint, and that is slow.
  for (let i = 0; i < customerRows.length; i += batchSize) {
    db.transaction(() => {
      const docs: [number, string][] = []
      for (const [id, name, email, phone, createdAt] of customerRows.slice(i, i + batchSize)) {
        docs.push([put.customer(id, name, email, phone, createdAt), customerDocument(name, email, phone)])
      }
      for (const [rid, doc] of docs) put.customerDoc(rid, doc)
    })()
  }

  // Items, oldest first, so rowids (derived from created_at) are appended in order.
  const times = arrivalTimes(rng, itemTotal, nowMs, days)
  const counts = { messages: 0, events: 0, ratings: 0 }
  let lastRid = 0
  let docs: [number, string][] = []
  const seedItem = (createdMs: number) => {
    let rid = createdMs * SLOTS_PER_MS
    if (rid <= lastRid) rid = lastRid + 1
    lastRid = rid
    const out = generateItem(rng, createdMs, nowMs, customers, { serviceAgents, supportAgents, supervisor })
    put.item(rid, out.item, out.customerName, out.item.assigneeId ? (assigneeOf.get(out.item.assigneeId) ?? null) : null)
    docs.push([rid, itemDocument(out.item.subject, out.customerName, out.messages.map((m) => m.body))])
    out.messages.forEach((m, n) => put.message(`${out.item.id}.m${n}`, rid, m.kind, m.authorId, out.item.channel, m.body, iso(m.at)))
    out.events.forEach((e, n) => put.event(`${out.item.id}.e${n}`, rid, e.type, e.actorId, e.from, e.to, e.reason, iso(e.at)))
    out.ratings.forEach((r, n) => put.rating(`${out.item.id}.r${n}`, rid, r.kind, r.score, r.recordedBy, iso(r.at)))
    counts.messages += out.messages.length
    counts.events += out.events.length
    counts.ratings += out.ratings.length
  }
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) seedItem(times[i] ?? nowMs)
    for (const [rid, doc] of docs) put.itemDoc(rid, doc)
    docs = []
  })
  const bulk = itemTotal >= BULK_THRESHOLD
  const restore = bulk ? prepareBulkLoad(db) : () => undefined
  try {
    for (let i = 0; i < itemTotal; i += batchSize) {
      insertBatch(i, Math.min(itemTotal, i + batchSize))
      options.onProgress?.(Math.min(itemTotal, i + batchSize), itemTotal)
    }
  } finally {
    restore()
  }

  forgetSearchVocabulary(db)
  markSearchIndexCurrent(db) // the seed wrote every document itself
  setMeta(db, META.demo, '1')
  if (options.optimizeSearchIndex ?? itemTotal >= 50_000) {
    db.prepare(`INSERT INTO items_fts (items_fts) VALUES ('optimize')`).run()
  }
  // Planner statistics for the fresh data (sampled, so this stays quick on large files).
  db.pragma('analysis_limit = 2000')
  db.exec('ANALYZE')

  return {
    agents,
    firstServiceAgentId: firstService.id,
    customers: customerTotal,
    items: itemTotal,
    ...counts,
    milliseconds: Math.round(performance.now() - started)
  }
}

/** From this many items on, the seed defers secondary indexes and enlarges the page cache. */
const BULK_THRESHOLD = 20_000
const BULK_TABLES = ['items', 'messages', 'item_events', 'ratings']

/**
 * Bulk-load mode: drops the secondary indexes of the big tables (their definitions are read
 * from the schema, so this follows any migration) and gives SQLite a large page cache. Building
 * an index once from sorted data is much faster than updating it a million times at random
 * places. Returns the function that rebuilds the indexes and restores the cache size.
 */
function prepareBulkLoad(db: Database): () => void {
  const indexes = db
    .prepare<unknown[], { name: string; sql: string }>(
      `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${BULK_TABLES.map(() => '?').join(', ')})`
    )
    .all(...BULK_TABLES)
  const cacheSize = db.pragma('cache_size', { simple: true })
  db.pragma('cache_size = -524288') // 512 MiB while loading
  db.transaction(() => {
    for (const { name } of indexes) db.exec(`DROP INDEX "${name.replaceAll('"', '""')}"`)
  })()
  return () => {
    db.transaction(() => {
      for (const { sql } of indexes) db.exec(sql)
    })()
    db.pragma(`cache_size = ${Number(cacheSize)}`)
  }
}

interface SeedMessage {
  kind: MessageKind
  authorId: string | null
  body: string
  at: number
}
interface SeedEvent {
  type: EventType
  actorId: string | null
  from: string | null
  to: string | null
  reason: string | null
  at: number
}
interface SeedRating {
  kind: 'csat' | 'nps'
  score: number
  recordedBy: string
  at: number
}
interface Staff {
  serviceAgents: Agent[]
  supportAgents: Agent[]
  supervisor: Agent
}

const SUMMARY_OPENERS = ['Handing over:', 'Summary so far:', 'Context for the next person:', 'Where this stands:']
const TO_SUPPORT_REASONS = ['technical', 'bug', 'access', 'needs-expertise', 'customer-request', 'sla-risk']
const TIER_UP_REASONS = ['needs-expertise', 'bug', 'technical', 'sla-risk']
const reasonLabel = (code: string): string => DEFAULT_ESCALATION_REASONS.find((r) => r.code === code)?.label ?? code

/** The first specialist who works a tier (the demo has one per tier). */
function specialistOf(staff: Staff, tier: Tier): Agent {
  const agent = staff.supportAgents.find((a) => a.tiers.includes(tier)) ?? staff.supportAgents[0]
  if (!agent) throw new Error('The demo needs support specialists')
  return agent
}

function pickAssignee(rng: Rng, kind: ItemKind, tier: Tier | null, staff: Staff): Agent {
  if (kind === 'service') return rng.chance(0.08) ? staff.supervisor : rng.pick(staff.serviceAgents)
  const able = staff.supportAgents.filter((a) => tier !== null && a.tiers.includes(tier))
  return rng.pick(able.length ? able : staff.supportAgents)
}

/** One item with a coherent history: messages, status and assignment events, ratings. */
function generateItem(rng: Rng, t: number, nowMs: number, customers: readonly SeedCustomer[], staff: Staff) {
  const kind: ItemKind = rng.chance(0.4) ? 'support' : 'service'
  const category: Category = rng.pick(kind === 'service' ? SERVICE_CATEGORIES : SUPPORT_CATEGORIES)
  const channel = rng.weighted<Channel>(CHANNEL_WEIGHTS)
  const priority = rng.weighted<Priority>(PRIORITY_WEIGHTS)
  let tier: Tier | null = kind === 'support' ? rng.weighted<Tier>(TIER_WEIGHTS) : null
  // Some customers write often: skew the pick toward the front of the list.
  const customer = customers[Math.floor(Math.pow(rng.next(), 1.6) * customers.length)] ?? customers[0]
  if (!customer) throw new Error('The demo needs customers')
  const conv = conversation(category, rng)
  const logged = channel === 'phone' || channel === 'inperson'
  let status = statusForAge(rng, nowMs - t)
  if (logged && status === 'new') status = 'open' // a logged contact has been answered already
  const assigned = logged || status !== 'new' || rng.chance(0.45)
  const assignee = assigned ? pickAssignee(rng, kind, tier, staff) : null
  const id = seededUuidV7(t, rng)

  const messages: SeedMessage[] = []
  const events: SeedEvent[] = []
  const ratings: SeedRating[] = []
  const latest = nowMs - MINUTE
  const later = (from: number, minMinutes: number, maxMinutes: number) => Math.min(latest, from + (minMinutes + rng.next() * (maxMinutes - minMinutes)) * MINUTE)
  const event = (type: EventType, actorId: string | null, from: string | null, to: string | null, at: number, reason: string | null = null) =>
    events.push({ type, actorId, from, to, reason, at })

  let firstResponseAt: number | null = null
  let resolvedAt: number | null = null
  let clock = t
  let current: Status = 'new'
  const target = rng.weighted(THREAD_LENGTH)

  // The handoff history (domain.md): about a quarter of support tickets began at the frontline
  // and a service agent escalated them; tier 2 and 3 tickets went up from tier 1, escalated by a
  // specialist of the tier they left. Each move writes its summary and a reasoned event, and
  // restarts the SLA clock (DEFAULT_SLA_POLICY.restartOnEscalation).
  const fromService = kind === 'support' && rng.chance(0.25)
  let queue: Queue = kind === 'support' && !fromService ? 'tier1' : 'service'
  let handoffSummary: string | null = null
  let movedBy: string | null = null
  let movedAt: number | null = null
  let slaStart = t
  const move = (type: 'escalated' | 'handed_back', actor: Agent, to: Queue, reasonCode: string, at: number) => {
    const reason = reasonLabel(reasonCode)
    const body = `${rng.pick(SUMMARY_OPENERS)} ${conv.note('support')} Reason: ${reason.toLowerCase()}. For ${QUEUE_LABEL[to]}.`
    messages.push({ kind: 'handoff', authorId: actor.id, body, at })
    event(type, actor.id, queue, to, at, reason)
    queue = to
    handoffSummary = body
    movedBy = actor.id
    movedAt = at
    if (type === 'escalated' && DEFAULT_SLA_POLICY.restartOnEscalation) slaStart = at
  }
  const escalations = (from: number): number => {
    let at = from
    if (tier === null) return at
    if (fromService) move('escalated', rng.pick(staff.serviceAgents), 'tier1', rng.pick(TO_SUPPORT_REASONS), (at = later(at, 5, 180)))
    for (let k = 1; k < tier; k++) {
      move('escalated', specialistOf(staff, k as Tier), queueOfTier((k + 1) as Tier), k + 1 === 3 ? 'needs-engineering' : rng.pick(TIER_UP_REASONS), (at = later(at, 30, 600)))
    }
    return at
  }

  if (logged && assignee) {
    event('created', assignee.id, null, 'new', t)
    messages.push({ kind: 'contact', authorId: assignee.id, body: conv.contactSummary(), at: t })
    event('contact_logged', assignee.id, null, channel, t)
    event('assigned', assignee.id, null, assignee.id, t)
    firstResponseAt = t
    current = status === 'closed' ? 'resolved' : status
    event('status', assignee.id, 'new', current, t)
    if (current === 'resolved') {
      // Resolved in the contact itself: a support ticket that never moved stays at tier 1.
      resolvedAt = t
      if (tier !== null) {
        tier = 1
        queue = 'tier1'
      }
    } else clock = escalations(t)
  } else {
    event('created', null, null, 'new', t)
    messages.push({ kind: 'customer', authorId: null, body: conv.opener, at: t })
    clock = escalations(t)
    if (assignee) {
      clock = later(clock, 1, 90)
      event('assigned', rng.chance(0.5) ? assignee.id : staff.supervisor.id, null, assignee.id, clock)
    }
    if (status === 'new') {
      if (target > 2 && clock < latest) messages.push({ kind: 'customer', authorId: null, body: conv.followUp(), at: (clock = later(clock, 20, 600)) })
      if (assignee && target > 3 && clock < latest) messages.push({ kind: 'note', authorId: assignee.id, body: conv.note(kind), at: (clock = later(clock, 5, 120)) })
    } else if (assignee) {
      // The first public reply, usually within the SLA target, sometimes late.
      const targetMinutes = DEFAULT_SLA_POLICY[queue][priority].firstResponseMinutes
      const delay = rng.chance(0.75) ? targetMinutes * (0.05 + rng.next() * 0.9) : targetMinutes * (1 + rng.next() * 2)
      clock = Math.max(clock, Math.min(latest, slaStart + delay * MINUTE))
      messages.push({ kind: 'reply', authorId: assignee.id, body: conv.reply(), at: clock })
      event('status', assignee.id, 'new', 'open', clock)
      firstResponseAt = clock
      current = 'open'
    }
  }

  // The rest of the conversation.
  if (assignee && current !== 'new' && resolvedAt === null) {
    while (messages.length < target && clock < latest) {
      const last = messages.at(-1)
      const fromCustomer = last?.kind === 'customer'
      clock = later(clock, 10, fromCustomer ? 240 : 1800)
      if (fromCustomer) {
        messages.push(rng.chance(0.8) ? { kind: 'reply', authorId: assignee.id, body: conv.reply(), at: clock } : { kind: 'note', authorId: assignee.id, body: conv.note(kind), at: clock })
      } else if (rng.chance(0.7)) {
        messages.push({ kind: 'customer', authorId: null, body: conv.followUp(), at: clock })
      } else {
        messages.push(rng.chance(0.5) ? { kind: 'note', authorId: assignee.id, body: conv.note(kind), at: clock } : { kind: 'reply', authorId: assignee.id, body: conv.agentFollowUp(), at: clock })
      }
    }
    if (status === 'pending' && current !== 'pending') {
      event('status', assignee.id, current, 'pending', clock)
      current = 'pending'
    } else if (status === 'resolved' || status === 'closed') {
      clock = later(clock, 10, 1440)
      event('status', assignee.id, current, 'resolved', clock)
      current = 'resolved'
      resolvedAt = clock
    }
  }
  if (current === 'resolved' && resolvedAt !== null && assignee) {
    const closeAt = status === 'closed' ? resolvedAt + (2 + rng.next() * 4) * DAY : Number.POSITIVE_INFINITY
    const closes = closeAt < latest
    // Ratings arrive after the resolution (and before the closing).
    rate(rng, ratings, events, assignee.id, resolvedAt, closes ? closeAt : latest)
    if (closes) {
      event('status', staff.supervisor.id, 'resolved', 'closed', closeAt)
      current = 'closed'
      clock = Math.max(clock, closeAt)
    }
  }
  // A few active items lost their assignee (leave, rebalancing).
  let finalAssignee = assignee
  if (assignee && (current === 'open' || current === 'pending') && rng.chance(0.03)) {
    clock = later(clock, 5, 600)
    event('assigned', staff.supervisor.id, assignee.id, null, clock, 'Agent is on leave; back to the queue.')
    finalAssignee = null
  }
  // Some open support tickets went back to the frontline once the technical part was done.
  if (tier !== null && (current === 'open' || current === 'pending') && clock < latest && rng.chance(0.35)) {
    const specialist = finalAssignee ?? specialistOf(staff, tier)
    const receiver = rng.pick(staff.serviceAgents)
    move('handed_back', specialist, 'service', 'resolved-technical', (clock = later(clock, 5, 600)))
    event('assigned', specialist.id, finalAssignee?.id ?? null, receiver.id, clock, 'Hand back to service')
    finalAssignee = receiver
  }
  // The first public answer on the current SLA clock.
  const responded = messages.find((m) => m.at >= slaStart && m.authorId !== null && (m.kind === 'reply' || m.kind === 'contact'))

  const lastActivity = Math.max(clock, ...messages.map((m) => m.at), ...events.map((e) => e.at), ...ratings.map((r) => r.at))
  const item: Item = {
    id,
    kind,
    category,
    channel,
    customerId: customer.id,
    subject: conv.subject,
    status: current,
    priority,
    assigneeId: finalAssignee?.id ?? null,
    tier,
    queue,
    handoffSummary,
    queueChangedBy: movedBy,
    queueChangedAt: movedAt === null ? null : iso(movedAt),
    slaStartedAt: iso(slaStart),
    slaRespondedAt: responded ? iso(responded.at) : null,
    createdAt: iso(t),
    updatedAt: iso(lastActivity),
    firstResponseAt: firstResponseAt === null ? null : iso(firstResponseAt),
    resolvedAt: resolvedAt === null ? null : iso(resolvedAt),
    slaDueAt: null
  }
  item.slaDueAt = slaDueAt(item, DEFAULT_SLA_POLICY)
  return { item, customerName: customer.name, messages, events, ratings }
}

/** CSAT on about a third of resolved items and NPS on some, recorded after the resolution. */
function rate(rng: Rng, ratings: SeedRating[], events: SeedEvent[], recordedBy: string, resolvedAt: number, before: number): void {
  const at = (hours: number) => resolvedAt + hours * HOUR
  if (rng.chance(0.35)) {
    const when = at(1 + rng.next() * 47)
    if (when < before) {
      const score = rng.weighted(CSAT_WEIGHTS)
      ratings.push({ kind: 'csat', score, recordedBy, at: when })
      events.push({ type: 'rating', actorId: recordedBy, from: null, to: `csat:${score}`, reason: null, at: when })
    }
  }
  if (rng.chance(0.15)) {
    const when = at(1 + rng.next() * 47)
    if (when < before) {
      const score = rng.weighted(NPS_WEIGHTS)
      ratings.push({ kind: 'nps', score, recordedBy, at: when })
      events.push({ type: 'rating', actorId: recordedBy, from: null, to: `nps:${score}`, reason: null, at: when })
    }
  }
}
