import type { ThreadEntry } from '../../../../shared/contract'
import { TimeAgo } from '../../components/time'
import { queueName } from './Thread'

const HANDOFF_EVENTS = new Set(['escalated', 'handed_back', 'deescalated'])
const VERB: Record<string, string> = { escalated: 'Escalated', handed_back: 'Handed back', deescalated: 'De-escalated' }

/**
 * The latest handoff summary, at the top of the item: whoever picks it up reads what the last
 * person knew, who moved it, from where to where and why, without asking the customer again.
 */
export function HandoffSummary({ summary, thread }: { summary: string; thread: ThreadEntry[] }) {
  let last: Extract<ThreadEntry, { type: 'event' }> | null = null
  for (const entry of thread) if (entry.type === 'event' && HANDOFF_EVENTS.has(entry.event.type)) last = entry
  return (
    <section aria-label="Handoff summary" className="handoff-summary">
      <h3 className="handoff-summary-title">Handoff summary</h3>
      {last ? (
        <p className="handoff-summary-meta">
          {VERB[last.event.type]} by <strong>{last.actorName ?? 'Handoff'}</strong> from {queueName(last.event.from)} to {queueName(last.event.to)}
          {last.event.reason ? <> — {last.event.reason}</> : null} <TimeAgo iso={last.at} />
        </p>
      ) : null}
      <p className="handoff-summary-body">{summary}</p>
    </section>
  )
}
