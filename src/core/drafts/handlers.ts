import { HandoffError, type Handlers } from '../../shared/contract'
import type { HandlerContext } from '../infra/handler-context'
import { getDraft, saveDraft } from './drafts'

/** The composer's drafts of the signed-in agent. */
export function draftHandlers(ctx: HandlerContext) {
  const { db } = ctx
  return {
    'draft.get': ({ itemId, mode }) => {
      // Nobody signed in has no drafts (a draft is its agent's: another agent on this computer never sees it).
      const agentId = ctx.signedIn()
      return agentId === null ? { body: '', savedAt: null } : getDraft(db, itemId, agentId, mode)
    },
    'draft.save': ({ itemId, mode, body }) => {
      if (!saveDraft(db, itemId, ctx.actorId(), mode, body, ctx.clock())) {
        throw new HandoffError({ code: 'not_found', message: `There is no item ${itemId}.` })
      }
      return { saved: body !== '' }
    }
  } satisfies Partial<Handlers>
}
