import type { Database } from 'better-sqlite3'
import type { Results } from '../../shared/contract'
import { escalationFigures, type HistoryEventLite } from '../../shared/domain/figures/escalations'
import { FIGURE_EVENTS } from './schema-v2'
import { prepared } from './statements'

/**
 * Escalation figures for [from, to): the handoff and resolution events of the period, through
 * the partial index item_events_figures, fed to the shared escalationFigures(); each agent named.
 * Timestamps are compared as ISO strings, so the bounds are normalized to the stored form.
 */
export function escalationFiguresOf(db: Database, from: string, to: string): Results['figures.escalations'] {
  const lo = new Date(from).toISOString()
  const hi = new Date(to).toISOString()
  const rows = prepared<unknown[], HistoryEventLite>(
    db,
    `SELECT i.id AS itemId, e.type AS type, e.actor_id AS actorId, e.from_value AS "from", e.to_value AS "to", e.created_at AS at
       FROM item_events e JOIN items i ON i.rid = e.item_rid
      WHERE ${FIGURE_EVENTS} AND e.created_at >= ? AND e.created_at < ?`
  ).all(lo, hi)
  const names = new Map(prepared<[], { id: string; name: string }>(db, 'SELECT id, name FROM agents').all().map((a) => [a.id, a.name]))
  return escalationFigures(rows, lo, hi).map((f) => ({ ...f, agentName: names.get(f.agentId) ?? 'Unknown agent' }))
}
