/**
 * The escalation figures of the older "Escalations" dialog and GET /v1/figures/escalations, as a
 * view of the one implementation: every number but de-escalations comes from computeFigures()
 * (by: 'agent') over itemFacts(), so they agree with the personal panel, the supervisor view and
 * `cli report` (an item is worked by the assignee at its resolution, or by whoever escalated it;
 * a resolution straight to closed counts; the rate is not rounded). De-escalations are not a
 * figure of domain.md: the feeder counts them (de-escalate events by their actor in the period).
 */
import { NO_AGENT_KEY } from './compute'
import type { FigureRow } from './types'

export interface EscalationFigures {
  agentId: string
  escalations: number
  handBacks: number
  deescalations: number
  itemsWorked: number
  /** null when the agent worked no item: "no data", never 0. */
  escalationRatePct: number | null
}

/**
 * Maps per-agent rows of computeFigures(..., { by: 'agent' }) and the de-escalations counted by
 * the feeder to one line per agent with anything to show, sorted by agent id. The "no agent" row
 * (acts nobody held) is left out, as the dialog lists agents.
 */
export function escalationFiguresOf(rows: readonly FigureRow[], deescalations: ReadonlyMap<string, number>): EscalationFigures[] {
  const out = new Map<string, EscalationFigures>()
  for (const r of rows) {
    if (r.key === null || r.key === NO_AGENT_KEY) continue
    const e = r.figures.escalationRate
    out.set(r.key, { agentId: r.key, escalations: e.count, handBacks: e.handBacks, deescalations: 0, itemsWorked: e.of, escalationRatePct: e.pct })
  }
  for (const [agentId, n] of deescalations) {
    const line = out.get(agentId)
    if (line) line.deescalations = n
    else out.set(agentId, { agentId, escalations: 0, handBacks: 0, deescalations: n, itemsWorked: 0, escalationRatePct: null })
  }
  return [...out.values()]
    .filter((l) => l.escalations > 0 || l.handBacks > 0 || l.deescalations > 0 || l.itemsWorked > 0)
    .sort((x, y) => x.agentId.localeCompare(y.agentId))
}
