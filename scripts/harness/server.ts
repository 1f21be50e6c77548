/**
 * The harness's HTTP door: serves the built renderer and carries the contract as
 * `POST /rpc/<operation name>`, in place of Electron's IPC (the only door the harness replaces).
 *
 * Refuses, before anything reaches the core: a missing or wrong `x-handoff-token` (401), an
 * unknown operation (404), a body over MAX_ARGUMENT_BYTES (413, not read further), a body that
 * is not JSON (400). Every /rpc answer is an Envelope. Bound to 127.0.0.1 only.
 * The core's events stream from `GET /events?token=…` (scripts/harness/events.ts).
 */
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'
import { timingSafeEqual } from 'node:crypto'
import type { Envelope, HandoffErrorData } from '../../src/shared/contract/errors'
import type { HandoffEvent } from '../../src/shared/contract/events'
import { MAX_ARGUMENT_BYTES, RPC_PATH_PREFIX } from '../../src/shared/contract/doors'
import { isOperationName, type OperationName } from '../../src/shared/contract/operations'
import { cspHeader } from '../../src/main/security'
import { EVENTS_PATH, createEventStream } from './events'

export const HOST = '127.0.0.1'
export const TOKEN_HEADER = 'x-handoff-token'

export interface HarnessServerOptions {
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** Carries a call to the core (core-host's call). */
  call: (name: OperationName, args: unknown) => Promise<Envelope<unknown>>
  /** Listens to the core's events (core-host's onEvent), for GET /events. */
  onEvent?: (listener: (event: HandoffEvent) => void) => () => void
  /** The per-run secret every /rpc and /events request must carry. */
  token: string
  /** 0 picks a free port. */
  port: number
}

export interface HarnessServer {
  port: number
  /** The address to open, token in the hash (never sent to the server by the browser). */
  url: string
  close(): Promise<void>
}

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm'
}

const COMMON_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { ...COMMON_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

const failure = (error: HandoffErrorData): Envelope<never> => ({ ok: false, error })

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** Compares the request's token with the run's, in constant time. */
export function tokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string' || expected.length === 0) return false
  const a = Buffer.from(given, 'utf8')
  const b = Buffer.from(expected, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Maps a request path to a file inside `root`, or null when it would leave it (after
 * percent-decoding: `..%2f` is as refused as `../`), is malformed or holds a NUL.
 */
export function resolveStaticPath(root: string, pathname: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const wanted = decoded.endsWith('/') ? `${decoded}index.html` : decoded
  const base = resolve(root)
  const file = resolve(base, `.${wanted.startsWith('/') ? '' : '/'}${wanted}`)
  const rel = relative(base, file)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null
  return file
}

/** Reads a body up to `limit` bytes; 'too_large' as soon as it would exceed it (the rest is not buffered). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.off('data', onData)
        req.off('end', onEnd)
        chunks.length = 0
        resolveBody('too_large')
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => resolveBody(Buffer.concat(chunks))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', reject)
  })
}

function tooLarge(res: ServerResponse, size?: number): void {
  const message = size === undefined ? `The arguments exceed ${MAX_ARGUMENT_BYTES} bytes.` : `The arguments are ${size} bytes; the limit is ${MAX_ARGUMENT_BYTES}.`
  // Answered before the rest arrives; Node discards (does not buffer) whatever the client still sends.
  sendJson(res, 413, failure({ code: 'too_large', message }))
}

/** The still-encoded operation name of a `/rpc/<name>` path; null for any other path (a file). */
export function rpcNameOf(pathname: string): string | null {
  if (!pathname.startsWith(RPC_PATH_PREFIX)) return null
  const name = pathname.slice(RPC_PATH_PREFIX.length)
  return name.length > 0 && !name.includes('/') ? name : null
}

async function handleRpc(req: IncomingMessage, res: ServerResponse, rawName: string, options: HarnessServerOptions): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST')
    sendJson(res, 405, failure({ code: 'invalid_argument', message: 'Calls are POST requests.' }))
    return
  }
  if (!tokenMatches(req.headers[TOKEN_HEADER], options.token)) {
    sendJson(res, 401, failure({ code: 'internal', message: `Unauthorized: the ${TOKEN_HEADER} header is missing or wrong.` }))
    return
  }
  let name: string
  try {
    name = decodeURIComponent(rawName)
  } catch {
    name = rawName
  }
  if (!isOperationName(name)) {
    sendJson(res, 404, failure({ code: 'unknown_operation', message: `There is no operation named ${JSON.stringify(name.slice(0, 100))}.` }))
    return
  }
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > MAX_ARGUMENT_BYTES) {
    tooLarge(res, declared)
    return
  }
  const body = await readBody(req, MAX_ARGUMENT_BYTES)
  if (body === 'too_large') {
    tooLarge(res)
    return
  }
  let args: unknown
  try {
    args = JSON.parse(body.toString('utf8'))
  } catch {
    sendJson(res, 400, failure({ code: 'invalid_argument', message: 'The request body is not valid JSON.' }))
    return
  }
  let envelope: Envelope<unknown>
  try {
    envelope = await options.call(name, args)
  } catch (error) {
    envelope = failure({ code: 'internal', message: error instanceof Error ? error.message : 'The core failed.' })
  }
  sendJson(res, 200, envelope)
}

