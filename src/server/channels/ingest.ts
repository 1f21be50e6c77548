/**
 * One inbound email -> the server's rows, in ONE transaction: the dedupe record in
 * inbound_messages (channel, Message-ID) first, ON CONFLICT DO NOTHING, so a message taken twice
 * (a crash before the IMAP move, a redelivery) is written once; automated mail (bounces,
 * auto-replies, bulk) is recorded as 'ignored' and touches no item; anything else is threaded
 * and decided by the pure rules of src/shared/channels/inbound.ts, written with the store's own
 * applier (applyChanges + one WriteStatement), with feed rows so consoles pull the item as if it
 * had been pushed, and NOTIFY on commit.
 *
 * Threading, first match wins:
 *  1. In-Reply-To, then References (newest first): a Message-ID Handoff made for one of its
 *     messages (handoffMessageIdToUuid -> messages.id), or the Message-ID of an earlier inbound
 *     message (messages.external_id);
 *  2. the item key in the subject ("[#KEY]", threadKeyFromSubject). An item key is the item's
 *     UUID without its hyphens (32 hex digits, itemKey()): it resolves to exactly one item by its
 *     primary key, unlike a short prefix. A subject key counts only when the item belongs to the
 *     sender (the same customer): a subject is easy to copy, a Message-ID is not.
 */
import { v7 as uuidv7 } from 'uuid'
import { decideInbound, type InboundAction } from '../../shared/channels/inbound'
import type { Customer, Item } from '../../shared/domain/entities'
import { emptySnapshot } from '../../shared/mutations/types'
import { applyChanges, insertFeedRows, WriteStatement } from '../store/apply'
import { CUSTOMER_COLUMNS, ITEM_COLUMNS, customerFromRow, itemFromRow, settingsFromValue, type CustomerRow, type ItemRow } from '../store/rows'
import type { SqlClient } from '../store/sql'
import { handoffMessageIdToUuid, threadKeyFromSubject } from './email/compose'
import type { InboundAttachment, InboundEmail } from './email/parse'

export interface InboundChannel {
  id: string
}

export type IngestOutcome =
  | { status: 'duplicate' }
  | { status: 'ignored'; reason: string }
  | { status: 'item'; action: InboundAction; itemId: string; messageId: string; customerId: string; linkedTo: string | null }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The key of an item in an email subject: its UUID without hyphens (null for an id that is no UUID). */
export function itemKey(itemId: string): string | null {
  const id = itemId.toLowerCase()
  return UUID.test(id) ? id.replace(/-/g, '') : null
}

/** The item id an item key names (null when it is not a key). */
export function itemIdOfKey(key: string): string | null {
  const k = key.toLowerCase()
  if (!/^[0-9a-f]{32}$/.test(k)) return null
  return `${k.slice(0, 8)}-${k.slice(8, 12)}-${k.slice(12, 16)}-${k.slice(16, 20)}-${k.slice(20)}`
}

/** Records an email that could not be read at all (keyed by its Message-ID or a hash of its bytes); false when already recorded. */
export async function recordRefused(sql: SqlClient, channel: InboundChannel, externalId: string, reason: string): Promise<boolean> {
  const { rows } = await sql.query(
    `INSERT INTO inbound_messages (channel_id, external_id, status, reason) VALUES ($1, $2, 'refused', $3) ON CONFLICT (channel_id, external_id) DO NOTHING RETURNING 1`,
    [channel.id, externalId, reason]
  )
  return rows.length > 0
}

async function threadItemId(tx: SqlClient, email: InboundEmail, customer: Customer | null): Promise<string | null> {
  const refs = [...(email.inReplyTo ? [email.inReplyTo] : []), ...[...email.references].reverse()]
  for (const ref of refs) {
    const uuid = handoffMessageIdToUuid(ref)
    const { rows } = uuid
      ? await tx.query<{ item_id: string }>('SELECT item_id FROM messages WHERE id = $1', [uuid])
      : await tx.query<{ item_id: string }>('SELECT item_id FROM messages WHERE external_id = $1 ORDER BY created_at LIMIT 1', [ref])
    if (rows[0]) return rows[0].item_id
  }
  const key = threadKeyFromSubject(email.subject)
  const id = key ? itemIdOfKey(key) : null
  if (id && customer) {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM items WHERE id = $1 AND customer_id = $2', [id, customer.id])
    if (rows[0]) return rows[0].id
  }
  return null
}

