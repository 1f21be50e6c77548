/**
 * The deliveries table as a work queue (schema V8), for any number of worker processes on one
 * database: each statement here is one transaction, the same SQL on PostgreSQL and PGlite.
 *
 * States: queued -> sending -> sent; sending -> failed (with next_attempt_at: due again then;
 * without: failed for good, until the agent's Retry requeues it, store/apply.ts); sending ->
 * unconfirmed (the relay may have it; only the agent's Retry sends it again).
 *
 * - claim: due rows (queued, or failed and due) are taken with FOR UPDATE SKIP LOCKED, so two
 *   workers never take the same row, and 'sending' is COMMITTED with the claim token and a lease
 *   before anything goes to the relay.
 * - record (sent / failed / unconfirmed): only the claim that holds the row may record it (its
 *   token in claimed_by); with the state change, in the same statement, a feed row for the item
 *   (its queue and assignee now, before = after, as itemFeedRow(id, item, item) would write it) so
 *   consoles pull the reply's new state, and NOTIFY handoff_changes on commit.
 * - sweep: a 'sending' row whose lease ran out belongs to a process that died mid-hand-over; it
 *   becomes 'unconfirmed', never queued again by itself.
 * - extendLeases: a living worker keeps the leases of the rows it is sending.
 */
import type { SqlClient } from '../store/sql'

/** A claimed delivery with what composing it needs. */
export interface ClaimedDelivery {
  messageId: string
  itemId: string
  channelId: string | null
  /** Attempts including this one. */
  attempts: number
  /** The claim token (claimed_by) the row is recorded with. */
  claim: string
  /** Null when the message is gone (never expected: messages are not deleted). */
  body: string | null
  createdAt: string | null
  agentName: string | null
  subject: string | null
  customerName: string | null
  customerEmail: string | null
}

interface ClaimRow {
  message_id: string
  item_id: string
  channel_id: string | null
  attempts: number
  claimed_by: string
  body: string | null
  created_at: string | null
  agent_name: string | null
  subject: string | null
  customer_name: string | null
  customer_email: string | null
}

const lease = (param: string) => `now() + make_interval(secs => ${param}::double precision / 1000)`

/** Claims up to `limit` due deliveries for `claim` (a token unique to this claim), committing 'sending' with a lease of leaseMs. */
export async function claimDue(tx: SqlClient, claim: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const { rows } = await tx.query<ClaimRow>(
    `WITH due AS (
       SELECT message_id FROM deliveries
        WHERE state IN ('queued', 'failed') AND next_attempt_at IS NOT NULL AND next_attempt_at <= now()
        ORDER BY next_attempt_at, message_id
        LIMIT $2
        FOR UPDATE SKIP LOCKED
     ), claimed AS (
       UPDATE deliveries d SET state = 'sending', attempts = d.attempts + 1, claimed_by = $1, claimed_until = ${lease('$3')}, updated_at = now()
         FROM due WHERE d.message_id = due.message_id
       RETURNING d.message_id, d.item_id, d.channel_id, d.attempts, d.claimed_by
     )
     SELECT c.message_id, c.item_id, c.channel_id, c.attempts, c.claimed_by, m.body, m.created_at, a.name AS agent_name, i.subject,
            cu.name AS customer_name, cu.email AS customer_email
       FROM claimed c
       LEFT JOIN messages m ON m.id = c.message_id
       LEFT JOIN items i ON i.id = c.item_id
       LEFT JOIN customers cu ON cu.id = i.customer_id
       LEFT JOIN agents a ON a.id = m.author_id`,
    [claim, limit, leaseMs]
  )
  return rows.map((r) => ({
    messageId: r.message_id,
    itemId: r.item_id,
    channelId: r.channel_id,
    attempts: Number(r.attempts),
    claim: r.claimed_by,
    body: r.body,
    createdAt: r.created_at,
    agentName: r.agent_name,
    subject: r.subject,
    customerName: r.customer_name,
    customerEmail: r.customer_email
  }))
}

/** The email Message-IDs already known on these items' messages, oldest first: what a reply threads to. */
export interface ThreadMessage {
  itemId: string
  id: string
  kind: 'customer' | 'reply'
  externalId: string
  createdAt: string
}

export async function threadMessages(tx: SqlClient, itemIds: readonly string[]): Promise<ThreadMessage[]> {
  if (itemIds.length === 0) return []
  const { rows } = await tx.query<{ item_id: string; id: string; kind: 'customer' | 'reply'; external_id: string; created_at: string }>(
    `SELECT item_id, id, kind, external_id, created_at FROM messages
      WHERE item_id = ANY($1::text[]) AND external_id IS NOT NULL AND kind IN ('customer', 'reply')
      ORDER BY item_id, created_at, id`,
    [itemIds]
  )
  return rows.map((r) => ({ itemId: r.item_id, id: r.id, kind: r.kind, externalId: r.external_id, createdAt: r.created_at }))
}

/**
 * Records the Message-ID each claimed reply goes out with, on the delivery and on the message (so
 * the customer's answer threads to its item by In-Reply-To, ingest.ts), before it is handed over.
 */
