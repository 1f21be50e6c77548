/**
 * The mailbox runner: for every enabled email channel, an IMAP reader (its password read from
 * its env variable or file when connecting) hands each message to parseInboundEmail and then to
 * ingestEmail; the reader moves a message only after that resolves. A message that cannot be
 * parsed is recorded as 'refused' (keyed by a hash of its bytes when no Message-ID is readable)
 * and still moved, so one broken message never stops a mailbox. Health (connected, last poll,
 * last error) is saved to the channel row after each event.
 */
import { createHash } from 'node:crypto'
import type { SqlClient } from '../../store/sql'
import { ingestEmail, recordRefused } from '../ingest'
import { attachmentLimitOf, listChannels, readSecret, saveHealth, type EmailChannel } from '../registry'
import { createImapReader, type ImapReader, type ImapReaderOptions } from './imap'
import { parseInboundEmail } from './parse'

export interface ChannelRunner {
  stop(): Promise<void>
  readers(): ReadonlyMap<string, ImapReader>
}

export interface RunnerOptions {
  /** For the server's log (never a password). */
  log?: (line: string) => void
  /** Test knobs passed to every reader (e.g. a short poll interval). */
  imap?: { pollIntervalMs?: number; idle?: boolean; rejectUnauthorized?: boolean }
  readerOptions?: ImapReaderOptions
  /** How often each channel's health is saved besides after each reader event. Default 10 s. */
  healthEveryMs?: number
}

const MESSAGE_ID = /^message-id:\s*(<[^<>\s]+>)/im

export function startChannel(sql: SqlClient, channel: EmailChannel, opts: RunnerOptions = {}): ImapReader {
  const c = channel.config.imap
  const reader = createImapReader(
    {
      host: c.host,
      port: c.port,
      security: c.security,
      user: c.user,
      password: readSecret(c.password),
      mailbox: c.mailbox,
      after: { move: c.processedFolder },
      ...opts.imap
    },
    async (raw) => {
      let email
      try {
        email = await parseInboundEmail(raw, { maxAttachmentBytes: attachmentLimitOf(channel.config) })
      } catch (e) {
        const head = raw.subarray(0, 64 * 1024).toString('latin1').split(/\r?\n\r?\n/)[0] ?? ''
        const key = MESSAGE_ID.exec(head)?.[1] ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`
        await recordRefused(sql, channel, key, e instanceof Error ? e.message : String(e))
        return
      }
      await ingestEmail({ sql }, channel, email)
    },
    {
      onEvent: (event) => {
        opts.readerOptions?.onEvent?.(event)
        if (event.type === 'disconnected' || event.type === 'handler-failed') opts.log?.(`channel ${channel.id}: ${event.type}: ${event.error}`)
        const h = reader.health()
        void saveHealth(sql, channel.id, { connected: h.connected, lastPollAt: h.lastPollAt, lastError: h.lastError, lastErrorAt: h.lastErrorAt }).catch(() => {})
      }
    }
  )
  reader.start()
  return reader
}

/** Starts every enabled channel; a channel whose password cannot be read is reported in its health and skipped. */
export async function startChannels(sql: SqlClient, opts: RunnerOptions = {}): Promise<ChannelRunner> {
  const readers = new Map<string, ImapReader>()
  for (const channel of await listChannels(sql, { enabledOnly: true })) {
    try {
      readers.set(channel.id, startChannel(sql, channel, opts))
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e)
      opts.log?.(`channel ${channel.id}: not started: ${msg}`)
      await saveHealth(sql, channel.id, { connected: false, lastPollAt: null, lastError: msg, lastErrorAt: new Date().toISOString() })
    }
  }
  const save = () => {
    for (const [id, r] of readers) {
      const h = r.health()
      void saveHealth(sql, id, { connected: h.connected, lastPollAt: h.lastPollAt, lastError: h.lastError, lastErrorAt: h.lastErrorAt }).catch(() => {})
    }
  }
  const timer = setInterval(save, opts.healthEveryMs ?? 10_000)
  timer.unref()
  return {
    readers: () => readers,
    async stop() {
      clearInterval(timer)
      await Promise.all([...readers.values()].map((r) => r.stop()))
      for (const [id, r] of readers) {
        const h = r.health()
        await saveHealth(sql, id, { connected: false, lastPollAt: h.lastPollAt, lastError: h.lastError, lastErrorAt: h.lastErrorAt }).catch(() => {})
      }
    }
  }
}
