import { useSyncExternalStore } from 'react'
import { format, formatDistanceToNowStrict } from 'date-fns'

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

/** An item's age: "3 hours". */
export function Age({ iso }: { iso: string }) {
  useNow()
  return (
    <time dateTime={iso} title={`Created ${absolute(iso)}`}>
      {formatDistanceToNowStrict(new Date(iso))}
    </time>
  )
}

/** An SLA deadline: "in 2 hours", or "40 minutes overdue" in red once past; "—" when none. */
export function SlaDue({ iso }: { iso: string | null }) {
  const current = useNow()
  if (!iso) return <span className="muted">—</span>
  const due = new Date(iso)
  const overdue = due.getTime() < current
  return (
    <time dateTime={iso} title={`SLA due ${absolute(iso)}`} className={overdue ? 'sla overdue' : 'sla'}>
      {overdue ? `${formatDistanceToNowStrict(due)} overdue` : formatDistanceToNowStrict(due, { addSuffix: true })}
    </time>
  )
}
