/**
 * Hands composed messages to the workspace's SMTP relay (nodemailer's SMTP transport) and says
 * whether a failure is worth retrying: a 4xx answer or a connection that failed is temporary, a
 * 5xx answer is permanent, and a connection lost after the whole message went out is uncertain
 * (`afterData`: it may have been delivered). The queue that retries is the caller's: the
 * transport itself never sends a message again (a pool's own requeue is off).
 */
import type { Readable } from 'node:stream'
import nodemailer from 'nodemailer'
import type SMTPPool from 'nodemailer/lib/smtp-pool'
import type SMTPTransport from 'nodemailer/lib/smtp-transport'

/** How the connection is protected: TLS from the first byte (465), upgraded with STARTTLS (587), or not at all. */
export type MailSecurity = 'tls' | 'starttls' | 'none'

export interface SmtpConfig {
  host: string
  port: number
  security: MailSecurity
  /** Without a user, no AUTH is attempted. */
  user?: string
  password?: string
  connectionTimeoutMs?: number
  socketTimeoutMs?: number
  /** Only for relays with a self-signed certificate; on by default. */
  rejectUnauthorized?: boolean
  /**
   * Keep up to maxConnections open and send many messages over each (the delivery queue); without
   * it, one connection per message (`channel test`).
   */
  pool?: { maxConnections: number; maxMessages?: number }
}

export interface SmtpEnvelope {
  from: string
  to: string[]
}

export interface SmtpSendResult {
  /** Recipients the relay took. */
  accepted: string[]
  /** Recipients it refused while taking the others. */
  rejected: string[]
  /** The relay's final answer, e.g. "250 2.0.0 Ok: queued as ...". */
  response: string
}

export class SmtpError extends Error {
  /** Worth trying again later (4xx, or no answer at all); false for a 5xx refusal or a bad configuration. */
  readonly temporary: boolean
  /** The SMTP reply code, or null when the relay never answered. */
  readonly code: number | null
  /** The relay's answer, or '' when it never answered. */
  readonly response: string
  /** nodemailer's error code (ECONNECTION, ETIMEDOUT, EAUTH, EENVELOPE, ...), when it gave one. */
  readonly reason: string | null
  /** The SMTP command that failed (e.g. "DATA", "RCPT TO"), when known: a failure after DATA may have been delivered. */
  readonly command: string | null
  /**
   * The whole message went out and no answer came back (the connection was lost or timed out
   * waiting for it): the relay may have taken it. Sending it again could deliver it twice.
   */
  readonly afterData: boolean
  constructor(message: string, fields: { temporary: boolean; code: number | null; response: string; reason: string | null; command: string | null; afterData?: boolean }) {
    super(message)
    this.name = 'SmtpError'
    this.temporary = fields.temporary
    this.code = fields.code
    this.response = fields.response
    this.reason = fields.reason
    this.command = fields.command
    this.afterData = fields.afterData ?? false
  }
}

export interface SmtpSender {
  send(raw: Buffer, envelope: SmtpEnvelope): Promise<SmtpSendResult>
  /** Connects, greets and authenticates without sending anything, for `channel test`. */
  verify(): Promise<void>
  close(): void
}

// Failures that say the configuration or the message is wrong; retrying cannot help.
const PERMANENT_REASONS = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'EMESSAGE', 'EMAXLIMIT'])

interface NodemailerError extends Error {
  code?: string
  responseCode?: number
  response?: string
  command?: string
}

function toSmtpError(error: unknown, password: string | undefined, dataSent = false): SmtpError {
  const e = (error instanceof Error ? error : new Error(String(error))) as NodemailerError
  const code = typeof e.responseCode === 'number' ? e.responseCode : null
  const reason = typeof e.code === 'string' ? e.code : null
  const temporary = code !== null ? code >= 400 && code < 500 : !(reason !== null && PERMANENT_REASONS.has(reason))
  // The relay's text is echoed back; a password must never reach a log through it.
  const scrub = (s: string) => (password ? s.split(password).join('***') : s)
  // An answer (any code) settles it; only silence after the message went out leaves it open.
  const afterData = dataSent && code === null
  return new SmtpError(scrub(e.message), { temporary, code, response: scrub(e.response ?? ''), reason, command: e.command ?? null, afterData })
}

/** A sendMail option read by the plugin below: called when the message has been read out to the relay. */
const ON_DATA_SENT = 'handoffOnDataSent'

/**
 * Tells each send when its message was read out in full onto the connection. The message
 * stream a transport makes (createReadStream; process functions run on its output) is read only
 * after the relay said 354 to DATA, so its end means the whole message and the final dot went
 * out: from then on, a lost connection leaves the delivery uncertain. Before it, nothing of the
 * message reached the relay and sending again is safe.
 */
function trackDataSent(mail: { data: Record<string, unknown>; message: { processFunc(fn: (input: Readable) => Readable): void } }, done: (err?: Error | null) => void): void {
  const onSent = mail.data[ON_DATA_SENT]
  if (typeof onSent === 'function') {
    mail.message.processFunc((input) => {
      input.once('end', () => (onSent as () => void)())
      return input
    })
  }
  done()
}

export function createSmtpSender(config: SmtpConfig): SmtpSender {
  const options: SMTPTransport.Options = {
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    ignoreTLS: config.security === 'none',
    ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
    connectionTimeout: config.connectionTimeoutMs ?? 30_000,
    greetingTimeout: config.connectionTimeoutMs ?? 30_000,
    socketTimeout: config.socketTimeoutMs ?? 120_000,
    tls: { rejectUnauthorized: config.rejectUnauthorized ?? true, minVersion: 'TLSv1.2' },
    logger: false,
    debug: false
  }
  // A pool would otherwise send a message again by itself when its connection closes mid-send
  // (maxRequeues, 5 by default): a reply could reach the customer twice.
  const transport = config.pool
    ? nodemailer.createTransport({ ...options, pool: true, maxConnections: config.pool.maxConnections, maxMessages: config.pool.maxMessages ?? 100, maxRequeues: 0 } as SMTPPool.Options)
    : nodemailer.createTransport(options)
  transport.use('stream', trackDataSent as unknown as Parameters<typeof transport.use>[1])
  return {
    async send(raw, envelope) {
      let dataSent = false
      try {
        const mail = { envelope: { from: envelope.from, to: envelope.to }, raw, [ON_DATA_SENT]: () => (dataSent = true) }
        const info = await transport.sendMail(mail)
        const list = (value: unknown): string[] => (Array.isArray(value) ? value.map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address ?? ''))) : [])
        return { accepted: list(info.accepted), rejected: list(info.rejected), response: String(info.response ?? '') }
      } catch (error) {
        throw toSmtpError(error, config.password, dataSent)
      }
    },
    async verify() {
      try {
        await transport.verify()
      } catch (error) {
        throw toSmtpError(error, config.password)
      }
    },
    close() {
      transport.close()
    }
  }
}
