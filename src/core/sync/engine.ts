import type { Database } from 'better-sqlite3'
import { DEFAULT_PULL_LIMIT, MAX_BODY_BYTES, MAX_PUSH_MUTATIONS, type PushedMutation } from '../../shared/sync/protocol'
import { META, deleteMeta, getMeta } from '../infra/meta'
import { plucked, prepared } from '../infra/statements'
import { applyPullPage, type ArrivedMessage, type PurgeKeeper } from './apply-pull'
import { backoffDelay } from './backoff'
import { readBinding, resetClient } from './binding'
import { isSyncTransportError, type SyncTransport } from './transport'

export type EngineState = 'connecting' | 'online' | 'offline' | 'signed_out'

/** setTimeout/clearTimeout, injectable so tests drive time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}
export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
}

export interface SyncEngineOptions {
  db: Database
  transport: SyncTransport
  /** What keeps facts about the items a pull deletes (apply-pull.ts). */
  keeper: PurgeKeeper
  now?: () => Date
  timers?: Timers
  /** In [0, 1): the jitter of the backoff. */
  random?: () => number
  /** How often to pull without a nudge (the nudge stream may be down without anyone noticing). */
  pollMs?: number
  /** How long a local change waits before its push, so a burst goes in one request. */
  pushDelayMs?: number
  /** A pull changed local data (called after the page's transaction). */
  onDataChanged?: () => void
  /** A pull page brought new customer messages (not on the first sync); called after onDataChanged. */
  onArrived?: (arrived: ArrivedMessage[]) => void
  /**
   * What sync.status shows may have changed on the engine's own time: a pull page was applied
   * (outbox confirmed, rejections, progress, last synced), a cycle ended online, or an attempt
   * failed. Called after commits, never inside a transaction; the listener tells what differs.
   */
  onChange?: () => void
  /** The server refused the credential: the engine has stopped itself. */
  onUnauthorized?: (message: string) => void
  log?: (message: string, error: unknown) => void
}

export const DEFAULT_POLL_MS = 15_000
export const DEFAULT_PUSH_DELAY_MS = 25
/** The most a push body may weigh, with room to spare under the server's MAX_BODY_BYTES. */
export const PUSH_BODY_BUDGET = Math.floor(0.9 * MAX_BODY_BYTES)

/** What a push answered that the cycle acts on. */
type PushOutcome = 'pushed' | 'sequence_gap' | 'client_conflict' | 'too_large'

/**
 * The sync loop, in the core's thread, running between dispatch calls (every await hands the
 * thread back; each pull page is applied in one synchronous transaction, so a call never sees
 * half of one).
 *
 * - push: whenever the outbox has rows past what was pushed; ONE push in flight, batches in seq
 *   order of up to MAX_PUSH_MUTATIONS whose JSON body stays under PUSH_BODY_BUDGET (at least one
 *   mutation); a 413 halves the batch for the rest of the run (down to one). A 409 sequence_gap
 *   restarts from the server's expectedSeq; a 409 client_conflict (this folder's seq numbers were
 *   used before: a restored backup or a copy) moves to a fresh client id with the pending rows
 *   renumbered from 1 (resetClient) and pushes them again.
 *   A push's 200 deletes nothing: the pull that follows confirms (lastAppliedSeq).
 * - pull: after every push, on the server's nudge, when the nudge stream (re)connects, every
 *   pollMs, and again at once while the server says `more`. A 400 (the server refuses the
 *   cursor: restored from an older backup, say) clears the cursor and pulls from the start once.
 * - failure: 'offline', retry after backoffDelay (full jitter, 500 ms doubling up to 30 s), with
 *   the server's message (or the network's) as lastError; a refused credential stops the engine
 *   ('signed_out').
 */
export class SyncEngine {
  state: EngineState = 'connecting'
  lastError: string | null = null
  firstSync: { done: number; total: number } | null = null

  private readonly o: Required<Omit<SyncEngineOptions, 'onDataChanged' | 'onArrived' | 'onChange' | 'onUnauthorized' | 'log'>> &
    Pick<SyncEngineOptions, 'onDataChanged' | 'onArrived' | 'onChange' | 'onUnauthorized' | 'log'>
  private stopped = true
  private running: Promise<void> | null = null
  private wantPull = false
  /** The highest outbox.seq a push carried and the server answered 200 for (in this run). */
  private pushedThrough = 0
  /** The most mutations one push carries; halved by each 413 (for this run). */
  private batchCap = MAX_PUSH_MUTATIONS
  /** Client resets a pull caused since the last page applied (one is a remedy, two a fault). */
  private pullResets = 0
  /** Consecutive failed attempts; 0 after a success. */
  private attempt = 0
  private retryTimer: unknown = null
  private pollTimer: unknown = null
  private pushTimer: unknown = null
  private unsubscribe: (() => void) | null = null

