/**
 * `channel` commands of the CLI (see commands.ts's USAGE):
 *   channel add email --name NAME --address support@x --imap-host H --imap-port P [--imap-security tls|starttls|none]
 *     --imap-user U (--imap-password-env VAR | --imap-password-file FILE) [--mailbox INBOX] [--processed-folder F]
 *     --smtp-host H --smtp-port P [--smtp-security tls|starttls|none] --smtp-user U (--smtp-password-env VAR | --smtp-password-file FILE) [--id ID]
 *     [--max-attachment-mb MB]   attachments larger than this are listed but not kept (default 10, at most 100)
 *   channel list              with each channel's health
 *   channel test ID           connects IMAP and SMTP; exit 1 with the reason when either fails
 * Only where a password is (a variable's name, a file's path) is stored; a password file must be
 * a regular file no group or other may read. Passwords are read only to connect, never printed.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import type { ServerStore } from '../store'
import { createImapReader } from '../channels/email/imap'
import { createSmtpSender } from '../channels/email/smtp'
import {
  addChannel,
  attachmentLimitOf,
  channelById,
  checkSecretFile,
  DEFAULT_MAX_ATTACHMENT_BYTES,
  listChannels,
  MAX_ATTACHMENT_BYTES_LIMIT,
  readSecret,
  SecretError,
  type EmailChannel,
  type SecretRef
} from '../channels/registry'
import { UsageError, type CliIo } from './commands'

const security = z.enum(['tls', 'starttls', 'none'], { message: 'A --*-security is tls, starttls or none.' })
const port = (what: string) => z.coerce.number({ message: `${what} is a port number.` }).int().min(1, `${what} is a port number.`).max(65535, `${what} is a port number.`)

function secretRef(kind: 'imap' | 'smtp', env: string | undefined, file: string | undefined): SecretRef {
  if ((env === undefined) === (file === undefined)) throw new UsageError(`Give exactly one of --${kind}-password-env VAR or --${kind}-password-file FILE.`)
  if (env !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(env)) throw new UsageError(`--${kind}-password-env takes the NAME of an environment variable.`)
    return { env }
  }
  try {
    checkSecretFile(file!)
  } catch (e) {
    if (e instanceof SecretError) throw new UsageError(e.message)
    throw e
  }
  return { file: file! }
}

const MB = 1024 * 1024
/** --max-attachment-mb as bytes: a positive number of megabytes up to the limit (decimals allowed: 0.5 is 512 kB). */
function attachmentLimit(given: string | undefined): number {
  if (given === undefined) return DEFAULT_MAX_ATTACHMENT_BYTES
  const mb = Number(given)
  if (given.trim() === '' || !Number.isFinite(mb) || mb <= 0 || mb * MB > MAX_ATTACHMENT_BYTES_LIMIT) {
    throw new UsageError(`--max-attachment-mb is a number of megabytes above 0 and at most ${MAX_ATTACHMENT_BYTES_LIMIT / MB}.`)
  }
  return Math.max(1, Math.round(mb * MB))
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e))
const scrub = (text: string, secrets: string[]) => secrets.reduce((t, s) => (s ? t.split(s).join('***') : t), text)

