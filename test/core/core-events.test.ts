/**
 * The core's events on a local workspace: the emitter itself, and what a local mutation, a read,
 * a refused call and a refused database emit. (A bound workspace's pulls: test/sync/client-events.test.ts.)
 */
import { writeFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { createCoreOrRefusal, type Core } from '../../src/core/core'
import { createCoreEvents } from '../../src/core/infra/events'
import { EVENT_NAMES, isEventName, type HandoffEvent, type SessionInfo, type SyncStatus } from '../../src/shared/contract'
import { ok, openCore, peek, tempFile } from './helpers/workspace'

function signedIn(): { core: Core; file: string; itemId: string; events: HandoffEvent[] } {
  const { core, file } = openCore()
  ok<SessionInfo>(core.dispatch('workspace.startEmpty', { name: 'Maya Okafor', email: 'maya@example.com' }))
  const { itemId } = ok<{ itemId: string }>(
    core.dispatch('item.create', { kind: 'service', category: 'billing', channel: 'email', subject: 'Invoice question', body: 'Where is my invoice?', customer: { type: 'new', name: 'Ann Smith' } })
  )
  const events: HandoffEvent[] = []
  core.onEvent((e) => events.push(e))
  return { core, file, itemId, events }
}

describe('the contract’s event list', () => {
  it('names each event once, and only those', () => {
    expect([...EVENT_NAMES].sort()).toEqual(['items.changed', 'messages.arrived', 'outbox.changed', 'sync.changed', 'ui.openItem'])
    expect(Object.isFrozen(EVENT_NAMES)).toBe(true)
    for (const name of EVENT_NAMES) expect(isEventName(name)).toBe(true)
    for (const name of ['sync.status', 'toString', '__proto__', '', 42, null]) expect(isEventName(name)).toBe(false)
  })
})

describe('createCoreEvents', () => {
  it('hands every event to every listener until it unsubscribes, and knows whether anyone listens', () => {
    const events = createCoreEvents()
    expect(events.listened).toBe(false)
    const a: HandoffEvent[] = []
    const b: HandoffEvent[] = []
    const stopA = events.on((e) => a.push(e))
    const stopB = events.on((e) => b.push(e))
    expect(events.listened).toBe(true)
    events.emit('outbox.changed', { pending: 2 })
    stopA()
    events.emit('items.changed', { dataVersion: 1 })
    expect(a).toEqual([{ name: 'outbox.changed', payload: { pending: 2 } }])
    expect(b).toEqual([
      { name: 'outbox.changed', payload: { pending: 2 } },
      { name: 'items.changed', payload: { dataVersion: 1 } }
    ])
    stopB()
    stopB() // twice is harmless
    expect(events.listened).toBe(false)
  })

  it('a throwing listener is logged; the emitter and the other listeners carry on', () => {
    const log = vi.fn()
    const events = createCoreEvents(log)
    const seen: string[] = []
    events.on(() => {
      throw new Error('listener broke')
    })
    events.on((e) => seen.push(e.name))
    expect(() => events.emit('outbox.changed', { pending: 1 })).not.toThrow()
    expect(seen).toEqual(['outbox.changed'])
    expect(log).toHaveBeenCalledWith(expect.stringContaining('outbox.changed'), expect.objectContaining({ message: 'listener broke' }))
  })

  it('the same function subscribed twice is two subscriptions, each removed on its own', () => {
    const events = createCoreEvents()
    const seen: string[] = []
    const listener = (e: HandoffEvent) => seen.push(e.name)
    const first = events.on(listener)
    events.on(listener)
    first()
    events.emit('items.changed', { dataVersion: 3 })
    expect(seen).toEqual(['items.changed'])
  })
})

describe('what a local workspace emits', () => {
  it('a local mutation: outbox.changed with the new count and sync.changed with it, after the commit', () => {
    const { core, file, itemId, events } = signedIn()
    // What a second connection sees when the events arrive: only committed rows.
    const committed: number[] = []
    core.onEvent((e) => {
      if (e.name === 'outbox.changed') committed.push(peek(file, (db) => db.prepare('SELECT count(*) FROM outbox').pluck().get() as number))
    })
    ok(core.dispatch('item.addNote', { itemId, body: 'Checked the ledger.' }))
    expect(events.map((e) => e.name)).toEqual(['outbox.changed', 'sync.changed'])
    expect(events[0]).toEqual({ name: 'outbox.changed', payload: { pending: 2 } })
    expect(events[1]).toMatchObject({ name: 'sync.changed', payload: { state: 'local', pending: 2, dataVersion: 0, rejections: 0 } })
    expect(events[1]!.payload).toEqual(ok<SyncStatus>(core.dispatch('sync.status', {})))
    expect(committed).toEqual([2])

    ok(core.dispatch('item.reply', { itemId, body: 'Your invoice is attached.' }))
    expect(events.slice(2)).toEqual([
      { name: 'outbox.changed', payload: { pending: 3 } },
      { name: 'sync.changed', payload: expect.objectContaining({ pending: 3 }) }
    ])
    core.close()
  })

  it('reads, refused calls and refused mutations emit nothing', () => {
    const { core, itemId, events } = signedIn()
    ok(core.dispatch('sync.status', {}))
    ok(core.dispatch('outbox.status', {}))
    ok(core.dispatch('item.get', { itemId }))
    expect(core.dispatch('item.setStatus', { itemId, status: 'closed' })).toMatchObject({ ok: false, error: { code: 'rejected' } })
    expect(core.dispatch('item.reply', { itemId, body: '' })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    expect(events).toEqual([])
    core.close()
  })

  it('a listener that throws does not fail the mutation, nor keep the others from their events', () => {
    const { core, itemId, events } = signedIn()
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      core.onEvent(() => {
        throw new Error('renderer went away')
      })
      const answer = core.dispatch('item.addNote', { itemId, body: 'Still recorded.' })
      expect(answer).toMatchObject({ ok: true })
      expect(ok<{ pending: number }>(core.dispatch('outbox.status', {})).pending).toBe(2)
      expect(events.map((e) => e.name)).toEqual(['outbox.changed', 'sync.changed'])
      expect(spy).toHaveBeenCalled()
    } finally {
      spy.mockRestore()
      core.close()
    }
  })

  it('stops when the listener unsubscribes, and emits nothing after close', () => {
    const { core, itemId } = signedIn()
    const seen: string[] = []
    const stop = core.onEvent((e) => seen.push(e.name))
    ok(core.dispatch('item.addNote', { itemId, body: 'One.' }))
    stop()
    ok(core.dispatch('item.addNote', { itemId, body: 'Two.' }))
    expect(seen).toEqual(['outbox.changed', 'sync.changed'])
    const late: string[] = []
    core.onEvent((e) => late.push(e.name))
    core.close()
    expect(late).toEqual([])
  })

  it('a refused database answers onEvent and emits nothing', () => {
    const file = tempFile()
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0x5a)]))
    const core = createCoreOrRefusal({ file })
    const seen: HandoffEvent[] = []
    const stop = core.onEvent((e) => seen.push(e))
    expect(core.dispatch('item.addNote', { itemId: 'x', body: 'y' })).toMatchObject({ ok: false, error: { code: 'database_refused' } })
    stop()
    expect(seen).toEqual([])
    core.close()
  })
})
