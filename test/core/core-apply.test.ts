import Database from 'better-sqlite3'
import { validate as isUuid, version as uuidVersion } from 'uuid'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Core, ImmediateOperationName } from '../../src/core/core'
import type { Results, SessionInfo } from '../../src/shared/contract'
import { FIXED_NOW, dump, ok, openCore, peek, rowCounts } from './helpers/workspace'

/** Every mutation through the core's door: the rows it writes and its outbox row, in one go. */
let core: Core
let file: string
let me: string
let other: string

interface OutboxRow {
  seq: number
  mutation_id: string
  name: string
  args: string
  actor_id: string
  created_at: string
}
const outboxRow = (mutationId: string) => peek(file, (db) => db.prepare('SELECT * FROM outbox WHERE mutation_id = ?').get(mutationId) as OutboxRow | undefined)
const row = (sql: string, ...params: unknown[]) => peek(file, (db) => db.prepare(sql).get(...params) as Record<string, unknown> | undefined)
const rows = (sql: string, ...params: unknown[]) => peek(file, (db) => db.prepare(sql).all(...params) as Record<string, unknown>[])

function expectOutbox(mutationId: string, name: string, args: Record<string, unknown>) {
  expect(isUuid(mutationId)).toBe(true)
  expect(uuidVersion(mutationId)).toBe(7)
  const r = outboxRow(mutationId)
  expect(r).toBeDefined()
  expect(r?.name).toBe(name)
  expect(r?.actor_id).toBe(me)
  expect(r?.created_at).toBe(FIXED_NOW.toISOString())
  expect(JSON.parse(r?.args ?? 'null')).toMatchObject(args)
}

function call<T>(name: ImmediateOperationName, args: unknown): T {
  return ok<T>(core.dispatch(name, args))
}

function createItem(extra: Record<string, unknown> = {}): Results['item.create'] {
  return call('item.create', {
    kind: 'service',
    category: 'billing',
    channel: 'email',
    subject: 'Charged twice for my Plus plan',
    body: 'Please refund the duplicate charge.',
    customer: { type: 'new', name: 'Ann Smith', email: 'ann@example.com' },
    ...extra
  })
}

beforeEach(() => {
  ;({ core, file } = openCore())
  me = call<SessionInfo>('workspace.startEmpty', { name: 'Maya Okafor', email: 'maya@example.com' }).agent?.id ?? ''
  // A second agent, as sync would bring it: straight into the table.
  other = '019a0000-0000-7000-8000-00000000beef'
  core.close()
  const db = new Database(file)
  db.prepare("INSERT INTO agents (id, name, email, role, tiers) VALUES (?, 'Tomás Alvarez', 'tomas@example.com', 'support', '[1]')").run(other)
  db.close()
  ;({ core } = openCore({ file }))
})

