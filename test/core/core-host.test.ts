import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { tsWorkerUrl } from '../support/ts-worker'
import { startCoreWorker } from '../../src/core/worker/host'
import { registerHandoffIpc, type IpcHandler } from '../../src/main/ipc'
import { buildPreloadApi } from '../../src/preload/api'
import type { FrameLike } from '../../src/main/security'
import type { HandoffEvent } from '../../src/shared/contract'

const workerFile = tsWorkerUrl(new URL('../../src/core/worker/entry.ts', import.meta.url))
const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-core-host-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('the core in a worker thread', () => {
  it('answers many concurrent calls, each with its own Envelope, then closes cleanly', async () => {
    const host = startCoreWorker(workerFile, { file: join(tempDir(), 'handoff.sqlite'), seedDemoIfEmpty: true })
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, () => host.call('outbox.status', {})),
      host.call('session.get', {}),
      host.call('no.such.operation', {}),
      host.call('item.get', { itemId: 42 })
    ])
    for (const answer of answers.slice(0, 20)) expect(answer).toEqual({ ok: true, value: { pending: 0 } })
    expect(answers[20]).toMatchObject({ ok: true, value: { workspace: { empty: false } } })
    expect(answers[21]).toMatchObject({ ok: false, error: { code: 'unknown_operation' } })
    expect(answers[22]).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    await host.close()
    expect(await host.call('session.get', {})).toMatchObject({ ok: false, error: { code: 'internal' } })
    await host.close() // idempotent
  }, 60_000)

  it('refuses arguments that cannot cross the thread boundary with an Envelope', async () => {
    const host = startCoreWorker(workerFile, { file: join(tempDir(), 'handoff.sqlite') })
    expect(await host.call('session.get', { f: () => 1 })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    expect(await host.call('outbox.status', {})).toMatchObject({ ok: true })
    await host.close()
  }, 60_000)

  it('answers database_refused for a corrupt file, without crashing', async () => {
    const file = join(tempDir(), 'handoff.sqlite')
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0x5a)]))
    const host = startCoreWorker(workerFile, { file })
    expect(await host.call('session.get', {})).toMatchObject({ ok: false, error: { code: 'database_refused' } })
    await host.close()
  }, 60_000)

  it('answers every call with an internal Envelope when the native module cannot load', async () => {
    const host = startCoreWorker(workerFile, { file: join(tempDir(), 'handoff.sqlite'), nativeBinding: join(tempDir(), 'missing.node') })
    expect(await host.call('session.get', {})).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('The core could not start') } })
    await host.close()
  }, 60_000)

  it('settles pending calls with an internal Envelope when the worker dies', async () => {
    // A stand-in worker that dies on its first message: what matters here is the host's side.
    const dying = new URL(`data:text/javascript,${encodeURIComponent("import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => process.exit(3))")}`)
    const host = startCoreWorker(dying, { file: 'unused' })
    const [a, b] = await Promise.all([host.call('session.get', {}), host.call('outbox.status', {})])
    expect(a).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('exit code 3') } })
    expect(b).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect(await host.call('session.get', {})).toMatchObject({ ok: false, error: { code: 'internal' } })
    await host.close()
  })

  it('forwards the core’s events to every listener, after the call that caused them; none after close', async () => {
    const host = startCoreWorker(workerFile, { file: join(tempDir(), 'handoff.sqlite') })
    const events: HandoffEvent[] = []
    const seenAlso: string[] = []
    host.onEvent((e) => events.push(e))
    const stop = host.onEvent((e) => seenAlso.push(e.name))
    host.onEvent(() => {
      throw new Error('a broken listener')
    })
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      expect(await host.call('workspace.startEmpty', { name: 'Maya Okafor', email: 'maya@example.com' })).toMatchObject({ ok: true })
      expect(events).toEqual([]) // not a change anyone is told of
      const created = await host.call('item.create', { kind: 'service', category: 'billing', channel: 'email', subject: 'Invoice', body: 'Where is it?', customer: { type: 'new', name: 'Ann Smith' } })
      expect(created).toMatchObject({ ok: true })
      // Sent before the answer, on the same port: here by the time the call resolves.
      expect(events.map((e) => e.name)).toEqual(['outbox.changed', 'sync.changed'])
      expect(events[0]).toEqual({ name: 'outbox.changed', payload: { pending: 1 } })
      expect(events[1]).toMatchObject({ name: 'sync.changed', payload: { state: 'local', pending: 1 } })
      expect(seenAlso).toEqual(['outbox.changed', 'sync.changed'])
      expect(spy).toHaveBeenCalledWith(expect.stringContaining('outbox.changed'), expect.any(Error))

      stop()
      const { itemId } = (created as { value: { itemId: string } }).value
      expect(await host.call('item.addNote', { itemId, body: 'Looked it up.' })).toMatchObject({ ok: true })
      expect(events.at(-2)).toEqual({ name: 'outbox.changed', payload: { pending: 2 } })
      expect(seenAlso).toHaveLength(2)
    } finally {
      spy.mockRestore()
    }
    const count = events.length
    await host.close()
    expect(events).toHaveLength(count)
  }, 60_000)

  it('is what main’s IPC handlers forward to: preload -> handler -> worker -> real core', async () => {
    const host = startCoreWorker(workerFile, { file: join(tempDir(), 'handoff.sqlite'), seedDemoIfEmpty: true })
    const handlers = new Map<string, IpcHandler>()
    const frame: FrameLike = { url: 'file:///app/out/renderer/index.html', parent: null, processId: 1, routingId: 1 }
    registerHandoffIpc({ handle: (channel, listener) => handlers.set(channel, listener) }, { call: (name, args) => host.call(name, args), isTrustedSender: (f) => f === frame })
    const api = buildPreloadApi((channel, args) => handlers.get(channel)!({ senderFrame: frame }, args))
    expect(await api['outbox.status']({})).toEqual({ ok: true, value: { pending: 0 } })
    expect(await api['agents.list']({})).toMatchObject({ ok: true, value: expect.any(Array) })
    expect(await api['item.get']({ itemId: 'no-such-item' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    await host.close()
  }, 60_000)
})
