import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_ARGUMENT_BYTES, rpcPath } from '../../src/shared/contract/doors'
import { OPERATION_NAMES } from '../../src/shared/contract/names'
import { tsWorkerUrl } from '../support/ts-worker'
import { startCoreWorker, type CoreHost } from '../../src/core/worker/host'
import { parseHarnessArgs } from '../../scripts/harness/cli'
import { resolveStaticPath, rpcNameOf, startHarnessServer, tokenMatches, type HarnessServer } from '../../scripts/harness/server'

const workerFile = tsWorkerUrl(new URL('../../src/core/worker/entry.ts', import.meta.url))
const token = 'test-token_0123456789abcdefABCDEF'

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  text: string
  json: () => { ok: boolean; value?: unknown; error?: { code: string; message: string } }
}

/** A raw HTTP request: the path is sent exactly as given (no client-side normalization). */
function send(port: number, opts: { method?: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer; chunks?: Buffer[] }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (c: Buffer) => parts.push(c))
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8')
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) })
      })
    })
    // The server may answer (413) and stop reading before a large body is sent: not an error here.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)))
    if (opts.chunks) {
      for (const chunk of opts.chunks) req.write(chunk)
      req.end()
    } else req.end(opts.body)
  })
}

const rpc = (port: number, name: string, body: string, headers: Record<string, string> = { 'x-handoff-token': token }) =>
  send(port, { method: 'POST', path: `/rpc/${name}`, headers: { 'content-type': 'application/json', ...headers }, body })

