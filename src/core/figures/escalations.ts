import type { Database } from 'better-sqlite3'
import type { Results } from '../../shared/contract'
import { computeFigures } from '../../shared/domain/figures'
import { escalationFiguresOf as fromRows } from '../../shared/domain/figures/escalations'
import { loadFacts } from './personal'
import { FIGURE_EVENTS } from './figure-events'
import { loadSettings } from '../settings/settings'
import { plucked, prepared } from '../infra/statements'

/**
 * Escalation figures for [from, to) (the "Escalations" dialog), through the one implementation:
 * the items with a resolution (to resolved, or straight to closed), escalation, hand-back or
 * de-escalation in the period are derived by itemFacts() (loadFacts, as the personal panel does)
 * and computeFigures(..., { by: 'agent' }) gives each agent's escalations, hand-backs and items
 * worked; de-escalations (not a figure of domain.md) are counted here. Timestamps are compared as
 * ISO strings, so the bounds are normalized to the stored form.
 *
 * Cost: the resolved/escalated/handed-back/de-escalated events come through the partial index
 * item_events_figures; straight-to-closed resolutions have no index by time and are found by a
 * scan of the history (fine for the dialog's occasional use; the personal panel and the server
 * report are the fast paths).
 */
export function escalationFiguresOf(db: Database, from: string, to: string): Results['figures.escalations'] {
  const lo = new Date(from).toISOString()
  const hi = new Date(to).toISOString()
  const rids = plucked<[string, string, string, string], number>(
    db,
    `SELECT item_rid FROM item_events WHERE ${FIGURE_EVENTS} AND created_at >= ? AND created_at < ?
     UNION
     SELECT item_rid FROM item_events WHERE type = 'status' AND to_value = 'closed' AND created_at >= ? AND created_at < ?`
  )
    .all(lo, hi, lo, hi)
  const facts = [...loadFacts(db, rids, loadSettings(db).sla).values()]
  const rows = computeFigures(facts, { period: { from: Date.parse(lo), to: Date.parse(hi) }, by: 'agent', now: Date.parse(hi) })
  const deescalations = new Map(
    prepared<[string, string], { actorId: string; n: number }>(
      db,
      `SELECT actor_id AS actorId, count(*) AS n FROM item_events
        WHERE ${FIGURE_EVENTS} AND type = 'deescalated' AND actor_id IS NOT NULL AND created_at >= ? AND created_at < ? GROUP BY actor_id`
    )
      .all(lo, hi)
      .map((r) => [r.actorId, r.n])
  )
  const names = new Map(prepared<[], { id: string; name: string }>(db, 'SELECT id, name FROM agents').all().map((a) => [a.id, a.name]))
  return fromRows(rows, deescalations).map((f) => ({ ...f, agentName: names.get(f.agentId) ?? 'Unknown agent' }))
}
