/**
 * Hands composed messages to the workspace's SMTP relay (nodemailer's SMTP transport) and says
 * whether a failure is worth retrying: a 4xx answer or a connection that failed is temporary, a
 * 5xx answer is permanent. The queue that retries is the caller's.
 */
import nodemailer from 'nodemailer'
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
  constructor(message: string, fields: { temporary: boolean; code: number | null; response: string; reason: string | null; command: string | null }) {
    super(message)
    this.name = 'SmtpError'
    this.temporary = fields.temporary
    this.code = fields.code
    this.response = fields.response
    this.reason = fields.reason
    this.command = fields.command
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

function toSmtpError(error: unknown, password: string | undefined): SmtpError {
  const e = (error instanceof Error ? error : new Error(String(error))) as NodemailerError
  const code = typeof e.responseCode === 'number' ? e.responseCode : null
  const reason = typeof e.code === 'string' ? e.code : null
  const temporary = code !== null ? code >= 400 && code < 500 : !(reason !== null && PERMANENT_REASONS.has(reason))
  // The relay's text is echoed back; a password must never reach a log through it.
  const scrub = (s: string) => (password ? s.split(password).join('***') : s)
  return new SmtpError(scrub(e.message), { temporary, code, response: scrub(e.response ?? ''), reason, command: e.command ?? null })
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
  const transport = nodemailer.createTransport(options)
  return {
    async send(raw, envelope) {
      try {
        const info = await transport.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw })
        const list = (value: unknown): string[] => (Array.isArray(value) ? value.map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address ?? ''))) : [])
        return { accepted: list(info.accepted), rejected: list(info.rejected), response: String(info.response ?? '') }
      } catch (error) {
        throw toSmtpError(error, config.password)
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
