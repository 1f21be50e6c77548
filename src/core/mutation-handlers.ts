import { MUTATION_NAMES, type MutationName } from '../shared/mutations'
import type { Handlers, ParsedArgs, Result } from '../shared/contract'
import type { HandlerContext } from './infra/handler-context'
import type { SyncController } from './sync/controller'
import { applyMutation } from './mutations/mutate'

export type MutationHandlers = { [K in MutationName]: Handlers[K] }

/**
 * Every mutation of shared/mutations, by one path: applied with its outbox row in one transaction
 * (mutate.ts) as the signed-in agent, then the sync engine is told there is something to push.
 * A new mutation needs no handler here.
 */
export function mutationHandlers(ctx: HandlerContext, sync: Pick<SyncController, 'notifyLocalChange'>): MutationHandlers {
  const handler =
    <K extends MutationName>(name: K) =>
    (args: ParsedArgs<K>): Result<K> => {
      const result = applyMutation(ctx.db, name, args, { actorId: ctx.actorId(), now: ctx.clock(), shadowItems: ctx.isBound() })
      sync.notifyLocalChange()
      return result
    }
  return Object.fromEntries(MUTATION_NAMES.map((name) => [name, handler(name)])) as MutationHandlers
}