describe('item.create', () => {
  it('writes the customer, item, first message, created event, FTS rows and the outbox row', () => {
    const before = rowCounts(file)
    const r = createItem({ priority: 'high', assignToMe: true })
    expect(r.itemId).toBe(r.mutationId)
    const after = rowCounts(file)
    expect(after).toMatchObject({
      customers: before.customers + 1,
      items: before.items + 1,
      messages: before.messages + 1,
      item_events: before.item_events + 2,
      outbox: before.outbox + 1,
      // The full-text documents are written before the next search (search-index.ts).
      search_dirty: before.search_dirty + 1,
      items_fts: before.items_fts
    })
    expect(ok<{ rows: { id: string }[] }>(core.dispatch('inbox.page', { filter: { search: 'duplicate' }, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 10 })).rows.map((r) => r.id)).toEqual([r.itemId])
    expect(rowCounts(file)).toMatchObject({ search_dirty: 0, items_fts: before.items_fts + 1, customers_fts: before.customers_fts + 1 })
    expect(ok<{ name: string }[]>(core.dispatch('customers.search', { query: 'ann smi' })).map((c) => c.name)).toEqual(['Ann Smith'])
    expect(row('SELECT id, status, priority, customer_name, assignee_id, assignee_name, sla_due_at FROM items WHERE id = ?', r.itemId)).toEqual({
      id: r.itemId,
      status: 'new',
      priority: 'high',
      customer_name: 'Ann Smith',
      assignee_id: me,
      assignee_name: 'Maya Okafor',
      sla_due_at: '2026-11-23T10:00:00.000Z'
    })
    expect(row('SELECT kind, body FROM messages WHERE id = ?', `${r.mutationId}.m0`)).toEqual({ kind: 'customer', body: 'Please refund the duplicate charge.' })
    expectOutbox(r.mutationId, 'item.create', { kind: 'service', priority: 'high', assignToMe: true, customer: { type: 'new', name: 'Ann Smith', email: 'ann@example.com', phone: null } })
  })

  it('uses an existing customer and records the parsed arguments with their defaults', () => {
    const first = createItem()
    const second = createItem({ customer: { type: 'existing', customerId: first.customerId } })
    expect(second.customerId).toBe(first.customerId)
    expectOutbox(second.mutationId, 'item.create', { priority: 'normal', assignToMe: false, customer: { type: 'existing', customerId: first.customerId } })
  })
})

describe('item.logContact', () => {
  it('writes a resolved contact with its four events', () => {
    const r = call<Results['item.logContact']>('item.logContact', {
      channel: 'phone',
      category: 'order',
      subject: 'Where is my delivery?',
      summary: 'Customer called; parcel is at the depot.',
      outcome: 'resolved',
      customer: { type: 'new', name: 'Bo Jensen', phone: '+45 1234 5678' }
    })
    expect(row('SELECT status, first_response_at, resolved_at, sla_due_at FROM items WHERE id = ?', r.itemId)).toEqual({
      status: 'resolved',
      first_response_at: FIXED_NOW.toISOString(),
      resolved_at: FIXED_NOW.toISOString(),
      sla_due_at: null
    })
    expect(rows('SELECT type FROM item_events WHERE id LIKE ? ORDER BY id', `${r.mutationId}.%`).map((e) => e.type)).toEqual(['created', 'contact_logged', 'assigned', 'status'])
    expectOutbox(r.mutationId, 'item.logContact', { channel: 'phone', outcome: 'resolved' })
  })
})

