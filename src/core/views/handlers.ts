import type { Handlers } from '../../shared/contract'
import type { HandlerContext } from '../infra/handler-context'
import { listViews } from './views'

/** Saved views (saving and deleting them are mutations, handled with every mutation). */
export function viewHandlers(ctx: HandlerContext) {
  return {
    'views.list': () => listViews(ctx.db, ctx.signedIn())
  } satisfies Partial<Handlers>
}
