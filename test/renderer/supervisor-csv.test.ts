/**
 * The supervisor view's CSV export (src/renderer/src/features/supervisor/csv.ts): what the table
 * shows, read back with a real CSV parser — values as shown with their counts, "No data" never 0,
 * the rows in the order given (the table's sort), quotes and commas in names kept intact.
 */
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import type { TeamFigures } from '../../src/shared/contract'
import type { FigureSet } from '../../src/shared/domain/figures/types'
import { csvFileName, teamFiguresCsv } from '../../src/renderer/src/features/supervisor/csv'
import { FIGURE_COLUMNS, describeCell, formatDuration, formatPct } from '../../src/renderer/src/features/supervisor/figure-columns'

const empty = { count: 0, of: 0, pct: null }
const noDuration = { count: 0, medianMs: null, p90Ms: null, business: null }

const quiet: FigureSet = {
  csat: empty,
  nps: { count: 0, promoters: 0, detractors: 0, score: null },
  firstResponse: noDuration,
  resolution: noDuration,
  firstContactResolution: empty,
  escalationRate: { ...empty, handBacks: 0 },
  reopenRate: empty,
  slaFirstResponse: empty,
  slaResolution: empty,
  volume: 0,
  backlog: { count: 0, byAge: { under1d: 0, d1to3: 0, d3to7: 0, over7d: 0 } }
}

const busy: FigureSet = {
  csat: { count: 3, of: 4, pct: 75 },
  nps: { count: 5, promoters: 3, detractors: 1, score: 40 },
  firstResponse: { count: 4, medianMs: 90 * 60_000, p90Ms: 5 * 3_600_000 + 5 * 60_000, business: { medianMs: 30 * 60_000, p90Ms: null } },
  resolution: { count: 2, medianMs: 2 * 86_400_000 + 4 * 3_600_000, p90Ms: 3 * 86_400_000, business: null },
  firstContactResolution: { count: 1, of: 2, pct: 50 },
  escalationRate: { count: 1, of: 3, pct: 33.33333, handBacks: 2 },
  reopenRate: { count: 0, of: 2, pct: 0 },
  slaFirstResponse: { count: 3, of: 4, pct: 75 },
  slaResolution: { count: 2, of: 2, pct: 100 },
  volume: 3,
  backlog: { count: 2, byAge: { under1d: 1, d1to3: 0, d3to7: 0, over7d: 1 } }
}

const answer: TeamFigures = {
  from: '2026-11-16T08:00:00.000Z',
  to: '2026-11-23T08:00:00.000Z',
  by: 'agent',
  filter: {},
  asOf: '2026-11-23T07:59:30.000Z',
  source: 'server',
  offlineReason: null,
  rows: [
    { key: 'quiet', label: 'Quinn "Q" Ortega, Jr.', figures: quiet },
    { key: 'dana', label: 'Dana Reyes', figures: busy }
  ]
}

const read = (csv: string) => parse(csv, { columns: true, relax_column_count: false }) as Record<string, string>[]

describe('teamFiguresCsv', () => {
  it('writes one header and one line per row, in the order given', () => {
    const csv = teamFiguresCsv(answer, [answer.rows[1]!, answer.rows[0]!])
    const lines = read(csv)
    expect(lines.map((l) => l.Agent)).toEqual(['Dana Reyes', 'Quinn "Q" Ortega, Jr.'])
    expect(csv.split('\r\n')[0]).toMatch(/^Agent,CSAT %,CSAT responses,NPS,NPS answers,First response \(median\),First responses,First response \(median\) detail,/)
  })

  it('writes values as the table shows them, each with its count', () => {
    const dana = read(teamFiguresCsv(answer, answer.rows)).find((l) => l.Agent === 'Dana Reyes')!
    expect(dana['CSAT %']).toBe('75%')
    expect(dana['CSAT responses']).toBe('4')
    expect(dana.NPS).toBe('+40')
    expect(dana['NPS answers']).toBe('5')
    expect(dana['First response (median)']).toBe('1h 30m')
    expect(dana['First response (median) detail']).toBe('business hours: 30m')
    expect(dana['First response (p90)']).toBe('5h 05m')
    expect(dana['First response (p90) detail']).toBe('business hours: no data')
    expect(dana['Time to resolution (median)']).toBe('2d 4h')
    expect(dana['Escalation rate %']).toBe('33.3%')
    expect(dana['Items worked']).toBe('3')
    expect(dana['Escalation rate % detail']).toBe('1 escalation, 2 hand-backs')
    // A real 0% is 0%, with its count.
    expect(dana['Reopen rate %']).toBe('0%')
    expect(dana.Volume).toBe('3')
    expect(dana.Backlog).toBe('2')
    expect(dana['Backlog detail']).toBe('under 1 day 1, 1-3 days 0, 3-7 days 0, over 7 days 1')
    expect(dana['As of']).toBe(answer.asOf)
    expect(dana.From).toBe(answer.from)
  })

  it('writes "No data" for a figure without data, never 0', () => {
    const quietLine = read(teamFiguresCsv(answer, answer.rows)).find((l) => l.Agent?.startsWith('Quinn'))!
    for (const c of FIGURE_COLUMNS.filter((c) => c.figure !== 'volume' && c.figure !== 'backlog')) {
      expect(quietLine[c.header], c.header).toBe('No data')
    }
    expect(quietLine['CSAT responses']).toBe('0')
    expect(quietLine.Volume).toBe('0')
  })

  it('has a header line only when there are no rows', () => {
    const lines = teamFiguresCsv({ ...answer, rows: [] }, []).split('\r\n').filter(Boolean)
    expect(lines).toHaveLength(1)
  })

  it('names the cut in the first column and the file', () => {
    const byChannel = { ...answer, by: 'channel' as const, rows: [{ key: 'email', label: 'Email', figures: busy }] }
    expect(teamFiguresCsv(byChannel, byChannel.rows).startsWith('Channel,')).toBe(true)
    expect(csvFileName(byChannel)).toBe('team-figures-by-channel-2026-11-16-to-2026-11-23.csv')
  })
})

describe('teamFiguresCsv cell safety', () => {
  it('quotes a name a spreadsheet would run as a formula, and leaves a negative NPS a number', () => {
    const negative: FigureSet = { ...busy, nps: { count: 5, promoters: 1, detractors: 2, score: -20 } }
    const byTeam = { ...answer, by: 'team' as const, rows: [{ key: '=HYPERLINK("http://x","y")', label: '=HYPERLINK("http://x","y")', figures: negative }, { key: '@ops', label: '@ops', figures: busy }] }
    const lines = read(teamFiguresCsv(byTeam, byTeam.rows))
    expect(lines.map((l) => l.Team)).toEqual(['\'=HYPERLINK("http://x","y")', "'@ops"])
    expect(lines[0]?.NPS).toBe('-20')
  })
})

describe('cell wording', () => {
  it('formats durations and percentages', () => {
    expect(formatDuration(42_000)).toBe('42s')
    expect(formatDuration(12 * 60_000)).toBe('12m')
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3h 05m')
    expect(formatDuration(26 * 3_600_000)).toBe('1d 2h')
    expect(formatPct(66.666)).toBe('66.7%')
  })

  it('reads a cell with its count, and "No data" with the count being zero', () => {
    const csat = FIGURE_COLUMNS.find((c) => c.id === 'csat')!
    expect(describeCell(csat, answer.rows[1]!)).toBe('75% over 4 csat responses')
    expect(describeCell(csat, answer.rows[0]!)).toBe('No data (0 csat responses)')
  })
})
