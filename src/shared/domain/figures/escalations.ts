/**
 * Escalation figures of domain.md, over a plain list of history events (fed by SQL on either side).
 * An escalation (to support, or up a tier) counts for the agent who escalated; hand-backs are
 * counted separately, not as escalations. Escalation rate % = escalations performed / items
 * worked, where an item is worked by an agent who resolved it or escalated it in the period.
 */
export interface HistoryEventLite {
  itemId: string
  type: string
  actorId: string | null
  from: string | null
  to: string | null
  at: string
}

export interface EscalationFigures {
  agentId: string
  escalations: number
  handBacks: number
  deescalations: number
  itemsWorked: number
  /** null when the agent worked no item: "no data", never 0. */
  escalationRatePct: number | null
}

export function escalationFigures(events: readonly HistoryEventLite[], from: string, to: string): EscalationFigures[] {
  const start = Date.parse(from)
  const end = Date.parse(to)
  const byAgent = new Map<string, { escalations: number; handBacks: number; deescalations: number; worked: Set<string> }>()
  const of = (id: string) => {
    let a = byAgent.get(id)
    if (!a) byAgent.set(id, (a = { escalations: 0, handBacks: 0, deescalations: 0, worked: new Set() }))
    return a
  }
  for (const e of events) {
    const t = Date.parse(e.at)
    if (e.actorId === null || t < start || t >= end) continue
    switch (e.type) {
      case 'escalated':
        of(e.actorId).escalations++
        of(e.actorId).worked.add(e.itemId)
        break
      case 'handed_back':
        of(e.actorId).handBacks++
        break
      case 'deescalated':
        of(e.actorId).deescalations++
        break
      case 'status':
        if (e.to === 'resolved') of(e.actorId).worked.add(e.itemId)
        break
      default:
        break
    }
  }
  return [...byAgent.entries()]
    .map(([agentId, a]) => ({
      agentId,
      escalations: a.escalations,
      handBacks: a.handBacks,
      deescalations: a.deescalations,
      itemsWorked: a.worked.size,
      escalationRatePct: a.worked.size === 0 ? null : Math.round((1000 * a.escalations) / a.worked.size) / 10
    }))
    .sort((x, y) => x.agentId.localeCompare(y.agentId))
}
