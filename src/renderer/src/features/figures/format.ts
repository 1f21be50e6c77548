import type { FigureSet } from '../../../../shared/domain/figures/types'

/**
 * How the personal panel words its numbers: percentages with at most one decimal, NPS as a signed
 * integer, durations as "1 h 20 min", and null as "No data" (never 0).
 */
export const NO_DATA = 'No data'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

const oneDecimal = (n: number) => String(Math.round(n * 10) / 10)

export const formatPct = (pct: number | null): string => (pct === null ? NO_DATA : `${oneDecimal(pct)}%`)

export const formatNps = (score: number | null): string => {
  if (score === null) return NO_DATA
  const n = Math.round(score)
  return n > 0 ? `+${n}` : String(n)
}

/** "45 s", "12 min", "1 h 20 min", "2 d 3 h". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return NO_DATA
  const abs = Math.abs(ms)
  if (abs < MIN) return `${Math.round(abs / 1000)} s`
  if (abs < HOUR) return `${Math.round(abs / MIN)} min`
  if (abs < DAY) {
    const h = Math.floor(abs / HOUR)
    const m = Math.round((abs - h * HOUR) / MIN)
    return m === 60 ? `${h + 1} h` : m === 0 ? `${h} h` : `${h} h ${m} min`
  }
  const d = Math.floor(abs / DAY)
  const h = Math.round((abs - d * DAY) / HOUR)
  return h === 24 ? `${d + 1} d` : h === 0 ? `${d} d` : `${d} d ${h} h`
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`

/** What a figure is and which way is better, for the card and its change. */
export type FigureKind = 'pct' | 'nps' | 'duration' | 'count'
export type Better = 'up' | 'down' | 'neither'

export interface FigureSpec {
  id: string
  title: string
  kind: FigureKind
  better: Better
  value(f: FigureSet): number | null
  /** What the number is computed from: "from 12 ratings". */
  basis(f: FigureSet): string
  /** How the trend draws it. */
  chart: 'line' | 'bar'
}

export const FIGURES: readonly FigureSpec[] = [
  {
    id: 'csat',
    title: 'CSAT',
    kind: 'pct',
    better: 'up',
    value: (f) => f.csat.pct,
    basis: (f) => `${f.csat.count} of ${plural(f.csat.of, 'rating')} 4 or 5`,
    chart: 'line'
  },
  {
    id: 'nps',
    title: 'NPS',
    kind: 'nps',
    better: 'up',
    value: (f) => f.nps.score,
    basis: (f) => `from ${plural(f.nps.count, 'answer')} (${plural(f.nps.promoters, 'promoter')}, ${plural(f.nps.detractors, 'detractor')})`,
    chart: 'line'
  },
  {
    id: 'firstResponse',
    title: 'First response time (median)',
    kind: 'duration',
    better: 'down',
    value: (f) => f.firstResponse.medianMs,
    basis: (f) => `from ${plural(f.firstResponse.count, 'first response')}${f.firstResponse.p90Ms !== null ? ` · 90th percentile ${formatDuration(f.firstResponse.p90Ms)}` : ''}`,
    chart: 'line'
  },
  {
    id: 'resolution',
    title: 'Time to resolution (median)',
    kind: 'duration',
    better: 'down',
    value: (f) => f.resolution.medianMs,
    basis: (f) => `from ${plural(f.resolution.count, 'resolved item')}${f.resolution.p90Ms !== null ? ` · 90th percentile ${formatDuration(f.resolution.p90Ms)}` : ''}`,
    chart: 'line'
  },
  {
    id: 'fcr',
    title: 'First contact resolution',
    kind: 'pct',
    better: 'up',
    value: (f) => f.firstContactResolution.pct,
    basis: (f) => `${f.firstContactResolution.count} of ${plural(f.firstContactResolution.of, 'resolved item')}`,
    chart: 'line'
  },
  {
    id: 'escalationRate',
    title: 'Escalation rate',
    kind: 'pct',
    better: 'down',
    value: (f) => f.escalationRate.pct,
    basis: (f) => `${plural(f.escalationRate.count, 'escalation')} over ${plural(f.escalationRate.of, 'item')} worked · ${plural(f.escalationRate.handBacks, 'hand-back')}`,
    chart: 'line'
  },
  {
    id: 'reopenRate',
    title: 'Reopen rate',
    kind: 'pct',
    better: 'down',
    value: (f) => f.reopenRate.pct,
    basis: (f) => `${f.reopenRate.count} reopened of ${plural(f.reopenRate.of, 'resolved item')}`,
    chart: 'line'
  },
  {
    id: 'slaFirstResponse',
    title: 'SLA met: first response',
    kind: 'pct',
    better: 'up',
    value: (f) => f.slaFirstResponse.pct,
    basis: (f) => `${f.slaFirstResponse.count} met of ${plural(f.slaFirstResponse.of, 'target')} due`,
    chart: 'line'
  },
  {
    id: 'slaResolution',
    title: 'SLA met: resolution',
    kind: 'pct',
    better: 'up',
    value: (f) => f.slaResolution.pct,
    basis: (f) => `${f.slaResolution.count} met of ${plural(f.slaResolution.of, 'target')} due`,
    chart: 'line'
  },
  {
    id: 'volume',
    title: 'Items worked',
    kind: 'count',
    better: 'neither',
    value: (f) => f.volume,
    basis: () => 'resolved or escalated by you',
    chart: 'bar'
  }
]

