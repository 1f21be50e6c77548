/**
 * Takes what arrives in a workspace's support mailbox (imapflow). Each message is handed to the
 * caller and only once the caller has it (its promise resolved) is it moved out of the mailbox
 * or flagged, so the state of "what is taken" lives on the mail server and survives restarts.
 * A crash or a dropped connection between the two means the message is handed again: delivery
 * is at least once, and the caller dedupes by Message-ID.
 *
 * It waits with IDLE where the server offers it and polls otherwise, re-checks every poll
 * interval either way (which also retries a message the caller failed on), and reconnects with
 * exponential backoff after the connection drops.
 */
import { ImapFlow, type SearchObject } from 'imapflow'
import type { MailSecurity } from './smtp'

/** What happens to a message once the caller has it: moved to a folder (created if missing), or flagged. */
export type AfterTake = { move: string } | { flag: string }

export interface ImapConfig {
  host: string
  port: number
  security: MailSecurity
  user: string
  password: string
  /** The mailbox customers' mail arrives in. Default INBOX. */
  mailbox?: string
  /** Default: moved to "Handoff/Processed". */
  after?: AfterTake
  /** Use IDLE when the server offers it (the default); false polls even then. */
  idle?: boolean
  /** How often to look without IDLE, and to re-check with it. Default 60 s. */
  pollIntervalMs?: number
  /** Reconnection delays: doubled after each failure, from initialMs (1 s) up to maxMs (5 min). */
  backoff?: { initialMs?: number; maxMs?: number }
  connectionTimeoutMs?: number
  /** Only for servers with a self-signed certificate; on by default. */
  rejectUnauthorized?: boolean
}

/** Hands over one message; the message is moved or flagged only after this resolves. */
export type OnMessage = (raw: Buffer, uid: number) => Promise<void>

export type ImapReaderEvent =
  | { type: 'connected'; mode: 'idle' | 'poll' }
  | { type: 'disconnected'; error: string }
  | { type: 'taken'; uid: number }
  | { type: 'handler-failed'; uid: number; error: string }

export interface ImapHealth {
  running: boolean
  connected: boolean
  /** How new mail is noticed on the current connection. */
  mode: 'idle' | 'poll' | null
  /** When the mailbox was last searched for mail to take (ISO 8601). */
  lastPollAt: string | null
  /** Never contains the password. */
  lastError: string | null
  lastErrorAt: string | null
  /** Successful connections so far (more than one means it reconnected). */
  connects: number
  /** Messages handed over and then moved or flagged. */
  taken: number
}

export interface ImapTestResult {
  mailbox: string
  messages: number
  idle: boolean
}

export type ImapErrorCode = 'auth' | 'connect' | 'mailbox' | 'protocol'

export class ImapError extends Error {
  readonly code: ImapErrorCode
  constructor(code: ImapErrorCode, message: string) {
    super(message)
    this.name = 'ImapError'
    this.code = code
  }
}

export interface ImapReader {
  /** Starts taking mail in the background; health() says how it goes. */
  start(): void
  /** Lets a message being handed over finish, then logs out. */
  stop(): Promise<void>
  health(): ImapHealth
  /** Connects, opens the mailbox, counts its messages and logs out, for `channel test`. */
  test(): Promise<ImapTestResult>
}

export interface ImapReaderOptions {
  /** For the server's log; messages never contain the password. */
  onEvent?: (event: ImapReaderEvent) => void
}

const FLAG = /^(?:\\(?:Seen|Flagged|Answered)|[A-Za-z0-9$_.-]{1,64})$/
const STOP_GRACE_MS = 10_000

/** The search for messages not yet taken. */
function notTaken(after: AfterTake): SearchObject {
  if ('move' in after) return { deleted: false }
  switch (after.flag) {
    case '\\Seen':
      return { seen: false, deleted: false }
    case '\\Flagged':
      return { flagged: false, deleted: false }
    case '\\Answered':
      return { answered: false, deleted: false }
    default:
      return { unKeyword: after.flag, deleted: false }
  }
}

