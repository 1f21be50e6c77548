import { stringify } from 'csv-stringify/browser/esm/sync'
import type { TeamFigures, TeamFiguresRow } from '../../../../shared/contract'
import { csvText } from '../../../../shared/csv-cell'
import { CUT_LABEL, FIGURE_COLUMNS, NO_DATA, isCountColumn } from './figure-columns'

/**
 * The supervisor table as CSV (RFC 4180, through csv-stringify): one line per row in the order
 * on screen, the group's name, then each figure's value as shown and the count it is computed
 * from ("No data" stays "No data", never 0), and the detail (business hours, hand-backs, ages).
 * One header line; the period and the "as of" time are columns of every line, so a file read
 * later still says what it is about.
 */
export function teamFiguresCsv(answer: TeamFigures, rows: readonly TeamFiguresRow[]): string {
  const header = [CUT_LABEL[answer.by]]
  for (const c of FIGURE_COLUMNS) {
    header.push(c.header)
    if (!isCountColumn(c)) header.push(c.countHeader)
    if (c.detail) header.push(`${c.header} detail`)
  }
  header.push('From', 'To', 'As of')
  const lines = rows.map((row) => {
    // The group's name is text someone typed (agent, team): formula-safe. Figures are never touched (NPS -20 stays -20).
    const line: string[] = [csvText(row.label)]
    for (const c of FIGURE_COLUMNS) {
      const v = c.value(row.figures)
      line.push(v === null ? NO_DATA : c.format(v))
      if (!isCountColumn(c)) line.push(String(c.count(row.figures)))
      if (c.detail) line.push(c.detail(row.figures) ?? '')
    }
    line.push(answer.from, answer.to, answer.asOf)
    return line
  })
  return stringify([header, ...lines], { record_delimiter: 'windows' })
}

/** A file name for the export: team-figures-by-agent-2026-11-16-to-2026-11-23.csv. */
export function csvFileName(answer: TeamFigures): string {
  return `team-figures-by-${answer.by}-${answer.from.slice(0, 10)}-to-${answer.to.slice(0, 10)}.csv`
}
