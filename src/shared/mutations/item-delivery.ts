import { z } from 'zod'
import { idField } from './fields'
import { isRejection, target } from './item-work'
import { defineMutation, type Decision } from './types'

/**
 * Asks the server to deliver a reply again that it gave up on ('failed' without a next attempt)
 * or could not confirm ('unconfirmed': the server stopped while handing it over, so it may have
 * arrived; only the agent may decide to send it again). The delivery queue is the server's: this
 * names the reply, and each store requeues it only when it is in one of those states, so a retry
 * of a reply already sent (another agent retried first, or the queue got it through) changes
 * nothing and can never send it twice.
 */
export const itemRetryDelivery = defineMutation({
  name: 'item.retryDelivery',
  args: z.object({ itemId: idField, messageId: idField }).strict(),
  needs: (a) => ({ items: [a.itemId] }),
  decide(state, args, ctx): Decision<{ messageId: string }> {
    // A closed item is final, but a reply written before it closed may still need to go out.
    const item = target(state, args.itemId, { openOnly: false })
    if (isRejection(item)) return item
    return { ok: true, changes: [{ op: 'requeueDelivery', itemId: item.id, messageId: args.messageId, at: ctx.now }], result: { messageId: args.messageId } }
  }
})
