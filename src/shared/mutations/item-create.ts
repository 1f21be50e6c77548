import { z } from 'zod'
import type { Customer, Item, ItemEvent, Message } from '../domain/entities'
import { isCategoryOf, type Status } from '../domain/vocabulary'
import { slaDueAt } from '../domain/sla'
import {
  bodyField,
  categoryField,
  channelField,
  customerRefField,
  kindField,
  loggedChannelField,
  priorityField,
  subjectField
} from './fields'
import { childId, defineMutation, type Change, type MutationContext, type Rejection, type Snapshot } from './types'

type CustomerRef = z.output<typeof customerRefField>

/** Resolves the customer of a new item: an existing one (which must exist) or a new row. */
function resolveCustomer(state: Snapshot, ref: CustomerRef, ctx: MutationContext): { customer: Customer; changes: Change[] } | Rejection {
  switch (ref.type) {
    case 'existing': {
      const customer = state.customers.get(ref.customerId)
      if (!customer) return { code: 'not_found', message: `There is no customer ${ref.customerId}.` }
      return { customer, changes: [] }
    }
    case 'new': {
      const customer: Customer = { id: childId(ctx, 'c'), name: ref.name, email: ref.email, phone: ref.phone, createdAt: ctx.now }
      return { customer, changes: [{ op: 'insertCustomer', customer }] }
    }
  }
}

/**
 * A brand-new item: it waits in frontline service, or in support tier 1 if it is a ticket, and
 * its SLA clock starts now. `answered` is for a logged contact, which is itself the first response.
 */
function newItem(
  state: Snapshot,
  ctx: MutationContext,
  f: Pick<Item, 'kind' | 'category' | 'channel' | 'customerId' | 'subject' | 'status' | 'priority' | 'assigneeId'>,
  answered: boolean
): Item {
  const item: Item = {
    id: ctx.mutationId,
    ...f,
    tier: f.kind === 'support' ? 1 : null,
    queue: f.kind === 'support' ? 'tier1' : 'service',
    handoffSummary: null,
    queueChangedBy: null,
    queueChangedAt: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    slaStartedAt: ctx.now,
    firstResponseAt: answered ? ctx.now : null,
    slaRespondedAt: answered ? ctx.now : null,
    resolvedAt: f.status === 'resolved' ? ctx.now : null,
    slaDueAt: null
  }
  return { ...item, slaDueAt: slaDueAt(item, state.settings.sla) }
}

const customerNeeds = (ref: CustomerRef) => (ref.type === 'existing' ? [ref.customerId] : [])

function event(ctx: MutationContext, n: number, itemId: string, type: ItemEvent['type'], from: string | null, to: string | null): Change {
  return { op: 'insertEvent', event: { id: childId(ctx, `e${n}`), itemId, type, actorId: ctx.actorId, from, to, reason: null, createdAt: ctx.now } }
}

const categoryMatchesKind = (a: { kind: z.output<typeof kindField>; category: z.output<typeof categoryField> }) => isCategoryOf(a.kind, a.category)
const categoryMessage = { message: 'That category does not belong to that kind of item.', path: ['category'] }

export const itemCreate = defineMutation({
  name: 'item.create',
  args: z
    .object({
      kind: kindField,
      category: categoryField,
      channel: channelField,
      priority: priorityField.default('normal'),
      subject: subjectField,
      /** The customer's words as received; the first message of the thread. */
      body: bodyField('Message'),
      customer: customerRefField,
      assignToMe: z.boolean().default(false)
    })
    .strict()
    .refine(categoryMatchesKind, categoryMessage),
  needs: (args) => ({ customers: customerNeeds(args.customer), agents: [] }),
  decide(state, args, ctx) {
    const resolved = resolveCustomer(state, args.customer, ctx)
    if ('code' in resolved) return { ok: false, rejection: resolved }
    const itemId = ctx.mutationId
    const item = newItem(
      state,
      ctx,
      {
        kind: args.kind,
        category: args.category,
        channel: args.channel,
        customerId: resolved.customer.id,
        subject: args.subject,
        status: 'new',
        priority: args.priority,
        assigneeId: args.assignToMe ? ctx.actorId : null
      },
      false
    )
    const message: Message = { id: childId(ctx, 'm0'), itemId, kind: 'customer', authorId: null, channel: args.channel, body: args.body, createdAt: ctx.now }
    const changes: Change[] = [...resolved.changes, { op: 'insertItem', item }, { op: 'insertMessage', message }, event(ctx, 0, itemId, 'created', null, 'new')]
    if (item.assigneeId) changes.push(event(ctx, 1, itemId, 'assigned', null, item.assigneeId))
    return { ok: true, changes, result: { itemId, customerId: resolved.customer.id } }
  }
})

export const CONTACT_OUTCOMES = ['resolved', 'open', 'pending'] as const satisfies readonly Status[]

/** A phone call or walk-in, logged by the agent who took it, as a new interaction with its outcome. */
export const itemLogContact = defineMutation({
  name: 'item.logContact',
  args: z
    .object({
      channel: loggedChannelField,
      kind: kindField.default('service'),
      category: categoryField,
      priority: priorityField.default('normal'),
      subject: subjectField,
      /** What was said and done during the contact. */
      summary: bodyField('Summary'),
      outcome: z.enum(CONTACT_OUTCOMES),
      customer: customerRefField
    })
    .strict()
    .refine(categoryMatchesKind, categoryMessage),
  needs: (args) => ({ customers: customerNeeds(args.customer) }),
  decide(state, args, ctx) {
    const resolved = resolveCustomer(state, args.customer, ctx)
    if ('code' in resolved) return { ok: false, rejection: resolved }
    const itemId = ctx.mutationId
    // The contact itself is the first human response.
    const item = newItem(
      state,
      ctx,
      {
        kind: args.kind,
        category: args.category,
        channel: args.channel,
        customerId: resolved.customer.id,
        subject: args.subject,
        status: args.outcome,
        priority: args.priority,
        assigneeId: ctx.actorId
      },
      true
    )
    const message: Message = { id: childId(ctx, 'm0'), itemId, kind: 'contact', authorId: ctx.actorId, channel: args.channel, body: args.summary, createdAt: ctx.now }
    const changes: Change[] = [
      ...resolved.changes,
      { op: 'insertItem', item },
      { op: 'insertMessage', message },
      event(ctx, 0, itemId, 'created', null, 'new'),
      event(ctx, 1, itemId, 'contact_logged', null, args.channel),
      event(ctx, 2, itemId, 'assigned', null, ctx.actorId),
      event(ctx, 3, itemId, 'status', 'new', args.outcome)
    ]
    return { ok: true, changes, result: { itemId, customerId: resolved.customer.id } }
  }
})
