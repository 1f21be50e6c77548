/**
 * One pooled SMTP sender per email channel for the delivery worker: connections stay open and
 * carry many replies each. A channel whose SMTP settings or password changed gets a new sender
 * (the old one closes once its messages are done). The password is read when a sender is made
 * and kept only inside it; the cache key holds a hash of it, never the password.
 */
import { createHash } from 'node:crypto'
import { readSecret, type EmailChannel } from '../registry'
import { createSmtpSender, type SmtpSender } from './smtp'

export interface SenderOptions {
  /** Open connections per channel. */
  maxConnections: number
  connectionTimeoutMs?: number
  socketTimeoutMs?: number
  rejectUnauthorized?: boolean
}

export class ChannelSenders {
  private readonly senders = new Map<string, { key: string; sender: SmtpSender }>()
  constructor(private readonly options: SenderOptions) {}

  /** The channel's sender; throws SecretError when its password cannot be read. */
  get(channel: EmailChannel): SmtpSender {
    const smtp = channel.config.smtp
    const password = readSecret(smtp.password)
    const key = JSON.stringify([smtp.host, smtp.port, smtp.security, smtp.user, createHash('sha256').update(password).digest('hex')])
    const known = this.senders.get(channel.id)
    if (known?.key === key) return known.sender
    known?.sender.close()
    const sender = createSmtpSender({
      host: smtp.host,
      port: smtp.port,
      security: smtp.security,
      user: smtp.user,
      password,
      pool: { maxConnections: this.options.maxConnections },
      ...(this.options.connectionTimeoutMs !== undefined ? { connectionTimeoutMs: this.options.connectionTimeoutMs } : {}),
      ...(this.options.socketTimeoutMs !== undefined ? { socketTimeoutMs: this.options.socketTimeoutMs } : {}),
      ...(this.options.rejectUnauthorized !== undefined ? { rejectUnauthorized: this.options.rejectUnauthorized } : {})
    })
    this.senders.set(channel.id, { key, sender })
    return sender
  }

  closeAll(): void {
    for (const { sender } of this.senders.values()) sender.close()
    this.senders.clear()
  }
}
