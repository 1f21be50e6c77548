/** Shared setup of the delivery tests: a console that pushes as an agent, channels on a real SMTP sink, raw header reading. */
import { randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import { addChannel } from '../../../../src/server/channels/registry'
import type { AgentRecord, ServerStore } from '../../../../src/server/store'
import { pullResponse, pushResponse, type PullResponse, type PushedMutation } from '../../../../src/shared/sync/protocol'
import type { SmtpSink } from '../../../support/smtp-sink'

/** One console: an agent, a client id and its next seq, pushing through the store as the HTTP route does. */
export class Console {
  readonly clientId = randomUUID()
  seq = 0
  cursor: string | null = null
  constructor(
    readonly store: ServerStore,
    readonly agent: AgentRecord
  ) {}
  mutation(name: string, args: unknown): PushedMutation {
    return { seq: ++this.seq, mutationId: randomUUID(), name, args, actorId: this.agent.id, clientTime: new Date().toISOString() }
  }
  async push(...mutations: PushedMutation[]) {
    return pushResponse.parse(await this.store.push(this.agent, { clientId: this.clientId, mutations }))
  }
  /** Pushes one mutation, expects it applied, returns its mutation id. */
  async do(name: string, args: unknown): Promise<string> {
    const m = this.mutation(name, args)
    const res = await this.push(m)
    expect(res.results[0]?.outcome, JSON.stringify(res.results[0])).toBe('applied')
    return m.mutationId
  }
  /** Replies on an item; returns the reply's message id. */
  async reply(itemId: string, body: string): Promise<string> {
    return `${await this.do('item.reply', { itemId, body })}.m`
  }
  async pullAll(): Promise<PullResponse[]> {
    const pages: PullResponse[] = []
    for (;;) {
      const page = pullResponse.parse(await this.store.pull(this.agent, { clientId: this.clientId, cursor: this.cursor, limit: 500, rejectionsAfter: 0 }))
      this.cursor = page.cursor
      pages.push(page)
      if (!page.more) return pages
    }
  }
}

/** An email channel whose SMTP side is the sink (its password in an environment variable); IMAP is never started. */
export async function addSinkChannel(store: ServerStore, sink: SmtpSink, c: { id: string; name: string; address: string }): Promise<void> {
  const env = `HANDOFF_TEST_SMTP_PASSWORD_${c.id.toUpperCase()}`
  process.env[env] = sink.password
  const server = { host: sink.host, port: sink.port, security: 'none' as const, user: sink.user, password: { env } }
  await addChannel(store.sql, { ...c, config: { imap: { ...server, mailbox: 'INBOX', processedFolder: 'Processed' }, smtp: server } })
}

/** Header lines of a raw message, unfolded, by lower-case name. */
export function headerLines(raw: Buffer): Map<string, string> {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0] ?? ''
  const map = new Map<string, string>()
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) map.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
  }
  return map
}

/** The Message-IDs the sink received, in order. */
export const receivedIds = (sink: SmtpSink) => sink.messages.map((m) => headerLines(m.raw).get('message-id'))

export interface DeliveryRow {
  message_id: string
  item_id: string
  channel_id: string | null
  state: string
  attempts: number
  next_attempt_at: Date | null
  last_error: string | null
  claimed_by: string | null
  sent_at: Date | null
  external_id: string | null
}

export async function deliveryRow(store: ServerStore, messageId: string): Promise<DeliveryRow | undefined> {
  const { rows } = await store.sql.query<DeliveryRow>('SELECT * FROM deliveries WHERE message_id = $1', [messageId])
  return rows[0]
}
