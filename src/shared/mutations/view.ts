import { z } from 'zod'
import type { SavedView } from '../domain/entities'
import { LIMITS, idField, sortField, storable, viewFilterField } from './fields'
import { defineMutation, reject, type Decision } from './types'

/** An agent's own saved inbox view: create (no viewId) or rename/refilter their own. */
export const viewSave = defineMutation({
  name: 'view.save',
  args: z
    .object({
      viewId: idField.optional(),
      name: storable(z.string().trim().min(1, 'A view needs a name.').max(LIMITS.viewName, `A view name is at most ${LIMITS.viewName} characters.`), 'The view name'),
      filter: viewFilterField,
      sort: sortField
    })
    .strict(),
  needs: (a) => ({ views: a.viewId ? [a.viewId] : [] }),
  decide(state, args, ctx): Decision<{ viewId: string }> {
    if (args.viewId) {
      const existing = state.views.get(args.viewId)
      if (!existing) return reject('not_found', `There is no view ${args.viewId}.`)
      if (existing.builtIn || existing.ownerId !== ctx.actorId) return reject('forbidden', 'Only your own views can be changed.')
    }
    const view: SavedView = { id: args.viewId ?? ctx.mutationId, name: args.name, ownerId: ctx.actorId, builtIn: false, filter: args.filter, sort: args.sort }
    return { ok: true, changes: [{ op: 'upsertView', view }], result: { viewId: view.id } }
  }
})

export const viewDelete = defineMutation({
  name: 'view.delete',
  args: z.object({ viewId: idField }).strict(),
  needs: (a) => ({ views: [a.viewId] }),
  decide(state, args, ctx): Decision<{ viewId: string }> {
    const existing = state.views.get(args.viewId)
    if (!existing) return reject('not_found', `There is no view ${args.viewId}.`)
    if (existing.builtIn || existing.ownerId !== ctx.actorId) return reject('forbidden', 'Only your own views can be deleted.')
    return { ok: true, changes: [{ op: 'deleteView', id: args.viewId }], result: { viewId: args.viewId } }
  }
})
