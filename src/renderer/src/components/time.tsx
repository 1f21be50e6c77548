import { useSyncExternalStore } from 'react'
import { format, formatDistanceToNowStrict, type FormatDistanceToken, type Locale } from 'date-fns'
import { enUS } from 'date-fns/locale/en-US'
import { slaState } from '../../../shared/domain/sla'

/** One shared ticker so relative times ("3 minutes") stay current without a timer per cell. */
const TICK_MS = 30_000
let now = Date.now()
const listeners = new Set<() => void>()
let timer: ReturnType<typeof setInterval> | undefined

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  if (!timer) {
    timer = setInterval(() => {
      now = Date.now()
      listeners.forEach((l) => l())
    }, TICK_MS)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0 && timer) {
      clearInterval(timer)
      timer = undefined
    }
  }
}

/** The current time, updated every half minute. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now)
}

/** A compact English for dense table cells: "3h", "in 40m", "2d ago". */
const SHORT_UNIT: Partial<Record<FormatDistanceToken, string>> = { xSeconds: 's', xMinutes: 'm', xHours: 'h', xDays: 'd', xMonths: 'mo', xYears: 'y' }
const compact: Locale = {
  ...enUS,
  formatDistance: (token, count, options) => {
    const unit = SHORT_UNIT[token]
    if (!unit) return enUS.formatDistance(token, count, options)
    const text = `${count}${unit}`
    if (!options?.addSuffix) return text
    return (options.comparison ?? 0) > 0 ? `in ${text}` : `${text} ago`
  }
}

export const absolute = (iso: string) => format(new Date(iso), 'd MMM yyyy, HH:mm')

/** "3 hours ago" (re-rendered as time passes), with the exact time as a tooltip. */
export function TimeAgo({ iso }: { iso: string }) {
  useNow()
  return (
    <time dateTime={iso} title={absolute(iso)}>
      {formatDistanceToNowStrict(new Date(iso), { addSuffix: true })}
    </time>
  )
}

/** An item's age: "3 hours", or "3h" when compact. */
export function Age({ iso, compact: short = false }: { iso: string; compact?: boolean }) {
  useNow()
  return (
    <time dateTime={iso} title={`Created ${absolute(iso)}`}>
      {formatDistanceToNowStrict(new Date(iso), short ? { locale: compact } : {})}
    </time>
  )
}

/** An SLA deadline: "in 2 hours", or "40 minutes overdue" in red once past; "—" when none. */
export function SlaDue({ iso, compact: short = false }: { iso: string | null; compact?: boolean }) {
  const current = useNow()
  if (!iso) return <span className="muted">—</span>
  const due = new Date(iso)
  const overdue = due.getTime() < current
  const locale = short ? compact : enUS
  return (
    <time dateTime={iso} title={`SLA due ${absolute(iso)}`} className={overdue ? 'sla overdue' : 'sla'}>
      {overdue ? `${formatDistanceToNowStrict(due, { locale })} overdue` : formatDistanceToNowStrict(due, { addSuffix: true, locale })}
    </time>
  )
}

const SLA_MARK: Record<'due_soon' | 'breached', string> = { due_soon: 'Due soon', breached: 'Breached' }

/** "3h", "2d", "40m": a whole-unit distance between two instants. */
function shortSpan(ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000))
  if (minutes < 60) return `${minutes}m`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `${hours}h`
  return `${Math.round(hours / 24)}d`
}

/**
 * An item's SLA clock: "Due in 3h" or "Overdue by 2h", with a "Due soon" / "Breached" pill
 * (words, not colour only) from the workspace's due-soon window.
 */
export function SlaTimer({ iso, dueSoonMinutes }: { iso: string | null; dueSoonMinutes: number }) {
  const current = useNow()
  if (!iso) return <span className="muted">No SLA clock</span>
  const state = slaState(iso, new Date(current).toISOString(), dueSoonMinutes)
  const left = Date.parse(iso) - current
  return (
    <span className={`sla-timer sla-${state}`}>
      <time dateTime={iso} title={`SLA due ${absolute(iso)}`}>
        {left < 0 ? `Overdue by ${shortSpan(left)}` : `Due in ${shortSpan(left)}`}
      </time>
      {state === 'due_soon' || state === 'breached' ? <span className={`pill sla-mark sla-mark-${state}`}>{SLA_MARK[state]}</span> : null}
    </span>
  )
}

/** The inbox's SLA cell: "Breached 2d", "Due soon in 40m", "in 3h": the marker in words, then the distance. */
export function SlaCell({ iso, dueSoonMinutes }: { iso: string | null; dueSoonMinutes: number }) {
  const current = useNow()
  if (!iso) return <span className="muted">—</span>
  const state = slaState(iso, new Date(current).toISOString(), dueSoonMinutes)
  const due = new Date(iso)
  const distance = formatDistanceToNowStrict(due, { addSuffix: state !== 'breached', locale: compact })
  return (
    <span className={`sla-cell sla-${state}`}>
      {state === 'due_soon' || state === 'breached' ? <span className={`sla-mark sla-mark-${state}`}>{SLA_MARK[state]}</span> : null}
      <time dateTime={iso} title={`SLA due ${absolute(iso)}`}>
        {distance}
      </time>
    </span>
  )
}