export async function setMessageIds(tx: SqlClient, ids: readonly { messageId: string; externalId: string }[]): Promise<void> {
  if (ids.length === 0) return
  const list = JSON.stringify(ids.map((i) => ({ id: i.messageId, eid: i.externalId })))
  await tx.query(
    `WITH x AS (SELECT id, eid FROM jsonb_to_recordset($1::jsonb) AS x(id text, eid text)),
          d AS (UPDATE deliveries d SET external_id = x.eid FROM x WHERE d.message_id = x.id RETURNING 1)
     UPDATE messages m SET external_id = x.eid FROM x WHERE m.id = x.id AND m.external_id IS DISTINCT FROM x.eid`,
    [list]
  )
}

/**
 * One state change of deliveries rows matched by `where`, with its feed rows and NOTIFY, in one
 * statement. `set` and `where` use $1.. of `params`. Returns the message ids changed.
 */
async function transition(sql: SqlClient, set: string, where: string, params: readonly unknown[]): Promise<string[]> {
  const { rows } = await sql.query<{ message_id: string }>(
    `WITH d AS (
       UPDATE deliveries SET ${set}, updated_at = now() WHERE ${where} RETURNING message_id, item_id
     ), f AS (
       INSERT INTO changes (entity, entity_id, owner_id, queue_before, assignee_before, queue_after, assignee_after)
       SELECT 'item', i.id, NULL, i.queue, i.assignee_id, i.queue, i.assignee_id FROM items i WHERE i.id IN (SELECT item_id FROM d)
       RETURNING 1
     )
     SELECT d.message_id, pg_notify('handoff_changes', '') AS notified FROM d`,
    params
  )
  return rows.map((r) => r.message_id)
}

/**
 * The row is still this claim's: 'sending', or 'unconfirmed' when a sweeper took it for dead while
 * this worker was still at it (what the relay answered is then the truth). A row the agent requeued
 * since has no claim, and a later claim another token.
 */
const OWNED = `message_id = $1 AND claimed_by = $2 AND state IN ('sending', 'unconfirmed')`

/** The relay took it. Returns false when the row was no longer this claim's. */
export async function markSent(sql: SqlClient, d: Pick<ClaimedDelivery, 'messageId' | 'claim'>, externalId: string): Promise<boolean> {
  const changed = await transition(sql, `state = 'sent', sent_at = now(), external_id = $3, last_error = NULL, next_attempt_at = NULL, claimed_until = NULL`, OWNED, [d.messageId, d.claim, externalId])
  return changed.length > 0
}

/** Failed: due again after retryInMs, or (null) failed for good. */
export async function markFailed(sql: SqlClient, d: Pick<ClaimedDelivery, 'messageId' | 'claim'>, reason: string, retryInMs: number | null): Promise<boolean> {
  const changed = await transition(
    sql,
    `state = 'failed', last_error = $3, next_attempt_at = CASE WHEN $4::double precision IS NULL THEN NULL ELSE ${lease('$4')} END, claimed_until = NULL`,
    OWNED,
    [d.messageId, d.claim, reason, retryInMs]
  )
  return changed.length > 0
}

/** The relay may have it: never sent again without the agent's word. */
export async function markUnconfirmed(sql: SqlClient, d: Pick<ClaimedDelivery, 'messageId' | 'claim'>, reason: string): Promise<boolean> {
  const changed = await transition(sql, `state = 'unconfirmed', last_error = $3, next_attempt_at = NULL, claimed_until = NULL`, `message_id = $1 AND claimed_by = $2 AND state = 'sending'`, [
    d.messageId,
    d.claim,
    reason
  ])
  return changed.length > 0
}

/**
 * Turns up to `limit` 'sending' rows whose lease ran out into 'unconfirmed' with `reason`; rows
 * another sweeper holds are skipped. claimed_by stays, so the claim that took it, if still alive
 * after all, can record what the relay said. Returns the message ids swept.
 */
export async function sweepExpired(sql: SqlClient, reason: string, limit = 100): Promise<string[]> {
  return transition(
    sql,
    `state = 'unconfirmed', last_error = $1, next_attempt_at = NULL, claimed_until = NULL`,
    `message_id IN (SELECT message_id FROM deliveries WHERE state = 'sending' AND claimed_until < now() ORDER BY claimed_until LIMIT $2 FOR UPDATE SKIP LOCKED)
       AND state = 'sending' AND claimed_until < now()`,
    [reason, limit]
  )
}

/** Renews the lease of rows these claims are still sending. */
export async function extendLeases(sql: SqlClient, rows: readonly Pick<ClaimedDelivery, 'messageId' | 'claim'>[], leaseMs: number): Promise<void> {
  if (rows.length === 0) return
  await sql.query(
    `UPDATE deliveries d SET claimed_until = ${lease('$2')}
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, claim text)
      WHERE d.message_id = x.id AND d.claimed_by = x.claim AND d.state = 'sending'`,
    [JSON.stringify(rows.map((r) => ({ id: r.messageId, claim: r.claim }))), leaseMs]
  )
}