  constructor(options: SyncEngineOptions) {
    this.o = {
      now: () => new Date(),
      timers: realTimers,
      random: Math.random,
      pollMs: DEFAULT_POLL_MS,
      pushDelayMs: DEFAULT_PUSH_DELAY_MS,
      ...options
    }
  }

  get isRunning(): boolean {
    return !this.stopped
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.state = 'connecting'
    this.unsubscribe = this.o.transport.subscribe(
      () => this.requestPull(),
      () => this.requestPull()
    )
    this.requestPull()
  }

  /** Stops for good: no timer left, the nudge stream closed; an in-flight request's answer is ignored. */
  stop(): void {
    this.stopped = true
    for (const t of [this.retryTimer, this.pollTimer, this.pushTimer]) if (t !== null) this.o.timers.clearTimeout(t)
    this.retryTimer = this.pollTimer = this.pushTimer = null
    this.unsubscribe?.()
    this.unsubscribe = null
    this.firstSync = null
  }

  /** A local mutation was recorded: push it soon. */
  notifyLocalChange(): void {
    if (this.stopped || this.pushTimer !== null) return
    this.pushTimer = this.o.timers.setTimeout(() => {
      this.pushTimer = null
      this.kick()
    }, this.o.pushDelayMs)
  }

  requestPull(): void {
    this.wantPull = true
    this.kick()
  }

  /** Resolves when no cycle is running (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  private kick(): void {
    // While backing off, the retry timer runs the next cycle (with whatever is wanted by then).
    if (this.stopped || this.running || this.retryTimer !== null) return
    this.running = this.cycle().finally(() => {
      this.running = null
    })
  }

  private async cycle(): Promise<void> {
    if (this.pollTimer !== null) this.o.timers.clearTimeout(this.pollTimer)
    this.pollTimer = null
    let gapRestarts = 0
    let conflictResets = 0
    try {
      while (!this.stopped) {
        if (this.hasUnpushed()) {
          const outcome = await this.pushBatch()
          if (this.stopped) return
          if (outcome === 'sequence_gap') {
            // Restart from where the server is; a second gap in a row without progress is a fault.
            if (++gapRestarts > 2) throw new Error('The server keeps reporting a sequence gap.')
            continue
          }
          if (outcome === 'client_conflict') {
            // A fresh client id cannot conflict; a second conflict in a row is a fault.
            if (++conflictResets > 1) throw new Error('The server keeps reporting a client conflict.')
            this.pushedThrough = resetClient(this.o.db).seqBase
            continue
          }
          if (outcome === 'too_large') continue // a smaller batch, at once
          gapRestarts = 0
          conflictResets = 0
          this.wantPull = true
          continue
        }
        if (this.wantPull) {
          this.wantPull = false
          await this.pullAll()
          continue
        }
        break
      }
      if (this.stopped) return
      this.attempt = 0
      this.state = 'online'
      this.lastError = null
      this.pollTimer = this.o.timers.setTimeout(() => {
        this.pollTimer = null
        this.requestPull()
      }, this.o.pollMs)
      this.o.onChange?.()
    } catch (e) {
      if (!this.stopped) this.failed(e)
    }
  }

  private failed(e: unknown): void {
    if (isSyncTransportError(e) && e.unauthorized) {
      const message = 'The server no longer accepts your credential. Sign in again.'
      this.stop()
      this.state = 'signed_out'
      this.lastError = message
      this.o.onUnauthorized?.(message)
      return
    }
    if (!isSyncTransportError(e)) this.o.log?.('[handoff sync] a sync step failed:', e)
    this.state = 'offline'
    this.lastError = isSyncTransportError(e) ? e.message : `Syncing failed: ${e instanceof Error ? e.message : String(e)}`
    const delay = backoffDelay(this.attempt, this.o.random)
    this.attempt++
    this.wantPull = true
    this.retryTimer = this.o.timers.setTimeout(() => {
      this.retryTimer = null
      this.kick()
    }, delay)
    this.o.onChange?.()
  }

  private hasUnpushed(): boolean {
    return plucked<[number], number>(this.o.db, 'SELECT EXISTS (SELECT 1 FROM outbox WHERE seq > ?)').get(this.pushedThrough) === 1
  }

  /**
   * Pushes the next batch. sequence_gap: pushedThrough moved back to the server's expectedSeq;
   * client_conflict: nothing changed yet (the cycle resets the client); too_large: the batch cap
   * was halved (a 413 for a single mutation is thrown: it cannot get smaller).
   */
  private async pushBatch(): Promise<PushOutcome> {
    const binding = readBinding(this.o.db)
    if (!binding) throw new Error('The workspace is not bound to a server.')
    const rows = prepared<[number, number], { seq: number; mutation_id: string; name: string; args: string; actor_id: string; created_at: string }>(
      this.o.db,
      'SELECT seq, mutation_id, name, args, actor_id, created_at FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?'
    ).all(this.pushedThrough, this.batchCap)
    if (rows.length === 0) return 'pushed'
    // In seq order until the body would pass the budget; always at least one mutation.
    let bytes = Buffer.byteLength(JSON.stringify({ clientId: binding.clientId, mutations: [] }))
    const mutations: PushedMutation[] = []
    for (const r of rows) {
      const m: PushedMutation = {
        seq: r.seq - binding.seqBase,
        mutationId: r.mutation_id,
        name: r.name,
        args: JSON.parse(r.args) as unknown,
        actorId: r.actor_id,
        clientTime: r.created_at
      }
      const size = Buffer.byteLength(JSON.stringify(m)) + (mutations.length > 0 ? 1 : 0) // the comma
      if (mutations.length > 0 && bytes + size > PUSH_BODY_BUDGET) break
      mutations.push(m)
      bytes += size
    }
    try {
      await this.o.transport.push({ clientId: binding.clientId, mutations })
    } catch (e) {
      if (isSyncTransportError(e) && e.kind === 'http') {
        if (e.code === 'sequence_gap' && e.expectedSeq !== null) {
          this.pushedThrough = binding.seqBase + e.expectedSeq - 1
          return 'sequence_gap'
        }
        if (e.code === 'client_conflict') return 'client_conflict'
        if ((e.status === 413 || e.code === 'too_large') && mutations.length > 1) {
          this.batchCap = Math.max(1, Math.floor(mutations.length / 2))
          return 'too_large'
        }
      }
      throw e
    }
    this.pushedThrough = Math.max(this.pushedThrough, binding.seqBase + mutations.at(-1)!.seq)
    return 'pushed'
  }

