/**
 * The console's door refuses text that cannot be stored (NUL, half of an emoji) at once, with
 * the field's message, and queues nothing: a mutation in the outbox that the server cannot store
 * would once have stalled the agent's sync for good (issue 13).
 */
import { describe, expect, it } from 'vitest'
import type { Envelope, SessionInfo } from '../../src/shared/contract'
import { dump, ok, openCore, rowCounts } from './helpers/workspace'

function refusal(answer: Envelope<unknown>): { code: string; message: string } {
  if (answer.ok) throw new Error(`Expected a refusal, got ${JSON.stringify(answer.value).slice(0, 200)}`)
  return answer.error
}

describe('unstorable text at the core', () => {
  it('refuses a NUL or a lone surrogate in a reply, a note, a subject, with nothing queued', () => {
    const { core, file } = openCore()
    ok<SessionInfo>(core.dispatch('workspace.startEmpty', { name: 'Maya Okafor', email: 'maya@example.com' }))
    const { itemId } = ok<{ itemId: string }>(
      core.dispatch('item.create', { kind: 'service', category: 'billing', channel: 'email', subject: 'Invoice question', body: 'Where is my invoice?', customer: { type: 'new', name: 'Ann Smith' } })
    )
    const queued = rowCounts(file).outbox
    expect(queued).toBeGreaterThan(0) // a mutation is queued: what a refusal must not do

    const before = dump(file)
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['item.reply', { itemId, body: 'Hello\u0000' }, /^Reply contains a character that cannot be saved \(a NUL character, or half of an emoji\)/],
      ['item.reply', { itemId, body: 'Thanks \ud83d' }, /^Reply contains a character that cannot be saved/],
      ['item.addNote', { itemId, body: '\ude00 note' }, /contains a character that cannot be saved/],
      [
        'item.create',
        { kind: 'service', category: 'billing', channel: 'email', subject: 'Bill \ud83d', body: 'x', customer: { type: 'new', name: 'Bo' } },
        /^Subject contains a character that cannot be saved/
      ]
    ]
    for (const [name, args, message] of cases) {
      const error = refusal(core.dispatch(name as 'item.reply', args as never))
      expect(error.code).toBe('invalid_argument')
      expect(error.message).toMatch(message)
    }
    expect(dump(file)).toBe(before)
    expect(rowCounts(file).outbox).toBe(queued)

    // The same reply, whole, is queued.
    ok(core.dispatch('item.reply', { itemId, body: 'Thanks 😀' }))
    expect(rowCounts(file).outbox).toBe(queued + 1)
  })
})
