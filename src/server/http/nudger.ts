/**
 * The push channel: Server-Sent Events on GET /v1/events. Every server process LISTENs to the
 * store's change notifications (PostgreSQL NOTIFY, so a change committed through any process
 * reaches the clients of every process) and tells each of its connected clients "pull now".
 * Nudges carry no data (a client pulls what its scope allows), and a burst of commits is
 * coalesced into one nudge per 25 ms.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ServerStore } from '../store'

const COALESCE_MS = 25

export class Nudger {
  private readonly streams = new Set<FastifyReply>()
  private unlisten: (() => Promise<void>) | null = null
  private pending: NodeJS.Timeout | null = null
  private heartbeat: NodeJS.Timeout | null = null
  /** Set once the server starts closing: no new stream is kept. */
  private closing = false

  constructor(
    private readonly store: ServerStore,
    private readonly heartbeatMs: number
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.store.onChange(() => this.schedule())
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), this.heartbeatMs)
    this.heartbeat.unref()
  }

  get connected(): number {
    return this.streams.size
  }

  attach(request: FastifyRequest, reply: FastifyReply): void {
    reply.hijack()
    const raw = reply.raw
    if (this.closing) {
      // A stream that arrives while the server closes would hold the close open for ever.
      raw.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' })
      raw.end(JSON.stringify({ error: { code: 'internal', message: 'The server is restarting; connect again.' } }))
      return
    }
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no'
    })
    // An immediate "changed" makes a (re)connecting client pull whatever it missed while away.
    raw.write('retry: 2000\n\nevent: changed\ndata: {}\n\n')
    this.streams.add(reply)
    const detach = () => this.streams.delete(reply)
    request.raw.on('close', detach)
    raw.on('error', detach)
  }

  private schedule(): void {
    if (this.pending) return
    this.pending = setTimeout(() => {
      this.pending = null
      this.write('event: changed\ndata: {}\n\n')
    }, COALESCE_MS)
  }

  private write(chunk: string): void {
    for (const reply of this.streams) {
      if (reply.raw.writableEnded || reply.raw.destroyed) this.streams.delete(reply)
      else reply.raw.write(chunk)
    }
  }

  endStreams(): void {
    this.closing = true
    for (const reply of this.streams) reply.raw.end()
    this.streams.clear()
  }

  async close(): Promise<void> {
    if (this.pending) clearTimeout(this.pending)
    if (this.heartbeat) clearInterval(this.heartbeat)
    this.endStreams()
    await this.unlisten?.()
    this.unlisten = null
  }
}
