import { FormAlert } from '../../components/fields'
import { useEffect, useState } from 'react'
import type { Results } from '../../../../shared/contract'
import { api, errorMessage } from '../../api/client'
import { Dialog } from '../../components/Dialog'
import { closeDialog } from '../../state/ui'
import { formatPct } from '../supervisor/figure-columns'

const PERIODS = {
  today: 'Today',
  week: 'Last 7 days',
  month: 'Last 30 days'
} as const
type Period = keyof typeof PERIODS

const DAY = 24 * 60 * 60 * 1000

/** [from, to) of a period, ending now. "Today" starts at local midnight. */
function rangeOf(period: Period, now = Date.now()): { from: string; to: string } {
  // The end is exclusive: a second ahead so what happened just now counts.
  const to = new Date(now + 1000).toISOString()
  if (period === 'today') {
    const midnight = new Date(now)
    midnight.setHours(0, 0, 0, 0)
    return { from: midnight.toISOString(), to }
  }
  return { from: new Date(now - (period === 'week' ? 7 : 30) * DAY).toISOString(), to }
}

type Row = Results['figures.escalations'][number]

/**
 * Escalations per agent over a period: escalations (to support or up a tier) for the agent who
 * escalated, hand-backs and de-escalations apart, items worked, and the escalation rate, which
 * is "no data" (never 0) for an agent who worked no item.
 */
export function FiguresDialog() {
  const [period, setPeriod] = useState<Period>('week')
  const [rows, setRows] = useState<Row[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    setRows(null)
    setError(null)
    api['figures.escalations'](rangeOf(period))
      .then((r) => {
        if (live) setRows(r)
      })
      .catch((e: unknown) => {
        if (live) setError(errorMessage(e))
      })
    return () => {
      live = false
    }
  }, [period])

  return (
    <Dialog title="Escalation figures" onClose={closeDialog} className="figures-dialog wide">
      <div className="figures-controls">
        <label className="inline-field">
          Period
          <select value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
            {(Object.keys(PERIODS) as Period[]).map((p) => (
              <option key={p} value={p}>
                {PERIODS[p]}
              </option>
            ))}
          </select>
        </label>
        <p className="hint">Escalation rate = escalations (to support or up a tier) / items the agent resolved or escalated. Hand-backs are counted apart.</p>
      </div>
      <FormAlert message={error} />
      <table className="figures-table" aria-label="Escalations by agent" aria-busy={rows === null && !error}>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Escalations</th>
            <th scope="col">Hand-backs</th>
            <th scope="col">De-escalations</th>
            <th scope="col">Items worked</th>
            <th scope="col">Escalation rate</th>
          </tr>
        </thead>
        <tbody>
          {rows === null ? (
            <tr>
              <td colSpan={6} className="muted">
                {error ? 'No figures' : 'Counting…'}
              </td>
            </tr>
          ) : rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                No escalations, hand-backs or resolutions in this period: no data
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr key={r.agentId}>
                <th scope="row">{r.agentName}</th>
                <td className="num">{r.escalations}</td>
                <td className="num">{r.handBacks}</td>
                <td className="num">{r.deescalations}</td>
                <td className="num">{r.itemsWorked}</td>
                <td className="num">
                  {r.escalationRatePct === null ? (
                    <span className="muted">no data</span>
                  ) : (
                    <span title={`${r.escalations} of ${r.itemsWorked} items`}>{formatPct(r.escalationRatePct)}</span>
                  )}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <div className="dialog-actions">
        <span className="spacer" />
        <button type="button" onClick={closeDialog}>
          Done
        </button>
      </div>
    </Dialog>
  )
}
