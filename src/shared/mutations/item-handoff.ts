import { z } from 'zod'
import type { Item, Message } from '../domain/entities'
import { HANDOFF_ACTION_LABEL, QUEUES, QUEUE_LABEL, handoffTarget, isHandoffRefusal, queuesOfAgent, type HandoffAction } from '../domain/escalation'
import { SUPPORT_CATEGORIES, TIERS } from '../domain/vocabulary'
import { LIMITS, bodyField, idField, storable } from './fields'
import { historyEvent, isRejection, patchWithSla, target } from './item-work'
import { childId, defineMutation, reject, type Change, type Decision, type MutationContext, type Snapshot } from './types'

const EVENT_OF: Record<HandoffAction, 'escalated' | 'handed_back' | 'deescalated'> = {
  escalateToSupport: 'escalated',
  escalateTier: 'escalated',
  handBack: 'handed_back',
  deescalate: 'deescalated'
}

const handoffArgs = {
  itemId: idField,
  /** A code from the workspace's reason list; `other` needs reasonText. */
  reasonCode: storable(z.string().min(1, 'Choose a reason.').max(60), 'The reason'),
  reasonText: storable(z.string().trim().max(LIMITS.reason, `The reason is longer than ${LIMITS.reason} characters.`), 'The reason').optional(),
  /** What the next person needs to know, so nobody asks the customer again. */
  summary: bodyField('Handoff summary'),
  /** Optionally, the agent who picks it up; they must work the receiving queue. */
  assigneeId: idField.nullable().default(null),
  /** Where the client saw the item: a move by someone else meanwhile is refused, not applied twice. */
  expectedQueue: z.enum(QUEUES),
  expectedTier: z.union([z.literal(TIERS[0]), z.literal(TIERS[1]), z.literal(TIERS[2])]).nullable()
}

type HandoffArgs = {
  itemId: string
  reasonCode: string
  reasonText?: string | undefined
  summary: string
  assigneeId: string | null
  expectedQueue: Item['queue']
  expectedTier: Item['tier']
  category?: (typeof SUPPORT_CATEGORIES)[number] | undefined
}

function decideHandoff(action: HandoffAction, state: Snapshot, args: HandoffArgs, ctx: MutationContext): Decision<{ queue: Item['queue']; tier: Item['tier'] }> {
  const item = target(state, args.itemId, { openOnly: true })
  if (isRejection(item)) return item
  if (item.queue !== args.expectedQueue || item.tier !== args.expectedTier) {
    const who = item.queueChangedBy ? (state.agents.get(item.queueChangedBy)?.name ?? 'another agent') : 'another agent'
    return reject('conflict', `${who} already moved this item to ${QUEUE_LABEL[item.queue]}; your ${HANDOFF_ACTION_LABEL[action].toLowerCase()} was not applied.`)
  }
  const reason = state.settings.escalationReasons.find((r) => r.code === args.reasonCode)
  if (!reason) return reject('invalid_handoff', `“${args.reasonCode}” is not one of this workspace's reasons.`)
  if (args.reasonCode === 'other' && !args.reasonText) return reject('invalid_handoff', 'Say why in a few words when the reason is “Other”.')
  const to = handoffTarget(item, action)
  if (isHandoffRefusal(to)) return reject(to.code === 'not_active' ? 'invalid_transition' : 'invalid_handoff', to.message)
  if (args.assigneeId !== null) {
    const agent = state.agents.get(args.assigneeId)
    if (!agent) return reject('not_found', `There is no agent ${args.assigneeId}.`)
    if (!queuesOfAgent(agent).includes(to.queue)) return reject('invalid_handoff', `${agent.name} does not work ${QUEUE_LABEL[to.queue]}.`)
  }
  const reasonLine = args.reasonText ? `${reason.label}: ${args.reasonText}` : reason.label
  const restart = action !== 'handBack' && action !== 'deescalate' ? state.settings.sla.restartOnEscalation : false
  const patch: Partial<Item> = {
    queue: to.queue,
    tier: to.tier,
    handoffSummary: args.summary,
    queueChangedBy: ctx.actorId,
    queueChangedAt: ctx.now,
    assigneeId: args.assigneeId
  }
  if (action === 'escalateToSupport') {
    patch.kind = 'support'
    if (args.category) patch.category = args.category
  }
  if (restart) {
    patch.slaStartedAt = ctx.now
    patch.slaRespondedAt = null
  }
  const summary: Message = { id: childId(ctx, 'm'), itemId: item.id, kind: 'handoff', authorId: ctx.actorId, channel: item.channel, body: args.summary, createdAt: ctx.now }
  const changes: Change[] = [
    patchWithSla(state, item, patch, ctx.now),
    historyEvent(ctx, 0, item.id, EVENT_OF[action], item.queue, to.queue, reasonLine),
    { op: 'insertMessage', message: summary }
  ]
  if (item.assigneeId !== args.assigneeId) changes.push(historyEvent(ctx, 1, item.id, 'assigned', item.assigneeId, args.assigneeId, `${HANDOFF_ACTION_LABEL[action]}`))
  return { ok: true, changes, result: { queue: to.queue, tier: to.tier } }
}

const needsHandoff = (a: { itemId: string; assigneeId: string | null }) => ({ items: [a.itemId], agents: a.assigneeId ? [a.assigneeId] : [] })

/** A service interaction that turned out technical becomes a support ticket (see docs/handoff.md). */
export const itemEscalateToSupport = defineMutation({
  name: 'item.escalateToSupport',
  args: z.object({ ...handoffArgs, category: z.enum(SUPPORT_CATEGORIES).optional() }).strict(),
  needs: needsHandoff,
  decide: (state, args, ctx) => decideHandoff('escalateToSupport', state, args, ctx)
})

export const itemEscalateTier = defineMutation({
  name: 'item.escalateTier',
  args: z.object(handoffArgs).strict(),
  needs: needsHandoff,
  decide: (state, args, ctx) => decideHandoff('escalateTier', state, args, ctx)
})

export const itemHandBack = defineMutation({
  name: 'item.handBack',
  args: z.object(handoffArgs).strict(),
  needs: needsHandoff,
  decide: (state, args, ctx) => decideHandoff('handBack', state, args, ctx)
})

export const itemDeescalate = defineMutation({
  name: 'item.deescalate',
  args: z.object(handoffArgs).strict(),
  needs: needsHandoff,
  decide: (state, args, ctx) => decideHandoff('deescalate', state, args, ctx)
})