/** A sleep that a wake() ends early. */
class Waiter {
  private pending: (() => void) | null = null
  private woken = false
  wait(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.pending = null
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.pending = done
    })
  }
  /** Ends the current wait, or the next one if none is running. */
  wake(): void {
    if (this.pending) this.pending()
    else this.woken = true
  }
  clear(): void {
    this.woken = false
  }
}

export function createImapReader(config: ImapConfig, onMessage: OnMessage, options: ImapReaderOptions = {}): ImapReader {
  const mailbox = config.mailbox ?? 'INBOX'
  const after: AfterTake = config.after ?? { move: 'Handoff/Processed' }
  if ('flag' in after && !FLAG.test(after.flag)) throw new TypeError(`Not an IMAP flag or keyword: ${JSON.stringify(after.flag)}`)
  const pollMs = config.pollIntervalMs ?? 60_000
  const initialMs = config.backoff?.initialMs ?? 1000
  const maxMs = config.backoff?.maxMs ?? 5 * 60_000

  const health: ImapHealth = { running: false, connected: false, mode: null, lastPollAt: null, lastError: null, lastErrorAt: null, connects: 0, taken: 0 }
  let client: ImapFlow | null = null
  let loop: Promise<void> | null = null
  let stopping = false
  // Mail arrived, the connection closed, or stop() was called.
  const work = new Waiter()
  const stopped = new Waiter()

  const emit = (event: ImapReaderEvent) => {
    try {
      options.onEvent?.(event)
    } catch {
      // A logging problem must not stop the mailbox.
    }
  }

  const describe = (error: unknown): string => {
    const e = error as { message?: string; responseText?: string; code?: string }
    const parts = [e?.message ?? String(error), e?.responseText, e?.code].filter((p): p is string => typeof p === 'string' && p.length > 0)
    const text = [...new Set(parts)].join(': ')
    return config.password ? text.split(config.password).join('***') : text
  }

  const record = (error: unknown): string => {
    health.lastError = describe(error)
    health.lastErrorAt = new Date().toISOString()
    return health.lastError
  }

  const classify = (error: unknown, stage: 'connect' | 'mailbox'): ImapError => {
    const e = error as { authenticationFailed?: boolean; code?: string }
    if (e?.authenticationFailed) return new ImapError('auth', `Login failed: ${describe(error)}`)
    if (stage === 'mailbox') return new ImapError('mailbox', `Mailbox ${JSON.stringify(mailbox)} could not be opened: ${describe(error)}`)
    if (typeof e?.code === 'string' && /^(E[A-Z]+|CONNECT_TIMEOUT|GreetingTimeout|NoConnection)$/.test(e.code)) return new ImapError('connect', `Could not connect: ${describe(error)}`)
    return new ImapError('protocol', describe(error))
  }

  const newClient = () =>
    new ImapFlow({
      host: config.host,
      port: config.port,
      secure: config.security === 'tls',
      doSTARTTLS: config.security === 'starttls' ? true : config.security === 'none' ? false : undefined,
      auth: { user: config.user, pass: config.password },
      tls: { rejectUnauthorized: config.rejectUnauthorized ?? true, minVersion: 'TLSv1.2' },
      connectionTimeout: config.connectionTimeoutMs ?? 30_000,
      greetingTimeout: config.connectionTimeoutMs ?? 30_000,
      // IDLE is started and broken here, where the code knows when a message is being handed over.
      disableAutoIdle: true,
      logger: false,
      emitLogs: false
    })

  /** Hands over, one at a time and oldest first, every message not yet taken. */
  async function sweep(c: ImapFlow): Promise<void> {
    const found = await c.search(notTaken(after), { uid: true })
    if (found === false || found === undefined) throw new ImapError('protocol', `Searching ${mailbox} failed`)
    for (const uid of [...found].sort((a, b) => a - b)) {
      if (stopping || !c.usable) return
      const message = await c.fetchOne(String(uid), { uid: true, source: true }, { uid: true })
      // Gone meanwhile (another client took or deleted it).
      if (!message || !message.source) continue
      try {
        await onMessage(message.source, uid)
      } catch (error) {
        // Left in place: the next sweep hands it over again.
        emit({ type: 'handler-failed', uid, error: record(error) })
        continue
      }
      const done = 'move' in after ? await c.messageMove(String(uid), after.move, { uid: true }) : await c.messageFlagsAdd(String(uid), [after.flag], { uid: true })
      if (done === false) throw new ImapError('protocol', `Message ${uid} was handed over but could not be ${'move' in after ? 'moved' : 'flagged'}`)
      health.taken++
      emit({ type: 'taken', uid })
    }
  }

  /** One connection, from login until it drops or stop() is called. */
  async function session(): Promise<void> {
    const c = newClient()
    client = c
    c.on('error', (error: unknown) => record(error))
    c.on('exists', () => client === c && work.wake())
    c.on('close', () => client === c && work.wake())
    try {
      await c.connect()
      await c.mailboxOpen(mailbox)
      if ('move' in after) {
        // Whoever made the folder first (another process, an earlier run) wins; it exists either way.
        await c.mailboxCreate(after.move).catch(() => undefined)
      }
      const idle = config.idle !== false && c.capabilities.has('IDLE')
      health.connected = true
      health.mode = idle ? 'idle' : 'poll'
      health.connects++
      emit({ type: 'connected', mode: health.mode })
      while (!stopping && c.usable) {
        work.clear()
        await sweep(c)
        health.lastPollAt = new Date().toISOString()
        if (stopping || !c.usable) break
        if (!idle) {
          await work.wait(pollMs)
          continue
        }
        const idling = c.idle().catch(() => undefined)
        await work.wait(pollMs)
        // Any command ends IDLE; NOOP also collects what the server announced meanwhile.
        if (c.usable) await c.noop()
        await idling
      }
      if (!stopping) throw new ImapError('connect', 'The server closed the connection')
    } finally {
      health.connected = false
      health.mode = null
      if (stopping && c.usable) await c.logout().catch(() => c.close())
      else c.close()
      if (client === c) client = null
    }
  }

  async function run(): Promise<void> {
    let failures = 0
    while (!stopping) {
      const connectsBefore = health.connects
      try {
        await session()
      } catch (error) {
        if (stopping) break
        emit({ type: 'disconnected', error: record(error) })
      }
      if (stopping) break
      if (health.connects > connectsBefore) failures = 0
      const delay = Math.min(maxMs, initialMs * 2 ** failures) * (0.8 + Math.random() * 0.4)
      failures++
      await stopped.wait(delay)
    }
  }

  return {
    start() {
      if (loop) return
      stopping = false
      work.clear()
      stopped.clear()
      health.running = true
      loop = run().finally(() => {
        health.running = false
        loop = null
      })
    },
    async stop() {
      if (!loop) return
      const running = loop
      stopping = true
      work.wake()
      stopped.wake()
      let timer: NodeJS.Timeout | undefined
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_GRACE_MS)
      })
      // A handover in progress finishes; a connect or command that hangs is cut after the grace.
      await Promise.race([running, grace])
      clearTimeout(timer)
      client?.close()
      await running
    },
    health() {
      return { ...health }
    },
    async test() {
      const c = newClient()
      c.on('error', () => undefined)
      try {
        try {
          await c.connect()
        } catch (error) {
          throw classify(error, 'connect')
        }
        try {
          await c.mailboxOpen(mailbox, { readOnly: true })
        } catch (error) {
          throw classify(error, 'mailbox')
        }
        return { mailbox, messages: c.mailbox ? c.mailbox.exists : 0, idle: c.capabilities.has('IDLE') }
      } finally {
        await c.logout().catch(() => c.close())
      }
    }
  }
}
