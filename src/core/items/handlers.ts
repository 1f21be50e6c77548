import { HandoffError, type Handlers } from '../../shared/contract'
import type { HandlerContext } from '../infra/handler-context'
import { inboxCount, inboxPage, type QueryContext } from './inbox-query'
import { itemDetail } from './item-detail'

/** The inbox and one item's detail. */
export function itemHandlers(ctx: HandlerContext) {
  const { db } = ctx
  const query = (): QueryContext => ({ agentId: ctx.signedIn(), now: ctx.clock() })
  return {
    'inbox.page': (q) => ({ rows: inboxPage(db, q, query()) }),
    'inbox.count': ({ filter }) => ({ total: inboxCount(db, filter, query()) }),
    'item.get': ({ itemId }) => {
      const detail = itemDetail(db, itemId)
      if (!detail) throw new HandoffError({ code: 'not_found', message: `There is no item ${itemId}.` })
      return detail
    }
  } satisfies Partial<Handlers>
}
