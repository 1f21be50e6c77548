import type { Status, Tier } from './vocabulary'
import { isActive } from './lifecycle'

/**
 * Queues and the handoff protocol of domain.md. An item sits in one queue: frontline service or
 * a support tier. Moving between queues is an explicit, reasoned act: escalate to support,
 * escalate a tier, hand back to service, de-escalate. A tier never drops as a side effect.
 */
export const QUEUES = ['service', 'tier1', 'tier2', 'tier3'] as const
export type Queue = (typeof QUEUES)[number]

export const QUEUE_LABEL: Record<Queue, string> = {
  service: 'Frontline service',
  tier1: 'Support tier 1',
  tier2: 'Support tier 2',
  tier3: 'Support tier 3 (engineering)'
}

export const queueOfTier = (tier: Tier): Queue => {
  switch (tier) {
    case 1:
      return 'tier1'
    case 2:
      return 'tier2'
    case 3:
      return 'tier3'
  }
}

export const tierOfQueue = (queue: Queue): Tier | null => {
  switch (queue) {
    case 'service':
      return null
    case 'tier1':
      return 1
    case 'tier2':
      return 2
    case 'tier3':
      return 3
  }
}

export const HANDOFF_ACTIONS = ['escalateToSupport', 'escalateTier', 'handBack', 'deescalate'] as const
export type HandoffAction = (typeof HANDOFF_ACTIONS)[number]

export const HANDOFF_ACTION_LABEL: Record<HandoffAction, string> = {
  escalateToSupport: 'Escalate to support',
  escalateTier: 'Escalate a tier',
  handBack: 'Hand back to service',
  deescalate: 'De-escalate'
}

/** Where an item stands, as far as handoffs are concerned. */
export interface HandoffPosition {
  queue: Queue
  /** The highest support tier the item has reached; null if it was never escalated. */
  tier: Tier | null
  status: Status
}

export type HandoffRefusal =
  | { code: 'not_active'; message: string }
  | { code: 'wrong_queue'; message: string }
  | { code: 'last_tier'; message: string }
  | { code: 'first_tier'; message: string }

/**
 * Where an action would take the item, or why it cannot. Pure: the same answer on the client's
 * SQLite and on the server.
 */
export function handoffTarget(pos: HandoffPosition, action: HandoffAction): { queue: Queue; tier: Tier | null } | HandoffRefusal {
  if (!isActive(pos.status)) {
    return { code: 'not_active', message: `A ${pos.status} item cannot be handed off; reopen it first.` }
  }
  const tier = tierOfQueue(pos.queue)
  switch (action) {
    case 'escalateToSupport': {
      if (tier !== null) return { code: 'wrong_queue', message: 'This item is already with support.' }
      // Back to the tier it had reached: a tier never drops as a side effect.
      const to: Tier = pos.tier ?? 1
      return { queue: queueOfTier(to), tier: to }
    }
    case 'escalateTier': {
      if (tier === null) return { code: 'wrong_queue', message: 'Only a support ticket can go up a tier; escalate it to support first.' }
      if (tier === 3) return { code: 'last_tier', message: 'Tier 3 (engineering) is the last tier; there is nowhere higher to escalate.' }
      const to = (tier + 1) as Tier
      return { queue: queueOfTier(to), tier: to }
    }
    case 'handBack': {
      if (tier === null) return { code: 'wrong_queue', message: 'This item is already with frontline service.' }
      // The tier stays as reached: the history is kept and a later escalation returns there.
      return { queue: 'service', tier: pos.tier }
    }
    case 'deescalate': {
      if (tier === null) return { code: 'wrong_queue', message: 'Only a support ticket can be de-escalated; to return it to service, hand it back.' }
      if (tier === 1) return { code: 'first_tier', message: 'Tier 1 is the first tier; to return the item to service, hand it back.' }
      const to = (tier - 1) as Tier
      return { queue: queueOfTier(to), tier: to }
    }
  }
}

export const isHandoffRefusal = (x: { queue: Queue } | HandoffRefusal): x is HandoffRefusal => 'code' in x

/** The actions offered on an item in this position. */
export function availableHandoffs(pos: HandoffPosition): HandoffAction[] {
  return HANDOFF_ACTIONS.filter((a) => !isHandoffRefusal(handoffTarget(pos, a)))
}

/** Which queues an agent works: service agents the frontline; specialists their tiers; supervisors all. */
export function queuesOfAgent(agent: { role: 'service' | 'support' | 'supervisor'; tiers: readonly Tier[] }): Queue[] {
  switch (agent.role) {
    case 'service':
      return ['service']
    case 'support':
      return agent.tiers.map(queueOfTier)
    case 'supervisor':
      return [...QUEUES]
  }
}

/** A reason from the workspace's configurable list; `other` needs free text. */
export interface EscalationReason {
  code: string
  label: string
}

export const DEFAULT_ESCALATION_REASONS: readonly EscalationReason[] = [
  { code: 'technical', label: 'Technical problem beyond frontline' },
  { code: 'bug', label: 'Suspected bug' },
  { code: 'access', label: 'Account or access problem' },
  { code: 'needs-expertise', label: 'Needs specialist expertise' },
  { code: 'needs-engineering', label: 'Needs engineering' },
  { code: 'sla-risk', label: 'SLA at risk' },
  { code: 'customer-request', label: 'Customer asked for escalation' },
  { code: 'resolved-technical', label: 'Technical part done; service follow-up needed' },
  { code: 'misrouted', label: 'Misrouted' },
  { code: 'other', label: 'Other' }
]
