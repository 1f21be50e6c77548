import type { Database } from 'better-sqlite3'
import { QUEUES } from '../../shared/domain/escalation'
import type { SlaPolicy } from '../../shared/domain/sla'
import { PRIORITIES } from '../../shared/domain/vocabulary'
import type { ChangeAppliers } from '../infra/change-applier'
import { prepared } from '../infra/statements'
import { storeSettings } from './settings'

/** How the settings capability writes its change op: the row, and the deadlines that follow from it. */
export const settingsAppliers: ChangeAppliers<'setSettings'> = {
  setSettings(ctx, { settings }) {
    storeSettings(ctx.db, settings)
    recomputeDeadlines(ctx.db, settings.sla)
  }
}

/**
 * Keeps items.sla_due_at = slaDueAt(item, policy) for every active item when the policy changes
 * (a derived column, like the denormalized names): the same calendar arithmetic in SQL, from the
 * current SLA clock, the first-response target until answered, then the resolution target.
 * Resolved and closed items have no deadline and are not touched.
 */
function recomputeDeadlines(db: Database, policy: SlaPolicy): void {
  const targets = QUEUES.flatMap((q) => PRIORITIES.map((p) => ({ q, p, first: policy[q][p].firstResponseMinutes, resolution: policy[q][p].resolutionMinutes })))
  prepared<[string]>(
    db,
    `WITH t AS (SELECT value ->> 'q' AS queue, value ->> 'p' AS priority, value ->> 'first' AS first, value ->> 'resolution' AS resolution FROM json_each(?))
     UPDATE items SET sla_due_at = (
       SELECT strftime('%Y-%m-%dT%H:%M:%fZ', items.sla_started_at, '+' || (CASE WHEN items.sla_responded_at IS NULL THEN t.first ELSE t.resolution END) || ' minutes')
         FROM t WHERE t.queue = items.queue AND t.priority = items.priority)
     WHERE status_rank IN (0, 1, 2)`
  ).run(JSON.stringify(targets))
}
