import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/core/infra/database'
import { WorkspaceNotEmptyError, seedWorkspace } from '../../src/core/demo/seed'
import { CATEGORIES, CHANNELS, ITEM_KINDS, PRIORITIES, STATUSES } from '../../src/shared/domain/vocabulary'
import { slaDueAt } from '../../src/shared/domain/sla'
import type { SessionInfo } from '../../src/shared/contract'
import { FIXED_NOW, dump, ok, openCore, tempFile } from './helpers/workspace'

function seeded(seed: number, items = 1200): { db: Database.Database; file: string } {
  const file = tempFile()
  const db = openDatabase(file)
  seedWorkspace(db, { seed, items, now: FIXED_NOW })
  return { db, file }
}

const values = (db: Database.Database, column: string) => (db.prepare(`SELECT DISTINCT ${column} FROM items ORDER BY 1`).pluck().all() as string[]).sort()

describe('the demo workspace', () => {
  it('is deterministic: the same seed and clock give the same data, another seed other data', () => {
    const a = seeded(42, 400)
    const b = seeded(42, 400)
    const c = seeded(43, 400)
    for (const s of [a, b, c]) s.db.close()
    expect(dump(a.file)).toBe(dump(b.file))
    expect(dump(a.file)).not.toBe(dump(c.file))
  })

  it('covers both kinds, every category, channel, status and priority, with realistic threads', () => {
    const { db } = seeded(1)
    expect(values(db, 'kind')).toEqual([...ITEM_KINDS].sort())
    expect(values(db, 'category')).toEqual([...CATEGORIES].sort())
    expect(values(db, 'channel')).toEqual([...CHANNELS].sort())
    expect(values(db, 'status')).toEqual([...STATUSES].sort())
    expect(values(db, 'priority')).toEqual([...PRIORITIES].sort())
    const roles = db.prepare('SELECT role, count(*) AS n FROM agents GROUP BY role').all() as { role: string; n: number }[]
    expect(Object.fromEntries(roles.map((r) => [r.role, r.n]))).toEqual({ service: 3, support: 3, supervisor: 1 })
    expect(db.prepare(`SELECT count(*) FROM agents WHERE role = 'support' AND tiers = '[]'`).pluck().get()).toBe(0)
    const customers = db.prepare('SELECT count(*) FROM customers').pluck().get() as number
    expect(customers).toBeGreaterThanOrEqual(200)
    // Threads of 1 to 6 messages, about three on average.
    const threads = db.prepare('SELECT count(*) AS n FROM messages GROUP BY item_rid').pluck().all() as number[]
    expect(threads).toHaveLength(1200)
    expect(Math.min(...threads)).toBe(1)
    expect(Math.max(...threads)).toBeLessThanOrEqual(6)
    const mean = threads.reduce((s, n) => s + n, 0) / threads.length
    expect(mean).toBeGreaterThan(2)
    expect(mean).toBeLessThan(4)
    const kinds = db.prepare('SELECT DISTINCT kind FROM messages ORDER BY 1').pluck().all()
    expect(kinds).toEqual(['contact', 'customer', 'handoff', 'note', 'reply'])
    // The last 60 days, nothing in the future.
    const span = db.prepare('SELECT min(created_at) AS lo, max(created_at) AS hi FROM items').get() as { lo: string; hi: string }
    expect(Date.parse(span.hi)).toBeLessThanOrEqual(FIXED_NOW.getTime())
    expect(FIXED_NOW.getTime() - Date.parse(span.lo)).toBeLessThanOrEqual(60 * 86_400_000)
    expect(db.prepare('SELECT count(*) FROM messages WHERE created_at > ?').pluck().get(FIXED_NOW.toISOString())).toBe(0)
    db.close()
  })

  it('keeps every item consistent with the lifecycle and SLA rules', () => {
    const { db } = seeded(2)
    const items = db.prepare('SELECT kind, queue, priority, status, created_at, first_response_at, sla_started_at, sla_responded_at, resolved_at, sla_due_at, assignee_id, channel FROM items').all() as {
      queue: 'service' | 'tier1' | 'tier2' | 'tier3'
      sla_started_at: string
      sla_responded_at: string | null
      kind: 'service' | 'support'
      priority: 'low' | 'normal' | 'high' | 'urgent'
      status: (typeof STATUSES)[number]
      created_at: string
      first_response_at: string | null
      resolved_at: string | null
      sla_due_at: string | null
      assignee_id: string | null
      channel: string
    }[]
    for (const i of items) {
      expect(i.sla_due_at).toBe(slaDueAt({ queue: i.queue, priority: i.priority, status: i.status, slaStartedAt: i.sla_started_at, slaRespondedAt: i.sla_responded_at }))
      expect(i.resolved_at !== null).toBe(i.status === 'resolved' || i.status === 'closed')
      if (i.status !== 'new') expect(i.first_response_at).not.toBeNull()
      if (i.first_response_at) expect(i.first_response_at >= i.created_at).toBe(true)
      if (i.channel === 'phone' || i.channel === 'inperson') expect(i.status).not.toBe('new')
    }
    // Every item has a created event; ratings only on resolved or closed items, one per kind.
    expect(db.prepare(`SELECT count(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM item_events e WHERE e.item_rid = i.rid AND e.type = 'created')`).pluck().get()).toBe(0)
    expect(db.prepare(`SELECT count(*) FROM ratings r JOIN items i ON i.rid = r.item_rid WHERE i.status NOT IN ('resolved', 'closed')`).pluck().get()).toBe(0)
    expect(db.prepare('SELECT count(*) FROM ratings').pluck().get()).toBeGreaterThan(50)
    // Denormalized names match their sources.
    expect(db.prepare('SELECT count(*) FROM items i JOIN customers c ON c.id = i.customer_id WHERE c.name <> i.customer_name').pluck().get()).toBe(0)
    expect(db.prepare('SELECT count(*) FROM items i JOIN agents a ON a.id = i.assignee_id WHERE a.name <> i.assignee_name OR a.rid <> i.assignee_key').pluck().get()).toBe(0)
    // The facet counts add up.
    expect(db.prepare('SELECT sum(n) FROM item_facets').pluck().get()).toBe(1200)
    db.close()
  })

  it('is searchable for the words agents search for, and never enters the outbox', () => {
    const { db } = seeded(3)
    for (const word of ['refund', 'password', 'crash', 'invoice', 'delivery']) {
      expect(db.prepare('SELECT count(*) FROM items_fts WHERE items_fts MATCH ?').pluck().get(`"${word}"`), word).toBeGreaterThan(10)
    }
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0)
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'demo'`).pluck().get()).toBe('1')
    expect(() => seedWorkspace(db, { items: 10 })).toThrow(WorkspaceNotEmptyError)
    db.close()
  })

  it('has queues and escalation histories: service agents escalate to support, specialists move tiers and hand back', () => {
    const { db } = seeded(5, 3000)
    const one = <T>(sql: string): T => db.prepare(sql).pluck().get() as T
    // A specialist per tier, service agents and a supervisor.
    expect(db.prepare(`SELECT tiers FROM agents WHERE role = 'support' ORDER BY tiers`).pluck().all()).toEqual(['[1]', '[2]', '[3]'])
    // Queues agree with kind and tier: support tickets wait in their tier's queue unless handed back.
    expect(values(db, 'queue')).toEqual(['service', 'tier1', 'tier2', 'tier3'])
    expect(one(`SELECT count(*) FROM items WHERE queue <> 'service' AND (kind <> 'support' OR queue <> 'tier' || tier)`)).toBe(0)
    expect(one(`SELECT count(*) FROM items WHERE kind = 'support' AND tier IS NULL`)).toBe(0)
    expect(one(`SELECT count(*) FROM items WHERE kind = 'service' AND (tier IS NOT NULL OR queue <> 'service')`)).toBe(0)
    // A few hundred escalations to support, made by service agents, with reasons from the defaults.
    const toSupport = one<number>(`SELECT count(*) FROM item_events e JOIN agents a ON a.id = e.actor_id WHERE e.type = 'escalated' AND e.from_value = 'service' AND a.role = 'service'`)
    expect(toSupport).toBeGreaterThan(200)
    expect(one(`SELECT count(*) FROM item_events WHERE type = 'escalated' AND from_value = 'service'`)).toBe(toSupport)
    // Tier moves and hand-backs by a specialist of the tier the item left.
    expect(one(`SELECT count(*) FROM item_events e JOIN agents a ON a.id = e.actor_id WHERE e.type = 'escalated' AND e.from_value LIKE 'tier%' AND a.tiers LIKE '%' || substr(e.from_value, 5) || '%'`)).toBeGreaterThan(100)
    expect(one(`SELECT count(*) FROM item_events e LEFT JOIN agents a ON a.id = e.actor_id WHERE e.type IN ('escalated', 'handed_back') AND e.from_value LIKE 'tier%' AND (a.role IS NOT 'support' OR a.tiers NOT LIKE '%' || substr(e.from_value, 5) || '%')`)).toBe(0)
    expect(one(`SELECT count(*) FROM item_events WHERE type = 'handed_back'`)).toBeGreaterThan(5)
    expect(one(`SELECT count(*) FROM item_events WHERE type IN ('escalated', 'handed_back') AND (reason IS NULL OR reason = '')`)).toBe(0)
    // Every move wrote a handoff summary; the item keeps the latest and who made it.
    expect(one(`SELECT count(*) FROM messages WHERE kind = 'handoff'`)).toBe(one(`SELECT count(*) FROM item_events WHERE type IN ('escalated', 'handed_back')`))
    expect(one(`SELECT count(*) FROM items i WHERE (i.queue_changed_by IS NULL) <> NOT EXISTS (SELECT 1 FROM item_events e WHERE e.item_rid = i.rid AND e.type IN ('escalated', 'handed_back'))`)).toBe(0)
    expect(one(`SELECT count(*) FROM items WHERE queue_changed_by IS NOT NULL AND handoff_summary IS NULL`)).toBe(0)
    // The SLA clock restarted at the last escalation.
    expect(one(`SELECT count(*) FROM items i WHERE i.sla_started_at <> coalesce((SELECT max(e.created_at) FROM item_events e WHERE e.item_rid = i.rid AND e.type = 'escalated'), i.created_at)`)).toBe(0)
    db.close()
  })

  it('keeps every deadline equal to slaDueAt() under a changed policy', async () => {
    const { DEFAULT_SETTINGS } = await import('../../src/shared/domain/settings')
    const { applyChanges } = await import('../../src/core/mutations/changes')
    const { db } = seeded(6, 1500)
    const sla = { ...DEFAULT_SETTINGS.sla }
    for (const q of ['service', 'tier1', 'tier2', 'tier3'] as const) {
      sla[q] = Object.fromEntries(Object.entries(sla[q]).map(([p, t]) => [p, { firstResponseMinutes: t.firstResponseMinutes + 7, resolutionMinutes: t.resolutionMinutes * 2 }])) as typeof sla.service
    }
    db.transaction(() => applyChanges(db, [{ op: 'setSettings', settings: { ...DEFAULT_SETTINGS, sla } }]))()
    const items = db.prepare('SELECT queue, priority, status, sla_started_at, sla_responded_at, sla_due_at FROM items').all() as {
      queue: 'service' | 'tier1' | 'tier2' | 'tier3'
      priority: 'low' | 'normal' | 'high' | 'urgent'
      status: (typeof STATUSES)[number]
      sla_started_at: string
      sla_responded_at: string | null
      sla_due_at: string | null
    }[]
    for (const i of items) {
      expect(i.sla_due_at).toBe(slaDueAt({ queue: i.queue, priority: i.priority, status: i.status, slaStartedAt: i.sla_started_at, slaRespondedAt: i.sla_responded_at }, sla))
    }
    db.close()
  })

  it('is what workspace.seedDemo adds, signed in as the first service agent', () => {
    const { core, file } = openCore()
    const session = ok<SessionInfo>(core.dispatch('workspace.seedDemo', {}))
    expect(session.agent).toMatchObject({ role: 'service', name: 'Maya Okafor' })
    expect(session.workspace).toEqual({ empty: false, demo: true, itemCount: 3000 })
    expect(session.outboxPending).toBe(0)
    core.close()
    // seedDemoIfEmpty does the same on a new file, and nothing on an existing one.
    const again = openCore({ file, seedDemo: true })
    expect(ok<SessionInfo>(again.core.dispatch('session.get', {})).workspace.itemCount).toBe(3000)
    again.core.close()
    const fresh = openCore({ seedDemo: true })
    expect(ok<SessionInfo>(fresh.core.dispatch('session.get', {})).agent?.name).toBe('Maya Okafor')
    fresh.core.close()
  })
})
