import { z } from 'zod'
import type { Item, ItemEvent, Message, Rating } from '../domain/entities'
import { checkTransition } from '../domain/lifecycle'
import { slaDueAt } from '../domain/sla'
import type { RatingKind } from '../domain/vocabulary'
import { bodyField, idField, priorityField, reasonField, statusField } from './fields'
import { childId, defineMutation, reject, type Change, type Decision, type MutationContext, type Rejection, type Snapshot } from './types'

type Refused = { ok: false; rejection: Rejection }

/** The item a mutation works on, or the rejection when it is missing (or closed, where that matters). */
export function target(state: Snapshot, itemId: string, opts: { openOnly: boolean }): Item | Refused {
  const item = state.items.get(itemId)
  if (!item) return reject('not_found', `There is no item ${itemId}.`)
  if (opts.openOnly && item.status === 'closed') return reject('closed', 'This item is closed; closed items are final.')
  return item
}
export const isRejection = (x: Item | Refused): x is Refused => 'ok' in x

export function historyEvent(ctx: MutationContext, n: number, itemId: string, type: ItemEvent['type'], from: string | null, to: string | null, reason: string | null = null): Change {
  return { op: 'insertEvent', event: { id: childId(ctx, `e${n}`), itemId, type, actorId: ctx.actorId, from, to, reason, createdAt: ctx.now } }
}

/** A patch plus the SLA deadline it implies under the workspace's policy. */
export function patchWithSla(state: Snapshot, item: Item, patch: Partial<Item>, now: string): Change {
  const next = { ...item, ...patch }
  return { op: 'updateItem', id: item.id, patch: { ...patch, slaDueAt: slaDueAt(next, state.settings.sla), updatedAt: now } }
}

const itemArgs = { itemId: idField }
const needsItem = (a: { itemId: string }) => ({ items: [a.itemId] })

/** An outbound public reply on the item's channel. The first one stamps the first response; it opens a new item. */
export const itemReply = defineMutation({
  name: 'item.reply',
  args: z.object({ ...itemArgs, body: bodyField('Reply') }).strict(),
  needs: needsItem,
  decide(state, args, ctx): Decision<{ messageId: string }> {
    const item = target(state, args.itemId, { openOnly: true })
    if (isRejection(item)) return item
    const message: Message = { id: childId(ctx, 'm'), itemId: item.id, kind: 'reply', authorId: ctx.actorId, channel: item.channel, body: args.body, createdAt: ctx.now }
    const patch: Partial<Item> = {}
    if (item.firstResponseAt === null) patch.firstResponseAt = ctx.now
    if (item.slaRespondedAt === null) patch.slaRespondedAt = ctx.now
    const changes: Change[] = [{ op: 'insertMessage', message }]
    if (item.status === 'new') {
      patch.status = 'open'
      changes.push(historyEvent(ctx, 0, item.id, 'status', 'new', 'open'))
    }
    changes.push(patchWithSla(state, item, patch, ctx.now))
    return { ok: true, changes, result: { messageId: message.id } }
  }
})

/** An internal note: never shown to the customer, never a response. */
export const itemAddNote = defineMutation({
  name: 'item.addNote',
  args: z.object({ ...itemArgs, body: bodyField('Note') }).strict(),
  needs: needsItem,
  decide(state, args, ctx): Decision<{ messageId: string }> {
    const item = target(state, args.itemId, { openOnly: false })
    if (isRejection(item)) return item
    const message: Message = { id: childId(ctx, 'm'), itemId: item.id, kind: 'note', authorId: ctx.actorId, channel: item.channel, body: args.body, createdAt: ctx.now }
    return { ok: true, changes: [{ op: 'insertMessage', message }, { op: 'updateItem', id: item.id, patch: { updatedAt: ctx.now } }], result: { messageId: message.id } }
  }
})

export const itemSetStatus = defineMutation({
  name: 'item.setStatus',
  args: z.object({ ...itemArgs, status: statusField, reason: reasonField.optional() }).strict(),
  needs: needsItem,
  decide(state, args, ctx): Decision<{ status: Item['status'] }> {
    const item = target(state, args.itemId, { openOnly: false })
    if (isRejection(item)) return item
    const refusal = checkTransition(item.status, args.status, item.resolvedAt, ctx.now)
    if (refusal) {
      const code = refusal.code === 'same_status' ? 'unchanged' : refusal.code === 'closed_is_final' ? 'closed' : 'invalid_transition'
      return reject(code, refusal.message)
    }
    const patch: Partial<Item> = { status: args.status }
    if (args.status === 'resolved') patch.resolvedAt = ctx.now
    if (item.status === 'resolved' && args.status === 'open') patch.resolvedAt = null
    return {
      ok: true,
      changes: [patchWithSla(state, item, patch, ctx.now), historyEvent(ctx, 0, item.id, 'status', item.status, args.status, args.reason ?? null)],
      result: { status: args.status }
    }
  }
})

