import Database from 'better-sqlite3'
import { describe, expect, it, vi } from 'vitest'
import type { Core } from '../../src/core/core'
import { createCoreOrRefusal } from '../../src/core/core'
import { MAX_ARGUMENT_BYTES, OPERATION_NAMES, type Envelope, type HandoffErrorData, type SessionInfo } from '../../src/shared/contract'
import { dump, ok, openCore } from './helpers/workspace'

/** The core's one door: every bad input answers an Envelope with the right code and a clear message, and changes nothing. */
function signedIn(): { core: Core; file: string; itemId: string } {
  const { core, file } = openCore()
  ok<SessionInfo>(core.dispatch('workspace.startEmpty', { name: 'Maya Okafor', email: 'maya@example.com' }))
  const { itemId } = ok<{ itemId: string }>(
    core.dispatch('item.create', { kind: 'service', category: 'billing', channel: 'email', subject: 'Invoice question', body: 'Where is my invoice?', customer: { type: 'new', name: 'Ann Smith' } })
  )
  return { core, file, itemId }
}

function expectError(answer: Envelope<unknown>, code: string, message?: RegExp): HandoffErrorData {
  if (answer.ok) throw new Error(`Expected ${code}, got ok: ${JSON.stringify(answer.value).slice(0, 200)}`)
  expect(answer.error.code).toBe(code)
  expect(answer.error.message.length).toBeGreaterThan(5)
  if (message) expect(answer.error.message).toMatch(message)
  return answer.error
}

describe('dispatch', () => {
  it('refuses bad input with the right code, a clear message, and no change to the database', async () => {
    const { core, file, itemId } = signedIn()
    const before = dump(file)
    const cases: [unknown, unknown, string, RegExp?][] = [
      ['no.such.operation', {}, 'unknown_operation', /no operation "no.such.operation"/],
      [42, {}, 'unknown_operation', /a number/],
      ['toString', {}, 'unknown_operation'],
      ['__proto__', {}, 'unknown_operation'],
      ['item.reply', { itemId, body: 'x'.repeat(MAX_ARGUMENT_BYTES) }, 'too_large', /too large/],
      ['item.reply', { itemId, body: 'é'.repeat(MAX_ARGUMENT_BYTES / 2) }, 'too_large'],
      ['item.reply', { itemId, body: '' }, 'invalid_argument', /^Reply cannot be empty\.$/],
      ['item.reply', { itemId, body: '   ' }, 'invalid_argument', /Reply cannot be empty/],
      ['item.reply', { itemId: 42, body: 'hi' }, 'invalid_argument'],
      ['item.reply', { itemId, body: 'hi', extra: true }, 'invalid_argument', /extra/],
      ['item.reply', null, 'invalid_argument'],
      ['item.reply', 'hello', 'invalid_argument'],
      ['item.reply', [itemId, 'hi'], 'invalid_argument'],
      ['item.recordRating', { itemId, kind: 'csat', score: 7 }, 'invalid_argument', /A CSAT answer is 1 to 5\./],
      ['item.recordRating', { itemId, kind: 'nps', score: 11 }, 'invalid_argument', /A NPS answer is 0 to 10\./],
      ['item.recordRating', { itemId, kind: 'stars', score: 3 }, 'invalid_argument'],
      ['item.setStatus', { itemId, status: 'closed' }, 'rejected', /cannot go from new to closed/],
      ['item.setStatus', { itemId, status: 'archived' }, 'invalid_argument'],
      ['item.get', { itemId: 'no-such-item' }, 'not_found', /no item no-such-item/],
      ['item.get', { itemId: 42 }, 'invalid_argument'],
      ['inbox.page', { filter: {}, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 5000 }, 'invalid_argument'],
      ['inbox.page', { filter: { search: 1 }, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 10 }, 'invalid_argument'],
      ['inbox.page', { filter: {}, sort: { column: 'rank', direction: 'desc' }, offset: 0, limit: 10 }, 'invalid_argument'],
      ['session.signIn', { agentId: 'nobody' }, 'not_found', /no agent nobody/],
      ['workspace.startEmpty', { name: 'Second', email: 'second@example.com' }, 'rejected', /not empty/],
      ['workspace.startEmpty', { name: '', email: 'not-an-email' }, 'invalid_argument'],
      ['workspace.seedDemo', {}, 'rejected', /already has items/],
      ['view.save', { name: '', filter: {}, sort: { column: 'age', direction: 'asc' } }, 'invalid_argument', /A view needs a name\./],
      ['customers.search', { query: 'x'.repeat(500) }, 'invalid_argument']
    ]
    for (const [name, args, code, message] of cases) {
      const error = expectError(await core.dispatch(name, args), code, message)
      if (code === 'invalid_argument') expect(error.issues?.length, JSON.stringify(args)?.slice(0, 80)).toBeGreaterThan(0)
      if (code === 'rejected') expect(error.rejection).toBeTruthy()
    }
    expect(dump(file)).toBe(before)
    core.close()
  })

  it('reports each wrong field with its path', () => {
    const { core } = signedIn()
    const error = expectError(
      core.dispatch('item.create', { kind: 'service', category: 'bug', channel: 'fax', subject: '', body: 'b', customer: { type: 'new', name: 'A' } }),
      'invalid_argument'
    )
    const paths = (error.issues ?? []).map((i) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['channel', 'subject']))
    core.close()
  })

  it('accepts missing args for operations without arguments, and applies schema defaults', () => {
    const { core } = signedIn()
    expect(core.dispatch('outbox.status', undefined)).toEqual({ ok: true, value: { pending: 1 } })
    const found = ok<unknown[]>(core.dispatch('customers.search', { query: 'ann' }))
    expect(found).toHaveLength(1)
    core.close()
  })

  it('answers not_signed_in for mutations before anyone signs in', () => {
    const { core, file } = openCore()
    const before = dump(file)
    expectError(core.dispatch('item.create', { kind: 'service', category: 'order', channel: 'chat', subject: 's', body: 'b', customer: { type: 'new', name: 'A' } }), 'not_signed_in')
    expectError(core.dispatch('inbox.page', { filter: { assignee: { type: 'me' } }, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 10 }), 'not_signed_in')
    expect(ok<SessionInfo>(core.dispatch('session.get', {}))).toEqual({ agent: null, workspace: { empty: true, demo: false, itemCount: 0 }, outboxPending: 0 })
    expect(dump(file)).toBe(before)
    core.close()
  })

  it('answers internal, with a generic message, when a handler fails unexpectedly', () => {
    const { core } = signedIn()
    core.close() // the database is gone: every handler now throws a plain Error
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const error = expectError(core.dispatch('session.get', {}), 'internal')
    expect(error.message).not.toMatch(/database|sqlite|closed/i)
    expect(log).toHaveBeenCalledWith(expect.stringContaining('session.get'), expect.any(Error)) // the real error goes to stderr
    log.mockRestore()
  })

  it('has a handler for every operation of the contract', () => {
    const { core } = signedIn()
    expect(Object.keys(core.handlers).sort()).toEqual([...OPERATION_NAMES].sort())
    core.close()
  })

  it('answers database_refused from a core over a refused file, for every operation', async () => {
    const { core, file } = openCore()
    core.close()
    // A newer schema: refused.
    const raw = new Database(file)
    raw.pragma('user_version = 99')
    raw.close()
    const refused = createCoreOrRefusal({ file })
    for (const name of OPERATION_NAMES) expectError(await refused.dispatch(name, {}), 'database_refused', /newer version of Handoff/)
    expect(() => refused.handlers['session.get']({})).toThrow(/newer version/)
    refused.close()
  })
})
