import type { Handlers } from '../../shared/contract'
import type { HandlerContext } from '../infra/handler-context'
import { escalationFiguresOf } from './escalations'
import { createPersonalFigures, requireAgent } from './personal'
import { teamFigureHandlers } from './team'
import type { SyncController } from '../sync/controller'

/** The figures panels: escalations and the agent's own from the local store, the team's from the server. */
export function figureHandlers(ctx: HandlerContext, sync: SyncController) {
  const personalFigures = createPersonalFigures(ctx.db)
  return {
    'figures.escalations': ({ from, to }) => escalationFiguresOf(ctx.db, from, to),
    'figures.personal': ({ range }) => personalFigures.compute(requireAgent(ctx.signedIn()), range, ctx.clock()),
    ...teamFigureHandlers(ctx.db, ctx.clock, sync)
  } satisfies Partial<Handlers>
}
