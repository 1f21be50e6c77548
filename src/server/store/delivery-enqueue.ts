/**
 * A reply becomes a queued delivery in the reply's own write (applyChanges): the deliveries row
 * is one more CTE of the mutation's statement, so a reply applied is a reply queued, exactly once,
 * and a push that wrote nothing (its guard failed) queued nothing. Only agents' replies on email
 * items are sent; notes, handoff summaries, logged contacts and customers' messages never leave,
 * and a workspace without any email channel queues nothing. A reply made while every email channel
 * is disabled is queued on one anyway: the worker retries it with backoff until the channel is
 * enabled again, then it fails for good and says so, so no reply is silently dropped. The helpdesk import writes its
 * rows by itself (import/write.ts), never through here: a historical reply is never sent.
 */
import type { Customer, Item, Message } from '../../shared/domain/entities'
import type { WriteStatement } from './apply'

/** The channel the delivery worker listens on: a delivery became due (queued or retried). */
export const DELIVERIES_CHANNEL = 'handoff_deliveries'

/** What the agent reads on a reply that cannot go out because there is nowhere to send it. */
export const NO_ADDRESS_REASON = 'This customer has no email address, so the reply was not sent by email. Add their address, then Retry.'

/** The messages of a decision that are delivered: an agent's reply on an item whose channel is email. */
export function deliveredByEmail(message: Message, item: Item | undefined): boolean {
  return message.kind === 'reply' && (item?.channel ?? message.channel) === 'email'
}

/**
 * Adds to `out` the insert of a deliveries row for `message`. The channel it goes out on: the one
 * the item's latest email came in on, else the first email channel, enabled ones first; with no email
 * channel at all, no row. A customer without an email address gets the row 'failed' for good with the reason.
 * `customer` is the customer row when the same decision inserts it (the statement cannot read a row
 * it writes itself); otherwise the address is read from the customers table.
 */
export function enqueueDelivery(out: WriteStatement, message: Message, item: Item | undefined, customer: Customer | undefined): void {
  const itemId = out.param(message.itemId)
  const customerId = out.param(item?.customerId ?? null)
  const knownEmail = out.param(customer ? customer.email : null)
  const reason = out.param(NO_ADDRESS_REASON)
  // One email channel, enabled first, the item's own first: the channel of its latest email (found through
  // the item's messages, which are indexed by item; inbound_messages are not). pg_notify runs only
  // for a row inserted queued (an InitPlan is evaluated when first needed); it is announced on commit.
  out.cte(
    `INSERT INTO deliveries (message_id, item_id, channel_id, state, next_attempt_at, last_error)
     SELECT ${out.param(message.id)}, ${itemId}, c.id,
            CASE WHEN a.email IS NULL THEN 'failed' ELSE 'queued' END,
            CASE WHEN a.email IS NULL THEN NULL ELSE (SELECT now() FROM (SELECT pg_notify('${DELIVERIES_CHANNEL}', '')) n) END,
            CASE WHEN a.email IS NULL THEN ${reason} END
       FROM channels c,
            (SELECT NULLIF(btrim(COALESCE(${knownEmail}::text, (SELECT email FROM customers WHERE id = ${customerId}))), '') AS email) a
      WHERE c.kind = 'email' AND ${out.when}
      ORDER BY c.disabled, c.id IS NOT DISTINCT FROM (
                 SELECT im.channel_id FROM messages m JOIN inbound_messages im ON im.external_id = m.external_id AND im.status = 'item' AND im.message_id = m.id
                  WHERE m.item_id = ${itemId} AND m.kind = 'customer' AND m.external_id IS NOT NULL
                  ORDER BY m.created_at DESC, m.id DESC LIMIT 1) DESC,
               c.created_at, c.id
      LIMIT 1`
  )
}