  private async pullAll(): Promise<void> {
    let restarted = false
    for (;;) {
      const binding = readBinding(this.o.db)
      if (!binding) throw new Error('The workspace is not bound to a server.')
      const cursor = getMeta(this.o.db, META.syncCursor)
      // Every per-client seq this folder has handed out so far (AUTOINCREMENT never goes back).
      const allocated = (plucked<[], number>(this.o.db, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)`).get() ?? 0) - binding.seqBase
      let page
      try {
        page = await this.o.transport.pull({
          clientId: binding.clientId,
          cursor,
          rejectionsAfter: Number(getMeta(this.o.db, META.syncRejectionsAfter) ?? 0),
          limit: DEFAULT_PULL_LIMIT
        })
      } catch (e) {
        // The server refuses the request: the cursor is one it cannot read, or ahead of it (it was
        // restored from an older backup). Start over as a first sync (upserts are idempotent),
        // once; a refusal of that too goes to the backoff with the server's message.
        if (!this.stopped && !restarted && cursor !== null && isSyncTransportError(e) && e.kind === 'http' && (e.status === 400 || e.code === 'bad_request')) {
          restarted = true
          if (getMeta(this.o.db, META.syncCursor) === cursor) deleteMeta(this.o.db, META.syncCursor)
          continue
        }
        throw e
      }
      if (this.stopped) return
      if (page.lastAppliedSeq > allocated) {
        // The server has handled seqs of this client that this folder never made: its counter
        // went back (a restored backup, a copy), and applying this page would delete pending rows
        // as confirmed. Same remedy as a push's client_conflict: a fresh client, then pull again.
        if (++this.pullResets > 1) throw new Error('The server reports changes of this client that this folder never made.')
        this.pushedThrough = resetClient(this.o.db).seqBase
        this.wantPull = true
        return
      }
      const { changed, arrived } = applyPullPage(this.o.db, page, this.o.now(), this.o.keeper)
      this.pullResets = 0
      this.firstSync = page.more ? page.progress : null
      if (changed) this.o.onDataChanged?.()
      if (arrived.length > 0) this.o.onArrived?.(arrived)
      this.o.onChange?.()
      if (!page.more || this.stopped) return
    }
  }
}
