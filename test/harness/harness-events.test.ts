/**
 * The harness's event stream (GET /events, scripts/harness/events.ts): the token is required
 * (as a query parameter, EventSource cannot send headers), the core's events arrive as
 * `event:` + `data:` frames, heartbeats keep it alive, and it ends on shutdown and when the
 * client goes.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tsWorkerUrl } from '../support/ts-worker'
import { startCoreWorker, type CoreHost } from '../../src/core/worker/host'
import { startHarnessServer, type HarnessServer } from '../../scripts/harness/server'
import { createEventStream, formatEvent, type EventStream } from '../../scripts/harness/events'
import { cspHeader } from '../../src/main/security'
import type { HandoffEvent } from '../../src/shared/contract'

const workerFile = tsWorkerUrl(new URL('../../src/core/worker/entry.ts', import.meta.url))
const token = 'test-token_0123456789abcdefABCDEF'

interface Stream {
  res: IncomingMessage
  /** Everything received so far. */
  text: () => string
  /** The events received so far, parsed. */
  events: () => { name: string; data: unknown }[]
  /** Resolves once the received text matches. */
  until: (test: (text: string) => boolean, ms?: number) => Promise<void>
  ended: Promise<void>
  close: () => void
}

/** Opens a raw GET and keeps reading; resolves with the response once its head arrives. */
function open(port: number, path: string, method = 'GET'): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method }, (res) => {
      let text = ''
      const waiters = new Set<() => void>()
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
        waiters.forEach((w) => w())
      })
      const ended = new Promise<void>((r) => res.on('close', () => r()))
      resolve({
        res,
        text: () => text,
        events: () =>
          text
            .split('\n\n')
            .map((frame) => /^event: (.+)\ndata: (.+)$/m.exec(frame))
            .flatMap((m) => (m ? [{ name: m[1]!, data: JSON.parse(m[2]!) as unknown }] : [])),
        until: (test, ms = 10_000) =>
          new Promise<void>((ok, fail) => {
            if (test(text)) return ok()
            const timer = setTimeout(() => fail(new Error(`timed out; received:\n${text}`)), ms)
            const check = () => {
              if (!test(text)) return
              clearTimeout(timer)
              waiters.delete(check)
              ok()
            }
            waiters.add(check)
          }),
        ended,
        close: () => req.destroy()
      })
    })
    req.on('error', reject)
    req.end()
  })
}

const post = (port: number, name: string, body: unknown) =>
  new Promise<{ ok: boolean; value?: unknown }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: `/rpc/${name}`, method: 'POST', headers: { 'content-type': 'application/json', 'x-handoff-token': token } }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => resolve(JSON.parse(text) as { ok: boolean; value?: unknown }))
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })

describe('GET /events, over real HTTP and the real core', () => {
  let dir: string
  let core: CoreHost
  let server: HarnessServer

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-harness-events-'))
    const renderer = join(dir, 'renderer')
    mkdirSync(renderer, { recursive: true })
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Handoff</title>')
    core = startCoreWorker(workerFile, { file: join(dir, 'handoff.sqlite') })
    server = await startHarnessServer({ rendererDir: renderer, token, port: 0, call: (name, args) => core.call(name, args), onEvent: (listener) => core.onEvent(listener) })
  }, 120_000)

  afterAll(async () => {
    await server?.close()
    await core?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses a missing or wrong token with 401, and anything but GET with 405', async () => {
    for (const path of ['/events', '/events?token=', '/events?token=wrong', `/events?token=${token}x`, `/events?tok=${token}`]) {
      const s = await open(server.port, path)
      expect(s.res.statusCode, path).toBe(401)
      expect(s.res.headers['content-type']).toMatch(/^text\/plain/)
      await s.ended
    }
    const posted = await open(server.port, `/events?token=${token}`, 'POST')
    expect(posted.res.statusCode).toBe(405)
    expect(posted.res.headers['allow']).toBe('GET')
  })

  it('streams the core’s events as they happen: a mutation’s outbox.changed and sync.changed', async () => {
    const s = await open(server.port, `/events?token=${encodeURIComponent(token)}`)
    expect(s.res.statusCode).toBe(200)
    expect(s.res.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(s.res.headers['cache-control']).toBe('no-store')
    await s.until((t) => t.includes(': connected'))
    expect(s.text()).toMatch(/^retry: \d+\n/)

    expect(await post(server.port, 'workspace.startEmpty', { name: 'Maya Okafor', email: 'maya@example.com' })).toMatchObject({ ok: true })
    expect(await post(server.port, 'item.create', { kind: 'service', category: 'billing', channel: 'email', subject: 'Invoice', body: 'Where is it?', customer: { type: 'new', name: 'Ann Smith' } })).toMatchObject({ ok: true })
    await s.until((t) => t.includes('event: sync.changed'))
    expect(s.events()).toEqual([
      { name: 'outbox.changed', data: { pending: 1 } },
      { name: 'sync.changed', data: expect.objectContaining({ state: 'local', pending: 1 }) }
    ])
    s.close()
    await s.ended
  })

  it('every open stream gets each event', async () => {
    const a = await open(server.port, `/events?token=${token}`)
    const b = await open(server.port, `/events?token=${token}`)
    await Promise.all([a.until((t) => t.includes(': connected')), b.until((t) => t.includes(': connected'))])
    const { value } = await post(server.port, 'inbox.page', { filter: {}, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 1 })
    const itemId = (value as { rows: { id: string }[] }).rows[0]!.id
    expect(await post(server.port, 'item.addNote', { itemId, body: 'Looked into it.' })).toMatchObject({ ok: true })
    for (const s of [a, b]) {
      await s.until((t) => t.includes('event: sync.changed'))
      expect(s.events()[0]).toEqual({ name: 'outbox.changed', data: { pending: 2 } })
      s.close()
    }
  })

  it('the renderer’s CSP lets the page open it (connect-src allows its own origin)', () => {
    expect(cspHeader('production')).toMatch(/connect-src 'self'(;|$)/)
  })
})

