/**
 * The rules for a customer's inbound message (an email today), as a pure function over the
 * rows it concerns, returning the same Change[] the stores write for mutations. Deliberately NOT
 * a mutation: every registry entry is an operation the desktop may call, and only a channel
 * (the server's mailbox runner) may speak for a customer.
 *
 * - the thread's item is active (new/open/pending): the message joins it; a pending item goes
 *   back to open (the customer answered), with a status event;
 * - it is resolved and the reopen window (domain.md: 7 days) has not passed: it is reopened
 *   (a status event resolved -> open, as every reopen is recorded) with the message;
 * - it is resolved past the window, or closed: a NEW item, whose 'created' event names the old
 *   item in its reason (the link);
 * - no thread: a new service interaction in the frontline queue.
 *
 * Item, message and event rows are built by the mutations' own decisions (item.create,
 * item.setStatus) so SLA deadlines, status rules and the reopen window are never restated here;
 * their events are then attributed to nobody (actorId null): the customer acted, not an agent.
 */
import type { Customer, Item, Iso, Message } from '../domain/entities'
import type { Channel } from '../domain/vocabulary'
import { LIMITS } from '../mutations/fields'
import { itemCreate } from '../mutations/item-create'
import { itemSetStatus } from '../mutations/item-work'
import type { Change, MutationContext, Snapshot } from '../mutations/types'

export interface InboundMessage {
  /** The id of this inbound act (a UUIDv7): a new item takes it; rows it makes derive from it. */
  id: string
  now: Iso
  channel: Channel
  /** The known customer, or who to create (name already chosen, e.g. the display name or the address). */
  customer: { type: 'existing'; customer: Customer } | { type: 'new'; name: string; email: string }
  /** The item the message threads to (its current row), or null. */
  thread: Item | null
  subject: string
  body: string
}

export type InboundAction = 'appended' | 'reopened' | 'created' | 'created-linked'

export interface InboundDecision {
  action: InboundAction
  itemId: string
  messageId: string
  customerId: string
  /** For 'created-linked': the item the new one follows. */
  linkedTo: string | null
  changes: Change[]
}

const NO_SUBJECT = '(no subject)'
const NO_TEXT = '(no text)'

const clip = (s: string, max: number): string => {
  const t = s.trim()
  return t.length <= max ? t : t.slice(0, max - 1).trimEnd() + '…'
}
export const inboundSubject = (s: string): string => clip(s.replace(/\s+/g, ' '), LIMITS.subject) || NO_SUBJECT
export const inboundBody = (s: string): string => clip(s, LIMITS.body) || NO_TEXT
export const inboundName = (s: string): string => clip(s.replace(/\s+/g, ' '), LIMITS.name)

const byCustomer = (changes: Change[]): Change[] => changes.map((c) => (c.op === 'insertEvent' ? { ...c, event: { ...c.event, actorId: null } } : c))

export function decideInbound(settings: Snapshot['settings'], m: InboundMessage): InboundDecision {
  const customers = new Map<string, Customer>(m.customer.type === 'existing' ? [[m.customer.customer.id, m.customer.customer]] : [])
  const state: Snapshot = { items: new Map(m.thread ? [[m.thread.id, m.thread]] : []), customers, agents: new Map(), ratings: new Map(), views: new Map(), settings }
  // actorId is never written: every event below is re-attributed to nobody (byCustomer).
  const ctx: MutationContext = { mutationId: m.id, actorId: '', now: m.now }
  const body = inboundBody(m.body)
  const item = m.thread

  if (item && item.status !== 'closed') {
    const changes: Change[] = []
    let action: InboundAction = 'appended'
    if (item.status === 'pending' || item.status === 'resolved') {
      const reason = item.status === 'pending' ? 'The customer answered.' : 'The customer wrote again.'
      const moved = itemSetStatus.decide(state, { itemId: item.id, status: 'open', reason }, ctx)
      if (moved.ok) {
        changes.push(...moved.changes)
        if (item.status === 'resolved') action = 'reopened'
      } else if (item.status === 'resolved') {
        // Past the reopen window (checkTransition's rule): the customer gets a new item.
        return created(state, ctx, m, body, item.id)
      }
    }
    const message: Message = { id: `${m.id}.m`, itemId: item.id, kind: 'customer', authorId: null, channel: item.channel, body, createdAt: m.now }
    changes.push({ op: 'insertMessage', message }, { op: 'updateItem', id: item.id, patch: { updatedAt: m.now } })
    const customerId = m.customer.type === 'existing' ? m.customer.customer.id : item.customerId
    return { action, itemId: item.id, messageId: message.id, customerId, linkedTo: null, changes: byCustomer(changes) }
  }
  return created(state, ctx, m, body, item ? item.id : null)
}

function created(state: Snapshot, ctx: MutationContext, m: InboundMessage, body: string, linkedTo: string | null): InboundDecision {
  const customer = m.customer.type === 'existing' ? { type: 'existing' as const, customerId: m.customer.customer.id } : { type: 'new' as const, name: inboundName(m.customer.name) || m.customer.email, email: m.customer.email, phone: null }
  const d = itemCreate.decide(
    state,
    { kind: 'service', category: 'general', channel: m.channel, priority: 'normal', subject: inboundSubject(m.subject), body, customer, assignToMe: false },
    ctx
  )
  if (!d.ok) throw new Error(`An inbound message could not make an item: ${d.rejection.message}`)
  const reason = linkedTo ? `Follows item ${linkedTo}, which can no longer be reopened.` : null
  const changes = d.changes.map((c): Change => (c.op === 'insertEvent' && c.event.type === 'created' ? { ...c, event: { ...c.event, reason } } : c))
  const message = changes.find((c) => c.op === 'insertMessage')
  return {
    action: linkedTo ? 'created-linked' : 'created',
    itemId: d.result.itemId,
    messageId: message && message.op === 'insertMessage' ? message.message.id : `${m.id}.m0`,
    customerId: d.result.customerId,
    linkedTo,
    changes: byCustomer(changes)
  }
}
