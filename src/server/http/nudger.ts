/**
 * The push channel: Server-Sent Events on GET /v1/events. Every server process LISTENs to the
 * store's change notifications (PostgreSQL NOTIFY, so a change committed through any process
 * reaches the clients of every process) and tells each of its connected clients "pull now".
 * Nudges carry no data (a client pulls what its scope allows), and a burst of commits is
 * coalesced into one nudge per 25 ms.
 *
 * A stream lives only as long as its credential: when an agent is disabled or their credential
 * reset (the store notifies AGENTS_CHANGED, from any process), and at every heartbeat as a
 * backstop for a notification lost while the LISTEN connection was down, each open stream's
 * credential is checked again (a remembered credential costs one SELECT, no scrypt) and the
 * stream is ended if it no longer signs in. The client then reconnects and is answered 401.
 * An agent has at most MAX_STREAMS_PER_AGENT streams: a new one ends the oldest rather than being
 * refused, because the usual cause is a console reconnecting while its old, dead stream has not
 * been noticed yet.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AGENTS_CHANGED, type AgentRecord, type ServerStore } from '../store'

const COALESCE_MS = 25
export const MAX_STREAMS_PER_AGENT = 8

interface Stream {
  agentId: string
  credential: string
}

export class Nudger {
  /** Open streams, oldest first (a Map keeps insertion order). */
  private readonly streams = new Map<FastifyReply, Stream>()
  private checking: Promise<void> | null = null
  private checkAgain = false
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
    this.unlisten = await this.store.onChange((payload) => {
      if (payload === AGENTS_CHANGED) void this.recheck()
      this.schedule()
    })
    this.heartbeat = setInterval(() => {
      this.write(': heartbeat\n\n')
      void this.recheck()
    }, this.heartbeatMs)
    this.heartbeat.unref()
  }

  get connected(): number {
    return this.streams.size
  }

  /** Opens the stream of an agent who signed in with `credential`. */
  attach(request: FastifyRequest, reply: FastifyReply, agent: AgentRecord, credential: string): void {
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
    const own = [...this.streams].filter(([, s]) => s.agentId === agent.id)
    for (const [oldest] of own.slice(0, Math.max(0, own.length - MAX_STREAMS_PER_AGENT + 1))) this.end(oldest)
    this.streams.set(reply, { agentId: agent.id, credential })
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

  /** Ends every stream whose credential no longer signs in; one check at a time, and one more if asked meanwhile. */
  recheck(): Promise<void> {
    if (this.checking) {
      this.checkAgain = true
      return this.checking
    }
    this.checking = (async () => {
      do {
        this.checkAgain = false
        const credentials = new Set([...this.streams.values()].map((s) => s.credential))
        const revoked = new Set<string>()
        for (const credential of credentials) {
          try {
            if (!(await this.store.authenticate(credential))) revoked.add(credential)
          } catch {
            // The store is unreachable: keep the streams; the next heartbeat checks again.
          }
        }
        for (const [reply, s] of this.streams) if (revoked.has(s.credential)) this.end(reply)
      } while (this.checkAgain && !this.closing)
    })().finally(() => {
      this.checking = null
    })
    return this.checking
  }

  private end(reply: FastifyReply): void {
    this.streams.delete(reply)
    reply.raw.end()
  }

  private write(chunk: string): void {
    for (const reply of this.streams.keys()) {
      if (reply.raw.writableEnded || reply.raw.destroyed) this.streams.delete(reply)
      else reply.raw.write(chunk)
    }
  }

  endStreams(): void {
    this.closing = true
    for (const reply of this.streams.keys()) reply.raw.end()
    this.streams.clear()
  }

  async close(): Promise<void> {
    if (this.pending) clearTimeout(this.pending)
    if (this.heartbeat) clearInterval(this.heartbeat)
    this.endStreams()
    await this.checking
    await this.unlisten?.()
    this.unlisten = null
  }
}
