/**
 * The delivery worker: sends agents' replies to customers by email, at most once each, from the
 * deliveries queue (delivery-queue.ts). Any number of server processes may run one on the same
 * database.
 *
 * A round: claim due rows (FOR UPDATE SKIP LOCKED) and COMMIT them as 'sending' with this
 * claim's token and a lease, together with the Message-ID each goes out with; compose each
 * (composeReply) and hand it to the channel's pooled SMTP sender; record what happened:
 *  - the relay took it: 'sent';
 *  - a temporary refusal (4xx) or no connection: 'failed' with the reason and the next attempt by
 *    exponential backoff with jitter (backoff.ts); after the last attempt, failed for good;
 *  - a permanent refusal (5xx), a bad address, a channel that is gone: failed for good;
 *  - the connection lost (or timed out) after the whole message went out: 'unconfirmed'.
 * A row left 'sending' by a process that died (its lease ran out) is swept to 'unconfirmed'. An
 * unconfirmed reply is never sent again without the agent's Retry: a customer gets a reply twice
 * only when an agent asked for it. While sending, the worker renews its leases.
 *
 * It wakes on NOTIFY handoff_deliveries (a reply queued or retried, delivery-enqueue.ts), after
 * each delivery while more may be due, and every pollIntervalMs (due retries, the sweep). It logs
 * message ids and reasons, never a message's text or a password.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { DELIVERIES_CHANNEL, NO_ADDRESS_REASON } from '../../store/delivery-enqueue'
import type { SqlClient } from '../../store/sql'
import { DEFAULT_BACKOFF, nextRetry, type BackoffPolicy } from '../backoff'
import { claimDue, extendLeases, markFailed, markSent, markUnconfirmed, setMessageIds, sweepExpired, threadMessages, type ClaimedDelivery, type ThreadMessage } from '../delivery-queue'
import { itemKey } from '../ingest'
import { listChannels, SecretError, type EmailChannel } from '../registry'
import { composeReply, handoffMessageId } from './compose'
import { replyThreading } from './reply-thread'
import { ChannelSenders } from './senders'
import { SmtpError } from './smtp'

export interface DeliveryOptions {
  /** This process in claimed_by (default host:pid:random). */
  workerId?: string
  backoff?: Partial<BackoffPolicy>
  /** How long a claim holds a row without being renewed (renewed every third of it while sending). */
  leaseMs?: number
  /** How often due retries and expired leases are looked for besides notifications. */
  pollIntervalMs?: number
  /** Replies being sent at once by this process. */
  concurrency?: number
  /** Open SMTP connections per channel. */
  connectionsPerChannel?: number
  smtp?: { connectionTimeoutMs?: number; socketTimeoutMs?: number; rejectUnauthorized?: boolean }
  /** For the backoff's jitter (tests). */
  random?: () => number
  /** For the server's log: ids and reasons only. */
  log?: (line: string) => void
  /** What happened to each delivery, as it happens ('accepted': the relay took it, not yet recorded). */
  onEvent?: (event: DeliveryEvent) => void
}

export type DeliveryEvent =
  | { type: 'accepted'; messageId: string }
  | { type: 'sent'; messageId: string }
  | { type: 'failed'; messageId: string; reason: string; retryInMs: number | null }
  | { type: 'unconfirmed'; messageId: string; reason: string }
  | { type: 'swept'; messageIds: string[] }

export interface DeliveryWorker {
  readonly workerId: string
  /** One round now: sweep, claim what is due and send it; resolves when those are recorded. */
  runOnce(): Promise<void>
  /** Stops claiming; waits up to graceMs for the replies being sent to be recorded, then closes the connections. */
  stop(graceMs?: number): Promise<void>
}

/** Why an unconfirmed reply is unconfirmed, for the agent. */
export const SWEPT_REASON = 'The server stopped while handing this reply to the mail server, so it may have arrived. Retry sends it again.'
export const LOST_AFTER_DATA_REASON = 'The connection to the mail server was lost after the reply was handed over, so it may have arrived. Retry sends it again.'