describe('createEventStream', () => {
  let http: Server
  let stream: EventStream
  let port: number

  beforeAll(async () => {
    stream = createEventStream({ authorize: (t) => t === 'ok', heartbeatMs: 50 })
    http = createServer((req, res) => stream.handle(req, res, new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('token')))
    http.listen(0, '127.0.0.1')
    await new Promise<void>((r) => http.once('listening', () => r()))
    port = (http.address() as AddressInfo).port
  })
  afterAll(async () => {
    stream.close()
    await new Promise<void>((r) => http.close(() => r()))
  })

  it('formats one event as an event line and one data line of JSON', () => {
    const event: HandoffEvent = { name: 'sync.changed', payload: { state: 'offline', serverUrl: null, agentId: null, pending: 0, lastSyncedAt: null, firstSync: null, rejections: 0, dataVersion: 0, lastError: 'line one\nline two', notices: [] } }
    const frame = formatEvent(event)
    expect(frame.split('\n')).toEqual(['event: sync.changed', `data: ${JSON.stringify(event.payload)}`, '', ''])
  })

  it('sends heartbeats, forgets a client that went away, and ends every stream on close', async () => {
    const s = await open(port, '/events?token=ok')
    await s.until((t) => (t.match(/: heartbeat/g) ?? []).length >= 2)
    expect(stream.clients).toBe(1)
    s.close()
    await s.ended
    await new Promise((r) => setTimeout(r, 20))
    expect(stream.clients).toBe(0)

    const t = await open(port, '/events?token=ok')
    await t.until((x) => x.includes(': connected'))
    stream.publish({ name: 'items.changed', payload: { dataVersion: 7 } })
    stream.publish({ name: 'not.an.event', payload: {} } as unknown as HandoffEvent)
    await t.until((x) => x.includes('event: items.changed'))
    stream.close()
    await t.ended
    expect(t.res.complete).toBe(true) // ended cleanly by the server, not cut
    expect(t.events()).toEqual([{ name: 'items.changed', data: { dataVersion: 7 } }])
    expect(stream.clients).toBe(0)
    // Closed: a new stream is refused.
    const late = await open(port, '/events?token=ok')
    expect(late.res.statusCode).toBe(503)
  })
})

describe('the harness server’s shutdown', () => {
  it('ends open streams cleanly and stops listening to the core', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'handoff-harness-events-'))
    try {
      writeFileSync(join(dir, 'index.html'), '<!doctype html>')
      const listeners = new Set<(e: HandoffEvent) => void>()
      const server = await startHarnessServer({
        rendererDir: dir,
        token,
        port: 0,
        call: () => Promise.resolve({ ok: true, value: null }),
        onEvent: (listener) => {
          listeners.add(listener)
          return () => listeners.delete(listener)
        }
      })
      const s = await open(server.port, `/events?token=${token}`)
      await s.until((t) => t.includes(': connected'))
      listeners.forEach((l) => l({ name: 'outbox.changed', payload: { pending: 4 } }))
      await s.until((t) => t.includes('event: outbox.changed'))
      await server.close()
      await s.ended
      expect(s.res.complete).toBe(true)
      expect(listeners.size).toBe(0)
      expect(s.events()).toEqual([{ name: 'outbox.changed', data: { pending: 4 } }])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
