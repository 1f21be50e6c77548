import type { Priority, Status, Tier } from './vocabulary'
import { isActive } from './lifecycle'
import { tierOfQueue, type Queue } from './escalation'

/** SLA targets in minutes: first response and resolution. */
export interface SlaTarget {
  firstResponseMinutes: number
  resolutionMinutes: number
}

export type SlaTargets = Record<Priority, SlaTarget>

/**
 * The workspace's SLA policy: targets per kind of queue (frontline service; each support tier)
 * and priority, whether an escalation restarts the clock for the receiving queue, and how close
 * a deadline must be to count as "due soon".
 */
export interface SlaPolicy {
  service: SlaTargets
  tier1: SlaTargets
  tier2: SlaTargets
  tier3: SlaTargets
  restartOnEscalation: boolean
  dueSoonMinutes: number
}

const t = (firstResponseMinutes: number, resolutionMinutes: number): SlaTarget => ({ firstResponseMinutes, resolutionMinutes })
const H = 60

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  service: { urgent: t(30, 8 * H), high: t(1 * H, 24 * H), normal: t(4 * H, 48 * H), low: t(8 * H, 72 * H) },
  tier1: { urgent: t(1 * H, 12 * H), high: t(2 * H, 24 * H), normal: t(8 * H, 72 * H), low: t(24 * H, 120 * H) },
  tier2: { urgent: t(2 * H, 24 * H), high: t(4 * H, 48 * H), normal: t(12 * H, 96 * H), low: t(24 * H, 144 * H) },
  tier3: { urgent: t(4 * H, 48 * H), high: t(8 * H, 72 * H), normal: t(24 * H, 168 * H), low: t(48 * H, 240 * H) },
  restartOnEscalation: true,
  dueSoonMinutes: 120
}

export interface SlaInput {
  queue: Queue
  priority: Priority
  status: Status
  slaStartedAt: string
  slaRespondedAt: string | null
}

export const targetFor = (policy: SlaPolicy, queue: Queue, priority: Priority): SlaTarget => policy[queue][priority]

/**
 * The next SLA deadline of an item: the first-response target of its queue until someone answers
 * on the current clock, then the resolution target; none once it is resolved or closed.
 * Calendar time, counted from the start of the current SLA clock.
 */
export function slaDueAt(item: SlaInput, policy: SlaPolicy = DEFAULT_SLA_POLICY): string | null {
  if (!isActive(item.status)) return null
  const target = targetFor(policy, item.queue, item.priority)
  const minutes = item.slaRespondedAt === null ? target.firstResponseMinutes : target.resolutionMinutes
  return new Date(Date.parse(item.slaStartedAt) + minutes * 60_000).toISOString()
}

export type SlaState = 'none' | 'ok' | 'due_soon' | 'breached'

/** Whether a deadline is comfortably ahead, due soon, or already past. */
export function slaState(dueAt: string | null, now: string, dueSoonMinutes: number = DEFAULT_SLA_POLICY.dueSoonMinutes): SlaState {
  if (dueAt === null) return 'none'
  const left = Date.parse(dueAt) - Date.parse(now)
  if (left < 0) return 'breached'
  return left <= dueSoonMinutes * 60_000 ? 'due_soon' : 'ok'
}

/** The tier a queue belongs to, for display. */
export const tierLabel = (queue: Queue): string => {
  const tier: Tier | null = tierOfQueue(queue)
  return tier === null ? 'Service' : `Tier ${tier}`
}
