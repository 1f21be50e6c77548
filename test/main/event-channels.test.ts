/**
 * The events' way from the core to the renderer under Electron, with fakes for what Electron
 * provides: src/main/events.ts sends each event on its own channel to the main window only;
 * src/preload/events.ts exposes one named subscription per event, listening on that channel and
 * handing over the payload only.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { forwardCoreEvents, type WebContentsLike } from '../../src/main/events'
import { buildPreloadEvents, type IpcRendererLike } from '../../src/preload/events'
import { EVENT_NAMES, eventChannel, type HandoffEvent, type SyncStatus } from '../../src/shared/contract'

const APP_URL = 'file:///app/out/renderer/index.html'
const STATUS: SyncStatus = { state: 'online', serverUrl: 'https://s.test', agentId: 'a1', pending: 0, lastSyncedAt: null, firstSync: null, rejections: 0, dataVersion: 4, lastError: null, notices: [] }
const SAMPLE: { [K in HandoffEvent['name']]: Extract<HandoffEvent, { name: K }> } = {
  'outbox.changed': { name: 'outbox.changed', payload: { pending: 3 } },
  'sync.changed': { name: 'sync.changed', payload: STATUS },
  'items.changed': { name: 'items.changed', payload: { dataVersion: 4 } },
  'messages.arrived': { name: 'messages.arrived', payload: { itemId: 'i1', messageId: 'm1', subject: 'Parcel', customerName: 'Ann Smith', preview: 'Where is it?' } },
  'ui.openItem': { name: 'ui.openItem', payload: { itemId: 'i1' } }
}

/** The host's side: a list of listeners the test emits to. */
function fakeHost() {
  const listeners = new Set<(e: HandoffEvent) => void>()
  return {
    onEvent(listener: (e: HandoffEvent) => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    emit: (e: HandoffEvent) => listeners.forEach((l) => l(e)),
    get listeners() {
      return listeners.size
    }
  }
}

function fakeContents(url = APP_URL) {
  const sent: [string, unknown[]][] = []
  const contents = { destroyed: false, url, isDestroyed: () => contents.destroyed, getURL: () => contents.url, send: (channel: string, ...args: unknown[]) => sent.push([channel, args]) }
  return { contents, sent }
}

/** ipcRenderer's on/removeListener over a map, plus what main's webContents.send would deliver. */
function fakeIpcRenderer() {
  const handlers = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>()
  const ipc: IpcRendererLike = {
    on(channel, listener) {
      if (!handlers.has(channel)) handlers.set(channel, new Set())
      handlers.get(channel)!.add(listener)
    },
    removeListener(channel, listener) {
      handlers.get(channel)?.delete(listener)
    }
  }
  const electronEvent = { sender: { send: () => 'the sender' }, senderId: 0 }
  const deliver = (channel: string, ...args: unknown[]) => handlers.get(channel)?.forEach((h) => h(electronEvent, ...args))
  const count = () => [...handlers.values()].reduce((n, s) => n + s.size, 0)
  return { ipc, deliver, count, handlers }
}

describe('main: the core’s events to the window', () => {
  it('sends each event on its own channel, payload as the one argument', () => {
    const host = fakeHost()
    const { contents, sent } = fakeContents()
    forwardCoreEvents(host, { appUrl: APP_URL, target: () => contents })
    for (const name of EVENT_NAMES) host.emit(SAMPLE[name])
    expect(sent).toEqual(EVENT_NAMES.map((name) => [`handoff:event:${name}`, [SAMPLE[name].payload]]))
    expect(new Set(sent.map(([channel]) => channel)).size).toBe(EVENT_NAMES.length)
  })

  it('sends nothing without a window, to a destroyed one, or to a page that is not the app; the core carries on', () => {
    const host = fakeHost()
    const log = vi.fn()
    let target: WebContentsLike | null = null
    forwardCoreEvents(host, { appUrl: APP_URL, target: () => target, log })
    expect(() => host.emit(SAMPLE['outbox.changed'])).not.toThrow()

    const { contents, sent } = fakeContents()
    target = contents
    contents.destroyed = true
    host.emit(SAMPLE['outbox.changed'])
    contents.destroyed = false
    contents.url = 'https://evil.example/'
    host.emit(SAMPLE['sync.changed'])
    contents.url = 'about:blank'
    host.emit(SAMPLE['sync.changed'])
    expect(sent).toEqual([])
    expect(log).toHaveBeenCalledWith(expect.stringContaining('does not show the app'), 'https://evil.example/')

    contents.url = `${APP_URL}#/inbox`
    host.emit(SAMPLE['items.changed'])
    expect(sent).toEqual([['handoff:event:items.changed', [{ dataVersion: 4 }]]])
  })

  it('drops a name outside the contract, survives a send that throws, and stops when told', () => {
    const host = fakeHost()
    const log = vi.fn()
    const { contents, sent } = fakeContents()
    const stop = forwardCoreEvents(host, { appUrl: APP_URL, target: () => contents, log })
    host.emit({ name: 'handoff.anything', payload: {} } as unknown as HandoffEvent)
    expect(sent).toEqual([])
    const throwing = { ...contents, send: () => { throw new Error('Object has been destroyed') } }
    const stop2 = forwardCoreEvents(host, { appUrl: APP_URL, target: () => throwing, log })
    expect(() => host.emit(SAMPLE['outbox.changed'])).not.toThrow()
    expect(sent).toHaveLength(1)
    stop()
    stop2()
    expect(host.listeners).toBe(0)
  })
})

describe('preload: named event subscriptions', () => {
  it('exactly one subscription function per event name, frozen, and nothing else', () => {
    const { ipc } = fakeIpcRenderer()
    const events = buildPreloadEvents(ipc) as unknown as Record<string, unknown>
    expect(Object.keys(events).sort()).toEqual([...EVENT_NAMES].sort())
    for (const value of Object.values(events)) expect(typeof value).toBe('function')
    expect(Object.isFrozen(events)).toBe(true)
    expect(events['on']).toBeUndefined()
  })

  it('listens on the event’s own channel and hands the listener the payload only', () => {
    const { ipc, deliver } = fakeIpcRenderer()
    const events = buildPreloadEvents(ipc)
    for (const name of EVENT_NAMES) {
      const got: unknown[][] = []
      const stop = events[name]((...args: unknown[]) => got.push(args))
      deliver(eventChannel(name), SAMPLE[name].payload, 'an extra argument')
      for (const other of EVENT_NAMES) if (other !== name) deliver(eventChannel(other), SAMPLE[other].payload)
      expect(got).toEqual([[SAMPLE[name].payload]])
      stop()
    }
  })

  it('unsubscribe removes exactly that listener, once', () => {
    const { ipc, deliver, count } = fakeIpcRenderer()
    const events = buildPreloadEvents(ipc)
    const a: unknown[] = []
    const b: unknown[] = []
    const stopA = events['outbox.changed']((p) => a.push(p))
    events['outbox.changed']((p) => b.push(p))
    expect(count()).toBe(2)
    stopA()
    stopA()
    expect(count()).toBe(1)
    deliver('handoff:event:outbox.changed', { pending: 1 })
    expect(a).toEqual([])
    expect(b).toEqual([{ pending: 1 }])
  })

  it('refuses a listener that is not a function, subscribing nothing', () => {
    const { ipc, count } = fakeIpcRenderer()
    const events = buildPreloadEvents(ipc) as unknown as Record<string, (l: unknown) => unknown>
    expect(() => events['sync.changed']!('not a function')).toThrow(TypeError)
    expect(count()).toBe(0)
  })

  it('main and preload meet on the same channels: core event -> window -> subscription', () => {
    const host = fakeHost()
    const { ipc, deliver } = fakeIpcRenderer()
    const contents: WebContentsLike = { isDestroyed: () => false, getURL: () => APP_URL, send: (channel, ...args) => deliver(channel, ...args) }
    forwardCoreEvents(host, { appUrl: APP_URL, target: () => contents })
    const events = buildPreloadEvents(ipc)
    const statuses: SyncStatus[] = []
    events['sync.changed']((s) => statuses.push(s))
    host.emit(SAMPLE['sync.changed'])
    host.emit(SAMPLE['outbox.changed'])
    expect(statuses).toEqual([STATUS])
  })

  it('index.ts exposes the subscriptions under their own name, built from ipcRenderer', () => {
    const source = readFileSync(fileURLToPath(new URL('../../src/preload/index.ts', import.meta.url)), 'utf8')
    expect(source).toContain("exposeInMainWorld('handoffEvents', buildPreloadEvents(ipcRenderer))")
  })
})