/** The email's files, in the order it listed them: content for those kept, NULL and the reason for those refused. */
async function insertAttachments(tx: SqlClient, messageId: string, itemId: string, attachments: readonly InboundAttachment[]): Promise<void> {
  for (const [position, a] of attachments.entries()) {
    await tx.query(
      `INSERT INTO attachments (id, message_id, item_id, position, filename, content_type, size, inline, content, refused) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [uuidv7(), messageId, itemId, position, a.filename, a.contentType, a.size, a.inline, a.content, a.refused]
    )
  }
}

export async function ingestEmail(store: { sql: SqlClient }, channel: InboundChannel, email: InboundEmail, now: Date = new Date()): Promise<IngestOutcome> {
  const nowIso = now.toISOString()
  const problems = JSON.stringify(email.problems)
  return store.sql.transaction(async (tx): Promise<IngestOutcome> => {
    const automated = email.automated
    const { rows: fresh } = await tx.query(
      `INSERT INTO inbound_messages (channel_id, external_id, status, reason, problems, received_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)
       ON CONFLICT (channel_id, external_id) DO NOTHING RETURNING 1`,
      [channel.id, email.messageId, automated ? 'ignored' : 'item', automated ? `automated: ${automated}` : null, problems, nowIso]
    )
    if (fresh.length === 0) return { status: 'duplicate' }
    if (automated) return { status: 'ignored', reason: `automated: ${automated}` }
    if (!email.from) {
      const reason = 'The email has no sender address.'
      await tx.query(`UPDATE inbound_messages SET status = 'refused', reason = $3 WHERE channel_id = $1 AND external_id = $2`, [channel.id, email.messageId, reason])
      return { status: 'ignored', reason }
    }

    const { rows: customers } = await tx.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE lower(email) = $1 AND email IS NOT NULL ORDER BY created_at, id LIMIT 1`, [
      email.from.address.toLowerCase()
    ])
    const customer = customers[0] ? customerFromRow(customers[0]) : null
    const threadId = await threadItemId(tx, email, customer)
    let thread: Item | null = null
    if (threadId) {
      const { rows } = await tx.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = $1 FOR UPDATE`, [threadId])
      thread = rows[0] ? itemFromRow(rows[0]) : null
    }
    const { rows: settingsRows } = await tx.query<{ value: unknown }>('SELECT value FROM settings WHERE id = 1')
    const settings = settingsFromValue(settingsRows[0]?.value)

    const decision = decideInbound(settings, {
      id: uuidv7(),
      now: nowIso,
      channel: 'email',
      customer: customer ? { type: 'existing', customer } : { type: 'new', name: email.from.name || email.from.address, email: email.from.address },
      thread,
      subject: email.subject,
      body: email.textTrimmed.trim() ? email.textTrimmed : email.text
    })

    const snapshot = { ...emptySnapshot(), items: new Map(thread ? [[thread.id, thread]] : []), settings }
    const out = new WriteStatement()
    const { feed } = await applyChanges(tx, decision.changes, snapshot, out)
    await out.run(tx, 'SELECT 1')
    await insertFeedRows(tx, feed)
    // problems NULL when there are none: the pull sends the field only when there is something to say.
    await tx.query('UPDATE messages SET external_id = $2, problems = $3::jsonb WHERE id = $1', [
      decision.messageId,
      email.messageId,
      email.problems.length > 0 ? problems : null
    ])
    await insertAttachments(tx, decision.messageId, decision.itemId, email.attachments)
    await tx.query('UPDATE inbound_messages SET item_id = $3, message_id = $4 WHERE channel_id = $1 AND external_id = $2', [channel.id, email.messageId, decision.itemId, decision.messageId])
    await tx.query("SELECT pg_notify('handoff_changes', '')")
    return { status: 'item', action: decision.action, itemId: decision.itemId, messageId: decision.messageId, customerId: decision.customerId, linkedTo: decision.linkedTo }
  })
}
