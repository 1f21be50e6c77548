/**
 * The renderer's event client (src/renderer/src/api/events.ts), with stand-ins for the browser:
 * under Electron it uses the preload's named subscriptions; in the harness one EventSource on
 * /events?token=…, shared by every subscription, closed with the last, and a reconnect after a
 * drop tells the state to ask again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventName, SyncStatus } from '../../src/shared/contract'
// The renderer's Window typing (window.handoffEvents); types only.
import type {} from '../../src/renderer/src/api/global'

type Handler = (message: { data: string }) => void

class FakeEventSource {
  static opened: FakeEventSource[] = []
  readonly handlers = new Map<string, Set<Handler>>()
  closed = false
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this)
  }
  addEventListener(type: string, handler: Handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set())
    this.handlers.get(type)!.add(handler)
  }
  removeEventListener(type: string, handler: Handler) {
    this.handlers.get(type)?.delete(handler)
  }
  close() {
    this.closed = true
  }
  fire(type: string, data = '') {
    this.handlers.get(type)?.forEach((h) => h({ data }))
  }
  listeners(type: string) {
    return this.handlers.get(type)?.size ?? 0
  }
}

async function load(opts: { token?: string; bridge?: Window['handoffEvents'] } = {}) {
  vi.resetModules()
  FakeEventSource.opened = []
  const storage = new Map<string, string>()
  vi.stubGlobal('EventSource', FakeEventSource)
  vi.stubGlobal('sessionStorage', { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, v) })
  vi.stubGlobal('window', {
    handoffEvents: opts.bridge,
    location: { hash: opts.token ? `#token=${opts.token}` : '', pathname: '/', search: '' },
    history: { state: null, replaceState: () => undefined }
  })
  const token = await import('../../src/renderer/src/api/token')
  token.readTokenFromLocation()
  return import('../../src/renderer/src/api/events')
}

beforeEach(() => {
  vi.unstubAllGlobals()
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the renderer’s events in the harness (EventSource)', () => {
  it('opens one stream with the token for every subscription, and closes it with the last', async () => {
    const events = await load({ token: 'tok_en-9' })
    const pending: number[] = []
    const versions: number[] = []
    const stopA = events.subscribe('outbox.changed', ({ pending: p }) => pending.push(p))
    const stopB = events.subscribe('items.changed', ({ dataVersion }) => versions.push(dataVersion))
    expect(FakeEventSource.opened).toHaveLength(1)
    const source = FakeEventSource.opened[0]!
    expect(source.url).toBe('/events?token=tok_en-9')

    source.fire('outbox.changed', '{"pending":3}')
    source.fire('items.changed', '{"dataVersion":9}')
    source.fire('outbox.changed', 'not json')
    expect(pending).toEqual([3])
    expect(versions).toEqual([9])

    stopA()
    stopA()
    expect(source.listeners('outbox.changed')).toBe(0)
    expect(source.closed).toBe(false)
    stopB()
    expect(source.closed).toBe(true)
    // A later subscription opens a new stream.
    events.subscribe('sync.changed', () => undefined)
    expect(FakeEventSource.opened).toHaveLength(2)
  })

  it('tells onReconnect listeners when the stream comes back after a drop, not on the first open', async () => {
    const events = await load({ token: 't' })
    const reconnects = vi.fn()
    events.onReconnect(reconnects)
    events.subscribe('sync.changed', () => undefined)
    const source = FakeEventSource.opened[0]!
    source.fire('open')
    expect(reconnects).not.toHaveBeenCalled()
    source.fire('error')
    source.fire('open')
    source.fire('open')
    expect(reconnects).toHaveBeenCalledTimes(1)
  })
})

describe('the renderer’s events under Electron (the preload’s subscriptions)', () => {
  it('uses the named subscription of the event, and no EventSource', async () => {
    const calls: EventName[] = []
    const unsubscribe = vi.fn()
    const listeners: ((payload: unknown) => void)[] = []
    const subscription = (name: EventName) => (listener: (payload: never) => void) => {
      calls.push(name)
      listeners.push(listener as (payload: unknown) => void)
      return unsubscribe
    }
    const bridge = {
      'outbox.changed': subscription('outbox.changed'),
      'sync.changed': subscription('sync.changed'),
      'items.changed': subscription('items.changed'),
      'messages.arrived': subscription('messages.arrived'),
      'ui.openItem': subscription('ui.openItem')
    }
    const events = await load({ bridge })
    const statuses: SyncStatus[] = []
    const stop = events.subscribe('sync.changed', (s) => statuses.push(s))
    expect(calls).toEqual(['sync.changed'])
    const status = { state: 'online' } as SyncStatus
    listeners[0]!(status)
    expect(statuses).toEqual([status])
    stop()
    expect(unsubscribe).toHaveBeenCalledTimes(1)
    expect(FakeEventSource.opened).toHaveLength(0)
  })
})