describe('work on an item', () => {
  it('item.reply stores the reply, opens the item, stamps first response and reindexes the thread', () => {
    const { itemId } = createItem()
    const r = call<Results['item.reply']>('item.reply', { itemId, body: 'I have issued the refund of €12.50 (zwieback).' })
    expect(r.messageId).toBe(`${r.mutationId}.m`)
    expect(row('SELECT kind, author_id, channel FROM messages WHERE id = ?', r.messageId)).toEqual({ kind: 'reply', author_id: me, channel: 'email' })
    expect(row('SELECT status, first_response_at FROM items WHERE id = ?', itemId)).toEqual({ status: 'open', first_response_at: FIXED_NOW.toISOString() })
    expect(row('SELECT from_value, to_value FROM item_events WHERE id = ?', `${r.mutationId}.e0`)).toEqual({ from_value: 'new', to_value: 'open' })
    const found = ok<{ rows: { id: string }[] }>(core.dispatch('inbox.page', { filter: { search: 'zwieback' }, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 10 }))
    expect(found.rows.map((row) => row.id)).toEqual([itemId])
    expectOutbox(r.mutationId, 'item.reply', { itemId, body: 'I have issued the refund of €12.50 (zwieback).' })
  })

  it('item.addNote stores an internal note', () => {
    const { itemId } = createItem()
    const r = call<Results['item.addNote']>('item.addNote', { itemId, body: 'Checked with billing.' })
    expect(row('SELECT kind FROM messages WHERE id = ?', r.messageId)).toEqual({ kind: 'note' })
    expect(row('SELECT status, first_response_at FROM items WHERE id = ?', itemId)).toEqual({ status: 'new', first_response_at: null })
    expectOutbox(r.mutationId, 'item.addNote', { itemId })
  })

  it('item.setStatus records the transition and its reason', () => {
    const { itemId } = createItem()
    const r = call<Results['item.setStatus']>('item.setStatus', { itemId, status: 'pending', reason: 'Waiting for the bank.' })
    expect(r.status).toBe('pending')
    expect(row('SELECT type, from_value, to_value, reason, actor_id FROM item_events WHERE id = ?', `${r.mutationId}.e0`)).toEqual({
      type: 'status',
      from_value: 'new',
      to_value: 'pending',
      reason: 'Waiting for the bank.',
      actor_id: me
    })
    expectOutbox(r.mutationId, 'item.setStatus', { itemId, status: 'pending', reason: 'Waiting for the bank.' })
  })

  it('item.setPriority changes the priority and the deadline', () => {
    const { itemId } = createItem()
    const r = call<Results['item.setPriority']>('item.setPriority', { itemId, priority: 'urgent' })
    expect(row('SELECT priority, sla_due_at FROM items WHERE id = ?', itemId)).toEqual({ priority: 'urgent', sla_due_at: '2026-11-23T09:30:00.000Z' })
    expectOutbox(r.mutationId, 'item.setPriority', { itemId, priority: 'urgent' })
  })

  it('item.assign keeps the denormalized assignee name in step', () => {
    const { itemId } = createItem()
    const r = call<Results['item.assign']>('item.assign', { itemId, assigneeId: other, expectedAssigneeId: null })
    expect(row('SELECT assignee_id, assignee_name FROM items WHERE id = ?', itemId)).toEqual({ assignee_id: other, assignee_name: 'Tomás Alvarez' })
    call('item.assign', { itemId, assigneeId: null, expectedAssigneeId: other })
    expect(row('SELECT assignee_id, assignee_name FROM items WHERE id = ?', itemId)).toEqual({ assignee_id: null, assignee_name: null })
    expectOutbox(r.mutationId, 'item.assign', { itemId, assigneeId: other, expectedAssigneeId: null })
  })

  it('item.recordRating stores the answer and its event', () => {
    const { itemId } = createItem()
    const r = call<Results['item.recordRating']>('item.recordRating', { itemId, kind: 'nps', score: 9 })
    expect(row('SELECT kind, score, recorded_by FROM ratings WHERE id = ?', r.ratingId)).toEqual({ kind: 'nps', score: 9, recorded_by: me })
    expect(row('SELECT to_value FROM item_events WHERE id = ?', `${r.mutationId}.e0`)).toEqual({ to_value: 'nps:9' })
    expectOutbox(r.mutationId, 'item.recordRating', { itemId, kind: 'nps', score: 9 })
  })
})

describe('views', () => {
  it('view.save creates and renames the agent own view; view.delete removes it', () => {
    const created = call<Results['view.save']>('view.save', { name: 'Urgent email', filter: { channels: ['email'], priorities: ['urgent'] }, sort: { column: 'slaDue', direction: 'asc' } })
    expect(row('SELECT owner_id, name FROM views WHERE id = ?', created.viewId)).toEqual({ owner_id: me, name: 'Urgent email' })
    const renamed = call<Results['view.save']>('view.save', { viewId: created.viewId, name: 'Urgent mail', filter: {}, sort: { column: 'age', direction: 'desc' } })
    expect(row('SELECT name, filter FROM views WHERE id = ?', created.viewId)).toEqual({ name: 'Urgent mail', filter: '{}' })
    const deleted = call<Results['view.delete']>('view.delete', { viewId: created.viewId })
    expect(row('SELECT * FROM views WHERE id = ?', created.viewId)).toBeUndefined()
    expectOutbox(created.mutationId, 'view.save', { name: 'Urgent email' })
    expectOutbox(renamed.mutationId, 'view.save', { viewId: created.viewId })
    expectOutbox(deleted.mutationId, 'view.delete', { viewId: created.viewId })
  })
})