async function handleStatic(req: IncomingMessage, res: ServerResponse, pathname: string, rootReal: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD')
    sendText(res, 405, 'Method not allowed')
    return
  }
  const file = resolveStaticPath(rootReal, pathname)
  if (!file) {
    sendText(res, 403, 'Forbidden')
    return
  }
  let real: string
  try {
    real = await realpath(file)
    if (!(await stat(real)).isFile()) throw new Error('not a file')
  } catch {
    sendText(res, 404, 'Not found')
    return
  }
  // A symlink inside the folder must not lead out of it either.
  const rel = relative(rootReal, real)
  if (rel.startsWith('..') || isAbsolute(rel)) {
    sendText(res, 403, 'Forbidden')
    return
  }
  const type = CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream'
  const size = (await stat(real)).size
  const headers: Record<string, string | number> = { ...COMMON_HEADERS, 'content-type': type, 'content-length': size }
  if (type.startsWith('text/html')) headers['content-security-policy'] = cspHeader('production')
  res.writeHead(200, headers)
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  createReadStream(real)
    .on('error', () => res.destroy())
    .pipe(res)
}

export async function startHarnessServer(options: HarnessServerOptions): Promise<HarnessServer> {
  const rootReal = await realpath(options.rendererDir)
  let port = options.port
  const events = createEventStream({ authorize: (token) => tokenMatches(token ?? undefined, options.token) })
  const stopEvents = options.onEvent?.((event) => events.publish(event))
  const server: Server = createServer((req, res) => {
    // Only this machine's own address: refuses DNS-rebinding hosts.
    const host = req.headers.host ?? ''
    if (host !== `${HOST}:${port}` && host !== `localhost:${port}`) {
      sendText(res, 421, 'Misdirected request')
      return
    }
    let url: URL
    try {
      url = new URL(req.url ?? '/', `http://${HOST}`)
    } catch {
      sendText(res, 400, 'Bad request')
      return
    }
    const pathname = url.pathname
    if (pathname === EVENTS_PATH) {
      events.handle(req, res, url.searchParams.get('token'))
      return
    }
    const rpcName = rpcNameOf(pathname)
    const work = rpcName !== null ? handleRpc(req, res, rpcName, options) : handleStatic(req, res, pathname, rootReal)
    work.catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy()
        return
      }
      sendJson(res, 500, failure({ code: 'internal', message: error instanceof Error ? error.message : 'The harness failed.' }))
    })
  })
  server.listen(options.port, HOST)
  await new Promise<void>((resolveListen, reject) => {
    server.once('listening', resolveListen)
    server.once('error', reject)
  })
  port = (server.address() as AddressInfo).port
  return {
    port,
    url: `http://${HOST}:${port}/#token=${options.token}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        stopEvents?.()
        events.close()
        server.close(() => resolveClose())
        server.closeAllConnections()
      })
  }
}
