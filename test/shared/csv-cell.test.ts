/**
 * CSV cell safety: text that a spreadsheet would run as a formula gets a leading quote, in the
 * shared helper and in both CSV builders (cli report, the supervisor view's export), read back with
 * a real CSV parser; numbers (NPS -20) are never touched.
 */
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { reportCsv } from '../../src/server/cli/report'
import { csvText } from '../../src/shared/csv-cell'
import { emptyFigureSet } from '../../src/shared/domain/figures'
import type { FigureSet } from '../../src/shared/domain/figures/types'
import type { FiguresReportResponse } from '../../src/shared/sync/figures-protocol'

describe('csvText', () => {
  it('quotes text starting with =, +, -, @, tab or carriage return', () => {
    expect(csvText('=HYPERLINK("http://x","y")')).toBe('\'=HYPERLINK("http://x","y")')
    expect(csvText('+1 support')).toBe("'+1 support")
    expect(csvText('-team')).toBe("'-team")
    expect(csvText('@admin')).toBe("'@admin")
    expect(csvText('\tTabbed')).toBe("'\tTabbed")
    expect(csvText('\rReturn')).toBe("'\rReturn")
  })
  it('leaves other text alone, including such characters later in the text', () => {
    expect(csvText('Dana Reyes')).toBe('Dana Reyes')
    expect(csvText('Team A=B')).toBe('Team A=B')
    expect(csvText('')).toBe('')
    expect(csvText("'quoted")).toBe("'quoted")
  })
})

describe('cli report CSV', () => {
  const detractors: FigureSet = { ...emptyFigureSet(), nps: { count: 5, promoters: 1, detractors: 2, score: -20 } }
  const report: FiguresReportResponse = {
    asOf: '2026-11-10T00:00:00.000Z',
    from: '2026-11-02T00:00:00.000Z',
    to: '2026-11-09T00:00:00.000Z',
    by: 'team',
    rows: [
      { key: '=cmd|"/c calc"!A1', label: '=cmd|"/c calc"!A1', figures: detractors },
      { key: 'North', label: 'North', figures: detractors }
    ]
  }

  it('quotes formula-like keys and labels, and keeps NPS -20 a number', () => {
    const lines = parse(reportCsv(report), { columns: true }) as Record<string, string>[]
    expect(lines[0]).toMatchObject({ key: '\'=cmd|"/c calc"!A1', label: '\'=cmd|"/c calc"!A1', nps: '-20' })
    expect(lines[1]).toMatchObject({ key: 'North', label: 'North', nps: '-20' })
  })
})