/** Runs a channel command; resolves to the exit code (1 when a `channel test` failed). */
export async function runChannelCommand(store: ServerStore, args: string[], io: CliIo, json: boolean): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      address: { type: 'string' },
      mailbox: { type: 'string' },
      'processed-folder': { type: 'string' },
      'max-attachment-mb': { type: 'string' },
      ...Object.fromEntries(
        (['imap', 'smtp'] as const).flatMap((k) => ['host', 'port', 'security', 'user', 'password-env', 'password-file'].map((f) => [`${k}-${f}`, { type: 'string' as const }]))
      )
    },
    allowPositionals: true,
    strict: true
  })
  const v = values as Record<string, string | undefined>
  const [sub, target] = positionals
  switch (sub) {
    case 'add': {
      if (target !== 'email') throw new UsageError('Only email channels exist: channel add email ...')
      const server = (k: 'imap' | 'smtp') => {
        const parsed = z
          .object({ host: z.string().trim().min(1, `Give --${k}-host.`), port: port(`--${k}-port`), security: security.default(k === 'imap' ? 'tls' : 'starttls'), user: z.string().min(1, `Give --${k}-user.`) })
          .safeParse({ host: v[`${k}-host`] ?? '', port: v[`${k}-port`], security: v[`${k}-security`], user: v[`${k}-user`] ?? '' })
        if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join(' '))
        return { ...parsed.data, password: secretRef(k, v[`${k}-password-env`], v[`${k}-password-file`]) }
      }
      const name = v.name?.trim()
      if (!name) throw new UsageError('Give the channel a --name.')
      const address = z.string().trim().email().safeParse(v.address ?? '')
      if (!address.success) throw new UsageError('--address is the support address (an email address).')
      const id = v.id ?? name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(id)) throw new UsageError('A channel id is 1–64 letters, digits, dashes or underscores (give --id).')
      if (await channelById(store.sql, id)) throw new UsageError(`There is already a channel ${id}.`)
      const channel = await addChannel(store.sql, {
        id,
        name,
        address: address.data.toLowerCase(),
        config: {
          imap: { ...server('imap'), mailbox: v.mailbox ?? 'INBOX', processedFolder: v['processed-folder'] ?? 'Handoff/Processed' },
          smtp: server('smtp'),
          maxAttachmentBytes: attachmentLimit(v['max-attachment-mb'])
        }
      })
      io.out(json ? JSON.stringify(channel) : `Added email channel ${channel.id} (${channel.address}). Check it with: channel test ${channel.id}`)
      return 0
    }
    case 'list': {
      const channels = await listChannels(store.sql)
      if (json) io.out(JSON.stringify(channels))
      else if (channels.length === 0) io.out('No channels yet: add one with `channel add email ...`.')
      else for (const c of channels) io.out(describe(c))
      return 0
    }
    case 'test': {
      if (!target) throw new UsageError('Name the channel: channel test ID')
      const channel = await channelById(store.sql, target)
      if (!channel) throw new UsageError(`There is no channel ${target}.`)
      const secrets: string[] = []
      const imap = await (async () => {
        try {
          const password = readSecret(channel.config.imap.password)
          secrets.push(password)
          const c = channel.config.imap
          const r = await createImapReader({ host: c.host, port: c.port, security: c.security, user: c.user, password, mailbox: c.mailbox }, async () => undefined).test()
          return { ok: true as const, detail: `mailbox ${r.mailbox}: ${r.messages} messages${r.idle ? ', IDLE' : ''}` }
        } catch (e) {
          return { ok: false as const, detail: errorText(e) }
        }
      })()
      const smtp = await (async () => {
        try {
          const password = readSecret(channel.config.smtp.password)
          secrets.push(password)
          const c = channel.config.smtp
          const sender = createSmtpSender({ host: c.host, port: c.port, security: c.security, user: c.user, password })
          try {
            await sender.verify()
          } finally {
            sender.close()
          }
          return { ok: true as const, detail: `${c.host}:${c.port} accepted the login` }
        } catch (e) {
          return { ok: false as const, detail: errorText(e) }
        }
      })()
      const result = { channel: channel.id, imap: { ...imap, detail: scrub(imap.detail, secrets) }, smtp: { ...smtp, detail: scrub(smtp.detail, secrets) } }
      if (json) io.out(JSON.stringify(result))
      else {
        io.out(`IMAP: ${result.imap.ok ? 'ok' : 'FAILED'}: ${result.imap.detail}`)
        io.out(`SMTP: ${result.smtp.ok ? 'ok' : 'FAILED'}: ${result.smtp.detail}`)
      }
      return imap.ok && smtp.ok ? 0 : 1
    }
    case undefined:
      throw new UsageError('channel add email ... | channel list | channel test ID')
    default:
      throw new UsageError(`Unknown channel command "${sub}".`)
  }
}

function describe(c: EmailChannel): string {
  const h = c.health
  const state = c.disabled ? 'DISABLED' : h.connected ? 'connected' : 'not connected'
  const poll = h.lastPollAt ? `last poll ${h.lastPollAt}` : 'never polled'
  const error = h.lastError ? `\tlast error ${h.lastErrorAt ?? ''}: ${h.lastError}` : ''
  const limit = `attachments up to ${+(attachmentLimitOf(c.config) / MB).toFixed(2)} MB`
  return `${c.id}\t${c.name}\t${c.address}\timap ${c.config.imap.host}:${c.config.imap.port}\tsmtp ${c.config.smtp.host}:${c.config.smtp.port}\t${limit}\t${state}\t${poll}${error}`
}