const DEFAULTS = { leaseMs: 60_000, pollIntervalMs: 5_000, concurrency: 16, connectionsPerChannel: 4 }
/** SMTP timeouts well inside the lease: a hand-over that hangs ends as an error, not as an expired lease. */
const SMTP_DEFAULTS = { connectionTimeoutMs: 30_000, socketTimeoutMs: 60_000 }
/** Rows claimed per statement at most. */
const CLAIM_BATCH = 50

/** A reply that cannot go out for a reason of Handoff's own (no address, a channel gone), not the relay's. */
class Undeliverable extends Error {
  constructor(
    message: string,
    readonly temporary: boolean
  ) {
    super(message)
    this.name = 'Undeliverable'
  }
}

type Outcome = { kind: 'sent'; externalId: string } | { kind: 'failed'; reason: string; temporary: boolean } | { kind: 'unconfirmed'; reason: string }

/** A claimed delivery with its channel and threading, ready to compose. */
interface Job {
  d: ClaimedDelivery
  channel: EmailChannel | undefined
  externalId: string | null
  threading: { inReplyTo: string | null; references: string[] }
}

/** What a failure means for the reply, and the reason the agent reads. */
export function outcomeOf(e: unknown): Outcome {
  if (e instanceof SmtpError) {
    if (e.afterData) return { kind: 'unconfirmed', reason: LOST_AFTER_DATA_REASON }
    const answer = e.response || e.message
    if (e.code !== null) {
      return e.temporary ? { kind: 'failed', temporary: true, reason: `The mail server asked to try again later: ${answer}` } : { kind: 'failed', temporary: false, reason: `The mail server refused the reply: ${answer}` }
    }
    return e.temporary ? { kind: 'failed', temporary: true, reason: `The mail server could not be reached: ${e.message}` } : { kind: 'failed', temporary: false, reason: `The mail server could not be used: ${e.message}` }
  }
  if (e instanceof Undeliverable) return { kind: 'failed', temporary: e.temporary, reason: e.message }
  // The channel's password is not where its settings say: an administrator can fix that.
  if (e instanceof SecretError) return { kind: 'failed', temporary: true, reason: `The channel's SMTP password cannot be read: ${e.message}` }
  return { kind: 'failed', temporary: true, reason: `Sending failed: ${e instanceof Error ? e.message : String(e)}` }
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1)

/** The subject key of an item (ingest.ts itemKey); an id that is no UUID (an import's) is cleaned into one. */
function threadKeyOf(itemId: string): string {
  return itemKey(itemId) ?? (itemId.replace(/[^A-Za-z0-9-]/g, '').replace(/^-+/, '').slice(0, 32) || 'item')
}