describe('the harness server, over real HTTP and the real core', () => {
  let dir: string
  let core: CoreHost
  let server: HarnessServer
  let dispatched: string[]

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-harness-'))
    const renderer = join(dir, 'renderer')
    mkdirSync(join(renderer, 'assets'), { recursive: true })
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Handoff</title><script type="module" src="./assets/app.js"></script>')
    writeFileSync(join(renderer, 'assets/app.js'), 'console.log("app")')
    writeFileSync(join(renderer, 'assets/app.css'), 'body{}')
    writeFileSync(join(renderer, 'assets/logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    writeFileSync(join(dir, 'secret.txt'), 'SECRET')
    core = startCoreWorker(workerFile, { file: join(dir, 'handoff.sqlite'), seedDemoIfEmpty: true })
    dispatched = []
    server = await startHarnessServer({
      rendererDir: renderer,
      token,
      port: 0,
      call: (name, args) => {
        dispatched.push(name)
        return core.call(name, args)
      }
    })
  }, 120_000)

  afterAll(async () => {
    await server?.close()
    await core?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('prints its address with the token in the hash, on 127.0.0.1 and a real port', () => {
    expect(server.port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${token}`)
  })

  it('carries a real call to the core and answers its Envelope', async () => {
    const answer = await rpc(server.port, 'session.get', '{}')
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toMatch(/^application\/json/)
    const body = answer.json()
    expect(body.ok).toBe(true)
    expect(body.value).toMatchObject({ workspace: { empty: false, demo: true } })
  })

  it('passes the core’s own refusals through as Envelopes', async () => {
    const body = (await rpc(server.port, 'item.reply', JSON.stringify({ itemId: 42, body: ['x'] }))).json()
    expect(body.ok).toBe(false)
    expect(body.error?.code).toBe('invalid_argument')
  })

  it('refuses a missing or wrong token with 401 and dispatches nothing', async () => {
    const before = dispatched.length
    for (const headers of [{} as Record<string, string>, { 'x-handoff-token': 'wrong' }, { 'x-handoff-token': `${token}x` }, { 'x-handoff-token': '' }]) {
      const answer = await rpc(server.port, 'session.get', '{}', headers)
      expect(answer.status).toBe(401)
      expect(answer.json().ok).toBe(false)
    }
    // An unknown operation without the token is still a 401: nothing is revealed before the token.
    expect((await rpc(server.port, 'no.such', '{}', {})).status).toBe(401)
    expect(dispatched.length).toBe(before)
  })

  it('refuses an oversized body with 413 (declared or streamed) and dispatches nothing', async () => {
    const before = dispatched.length
    const big = JSON.stringify({ itemId: 'x', body: 'y'.repeat(MAX_ARGUMENT_BYTES) })
    const declared = await rpc(server.port, 'item.addNote', big)
    expect(declared.status).toBe(413)
    expect(declared.json().error?.code).toBe('too_large')

    // Chunked: no content-length, so the limit is enforced while reading.
    const chunk = Buffer.alloc(64 * 1024, 0x61)
    const streamed = await send(server.port, {
      method: 'POST',
      path: '/rpc/item.addNote',
      headers: { 'x-handoff-token': token, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      chunks: Array.from({ length: 8 }, () => chunk)
    })
    expect(streamed.status).toBe(413)
    expect(streamed.json().error?.code).toBe('too_large')
    expect(dispatched.length).toBe(before)

    // The server is still fine afterwards.
    expect((await rpc(server.port, 'outbox.status', '{}')).json().ok).toBe(true)
  })

  it('refuses a body that is not JSON with 400 invalid_argument', async () => {
    for (const body of ['{', 'not json', '']) {
      const answer = await rpc(server.port, 'session.get', body)
      expect(answer.status).toBe(400)
      expect(answer.json().error?.code).toBe('invalid_argument')
    }
  })

  it('routes every operation of the contract, at the path the renderer calls, to the core', async () => {
    const before = dispatched.length
    for (const name of OPERATION_NAMES) {
      // Arguments no schema accepts: the core's door answers, and nothing runs.
      const answer = await send(server.port, { method: 'POST', path: rpcPath(name), headers: { 'x-handoff-token': token, 'content-type': 'application/json' }, body: '"not an object"' })
      expect(answer.status, name).toBe(200)
      expect(answer.json().error?.code, name).toBe('invalid_argument')
    }
    expect(dispatched.slice(before)).toEqual(OPERATION_NAMES)
  })

  it('answers an unknown operation with 404 unknown_operation', async () => {
    for (const name of ['no.such', 'constructor', '__proto__', 'session.get%00']) {
      const answer = await rpc(server.port, name, '{}')
      expect(answer.status).toBe(404)
      expect(answer.json().error?.code).toBe('unknown_operation')
    }
  })

  it('takes calls by POST only', async () => {
    const answer = await send(server.port, { path: '/rpc/session.get', headers: { 'x-handoff-token': token } })
    expect(answer.status).toBe(405)
  })

  it('serves the renderer with the right content types, and the CSP on HTML', async () => {
    const index = await send(server.port, { path: '/' })
    expect(index.status).toBe(200)
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(index.headers['content-security-policy']).toContain("script-src 'self'")
    expect(index.headers['x-content-type-options']).toBe('nosniff')
    expect(index.text).toContain('<title>Handoff</title>')
    expect((await send(server.port, { path: '/index.html' })).status).toBe(200)
    expect((await send(server.port, { path: '/assets/app.js' })).headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect((await send(server.port, { path: '/assets/app.css' })).headers['content-type']).toBe('text/css; charset=utf-8')
    expect((await send(server.port, { path: '/assets/logo.svg' })).headers['content-type']).toBe('image/svg+xml')
    expect((await send(server.port, { path: '/assets/app.js' })).headers['content-security-policy']).toBeUndefined()
    expect((await send(server.port, { path: '/missing.js' })).status).toBe(404)
    expect((await send(server.port, { path: '/assets' })).status).toBe(404)
    expect((await send(server.port, { method: 'POST', path: '/index.html' })).status).toBe(405)
  })

  it('refuses every path that leaves the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt', '/%00', '/%E0%A4%A']) {
      const answer = await send(server.port, { path })
      expect([400, 403, 404], path).toContain(answer.status)
      expect(answer.text, path).not.toContain('SECRET')
    }
  })

  it('answers only requests addressed to 127.0.0.1 or localhost (no DNS rebinding)', async () => {
    const answer = await send(server.port, { path: '/', headers: { host: `evil.example:${server.port}` } })
    expect(answer.status).toBe(421)
    const call = await rpc(server.port, 'session.get', '{}', { 'x-handoff-token': token, host: 'evil.example' })
    expect(call.status).toBe(421)
  })
})

describe('harness helpers', () => {
  it('compares tokens exactly', () => {
    expect(tokenMatches(token, token)).toBe(true)
    expect(tokenMatches(token.toUpperCase(), token)).toBe(false)
    expect(tokenMatches(undefined, token)).toBe(false)
    expect(tokenMatches([token], token)).toBe(false)
    expect(tokenMatches('', '')).toBe(false)
  })

  it('maps request paths inside the renderer folder only', () => {
    expect(resolveStaticPath('/srv/r', '/')).toBe('/srv/r/index.html')
    expect(resolveStaticPath('/srv/r', '/assets/a.js')).toBe('/srv/r/assets/a.js')
    expect(resolveStaticPath('/srv/r', '/assets/')).toBe('/srv/r/assets/index.html')
    expect(resolveStaticPath('/srv/r', '/a/../b.js')).toBe('/srv/r/b.js')
    expect(resolveStaticPath('/srv/r', '/../r2/x')).toBeNull()
    expect(resolveStaticPath('/srv/r', '/..%2fr2/x')).toBeNull()
    expect(resolveStaticPath('/srv/r', '/%2e%2e/x')).toBeNull()
    expect(resolveStaticPath('/srv/r', '/..')).toBeNull()
    expect(resolveStaticPath('/srv/r', '/x%00.js')).toBeNull()
    expect(resolveStaticPath('/srv/r', '/%E0%A4%A')).toBeNull()
    expect(resolveStaticPath('/srv/r', '/a\\..\\..\\x')).toBeNull()
  })

  it('takes an operation name from /rpc/<name> paths only', () => {
    expect(rpcNameOf('/rpc/session.get')).toBe('session.get')
    expect(rpcNameOf('/rpc/session.get%00')).toBe('session.get%00')
    expect(rpcNameOf('/rpc/')).toBeNull()
    expect(rpcNameOf('/rpc/a/b')).toBeNull()
    expect(rpcNameOf('/rpc')).toBeNull()
    expect(rpcNameOf('/rpcx/session.get')).toBeNull()
    expect(rpcNameOf('/assets/rpc/session.get')).toBeNull()
  })

  it('parses the command line', () => {
    expect(parseHarnessArgs(['--data', '/tmp/h1', '--port', '0'])).toEqual({ data: '/tmp/h1', port: 0, empty: false })
    expect(parseHarnessArgs(['--data=/tmp/h1', '--port=5180', '--empty'])).toEqual({ data: '/tmp/h1', port: 5180, empty: true })
    expect(parseHarnessArgs(['--data', 'd'])).toEqual({ data: 'd', port: 0, empty: false })
    expect(parseHarnessArgs(['--help'])).toBe('help')
    expect(() => parseHarnessArgs([])).toThrow('--data DIR is required')
    expect(() => parseHarnessArgs(['--data'])).toThrow('--data needs a value')
    expect(() => parseHarnessArgs(['--data', 'd', '--port', '70000'])).toThrow('--port')
    expect(() => parseHarnessArgs(['--data', 'd', '--port', '-1'])).toThrow('--port')
    expect(() => parseHarnessArgs(['--data', 'd', '--verbose'])).toThrow('Unknown option --verbose')
  })
})
