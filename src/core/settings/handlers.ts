import type { Handlers } from '../../shared/contract'
import type { HandlerContext } from '../infra/handler-context'
import { loadSettings } from './settings'

/** The workspace's settings (changing them is a mutation, handled with every mutation). */
export function settingsHandlers(ctx: HandlerContext) {
  return {
    'settings.get': () => loadSettings(ctx.db)
  } satisfies Partial<Handlers>
}