export async function startDeliveries(sql: SqlClient, options: DeliveryOptions = {}): Promise<DeliveryWorker> {
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  const leaseMs = options.leaseMs ?? DEFAULTS.leaseMs
  const concurrency = Math.max(1, options.concurrency ?? DEFAULTS.concurrency)
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...options.backoff }
  const random = options.random ?? Math.random
  const log = options.log ?? (() => {})
  const emit = options.onEvent ?? (() => {})
  const senders = new ChannelSenders({ maxConnections: options.connectionsPerChannel ?? DEFAULTS.connectionsPerChannel, ...SMTP_DEFAULTS, ...options.smtp })

  let claims = 0
  let stopped = false
  /** Rows being sent by this process, by message id: their leases are renewed. */
  const inflight = new Map<string, ClaimedDelivery>()
  const running = new Set<Promise<void>>()

  /** Claims up to `limit` rows and commits them 'sending' with their Message-IDs; returns them ready to compose. */
  async function claim(limit: number): Promise<Job[]> {
    const token = `${workerId}/${++claims}`
    return sql.transaction(async (tx) => {
      const rows = await claimDue(tx, token, limit, leaseMs)
      if (rows.length === 0) return []
      const channels = new Map((await listChannels(tx)).map((c) => [c.id, c]))
      const thread = await threadMessages(tx, [...new Set(rows.map((r) => r.itemId))])
      const jobs = rows.map((d) => job(d, channels, thread))
      await setMessageIds(tx, jobs.flatMap((j) => (j.externalId ? [{ messageId: j.d.messageId, externalId: j.externalId }] : [])))
      return jobs
    })
  }

  function job(d: ClaimedDelivery, channels: ReadonlyMap<string, EmailChannel>, thread: readonly ThreadMessage[]): Job {
    const channel = d.channelId === null ? undefined : channels.get(d.channelId)
    let externalId: string | null = null
    if (channel) {
      try {
        externalId = handoffMessageId(d.messageId, domainOf(channel.address))
      } catch {
        // Reported when it is sent: the channel's address is no address.
      }
    }
    return { d, channel, externalId, threading: replyThreading(thread, { id: d.messageId, itemId: d.itemId, createdAt: d.createdAt }) }
  }

  /** Composes and hands over one reply. */
  async function hand(j: Job): Promise<Outcome> {
    const { d, channel } = j
    if (!channel) throw new Undeliverable(`The email channel ${d.channelId ?? '(none)'} this reply was queued on no longer exists.`, false)
    if (channel.disabled) throw new Undeliverable(`The email channel "${channel.name}" is disabled.`, true)
    if (!j.externalId) throw new Undeliverable(`The email channel "${channel.name}" has no usable address (${channel.address}).`, false)
    if (d.body === null || d.subject === null) throw new Undeliverable('The reply or its item is missing.', false)
    if (!d.customerEmail?.trim()) throw new Undeliverable(NO_ADDRESS_REASON, false)
    if (!channel.config?.smtp) throw new Undeliverable(`The email channel "${channel.name}" has no SMTP settings.`, false)
    const composed = await composeReply({
      agentName: d.agentName ?? 'Support',
      workspaceName: channel.name,
      supportAddress: channel.address,
      to: { name: d.customerName ?? '', address: d.customerEmail.trim() },
      subject: d.subject,
      threadKey: threadKeyOf(d.itemId),
      messageId: j.externalId,
      inReplyTo: j.threading.inReplyTo,
      references: j.threading.references,
      text: d.body
    }).catch((e: unknown) => {
      // composeReply refuses an address or id that would make a broken or forged message.
      throw e instanceof TypeError ? new Undeliverable(`The reply could not be composed: ${e.message}`, false) : e
    })
    await senders.get(channel).send(composed.raw, composed.envelope)
    emit({ type: 'accepted', messageId: d.messageId })
    return { kind: 'sent', externalId: composed.messageId }
  }

  /** Records an outcome; a database error is tried again a few times (a row left 'sending' would end unconfirmed). */
  async function record(d: ClaimedDelivery, outcome: Outcome): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        switch (outcome.kind) {
          case 'sent':
            if (await markSent(sql, d, outcome.externalId)) emit({ type: 'sent', messageId: d.messageId })
            return
          case 'failed': {
            const next = outcome.temporary ? nextRetry(d.attempts, policy, random) : { retry: false as const }
            const reason = outcome.temporary && !next.retry ? `${outcome.reason} (gave up after ${d.attempts} attempts)` : outcome.reason
            const retryInMs = next.retry ? next.delayMs : null
            if (await markFailed(sql, d, reason, retryInMs)) {
              log(`delivery ${d.messageId}: failed${retryInMs === null ? ' for good' : `, next attempt in ${Math.round(retryInMs / 1000)} s`}: ${reason}`)
              emit({ type: 'failed', messageId: d.messageId, reason, retryInMs })
            }
            return
          }
          case 'unconfirmed':
            if (await markUnconfirmed(sql, d, outcome.reason)) {
              log(`delivery ${d.messageId}: unconfirmed: ${outcome.reason}`)
              emit({ type: 'unconfirmed', messageId: d.messageId, reason: outcome.reason })
            }
            return
          default: {
            const unknown: never = outcome
            throw new Error(`Unknown outcome ${JSON.stringify(unknown)}`)
          }
        }
      } catch (e) {
        if (attempt >= 3 || stopped) {
          log(`delivery ${d.messageId}: could not record ${outcome.kind}: ${e instanceof Error ? e.message : String(e)}`)
          return
        }
        await new Promise((r) => setTimeout(r, 200 * attempt))
      }
    }
  }

  async function deliver(j: Job): Promise<void> {
    let outcome: Outcome
    try {
      outcome = await hand(j)
    } catch (e) {
      outcome = outcomeOf(e)
    }
    await record(j.d, outcome)
  }

  /** Starts sending a claimed job; its slot frees (and more is claimed, if more may be due) when it is recorded. */
  function start(j: Job): Promise<void> {
    inflight.set(j.d.messageId, j.d)
    const p = deliver(j).finally(() => {
      inflight.delete(j.d.messageId)
      running.delete(p)
      if (backlog) wake()
    })
    running.add(p)
    return p
  }

  async function sweep(): Promise<void> {
    const swept = await sweepExpired(sql, SWEPT_REASON)
    if (swept.length > 0) {
      log(`deliveries left sending by a stopped server, now unconfirmed: ${swept.join(', ')}`)
      emit({ type: 'swept', messageIds: swept })
    }
  }

  // The pump claims while there are free slots and due rows; wake() asks for a pump (one at a time).
  // backlog: more may be due than was claimed (a notice, the timer, or a claim that got all it asked
  // for), so a freed slot claims again; otherwise a finished delivery costs no query.
  let pumping: Promise<void> | null = null
  let again = false
  let backlog = true
  function wake(): void {
    if (stopped) return
    if (pumping) {
      again = true
      return
    }
    pumping = pump()
      .catch((e: unknown) => log(`deliveries: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        pumping = null
        if (again) {
          again = false
          wake()
        }
      })
  }
  const due = () => {
    backlog = true
    wake()
  }
  async function pump(): Promise<void> {
    while (!stopped) {
      const free = concurrency - inflight.size
      if (free <= 0) return
      const limit = Math.min(free, CLAIM_BATCH)
      const jobs = await claim(limit)
      backlog = jobs.length === limit
      for (const j of jobs) void start(j)
      if (!backlog) return
    }
  }

  const unlisten = await sql.listen(DELIVERIES_CHANNEL, due)
  const poll = setInterval(() => {
    void sweep()
      .catch((e: unknown) => log(`deliveries sweep: ${e instanceof Error ? e.message : String(e)}`))
      .finally(due)
  }, options.pollIntervalMs ?? DEFAULTS.pollIntervalMs)
  const renew = setInterval(() => {
    if (inflight.size > 0) void extendLeases(sql, [...inflight.values()], leaseMs).catch((e: unknown) => log(`deliveries: a lease could not be renewed: ${e instanceof Error ? e.message : String(e)}`))
  }, Math.max(10, Math.floor(leaseMs / 3)))
  poll.unref()
  renew.unref()
  // What was queued while no worker ran (a restart) goes now; so do leases that ran out meanwhile.
  void sweep()
    .catch((e: unknown) => log(`deliveries sweep: ${e instanceof Error ? e.message : String(e)}`))
    .finally(due)

  return {
    workerId,
    async runOnce() {
      await sweep()
      const jobs = await claim(Math.max(1, concurrency - inflight.size))
      await Promise.all(jobs.map(start))
    },
    async stop(graceMs = 10_000) {
      if (stopped) return
      stopped = true
      clearInterval(poll)
      await unlisten().catch(() => {})
      // A claim under way commits its rows 'sending': they are sent (and recorded) like the others.
      await pumping
      let timer: NodeJS.Timeout | undefined
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => (timer = setTimeout(r, graceMs)))])
      clearTimeout(timer)
      clearInterval(renew)
      senders.closeAll()
      // Replies still waiting for a pooled connection fail at once when the pool closes, before any
      // byte of them left: recorded now as failed and retried (left 'sending', a restart would make
      // them 'unconfirmed', which they are not). The store closes only after stop() returns.
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, 2000))])
    }
  }
}