export const itemSetPriority = defineMutation({
  name: 'item.setPriority',
  args: z.object({ ...itemArgs, priority: priorityField }).strict(),
  needs: needsItem,
  decide(state, args, ctx): Decision<{ priority: Item['priority'] }> {
    const item = target(state, args.itemId, { openOnly: true })
    if (isRejection(item)) return item
    if (item.priority === args.priority) return reject('unchanged', `The priority is already ${args.priority}.`)
    return {
      ok: true,
      changes: [patchWithSla(state, item, { priority: args.priority }, ctx.now), historyEvent(ctx, 0, item.id, 'priority', item.priority, args.priority)],
      result: { priority: args.priority }
    }
  }
})

/**
 * Assign to an agent, or unassign with null. `expectedAssigneeId` is the assignee the client saw
 * (null: nobody): if someone else changed it meanwhile the assignment is refused (compare-and-set).
 * A supervisor may pass `override: true` to assign regardless of who holds the item now.
 */
export const itemAssign = defineMutation({
  name: 'item.assign',
  args: z
    .object({ ...itemArgs, assigneeId: idField.nullable(), expectedAssigneeId: idField.nullable().optional(), override: z.boolean().optional() })
    .strict()
    .refine((a) => a.override === true || a.expectedAssigneeId !== undefined, {
      message: 'Say who held the item when you looked (expectedAssigneeId, null for nobody).',
      path: ['expectedAssigneeId']
    }),
  needs: (a, ctx) => ({ items: [a.itemId], agents: [a.assigneeId, a.expectedAssigneeId, ctx.actorId].filter((x): x is string => typeof x === 'string') }),
  decide(state, args, ctx): Decision<{ assigneeId: string | null }> {
    const item = target(state, args.itemId, { openOnly: true })
    if (isRejection(item)) return item
    if (args.assigneeId !== null && !state.agents.has(args.assigneeId)) return reject('not_found', `There is no agent ${args.assigneeId}.`)
    if (args.override === true && state.agents.get(ctx.actorId)?.role !== 'supervisor') {
      return reject('forbidden', 'Only a supervisor can take an item over regardless of who holds it.')
    }
    if (args.override !== true && args.expectedAssigneeId !== item.assigneeId) {
      const who = item.assigneeId ? (state.agents.get(item.assigneeId)?.name ?? item.assigneeId) : 'nobody'
      return reject('conflict', `The assignee changed meanwhile: the item is now assigned to ${who}.`)
    }
    if (item.assigneeId === args.assigneeId) {
      return reject('unchanged', args.assigneeId === null ? 'The item is already unassigned.' : 'The item is already assigned to that agent.')
    }
    return {
      ok: true,
      changes: [{ op: 'updateItem', id: item.id, patch: { assigneeId: args.assigneeId, updatedAt: ctx.now } }, historyEvent(ctx, 0, item.id, 'assigned', item.assigneeId, args.assigneeId)],
      result: { assigneeId: args.assigneeId }
    }
  }
})

export const RATING_SCALE: Record<RatingKind, { min: number; max: number; label: string }> = {
  csat: { min: 1, max: 5, label: 'CSAT' },
  nps: { min: 0, max: 10, label: 'NPS' }
}

const score = (kind: RatingKind) =>
  z
    .number()
    .int(`A ${RATING_SCALE[kind].label} answer is a whole number.`)
    .min(RATING_SCALE[kind].min, `A ${RATING_SCALE[kind].label} answer is ${RATING_SCALE[kind].min} to ${RATING_SCALE[kind].max}.`)
    .max(RATING_SCALE[kind].max, `A ${RATING_SCALE[kind].label} answer is ${RATING_SCALE[kind].min} to ${RATING_SCALE[kind].max}.`)

/** A customer's CSAT (1-5) or NPS (0-10) answer. The first answer of each kind wins. */
export const itemRecordRating = defineMutation({
  name: 'item.recordRating',
  args: z.discriminatedUnion('kind', [
    z.object({ ...itemArgs, kind: z.literal('csat'), score: score('csat') }).strict(),
    z.object({ ...itemArgs, kind: z.literal('nps'), score: score('nps') }).strict()
  ]),
  needs: (a) => ({ items: [a.itemId], ratingsOf: [a.itemId] }),
  decide(state, args, ctx): Decision<{ ratingId: string }> {
    const item = target(state, args.itemId, { openOnly: false })
    if (isRejection(item)) return item
    const existing = (state.ratings.get(item.id) ?? []).find((r) => r.kind === args.kind)
    if (existing) return reject('duplicate', `This item already has a ${RATING_SCALE[args.kind].label} answer (${existing.score}); the first answer stands.`)
    const rating: Rating = { id: childId(ctx, 'r'), itemId: item.id, kind: args.kind, score: args.score, recordedBy: ctx.actorId, createdAt: ctx.now }
    return {
      ok: true,
      changes: [{ op: 'insertRating', rating }, historyEvent(ctx, 0, item.id, 'rating', null, `${args.kind}:${args.score}`)],
      result: { ratingId: rating.id }
    }
  }
})
