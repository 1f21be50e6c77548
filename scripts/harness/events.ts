/**
 * The harness's event stream, in place of Electron's event channels: `GET /events?token=…` as
 * server-sent events (text/event-stream), one `event: <name>` and `data: <json>` per core event
 * (src/shared/contract/events.ts). The browser's EventSource reads it and reconnects on its own.
 *
 * EventSource cannot send headers, so the per-run token comes as a query parameter; `authorize`
 * (the server's constant-time comparison) decides, and without it the answer is 401 before
 * anything streams. A comment line every heartbeatMs keeps an idle connection from being cut
 * and lets a client that went away be noticed. close() ends every stream (shutdown).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isEventName, type HandoffEvent } from '../../src/shared/contract/events'

export const EVENTS_PATH = '/events'
/** How long EventSource waits before reconnecting (its default is about 3 s). */
const RETRY_MS = 1000
const HEARTBEAT_MS = 15_000

export interface EventStreamOptions {
  /** Whether the token from the query string is the run's. */
  authorize: (token: string | null) => boolean
  heartbeatMs?: number
}

export interface EventStream {
  /** Answers a request for /events: the stream, or 401 / 405 / 503. */
  handle(req: IncomingMessage, res: ServerResponse, token: string | null): void
  /** Sends one event to every open stream. */
  publish(event: HandoffEvent): void
  /** Ends every stream and refuses new ones. */
  close(): void
  /** Open streams (tests). */
  readonly clients: number
}

const HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }

function refuse(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...HEADERS, ...extra, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** One event as the stream carries it. JSON has no raw line breaks, so `data:` is one line. */
export function formatEvent(event: HandoffEvent): string {
  return `event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`
}

export function createEventStream(options: EventStreamOptions): EventStream {
  const clients = new Set<ServerResponse>()
  let heartbeat: NodeJS.Timeout | null = null
  let closed = false

  const write = (res: ServerResponse, chunk: string) => {
    if (res.writableEnded || res.destroyed) {
      clients.delete(res)
      return
    }
    res.write(chunk)
  }
  const stopHeartbeat = () => {
    if (heartbeat !== null && clients.size === 0) {
      clearInterval(heartbeat)
      heartbeat = null
    }
  }

  return {
    handle(req, res, token) {
      if (req.method !== 'GET') {
        refuse(res, 405, 'Method not allowed', { allow: 'GET' })
        return
      }
      if (!options.authorize(token)) {
        refuse(res, 401, 'Unauthorized: the token query parameter is missing or wrong.')
        return
      }
      if (closed) {
        refuse(res, 503, 'The harness is closing.')
        return
      }
      res.writeHead(200, { ...HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' })
      res.write(`retry: ${RETRY_MS}\n: connected\n\n`)
      clients.add(res)
      const gone = () => {
        clients.delete(res)
        stopHeartbeat()
      }
      req.on('close', gone)
      res.on('close', gone)
      res.on('error', gone)
      if (heartbeat === null) {
        heartbeat = setInterval(() => {
          for (const client of [...clients]) write(client, ': heartbeat\n\n')
          stopHeartbeat()
        }, options.heartbeatMs ?? HEARTBEAT_MS)
        heartbeat.unref()
      }
    },
    publish(event) {
      if (closed || !isEventName(event.name)) return
      const chunk = formatEvent(event)
      for (const client of [...clients]) write(client, chunk)
    },
    close() {
      closed = true
      for (const client of clients) client.end()
      clients.clear()
      stopHeartbeat()
    },
    get clients() {
      return clients.size
    }
  }
}
