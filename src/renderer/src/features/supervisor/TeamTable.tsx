import { memo, useState, type CSSProperties, type MouseEvent } from 'react'
import { flexRender, getCoreRowModel, getSortedRowModel, useReactTable, type ColumnDef, type Row, type SortingState } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { TeamFigures, TeamFiguresRow } from '../../../../shared/contract'
import { openDrill } from '../../state/team-figures'
import { CUT_LABEL, FIGURE_COLUMNS, NO_DATA, describeCell, isCountColumn, type FigureColumn } from './figure-columns'
import { csvFileName, teamFiguresCsv } from './csv'

const ROW_HEIGHT = 34
const HEADER_HEIGHT = 44

const GRID_TEMPLATE = `minmax(150px, 1.6fr) repeat(${FIGURE_COLUMNS.length}, minmax(86px, 1fr))`
const GRID_MIN_WIDTH = 150 + 86 * FIGURE_COLUMNS.length
const gridStyle: CSSProperties = { gridTemplateColumns: GRID_TEMPLATE, minWidth: GRID_MIN_WIDTH }

/** Where focus goes back to when the drill-down closes: the number that opened it. */
let drillReturn: HTMLElement | null = null
export function returnFocusFromDrill(): void {
  const target = drillReturn
  drillReturn = null
  requestAnimationFrame(() => {
    if (target?.isConnected) target.focus()
  })
}

function FigureCell({ column, row }: { column: FigureColumn; row: TeamFiguresRow }) {
  const value = column.value(row.figures)
  const count = column.count(row.figures)
  const described = describeCell(column, row)
  const open = (e: MouseEvent<HTMLButtonElement>) => {
    drillReturn = e.currentTarget
    void openDrill(row.key, row.label, column.figure, column.header)
  }
  return (
    <button type="button" className="team-figure-button" title={`${described}. Show the items behind it.`} aria-label={`${column.header}, ${row.label}: ${described}. Show items`} onClick={open}>
      {value === null ? <span className="team-no-data">{NO_DATA}</span> : <span className="team-figure-value">{column.format(value)}</span>}
      {isCountColumn(column) ? null : <span className="team-figure-count">{count}</span>}
    </button>
  )
}

/** Null sorts last whichever way: accessors answer undefined for "no data". */
const COLUMNS: ColumnDef<TeamFiguresRow>[] = [
  {
    id: 'label',
    accessorFn: (r) => r.label,
    header: () => null, // the cut's name, set per render below
    sortingFn: 'alphanumeric'
  },
  ...FIGURE_COLUMNS.map(
    (c): ColumnDef<TeamFiguresRow> => ({
      id: c.id,
      accessorFn: (r) => c.value(r.figures) ?? undefined,
      header: c.header,
      sortUndefined: 'last',
      sortDescFirst: true,
      cell: (ctx) => <FigureCell column={c} row={ctx.row.original} />
    })
  )
]

function download(csv: string, name: string, near: HTMLElement): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.hidden = true
  // Inside the dialog: the rest of the window is inert while it is open.
  near.after(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}

/**
 * One row per agent (or team, kind, channel, tier) with every figure as a sortable column. The
 * table sorts in memory (tens or hundreds of rows); the virtualizer lives in TeamRows, below.
 */
export function TeamTable({ answer }: { answer: TeamFigures }) {
  const [sorting, setSorting] = useState<SortingState>([])
  // The scroll element as state, not a ref: the rows' virtualizer mounts with the table and must
  // see it (a child's layout effect runs before its parent's ref is attached).
  const [scrollElement, setScrollElement] = useState<HTMLDivElement | null>(null)
  const table = useReactTable({
    data: answer.rows,
    columns: COLUMNS,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (r, i) => r.key ?? `row-${i}`
  })
  const rows = table.getRowModel().rows
  const headers = table.getHeaderGroups()[0]?.headers ?? []

  const exportCsv = (e: MouseEvent<HTMLButtonElement>) => {
    download(
      teamFiguresCsv(
        answer,
        rows.map((r) => r.original)
      ),
      csvFileName(answer),
      e.currentTarget
    )
  }

  return (
    <div className="team-table">
      <div className="team-table-actions">
        <span className="hint">
          {answer.rows.length} {answer.rows.length === 1 ? 'row' : 'rows'}. Select a number to see the items behind it.
        </span>
        <button type="button" onClick={exportCsv} disabled={answer.rows.length === 0}>
          Export CSV
        </button>
      </div>
      <div ref={setScrollElement} className="team-grid" role="table" aria-label="Team figures" aria-rowcount={answer.rows.length + 1} aria-colcount={COLUMNS.length}>
        <div role="rowgroup" className="team-grid-head" style={{ minWidth: GRID_MIN_WIDTH }}>
          <div role="row" aria-rowindex={1} className="team-row head" style={gridStyle}>
            {headers.map((header, i) => {
              const sorted = header.column.getIsSorted()
              const label = header.column.id === 'label' ? CUT_LABEL[answer.by] : flexRender(header.column.columnDef.header, header.getContext())
              return (
                <div
                  key={header.id}
                  role="columnheader"
                  aria-colindex={i + 1}
                  aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                  className="team-cell head-cell"
                >
                  <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
                    {label}
                    <span className="sort-mark" aria-hidden="true">
                      {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                    </span>
                  </button>
                </div>
              )
            })}
          </div>
        </div>
        {rows.length === 0 || !scrollElement ? null : <TeamRows scrollElement={scrollElement} rows={rows} />}
      </div>
      {rows.length === 0 ? (
        <div className="empty-state">
          <p>No figures for this period and filter: nothing was worked, rated or left open. No data.</p>
        </div>
      ) : null}
    </div>
  )
}

/** The virtualized body: the only part that re-renders while scrolling. */
const TeamRows = memo(function TeamRows({ scrollElement, rows }: { scrollElement: HTMLDivElement; rows: Row<TeamFiguresRow>[] }) {
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollElement,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    scrollMargin: HEADER_HEIGHT
  })
  const items = virtualizer.getVirtualItems()
  return (
    <div role="rowgroup" className="team-grid-body" style={{ height: virtualizer.getTotalSize(), minWidth: GRID_MIN_WIDTH }}>
      {items.map((v) => {
        const row = rows[v.index]!
        return (
          <div
            key={row.id}
            role="row"
            aria-rowindex={v.index + 2}
            className="team-row"
            style={{ ...gridStyle, height: ROW_HEIGHT, transform: `translateY(${v.start - HEADER_HEIGHT}px)` }}
          >
            {row.getVisibleCells().map((cell, i) =>
              i === 0 ? (
                <div key={cell.id} role="rowheader" aria-colindex={1} className="team-cell label-cell" title={row.original.label}>
                  {row.original.label}
                </div>
              ) : (
                <div key={cell.id} role="cell" aria-colindex={i + 1} className="team-cell num">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </div>
              )
            )}
          </div>
        )
      })}
    </div>
  )
})
