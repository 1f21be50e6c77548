import type { Database } from 'better-sqlite3'
import { exactHandlers, mergeDisjoint, type Handlers } from '../shared/contract'
import { attachmentHandlers } from './attachments/handlers'
import { channelHandlers } from './channels/handlers'
import { demoHandlers } from './demo/handlers'
import { draftHandlers } from './drafts/handlers'
import { figureHandlers } from './figures/handlers'
import { createHandlerContext } from './handler-context'
import { itemHandlers } from './items/handlers'
import { mutationHandlers } from './mutation-handlers'
import { peopleHandlers } from './people/handlers'
import { settingsHandlers } from './settings/handlers'
import type { SyncController } from './sync/controller'
import { viewHandlers } from './views/handlers'

/**
 * Every operation of the contract over one open database, from each capability's handlers and
 * the one path of every mutation. Exactly one handler per operation, or the type check fails.
 * Arguments arrive validated.
 */
export function createHandlers(db: Database, clock: () => Date, sync: SyncController): Handlers {
  const ctx = createHandlerContext(db, clock, sync)
  return exactHandlers(
    mergeDisjoint(
      peopleHandlers(ctx),
      demoHandlers(ctx),
      itemHandlers(ctx, { dataChanged: () => sync.notifyDataChanged() }),
      viewHandlers(ctx),
      settingsHandlers(ctx),
      figureHandlers(ctx, sync),
      attachmentHandlers(ctx, sync),
      channelHandlers(ctx, sync),
      draftHandlers(ctx),
      sync.handlers,
      mutationHandlers(ctx, sync)
    )
  )
}