describe('rejections write nothing', () => {
  /** Runs a call that must be refused and checks that no table (nor the outbox) changed. */
  function expectRefused(name: ImmediateOperationName, args: unknown, code: string, rejection?: string) {
    const before = dump(file)
    const counts = rowCounts(file)
    const answer = core.dispatch(name, args)
    expect(answer.ok).toBe(false)
    if (!answer.ok) {
      expect(answer.error.code).toBe(code)
      if (rejection) expect(answer.error.rejection).toBe(rejection)
      expect(answer.error.message.length).toBeGreaterThan(10)
    }
    expect(rowCounts(file)).toEqual(counts)
    expect(dump(file)).toBe(before)
    return answer
  }

  it('refuses each rule violation with its rejection code', () => {
    const { itemId, customerId } = createItem()
    expectRefused('item.reply', { itemId: 'no-such-item', body: 'Hello' }, 'rejected', 'not_found')
    expectRefused('item.create', { kind: 'service', category: 'order', channel: 'chat', subject: 's', body: 'b', customer: { type: 'existing', customerId: 'ghost' } }, 'rejected', 'not_found')
    expectRefused('item.setStatus', { itemId, status: 'closed' }, 'rejected', 'invalid_transition')
    expectRefused('item.setStatus', { itemId, status: 'new' }, 'rejected', 'unchanged')
    expectRefused('item.setPriority', { itemId, priority: 'normal' }, 'rejected', 'unchanged')
    expectRefused('item.assign', { itemId, assigneeId: 'ghost', expectedAssigneeId: null }, 'rejected', 'not_found')
    expectRefused('item.assign', { itemId, assigneeId: other }, 'invalid_argument')
    call('item.assign', { itemId, assigneeId: other, expectedAssigneeId: null })
    const conflict = expectRefused('item.assign', { itemId, assigneeId: me, expectedAssigneeId: null }, 'rejected', 'conflict')
    expect(!conflict.ok && conflict.error.message).toContain('Tomás Alvarez')
    call('item.recordRating', { itemId, kind: 'csat', score: 4 })
    expectRefused('item.recordRating', { itemId, kind: 'csat', score: 5 }, 'rejected', 'duplicate')
    expectRefused('view.save', { viewId: 'builtin:my-open', name: 'Mine', filter: {}, sort: { column: 'age', direction: 'asc' } }, 'rejected', 'forbidden')
    expectRefused('view.delete', { viewId: 'builtin:all' }, 'rejected', 'forbidden')
    expectRefused('view.delete', { viewId: 'no-such-view' }, 'rejected', 'not_found')
    call('item.setStatus', { itemId, status: 'resolved' })
    call('item.setStatus', { itemId, status: 'closed' })
    expectRefused('item.reply', { itemId, body: 'Hello again' }, 'rejected', 'closed')
    expectRefused('item.setStatus', { itemId, status: 'open' }, 'rejected', 'closed')
    expect(customerId).toBeTruthy()
  })

  it('refuses a reopen after the 7-day window', () => {
    const { itemId } = createItem()
    call('item.setStatus', { itemId, status: 'resolved' })
    core.close()
    ;({ core } = openCore({ file, now: () => new Date(FIXED_NOW.getTime() + 8 * 86_400_000) }))
    expectRefused('item.setStatus', { itemId, status: 'open' }, 'rejected', 'invalid_transition')
  })

  it('refuses every mutation when nobody is signed in', () => {
    const { itemId } = createItem()
    core.close()
    const db = new Database(file)
    db.prepare("DELETE FROM meta WHERE key = 'session.agentId'").run()
    db.close()
    ;({ core } = openCore({ file }))
    expectRefused('item.reply', { itemId, body: 'Hi' }, 'not_signed_in')
    expectRefused('view.save', { name: 'V', filter: {}, sort: { column: 'age', direction: 'asc' } }, 'not_signed_in')
  })
})