export function formatValue(kind: FigureKind, v: number | null): string {
  switch (kind) {
    case 'pct':
      return formatPct(v)
    case 'nps':
      return formatNps(v)
    case 'duration':
      return formatDuration(v)
    case 'count':
      return v === null ? NO_DATA : v.toLocaleString('en')
  }
}

export interface Change {
  /** Arrow direction, or none. */
  direction: 'up' | 'down' | 'same' | 'none'
  /** Whether the change is for the better ('neither' for volume, or no change). */
  tone: 'good' | 'bad' | 'neutral'
  /** Short text next to the arrow: "+5.2 pts", "−12 min", "No change", "No earlier data". */
  text: string
  /** The full sentence for assistive technology. */
  label: string
}

/** The change of a figure against the previous period. */
export function changeOf(spec: FigureSpec, now: number | null, before: number | null, previousLabel: string): Change {
  if (now === null || before === null) {
    const why = before === null ? `no data for ${previousLabel}` : 'no data for this period'
    return { direction: 'none', tone: 'neutral', text: before === null ? 'No earlier data' : '', label: `No change to show: ${why}.` }
  }
  const delta = now - before
  const was = formatValue(spec.kind, before)
  if (Math.abs(delta) < 1e-9) return { direction: 'same', tone: 'neutral', text: 'No change', label: `No change from ${previousLabel} (${was}).` }
  const direction = delta > 0 ? 'up' : 'down'
  const tone = spec.better === 'neither' ? 'neutral' : spec.better === direction ? 'good' : 'bad'
  let amount: string
  switch (spec.kind) {
    case 'pct':
      amount = `${oneDecimal(Math.abs(delta))} pts`
      break
    case 'nps':
      amount = String(Math.round(Math.abs(delta)))
      break
    case 'duration':
      amount = formatDuration(Math.abs(delta))
      break
    case 'count':
      amount = Math.abs(delta).toLocaleString('en')
      break
  }
  const sign = delta > 0 ? '+' : '−'
  return { direction, tone, text: `${sign}${amount}`, label: `${direction === 'up' ? 'Up' : 'Down'} ${amount} from ${was} ${previousLabel}.` }
}

/**
 * "business hours: median 30 min, p90 1 h" for the first response and resolution cards when the
 * workspace has business hours (DurationFigure.business); null for other cards and without a schedule.
 */
export function businessLine(id: string, f: FigureSet): string | null {
  const d = id === 'firstResponse' ? f.firstResponse : id === 'resolution' ? f.resolution : null
  if (!d?.business) return null
  return `business hours: median ${formatDuration(d.business.medianMs)}, p90 ${formatDuration(d.business.p90Ms)}`
}
