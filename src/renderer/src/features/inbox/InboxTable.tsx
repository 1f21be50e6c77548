import { memo, useEffect, useMemo, useRef, type CSSProperties, type KeyboardEvent, type RefObject } from 'react'
import { flexRender, getCoreRowModel, useReactTable, type Row, type SortingState } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { InboxRow } from '../../../../shared/contract'
import { SORT_COLUMNS, type SortColumn } from '../../../../shared/domain/entities'
import { openRowAt } from '../../state/actions'
import {
  clearFilters,
  ensureRange,
  requestScrollTo,
  setSelectedIndex,
  setSort,
  useInboxBusy,
  useInboxGeneration,
  useInboxPages,
  useInboxRowCount,
  useInboxScrollRequest,
  useInboxSelectedIndex,
  useInboxShownSearch,
  useInboxSort,
  useInboxTotal
} from '../../state/inbox'
import { useOpenItemId } from '../../state/item'
import { useViews } from '../../state/session'
import { COLUMNS, GRID_MIN_WIDTH, GRID_TEMPLATE, type InboxEntry } from './columns'

export const ROW_HEIGHT = 32
const HEADER_HEIGHT = 30
/** At most this often while scrolling do we ask for missing pages (plus once when it stops). */
const FETCH_THROTTLE_MS = 80

const gridStyle: CSSProperties = { gridTemplateColumns: GRID_TEMPLATE, minWidth: GRID_MIN_WIDTH }

function flatten(pages: ReadonlyMap<number, InboxRow[]>): InboxEntry[] {
  const offsets = [...pages.keys()].sort((a, b) => a - b)
  const out: InboxEntry[] = []
  for (const offset of offsets) pages.get(offset)!.forEach((row, i) => out.push({ index: offset + i, row }))
  return out
}

/**
 * The inbox as an ARIA grid. The database sorts, filters and pages; the table holds the column
 * model and renders cells; the virtualizer (in InboxRows, below) renders only what is on screen.
 */
export function InboxTable() {
  const pages = useInboxPages()
  const total = useInboxTotal()
  const rowCount = useInboxRowCount()
  const busy = useInboxBusy()
  const shownSearch = useInboxShownSearch()
  const sort = useInboxSort()
  const views = useViews()
  const scrollRef = useRef<HTMLDivElement>(null)

  const data = useMemo(() => flatten(pages), [pages])
  const sorting = useMemo<SortingState>(() => [{ id: sort.column, desc: sort.direction === 'desc' }], [sort])
  const table = useReactTable({
    data,
    columns: COLUMNS,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (e) => String(e.index),
    manualSorting: true,
    manualPagination: true,
    manualFiltering: true,
    enableSortingRemoval: false,
    state: { sorting }
  })

  const toggleSort = (column: SortColumn) => {
    if (sort.column === column) setSort({ column, direction: sort.direction === 'asc' ? 'desc' : 'asc' })
    else setSort({ column, direction: 'asc' })
  }

  // While a new count is on its way, lay out the last known one (its rows stay on screen).
  const count = Math.max(rowCount, total === null ? data.length : 0)
  const headers = table.getHeaderGroups()[0]?.headers ?? []

  return (
    <div className="inbox-table">
      <div
        ref={scrollRef}
        className={total === 0 ? 'grid grid-empty' : 'grid'}
        role="grid"
        aria-label="Inbox"
        aria-rowcount={total === null ? -1 : total + 1}
        aria-colcount={COLUMNS.length}
        aria-busy={busy}
        data-search={shownSearch}
      >
        <div role="rowgroup" className="grid-head" style={{ minWidth: GRID_MIN_WIDTH }}>
          <div role="row" className="grid-row head-row" style={gridStyle}>
            {headers.map((header, i) => {
              const id = header.column.id as SortColumn
              const sorted = sort.column === id ? sort.direction : null
              return (
                <div
                  key={header.id}
                  role="columnheader"
                  aria-colindex={i + 1}
                  aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                  className="grid-cell head-cell"
                >
                  {(SORT_COLUMNS as readonly string[]).includes(id) ? (
                    <button type="button" className="sort-button" onClick={() => toggleSort(id)}>
                      {flexRender(header.column.columnDef.header, header.getContext())}
                      <span className="sort-mark" aria-hidden="true">
                        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                      </span>
                    </button>
                  ) : (
                    <span className="head-label">{flexRender(header.column.columnDef.header, header.getContext())}</span>
                  )}
                </div>
              )
            })}
          </div>
        </div>
        {total === 0 ? null : <InboxRows scrollRef={scrollRef} rows={table.getRowModel().rows} count={count} />}
      </div>
      {total === 0 ? (
        <div className="empty-state">
          <p>No items match these filters</p>
          <button type="button" onClick={() => clearFilters(views)}>
            Clear filters
          </button>
        </div>
      ) : null}
    </div>
  )
}

