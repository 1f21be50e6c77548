/**
 * Test doubles for the sync client: timers the test advances by hand, and a transport over a tiny
 * in-memory model of the server (per-client sequence, lastAppliedSeq, scripted pull pages).
 */
import type { Timers } from '../../src/core/sync/engine'
import { SyncTransportError, type SyncTransport } from '../../src/core/sync/transport'
import type { Customer, Item, Message } from '../../src/shared/domain/entities'
import type { MeResponse, PullRequest, PullResponse, PushRequest, PushResponse } from '../../src/shared/sync/protocol'

export const SERVER_ID = 'srv-test'
export const AGENT = { id: 'agent-maya', name: 'Maya Okafor', email: 'maya@example.com', role: 'service' as const, tiers: [] }
export const OTHER_AGENT = { id: 'agent-liam', name: 'Liam Bergström', email: 'liam@example.com', role: 'service' as const, tiers: [] }
export const CREDENTIAL = `hf1.${AGENT.id}.${'a'.repeat(43)}`
export const ME: MeResponse = { protocol: 1, serverId: SERVER_ID, agent: AGENT, admin: false }

export class ManualTimers implements Timers {
  private now = 0
  private nextId = 1
  private readonly due = new Map<number, { at: number; fn: () => void }>()
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++
    this.due.set(id, { at: this.now + ms, fn })
    return id
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number)
  }
  get pending(): number {
    return this.due.size
  }
  /** The delays of the timers now pending, from now. */
  delays(): number[] {
    return [...this.due.values()].map((t) => t.at - this.now).sort((a, b) => a - b)
  }
  /** Moves time on, running every timer that falls due (in order). */
  advance(ms: number): void {
    const end = this.now + ms
    for (;;) {
      const next = [...this.due.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
      if (!next) break
      this.due.delete(next[0])
      this.now = next[1].at
      next[1].fn()
    }
    this.now = end
  }
}

export const T0 = '2026-11-23T08:00:00.000Z'

export function wireCustomer(id: string, name = 'Ann Smith'): Customer {
  return { id, name, email: `${id}@example.com`, phone: null, createdAt: T0 }
}

export function wireItem(id: string, customerId: string, patch: Partial<Item> = {}): Item {
  return {
    id,
    kind: 'service',
    category: 'order',
    channel: 'email',
    customerId,
    subject: `Order question ${id}`,
    status: 'new',
    priority: 'normal',
    assigneeId: null,
    tier: null,
    queue: 'service',
    handoffSummary: null,
    queueChangedBy: null,
    queueChangedAt: null,
    slaStartedAt: T0,
    slaRespondedAt: null,
    createdAt: T0,
    updatedAt: T0,
    firstResponseAt: null,
    resolvedAt: null,
    slaDueAt: '2026-11-23T12:00:00.000Z',
    ...patch
  }
}

export function wireMessage(id: string, itemId: string, body: string, patch: Partial<Message> = {}): Message {
  return { id, itemId, kind: 'customer', authorId: null, channel: 'email', body, createdAt: T0, ...patch }
}

export function page(lastAppliedSeq: number, patch: Partial<PullResponse> = {}): PullResponse {
  return {
    cursor: `c${Math.random().toString(36).slice(2)}`,
    more: false,
    lastAppliedSeq,
    progress: null,
    items: [],
    customers: [],
    messages: [],
    events: [],
    ratings: [],
    left: [],
    agents: null,
    views: [],
    deletedViews: [],
    settings: null,
    rejections: [],
    ...patch
  }
}

export interface Deferred {
  promise: Promise<void>
  resolve(): void
}
export function deferred(): Deferred {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

/**
 * The server, as far as the client can tell: it applies pushed sequences in order (a skip ahead
 * answers 409 sequence_gap with the next expected seq), answers pulls with scripted pages (or an
 * empty one) carrying lastAppliedSeq, and can be taken offline or made to hold its answers.
 */
export class FakeServer implements SyncTransport {
  me_: MeResponse = ME
  /** The highest per-client seq applied. */
  applied = 0
  /** When set, pulls report this instead of `applied` (the confirmation lags). */
  reportedApplied: number | null = null
  offline = false
  unauthorized = false
  /** While set, every request fails with it (a 503 'unavailable', say). */
  failWith: SyncTransportError | null = null
  pushes: PushRequest[] = []
  pulls: PullRequest[] = []
  pages: PullResponse[] = []
  /** While set, a push waits for it (to observe what happens while one is in flight). */
  pushGate: Deferred | null = null
  pushesInFlight = 0
  maxPushesInFlight = 0
  onPull: ((request: PullRequest) => void) | null = null
  private listeners: { nudge: () => void; connected: () => void }[] = []

  private check(): void {
    if (this.offline) throw new SyncTransportError('network', 'Could not reach the test server: connection refused')
    if (this.unauthorized) throw new SyncTransportError('http', 'Unknown credential.', { status: 401, code: 'unauthorized' })
    if (this.failWith) throw this.failWith
  }
  me(): Promise<MeResponse> {
    this.check()
    return Promise.resolve(this.me_)
  }
  async push(request: PushRequest): Promise<PushResponse> {
    this.pushes.push(request)
    this.pushesInFlight++
    this.maxPushesInFlight = Math.max(this.maxPushesInFlight, this.pushesInFlight)
    try {
      if (this.pushGate) await this.pushGate.promise
      this.check()
      const first = request.mutations[0]!.seq
      if (first > this.applied + 1) {
        throw new SyncTransportError('http', 'Sequence gap.', { status: 409, code: 'sequence_gap', expectedSeq: this.applied + 1 })
      }
      const results: PushResponse['results'] = request.mutations.map((m) => {
        if (m.seq <= this.applied) return { seq: m.seq, outcome: 'duplicate' as const }
        this.applied = m.seq
        return { seq: m.seq, outcome: 'applied' as const }
      })
      return { results, lastAppliedSeq: this.applied }
    } finally {
      this.pushesInFlight--
    }
  }
  pull(request: PullRequest): Promise<PullResponse> {
    this.pulls.push(request)
    try {
      this.check()
    } catch (e) {
      return Promise.reject(e)
    }
    this.onPull?.(request)
    const next = this.pages.shift() ?? page(this.reportedApplied ?? this.applied)
    return Promise.resolve(next)
  }
  subscribe(onNudge: () => void, onConnected: () => void): () => void {
    const listener = { nudge: onNudge, connected: onConnected }
    this.listeners.push(listener)
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener)
    }
  }
  get subscribers(): number {
    return this.listeners.length
  }
  nudge(): void {
    for (const l of this.listeners) l.nudge()
  }
}

/** Lets every pending promise callback run (the engine's awaits). */
export async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r))
}
