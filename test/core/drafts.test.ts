import { afterEach, describe, expect, it } from 'vitest'
import type { Core, ImmediateOperationName } from '../../src/core/core'
import type { Envelope, Results } from '../../src/shared/contract'
import { FIXED_NOW, LOCAL_TEAM, ok, openCore, peek, teamWorkspace } from './helpers/workspace'

/** The composer's drafts (issue 13): in the console's database, per item, agent and mode; cleared when sent. */
describe('drafts', () => {
  let core: Core
  let file: string
  let maya: string
  afterEach(() => core?.close())

  const call = <T>(name: ImmediateOperationName, args: unknown): T => ok<T>(core.dispatch(name, args))
  const draft = (itemId: string, mode: 'reply' | 'note') => call<Results['draft.get']>('draft.get', { itemId, mode })
  const draftRows = () => peek(file, (db) => db.prepare('SELECT COUNT(*) AS n FROM drafts').get() as { n: number }).n

  function workspaceWithItem(): string {
    ;({ core, file, maya } = teamWorkspace([LOCAL_TEAM.tomas]))
    return call<Results['item.create']>('item.create', {
      kind: 'service',
      category: 'billing',
      channel: 'email',
      subject: 'Charged twice for my Plus plan',
      body: 'Please refund the duplicate charge.',
      customer: { type: 'new', name: 'Ann Smith', email: 'ann@example.com' }
    }).itemId
  }

  it('keeps what was typed per item and mode across a reopening of the database file, never in the outbox', () => {
    const itemId = workspaceWithItem()
    expect(draft(itemId, 'reply')).toEqual({ body: '', savedAt: null })
    const outbox = peek(file, (db) => db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n

    expect(call('draft.save', { itemId, mode: 'reply', body: 'Hello Ann, I am sorry ' })).toEqual({ saved: true })
    expect(call('draft.save', { itemId, mode: 'reply', body: 'Hello Ann, I am sorry for the double charge.  ' })).toEqual({ saved: true })
    expect(call('draft.save', { itemId, mode: 'note', body: 'Check the payment provider' })).toEqual({ saved: true })
    // Local only: nothing to push.
    expect(peek(file, (db) => db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n).toBe(outbox)

    core.close()
    ;({ core } = openCore({ file }))
    // Kept as typed (not trimmed: the agent is still writing).
    expect(draft(itemId, 'reply')).toEqual({ body: 'Hello Ann, I am sorry for the double charge.  ', savedAt: FIXED_NOW.toISOString() })
    expect(draft(itemId, 'note').body).toBe('Check the payment provider')
  })

  it('clears the reply draft when the reply is sent, and the note draft when the note is added, each alone', () => {
    const itemId = workspaceWithItem()
    call('draft.save', { itemId, mode: 'reply', body: 'We refunded it.' })
    call('draft.save', { itemId, mode: 'note', body: 'Refund id 42' })

    call('item.reply', { itemId, body: 'We refunded it.' })
    expect(draft(itemId, 'reply').body).toBe('')
    expect(draft(itemId, 'note').body).toBe('Refund id 42')

    call('item.addNote', { itemId, body: 'Refund id 42' })
    expect(draft(itemId, 'note').body).toBe('')
    expect(draftRows()).toBe(0)
  })

  it('keeps the draft when the send is refused (nothing was sent)', () => {
    const itemId = workspaceWithItem()
    call('draft.save', { itemId, mode: 'reply', body: 'Anything else?' })
    call('item.setStatus', { itemId, status: 'resolved' })
    call('item.setStatus', { itemId, status: 'closed' })
    const refused: Envelope<unknown> = core.dispatch('item.reply', { itemId, body: 'Anything else?' })
    expect(refused.ok).toBe(false)
    expect(draft(itemId, 'reply').body).toBe('Anything else?')
  })

  it('clears with an empty text; an unknown item is not_found; another agent on this console never sees it', () => {
    const itemId = workspaceWithItem()
    call('draft.save', { itemId, mode: 'reply', body: 'Half a thought' })
    expect(core.dispatch('draft.save', { itemId: 'no-such-item', mode: 'reply', body: 'x' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(call('draft.save', { itemId, mode: 'reply', body: '' })).toEqual({ saved: false })
    expect(draftRows()).toBe(0)

    call('draft.save', { itemId, mode: 'reply', body: 'Maya’s words' })
    call('session.signIn', { agentId: LOCAL_TEAM.tomas.id })
    expect(draft(itemId, 'reply').body).toBe('')
    call('session.signIn', { agentId: maya })
    expect(draft(itemId, 'reply').body).toBe('Maya’s words')
  })
})