interface InboxRowsProps {
  scrollRef: RefObject<HTMLDivElement | null>
  rows: Row<InboxEntry>[]
  count: number
}

/** The virtualized body: the only component that re-renders while scrolling. */
const InboxRows = memo(function InboxRows({ scrollRef, rows, count }: InboxRowsProps) {
  const generation = useInboxGeneration()
  const openId = useOpenItemId()
  const selectedIndex = useInboxSelectedIndex()
  const scrollRequest = useInboxScrollRequest()
  const byIndex = useMemo(() => new Map(rows.map((r) => [r.original.index, r])), [rows])

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    scrollMargin: HEADER_HEIGHT
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? -1

  // Fetch the pages the screen needs: throttled while scrolling, and once more when it settles.
  const lastFetch = useRef(0)
  useEffect(() => {
    if (last < first) return
    const wait = FETCH_THROTTLE_MS - (performance.now() - lastFetch.current)
    const run = () => {
      lastFetch.current = performance.now()
      ensureRange(first, last)
    }
    if (wait <= 0) {
      run()
      return
    }
    const timer = setTimeout(run, wait)
    return () => clearTimeout(timer)
  }, [first, last, generation, count])

  // j / k / arrow keys: bring the row into view and, when asked, focus it. Runs once per request.
  useEffect(() => {
    if (!scrollRequest || scrollRequest.index >= virtualizer.options.count) return
    virtualizer.scrollToIndex(scrollRequest.index, { align: 'auto' })
    if (!scrollRequest.focus) return
    // The row appears once the scroll has been rendered: look for it for a few frames.
    let frame = 0
    const tryFocus = (tries: number) => {
      const row = scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${scrollRequest.index}"]`)
      if (row) row.focus({ preventScroll: true })
      else if (tries > 0) frame = requestAnimationFrame(() => tryFocus(tries - 1))
    }
    frame = requestAnimationFrame(() => tryFocus(10))
    return () => cancelAnimationFrame(frame)
  }, [scrollRequest, virtualizer, scrollRef])

  const tabStop = selectedIndex ?? first
  const focusRow = (index: number) => {
    setSelectedIndex(index)
    requestScrollTo(index, true)
  }
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>, index: number) => {
    switch (e.key) {
      case 'Enter':
      case ' ':
        e.preventDefault()
        void openRowAt(index, true)
        break
      case 'ArrowDown':
        e.preventDefault()
        focusRow(Math.min(count - 1, index + 1))
        break
      case 'ArrowUp':
        e.preventDefault()
        focusRow(Math.max(0, index - 1))
        break
      case 'Home':
        e.preventDefault()
        focusRow(0)
        break
      case 'End':
        e.preventDefault()
        focusRow(count - 1)
        break
    }
  }

  return (
    <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize(), minWidth: GRID_MIN_WIDTH }}>
      {items.map((v) => {
        const row = byIndex.get(v.index)
        const style: CSSProperties = { ...gridStyle, height: ROW_HEIGHT, transform: `translateY(${v.start - HEADER_HEIGHT}px)` }
        if (!row) {
          return (
            <div key={`p${v.index}`} role="row" aria-rowindex={v.index + 2} aria-label="Loading…" className="grid-row body-row loading" style={style}>
              {COLUMNS.map((c) => (
                <div key={c.id} role="gridcell" className="grid-cell">
                  <span className="placeholder" />
                </div>
              ))}
            </div>
          )
        }
        const entry = row.original.row
        const selected = entry.id === openId
        return (
          <div
            key={entry.id + ':' + v.index}
            role="row"
            aria-rowindex={v.index + 2}
            aria-selected={selected}
            aria-label={`${entry.subject} — ${entry.customerName}${entry.unread ? ' — unread' : ''}`}
            data-row-index={v.index}
            tabIndex={v.index === tabStop ? 0 : -1}
            className={`grid-row body-row${selected ? ' selected' : ''}${entry.unread ? ' unread' : ''}`}
            style={style}
            onClick={() => void openRowAt(v.index)}
            onKeyDown={(e) => onKeyDown(e, v.index)}
          >
            {row.getVisibleCells().map((cell, i) => (
              <div key={cell.id} role="gridcell" aria-colindex={i + 1} className={`grid-cell cell-${cell.column.id}`}>
                {flexRender(cell.column.columnDef.cell, cell.getContext())}
              </div>
            ))}
          </div>
        )
      })}
    </div>
  )
})
