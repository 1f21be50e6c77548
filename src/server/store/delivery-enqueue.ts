/**
 * A reply becomes a queued delivery in the reply's own write (applyChanges): the deliveries row
 * is one more CTE of the mutation's statement, so a reply applied is a reply queued, exactly once,
 * and a push that wrote nothing (its guard failed) queued nothing. Only agents' replies on email
 * items are sent; notes, handoff summaries, logged contacts and customers' messages never leave,
 * and a workspace without an enabled email channel queues nothing. The helpdesk import writes its
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
 * the item's latest email came in on (if still enabled), else the first enabled email channel; with
 * none, no row. A customer without an email address gets the row 'failed' for good with the reason.
 * `customer` is the customer row when the same decision inserts it (the statement cannot read a row
 * it writes itself); otherwise the address is read from the customers table.
 */
export function enqueueDelivery(out: WriteStatement, message: Message, item: Item | undefined, customer: Customer | undefined): void {
  const itemId = out.param(message.itemId)
  const customerId = out.param(item?.customerId ?? null)
  const knownEmail = out.param(customer ? customer.email : null)
  const reason = out.param(NO_ADDRESS_REASON)
  // pg_notify in FROM runs with the insert (it is announced on commit only; a notice for a guard
  // that failed is only a needless wake-up of the worker).
  out.cte(
    `INSERT INTO deliveries (message_id, item_id, channel_id, state, next_attempt_at, last_error)
     SELECT ${out.param(message.id)}, ${itemId}, ch.id,
            CASE WHEN a.email IS NULL THEN 'failed' ELSE 'queued' END,
            CASE WHEN a.email IS NULL THEN NULL ELSE now() END,
            CASE WHEN a.email IS NULL THEN ${reason} END
       FROM (SELECT COALESCE(
               (SELECT c.id FROM inbound_messages im JOIN channels c ON c.id = im.channel_id
                 WHERE im.item_id = ${itemId} AND im.status = 'item' AND c.kind = 'email' AND NOT c.disabled
                 ORDER BY im.received_at DESC LIMIT 1),
               (SELECT c.id FROM channels c WHERE c.kind = 'email' AND NOT c.disabled ORDER BY c.created_at, c.id LIMIT 1)) AS id) ch,
            (SELECT NULLIF(btrim(COALESCE(${knownEmail}::text, (SELECT email FROM customers WHERE id = ${customerId}))), '') AS email) a,
            (SELECT pg_notify('${DELIVERIES_CHANNEL}', '')) n
      WHERE ch.id IS NOT NULL AND ${out.when}`
  )
}
