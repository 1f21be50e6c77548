/**
 * The channels table: a support mailbox's settings and health. A channel's config names where
 * each password is (an environment variable or a file), never the password; secrets are read
 * only when connecting (readSecret), and a password file must be a regular file that neither its
 * group nor others may read.
 */
import { readFileSync, statSync } from 'node:fs'
import type { SqlClient } from '../store/sql'
import type { MailSecurity } from './email/smtp'

export type SecretRef = { env: string } | { file: string }

export interface MailServerConfig {
  host: string
  port: number
  security: MailSecurity
  user: string
  password: SecretRef
}

export interface EmailChannelConfig {
  imap: MailServerConfig & { mailbox: string; processedFolder: string }
  smtp: MailServerConfig
  /**
   * Decoded size over which an inbound attachment is refused (listed on the message with why,
   * its bytes not kept). Absent in channels added before it existed: DEFAULT_MAX_ATTACHMENT_BYTES.
   */
  maxAttachmentBytes?: number
}

/** The attachment limit of a channel that names none: 10 MB. */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
/** The most a channel may allow: bytes are kept in one PostgreSQL row and sent in one response. */
export const MAX_ATTACHMENT_BYTES_LIMIT = 100 * 1024 * 1024

/** The attachment limit a channel's mail is parsed with. */
export const attachmentLimitOf = (config: EmailChannelConfig): number => config.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES

export interface EmailChannel {
  id: string
  kind: 'email'
  name: string
  address: string
  config: EmailChannelConfig
  disabled: boolean
  createdAt: string
  health: { connected: boolean; lastPollAt: string | null; lastError: string | null; lastErrorAt: string | null }
}

export class SecretError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SecretError'
  }
}

/** Checks a password file without reading it: a regular file, no access for group or others. */
export function checkSecretFile(path: string): void {
  let st
  try {
    st = statSync(path)
  } catch {
    throw new SecretError(`The password file ${path} cannot be found.`)
  }
  if (!st.isFile()) throw new SecretError(`The password file ${path} is not a regular file.`)
  if ((st.mode & 0o077) !== 0) throw new SecretError(`The password file ${path} may be read by others (mode ${(st.mode & 0o777).toString(8)}); make it 600 (chmod 600 ${path}).`)
}

/** The password a reference names; read only when connecting, never logged. */
export function readSecret(ref: SecretRef): string {
  if ('env' in ref) {
    const v = process.env[ref.env]
    if (v === undefined || v === '') throw new SecretError(`The environment variable ${ref.env} (a password) is not set.`)
    return v
  }
  checkSecretFile(ref.file)
  return readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '')
}

interface ChannelRow {
  id: string
  kind: 'email'
  name: string
  address: string
  config: EmailChannelConfig
  disabled: boolean
  created_at: Date | string
  connected: boolean
  last_poll_at: Date | string | null
  last_error: string | null
  last_error_at: Date | string | null
}
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())
const fromRow = (r: ChannelRow): EmailChannel => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  address: r.address,
  config: typeof r.config === 'string' ? (JSON.parse(r.config) as EmailChannelConfig) : r.config,
  disabled: r.disabled,
  createdAt: iso(r.created_at)!,
  health: { connected: r.connected, lastPollAt: iso(r.last_poll_at), lastError: r.last_error, lastErrorAt: iso(r.last_error_at) }
})

export async function addChannel(sql: SqlClient, c: { id: string; name: string; address: string; config: EmailChannelConfig }): Promise<EmailChannel> {
  const { rows } = await sql.query<ChannelRow>(`INSERT INTO channels (id, kind, name, address, config) VALUES ($1, 'email', $2, $3, $4::jsonb) RETURNING *`, [c.id, c.name, c.address, JSON.stringify(c.config)])
  return fromRow(rows[0]!)
}

export async function listChannels(sql: SqlClient, opts: { enabledOnly?: boolean } = {}): Promise<EmailChannel[]> {
  const { rows } = await sql.query<ChannelRow>(`SELECT * FROM channels ${opts.enabledOnly ? 'WHERE NOT disabled' : ''} ORDER BY id`)
  return rows.map(fromRow)
}

export async function channelById(sql: SqlClient, id: string): Promise<EmailChannel | null> {
  const { rows } = await sql.query<ChannelRow>('SELECT * FROM channels WHERE id = $1', [id])
  return rows[0] ? fromRow(rows[0]) : null
}

/** Stores what the runner last saw (lastError never holds a password: the adapters scrub them). */
export async function saveHealth(sql: SqlClient, id: string, h: { connected: boolean; lastPollAt: string | null; lastError: string | null; lastErrorAt: string | null }): Promise<void> {
  await sql.query('UPDATE channels SET connected = $2, last_poll_at = $3, last_error = $4, last_error_at = $5 WHERE id = $1', [id, h.connected, h.lastPollAt, h.lastError, h.lastErrorAt])
}
