import { MUTATION_NAMES, type MutationName } from '../shared/mutations'
import type { DraftMode, Handlers, ParsedArgs, Result } from '../shared/contract'
import type { HandlerContext } from './infra/handler-context'
import type { SyncController } from './sync/controller'
import { clearDraft } from './drafts/drafts'
import { applyMutation } from './mutations/mutate'

export type MutationHandlers = { [K in MutationName]: Handlers[K] }

/** The mutations that send what the composer drafted: which draft their success clears. */
const SENDS_DRAFT: { readonly [K in MutationName]?: (args: ParsedArgs<K>) => { itemId: string; mode: DraftMode } } = {
  'item.reply': ({ itemId }) => ({ itemId, mode: 'reply' }),
  'item.addNote': ({ itemId }) => ({ itemId, mode: 'note' })
}

/**
 * Every mutation of shared/mutations, by one path: applied with its outbox row in one transaction
 * (mutate.ts) as the signed-in agent, then the sync engine is told there is something to push.
 * A new mutation needs no handler here. A reply or a note clears its draft in that same
 * transaction: a crash can leave neither a sent text still drafted nor a cleared draft unsent.
 */
export function mutationHandlers(ctx: HandlerContext, sync: Pick<SyncController, 'notifyLocalChange'>): MutationHandlers {
  const handler =
    <K extends MutationName>(name: K) =>
    (args: ParsedArgs<K>): Result<K> => {
      const apply = (): Result<K> => applyMutation(ctx.db, name, args, { actorId: ctx.actorId(), now: ctx.clock(), shadowItems: ctx.isBound() })
      const sends = SENDS_DRAFT[name] as ((args: ParsedArgs<K>) => { itemId: string; mode: DraftMode }) | undefined
      const result = sends
        ? ctx.db
            .transaction(() => {
              const applied = apply()
              const { itemId, mode } = sends(args)
              clearDraft(ctx.db, itemId, ctx.actorId(), mode)
              return applied
            })
            .immediate()
        : apply()
      sync.notifyLocalChange()
      return result
    }
  return Object.fromEntries(MUTATION_NAMES.map((name) => [name, handler(name)])) as MutationHandlers
}
