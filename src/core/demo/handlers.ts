import type { Database } from 'better-sqlite3'
import { HandoffError, type Handlers } from '../../shared/contract'
import type { HandlerContext } from '../infra/handler-context'
import { META, setMeta } from '../infra/meta'
import { hasAnyItem, sessionInfo } from '../people/session'
import { seedWorkspace } from './seed'

/** Fills an empty workspace with the demo and signs in as its first service agent, in one transaction. */
export function seedDemoWorkspace(db: Database, now: Date): void {
  if (hasAnyItem(db)) {
    throw new HandoffError({ code: 'rejected', rejection: 'forbidden', message: 'This workspace already has items; the demo can only be added to an empty workspace.' })
  }
  db.transaction(() => {
    const summary = seedWorkspace(db, { now })
    setMeta(db, META.signedInAgent, summary.firstServiceAgentId)
  })()
}

/** The demo workspace. */
export function demoHandlers(ctx: HandlerContext) {
  return {
    'workspace.seedDemo': () => {
      ctx.refuseWhenBound('the demo can only fill a local workspace. Start a new data folder for the demo.')
      seedDemoWorkspace(ctx.db, ctx.clock())
      ctx.forgetSession()
      return sessionInfo(ctx.db)
    }
  } satisfies Partial<Handlers>
}
