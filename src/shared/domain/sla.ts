import type { ItemKind, Priority, Status } from './vocabulary'
import { isActive } from './lifecycle'

/** Default SLA targets in minutes, per kind and priority. Configurable SLA policy arrives with escalation (issue 3). */
export interface SlaTarget {
  firstResponseMinutes: number
  resolutionMinutes: number
}

export const DEFAULT_SLA: Record<ItemKind, Record<Priority, SlaTarget>> = {
  service: {
    urgent: { firstResponseMinutes: 30, resolutionMinutes: 8 * 60 },
    high: { firstResponseMinutes: 60, resolutionMinutes: 24 * 60 },
    normal: { firstResponseMinutes: 4 * 60, resolutionMinutes: 48 * 60 },
    low: { firstResponseMinutes: 8 * 60, resolutionMinutes: 72 * 60 }
  },
  support: {
    urgent: { firstResponseMinutes: 60, resolutionMinutes: 12 * 60 },
    high: { firstResponseMinutes: 2 * 60, resolutionMinutes: 24 * 60 },
    normal: { firstResponseMinutes: 8 * 60, resolutionMinutes: 72 * 60 },
    low: { firstResponseMinutes: 24 * 60, resolutionMinutes: 120 * 60 }
  }
}

export interface SlaInput {
  kind: ItemKind
  priority: Priority
  status: Status
  createdAt: string
  firstResponseAt: string | null
}

/**
 * The next SLA deadline of an item: its first-response target until someone answers, then its
 * resolution target; none once it is resolved or closed. Calendar time.
 */
export function slaDueAt(item: SlaInput, targets: Record<ItemKind, Record<Priority, SlaTarget>> = DEFAULT_SLA): string | null {
  if (!isActive(item.status)) return null
  const target = targets[item.kind][item.priority]
  const minutes = item.firstResponseAt === null ? target.firstResponseMinutes : target.resolutionMinutes
  return new Date(Date.parse(item.createdAt) + minutes * 60_000).toISOString()
}
