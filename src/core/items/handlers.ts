import { HandoffError, type Handlers } from '../../shared/contract'
import type { HandlerContext } from '../infra/handler-context'
import { inboxCount, inboxPage, type QueryContext } from './inbox-query'
import { itemDetail } from './item-detail'
import { markRead } from './unread'

/** What the items' handlers tell when they changed local data outside a mutation (the sync controller emits items.changed). */
export interface LocalDataChanged {
  dataChanged(): void
}

/** The inbox, one item's detail, and its unread mark. */
export function itemHandlers(ctx: HandlerContext, local: LocalDataChanged) {
  const { db } = ctx
  const query = (): QueryContext => ({ agentId: ctx.signedIn(), now: ctx.clock() })
  return {
    'inbox.page': (q) => ({ rows: inboxPage(db, q, query()) }),
    'inbox.count': ({ filter }) => ({ total: inboxCount(db, filter, query()) }),
    'item.get': ({ itemId }) => {
      const detail = itemDetail(db, itemId)
      if (!detail) throw new HandoffError({ code: 'not_found', message: `There is no item ${itemId}.` })
      return detail
    },
    'item.markRead': ({ itemId }) => {
      const cleared = markRead(db, itemId)
      // Committed (one statement): every inbox showing the mark reloads. Nothing cleared, nothing to tell.
      if (cleared) local.dataChanged()
      return { cleared }
    },
    // What the window shows is the desktop shell's concern (main answers it there, for its
    // notifications); the core has nothing to keep, and answers for the harness.
    'ui.showingItem': () => null
  } satisfies Partial<Handlers>
}
