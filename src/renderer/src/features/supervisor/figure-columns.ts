import type { TeamFiguresRow } from '../../../../shared/contract'
import type { Cut, FigureName, FigureSet } from '../../../../shared/domain/figures/types'
import { NO_DATA, formatNps, formatPct } from '../figures/format'

export { NO_DATA, formatPct }

/**
 * The supervisor table's figure columns, as data (no React): the table, its sorting and the CSV
 * export read the same definitions, so the file says what the screen shows. A value of null is
 * "no data" (never 0); each figure carries the count it is computed from.
 */
export interface FigureColumn {
  id: string
  /** Column header, also the CSV header of the value. */
  header: string
  /** Which figure a drill-down into this column asks about. */
  figure: FigureName
  value(f: FigureSet): number | null
  /** The count the value is computed from (what the CSV calls `countHeader`). */
  count(f: FigureSet): number
  countHeader: string
  /** How the value reads. */
  format(value: number): string
  /** More detail (business hours, hand-backs, ages), for the cell's title and the CSV. */
  detail?(f: FigureSet): string | null
}

/** A duration as "45s", "12m", "3h 05m", "2d 4h": the table's compact form (the personal panel words it out). */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.round(s / 60)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`
  const d = Math.floor(h / 24)
  return `${d}d ${h % 24}h`
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
const plain = (n: number) => String(n)

function business(kind: 'medianMs' | 'p90Ms', pick: (f: FigureSet) => FigureSet['firstResponse']) {
  return (f: FigureSet): string | null => {
    const b = pick(f).business
    if (!b) return null
    const v = b[kind]
    return `business hours: ${v === null ? 'no data' : formatDuration(v)}`
  }
}

/** A duration figure's two columns: its median and its p90, each with the business-hours detail. */
function durationColumns(prefix: string, header: string, figure: 'firstResponse' | 'resolution', countHeader: string): FigureColumn[] {
  return (['medianMs', 'p90Ms'] as const).map((stat) => ({
    id: `${prefix}${stat === 'medianMs' ? 'Median' : 'P90'}`,
    header: `${header} (${stat === 'medianMs' ? 'median' : 'p90'})`,
    figure,
    value: (f: FigureSet) => f[figure][stat],
    count: (f: FigureSet) => f[figure].count,
    countHeader,
    format: formatDuration,
    detail: business(stat, (f) => f[figure])
  }))
}

/** The figures that are a percentage of a count (`pct` of `of`). */
type RateFigure = 'csat' | 'firstContactResolution' | 'escalationRate' | 'reopenRate' | 'slaFirstResponse' | 'slaResolution'

function rateColumn(id: string, header: string, figure: RateFigure, countHeader: string, detail?: (f: FigureSet) => string): FigureColumn {
  return { id, header, figure, value: (f) => f[figure].pct, count: (f) => f[figure].of, countHeader, format: formatPct, ...(detail ? { detail } : {}) }
}

export const FIGURE_COLUMNS: readonly FigureColumn[] = [
  rateColumn('csat', 'CSAT %', 'csat', 'CSAT responses'),
  { id: 'nps', header: 'NPS', figure: 'nps', value: (f) => f.nps.score, count: (f) => f.nps.count, countHeader: 'NPS answers', format: formatNps },
  ...durationColumns('frt', 'First response', 'firstResponse', 'First responses'),
  ...durationColumns('ttr', 'Time to resolution', 'resolution', 'Resolutions'),
  rateColumn('fcr', 'FCR %', 'firstContactResolution', 'Resolved items'),
  rateColumn('escalation', 'Escalation rate %', 'escalationRate', 'Items worked', (f) => `${plural(f.escalationRate.count, 'escalation')}, ${plural(f.escalationRate.handBacks, 'hand-back')}`),
  rateColumn('reopen', 'Reopen rate %', 'reopenRate', 'Resolutions'),
  rateColumn('slaFirst', 'SLA first response %', 'slaFirstResponse', 'First-response targets due'),
  rateColumn('slaResolution', 'SLA resolution %', 'slaResolution', 'Resolution targets due'),
  { id: 'volume', header: 'Volume', figure: 'volume', value: (f) => f.volume, count: (f) => f.volume, countHeader: 'Items', format: plain },
  {
    id: 'backlog',
    header: 'Backlog',
    figure: 'backlog',
    value: (f) => f.backlog.count,
    count: (f) => f.backlog.count,
    countHeader: 'Open items',
    format: plain,
    detail: (f) => {
      const a = f.backlog.byAge
      return `under 1 day ${a.under1d}, 1-3 days ${a.d1to3}, 3-7 days ${a.d3to7}, over 7 days ${a.over7d}`
    }
  }
]

/** Volume and backlog are counts: their number is the count, shown once. */
export const isCountColumn = (c: FigureColumn): boolean => c.figure === 'volume' || c.figure === 'backlog'

export const CUT_LABEL: Record<Cut, string> = { agent: 'Agent', team: 'Team', kind: 'Kind', channel: 'Channel', tier: 'Tier' }

/** A cell as read aloud and in the title: "87% of 23 CSAT responses", "No data (0 CSAT responses)". */
export function describeCell(column: FigureColumn, row: TeamFiguresRow): string {
  const v = column.value(row.figures)
  const n = column.count(row.figures)
  const detail = column.detail?.(row.figures)
  const base = v === null ? `${NO_DATA} (${n} ${column.countHeader.toLowerCase()})` : isCountColumn(column) ? column.format(v) : `${column.format(v)} over ${n} ${column.countHeader.toLowerCase()}`
  return detail ? `${base}; ${detail}` : base
}
