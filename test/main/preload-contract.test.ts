import { describe, expect, it } from 'vitest'
import { OPERATION_NAMES } from '../../src/shared/contract/names'
import { MAX_ARGUMENT_BYTES, channelFor } from '../../src/shared/contract/doors'
import { isEnvelope, type Envelope } from '../../src/shared/contract/errors'
import { buildPreloadApi } from '../../src/preload/api'
import { buildHandler, registerHandoffIpc, type IpcHandler, type InvokeEventLike } from '../../src/main/ipc'
import type { FrameLike } from '../../src/main/security'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ok = (value: unknown): Envelope<unknown> => ({ ok: true, value })
const trustedFrame: FrameLike = { url: 'file:///app/index.html', parent: null, processId: 1, routingId: 1 }
const event = (senderFrame: FrameLike | null = trustedFrame): InvokeEventLike => ({ senderFrame })

/** A stand-in for ipcMain: records what is registered (Electron cannot run here). */
function fakeRegistrar() {
  const handlers = new Map<string, IpcHandler>()
  return {
    handlers,
    handle(channel: string, listener: IpcHandler) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, listener)
    }
  }
}

describe('the preload', () => {
  it('exposes exactly one method per operation, each invoking its own channel with the args as given', async () => {
    const calls: [string, unknown][] = []
    const api = buildPreloadApi(async (channel, args) => {
      calls.push([channel, args])
      return ok(channel)
    })
    expect(Object.keys(api).sort()).toEqual([...OPERATION_NAMES].sort())
    expect(Object.keys(api)).toHaveLength(OPERATION_NAMES.length)
    for (const name of OPERATION_NAMES) {
      expect(typeof api[name]).toBe('function')
      const args = { probe: name }
      await expect(api[name](args)).resolves.toEqual(ok(`handoff:${name}`))
      expect(calls.at(-1)).toEqual([`handoff:${name}`, args])
    }
    expect(Object.isFrozen(api)).toBe(true)
  })

  it('exposes nothing but those functions (no ipcRenderer, no generic invoke)', () => {
    const api = buildPreloadApi(async () => ok(null)) as unknown as Record<string, unknown>
    for (const [key, value] of Object.entries(api)) {
      expect(OPERATION_NAMES as readonly string[]).toContain(key)
      expect(typeof value).toBe('function')
    }
    const source = readFileSync(fileURLToPath(new URL('../../src/preload/index.ts', import.meta.url)), 'utf8')
    // Two exposures: these methods, and the named event subscriptions (test/main/event-channels.test.ts).
    expect(source.match(/exposeInMainWorld/g)).toHaveLength(2)
    expect(source).toContain("exposeInMainWorld(\n  'handoff',\n  buildPreloadApi(")
    expect(source).toContain("exposeInMainWorld('handoffEvents', buildPreloadEvents(ipcRenderer))")
  })
})

describe('the main process IPC', () => {
  const options = { call: async (name: string, args: unknown) => ok({ name, args }), isTrustedSender: (f: FrameLike | null | undefined) => f === trustedFrame }

  it('registers one channel per operation, and the same channels the preload invokes', async () => {
    const registrar = fakeRegistrar()
    const channels = registerHandoffIpc(registrar, options)
    expect(channels).toEqual(OPERATION_NAMES.map((n) => `handoff:${n}`))
    expect(channels).toEqual(OPERATION_NAMES.map(channelFor))
    expect([...registrar.handlers.keys()]).toEqual(channels)

    const invoked: string[] = []
    const api = buildPreloadApi(async (channel, args) => {
      invoked.push(channel)
      const handler = registrar.handlers.get(channel)
      if (!handler) throw new Error(`no handler for ${channel}`)
      return handler(event(), args)
    })
    for (const name of OPERATION_NAMES) {
      await expect(api[name]({ n: 1 })).resolves.toEqual(ok({ name, args: { n: 1 } }))
    }
    expect(invoked.sort()).toEqual(channels.sort())
  })

  it('answers an untrusted sender with an Envelope and never calls the core', async () => {
    let called = 0
    const handler = buildHandler('session.get', { ...options, call: async () => (called++, ok(null)) })
    for (const frame of [null, { ...trustedFrame }]) {
      const answer = await handler(event(frame), {})
      expect(answer).toMatchObject({ ok: false, error: { code: 'internal' } })
    }
    expect(called).toBe(0)
  })

  it('refuses oversized, non-JSON and extra arguments before the core', async () => {
    let called = 0
    const handler = buildHandler('item.addNote', { ...options, call: async () => (called++, ok(null)) })
    const big = { itemId: 'x', body: 'y'.repeat(MAX_ARGUMENT_BYTES) }
    expect(await handler(event(), big)).toMatchObject({ ok: false, error: { code: 'too_large' } })
    // Multi-byte characters count as bytes, not characters.
    expect(await handler(event(), { body: 'é'.repeat(MAX_ARGUMENT_BYTES / 2) })).toMatchObject({ ok: false, error: { code: 'too_large' } })
    expect(await handler(event(), { n: 10n })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    expect(await handler(event(), {}, {})).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    expect(called).toBe(0)
    expect(await handler(event(), { body: 'y'.repeat(MAX_ARGUMENT_BYTES - 100) })).toMatchObject({ ok: true })
    expect(called).toBe(1)
  })

  it('turns a failing or malformed core answer into an internal Envelope', async () => {
    const throwing = buildHandler('session.get', { ...options, call: async () => Promise.reject(new Error('worker gone')) })
    expect(await throwing(event(), {})).toEqual({ ok: false, error: { code: 'internal', message: 'worker gone' } })
    const malformed = buildHandler('session.get', { ...options, call: async () => 'nope' as unknown as Envelope<unknown> })
    const answer = await malformed(event(), {})
    expect(isEnvelope(answer) && !answer.ok && answer.error.code).toBe('internal')
  })
})
