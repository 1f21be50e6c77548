import { create } from 'zustand'
import type { InboxSort, SavedView, SavedViewFilter } from '../../../shared/domain/entities'
import type { InboxRow } from '../../../shared/contract'
import { api, errorMessage } from '../api/client'
import { showError } from './ui'

/** Rows per inbox.page request. */
export const PAGE_SIZE = 100
/** Pages kept in the cache; the ones farthest from what is on screen are dropped first. */
const MAX_CACHED_PAGES = 12
/** Typing while a search is still on its way waits at most this long before searching again. */
const SEARCH_DEBOUNCE_MS = 120

export const DEFAULT_SORT: InboxSort = { column: 'age', direction: 'desc' }

export interface InboxState {
  /** The saved view the filter came from; `viewEdited` once the agent changed it. */
  viewId: string | null
  viewEdited: boolean
  /** The filter without the search text (kept apart: it is typed, then applied). */
  filter: SavedViewFilter
  sort: InboxSort
  /** What is in the search box right now. */
  searchText: string
  /** The search the current query uses (searchText once applied). */
  querySearch: string
  /** Bumped whenever the query changes; responses for an older generation are dropped. */
  generation: number
  /** Matching items for the current query, or null while counting. */
  total: number | null
  /** How many rows the table lays out: the last known total (kept while a new count is on its way). */
  rowCount: number
  /** Page cache keyed by offset, for `pagesGeneration` (older pages stay on screen until new ones arrive). */
  pages: ReadonlyMap<number, InboxRow[]>
  pagesGeneration: number
  /** The search text the rows on screen were fetched with. */
  shownSearch: string
  /** Index of the selected row in the current list. */
  selectedIndex: number | null
  /** A request to scroll a row into view (and maybe focus it): a new object per request. */
  scrollRequest: { index: number; seq: number; focus: boolean } | null
}

export const useInboxStore = create<InboxState>()(() => ({
  viewId: null,
  viewEdited: false,
  filter: {},
  sort: DEFAULT_SORT,
  searchText: '',
  querySearch: '',
  generation: 0,
  total: null,
  rowCount: 0,
  pages: new Map(),
  pagesGeneration: 0,
  shownSearch: '',
  selectedIndex: null,
  scrollRequest: null
}))

const set = useInboxStore.setState
const get = useInboxStore.getState

/** Offsets requested and not answered yet, for the current generation. */
let inFlight = new Set<number>()
/** The latest request per offset: an older answer for the same page never overwrites a newer one. */
const latest = new Map<number, number>()
let requestSeq = 0
/** The range the table last showed, used to pick which pages to keep and refresh. */
let visible = { first: 0, last: 0 }
let searchTimer: ReturnType<typeof setTimeout> | undefined
/** Search text typed while a query was on its way; applied as soon as that query settles. */
let pendingSearch: string | null = null

/** The filter sent to the core: the view's filter plus the search text. */
export function queryFilter(s: Pick<InboxState, 'filter' | 'querySearch'> = get()): SavedViewFilter {
  const search = s.querySearch.trim()
  const { search: _drop, ...rest } = s.filter
  return search ? { ...rest, search } : rest
}

const pageOf = (index: number) => Math.floor(index / PAGE_SIZE) * PAGE_SIZE

async function fetchPage(offset: number, generation: number): Promise<void> {
  inFlight.add(offset)
  const seq = ++requestSeq
  latest.set(offset, seq)
  const { sort, querySearch } = get()
  try {
    const { rows } = await api['inbox.page']({ filter: queryFilter(), sort, offset, limit: PAGE_SIZE })
    const now = get()
    if (now.generation !== generation || latest.get(offset) !== seq) return
    // The first page of a new query replaces what was on screen; later ones join it.
    const fresh = now.pagesGeneration !== generation
    const pages = fresh ? new Map<number, InboxRow[]>() : new Map(now.pages)
    pages.set(offset, rows)
    const patch: Partial<InboxState> = { pages: evict(pages), pagesGeneration: generation, shownSearch: querySearch.trim() }
    // A short first page is the whole list: its length is the count.
    if (offset === 0 && rows.length < PAGE_SIZE && now.total === null) Object.assign(patch, { total: rows.length, rowCount: rows.length })
    set(patch)
    settle()
  } catch (e) {
    if (get().generation === generation) showError(`The inbox could not be loaded: ${errorMessage(e)}`)
  } finally {
    if (get().generation === generation && latest.get(offset) === seq) inFlight.delete(offset)
  }
}

function evict(pages: Map<number, InboxRow[]>): Map<number, InboxRow[]> {
  if (pages.size <= MAX_CACHED_PAGES) return pages
  const centre = pageOf((visible.first + visible.last) / 2)
  const byDistance = [...pages.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre))
  for (const offset of byDistance.slice(0, pages.size - MAX_CACHED_PAGES)) pages.delete(offset)
  return pages
}

async function fetchCount(generation: number): Promise<void> {
  try {
    const { total } = await api['inbox.count']({ filter: queryFilter() })
    if (get().generation === generation) set({ total, rowCount: total })
    settle()
  } catch (e) {
    if (get().generation === generation) {
      set({ total: 0, rowCount: 0 })
      showError(`The inbox could not be counted: ${errorMessage(e)}`)
    }
  }
}

/** Ask for the pages covering rows first..last that are neither cached nor on their way. */
export function ensureRange(first: number, last: number): void {
  visible = { first, last }
  const { generation, pages, pagesGeneration, total } = get()
  const cached = (offset: number) => pagesGeneration === generation && pages.has(offset)
  const end = total === null ? last : Math.min(last, total - 1)
  for (let offset = pageOf(first); offset <= end; offset += PAGE_SIZE) {
    if (!cached(offset) && !inFlight.has(offset)) void fetchPage(offset, generation)
  }
}

/**
 * The query changed: count again and fetch the first page. The old rows stay on screen (the
 * grid is aria-busy) until the new ones arrive, so typing a search does not flash an empty list.
 */
function reload(): void {
  const generation = get().generation + 1
  inFlight = new Set()
  latest.clear()
  const seq = (get().scrollRequest?.seq ?? 0) + 1
  set({ generation, total: null, selectedIndex: null, scrollRequest: { index: 0, seq, focus: false } })
  visible = { first: 0, last: Math.max(0, visible.last - visible.first) }
  // Rows first: the core answers calls in order, and the rows are what the agent is waiting for.
  void fetchPage(0, generation)
  void fetchCount(generation)
}

/**
 * The data changed underneath (after a mutation): same query, so keep showing the rows we have,
 * refetch the count and the pages on screen, and drop the rest of the cache.
 */
export function refreshInbox(): void {
  const { generation, pages, pagesGeneration } = get()
  if (pagesGeneration !== generation) return // a new query is loading anyway
  const keep = new Map<number, InboxRow[]>()
  for (let offset = pageOf(visible.first); offset <= visible.last; offset += PAGE_SIZE) {
    const rows = pages.get(offset)
    if (rows) keep.set(offset, rows)
  }
  set({ pages: keep })
  for (const offset of keep.size > 0 ? [...keep.keys()] : [0]) void fetchPage(offset, generation)
  void fetchCount(generation)
}

/** Patch one row in the cache at once (the refetch that follows brings the truth). */
export function patchRow(id: string, patch: Partial<InboxRow>): void {
  const { pages } = get()
  let changed = false
  const next = new Map<number, InboxRow[]>()
  for (const [offset, rows] of pages) {
    const i = rows.findIndex((r) => r.id === id)
    if (i >= 0) {
      const copy = rows.slice()
      copy[i] = { ...rows[i]!, ...patch }
      next.set(offset, copy)
      changed = true
    } else next.set(offset, rows)
  }
  if (changed) set({ pages: next })
}

export function rowAt(index: number): InboxRow | undefined {
  const { pages, pagesGeneration, generation } = get()
  if (pagesGeneration !== generation) return undefined
  const offset = pageOf(index)
  return pages.get(offset)?.[index - offset]
}

export function indexOfRow(id: string): number | null {
  const { pages, pagesGeneration, generation } = get()
  if (pagesGeneration !== generation) return null
  for (const [offset, rows] of pages) {
    const i = rows.findIndex((r) => r.id === id)
    if (i >= 0) return offset + i
  }
  return null
}

/** Resolve the row at an index, fetching its page if needed. */
export async function loadRowAt(index: number): Promise<InboxRow | undefined> {
  const cached = rowAt(index)
  if (cached) return cached
  const { generation } = get()
  await fetchPage(pageOf(index), generation)
  return get().generation === generation ? rowAt(index) : undefined
}

export function applyView(view: SavedView): void {
  const { search, ...filter } = view.filter
  clearTimeout(searchTimer)
  pendingSearch = null
  set({ viewId: view.id, viewEdited: false, filter, sort: view.sort, searchText: search ?? '', querySearch: search ?? '' })
  reload()
}

export function setFilter(patch: Partial<SavedViewFilter>): void {
  const filter: SavedViewFilter = { ...get().filter, ...patch }
  for (const key of Object.keys(filter) as (keyof SavedViewFilter)[]) if (filter[key] === undefined) delete filter[key]
  set({ filter, viewEdited: get().viewId !== null })
  reload()
}

export function setSort(sort: InboxSort): void {
  set({ sort, viewEdited: get().viewId !== null })
  reload()
}

/**
 * Search as you type. When the list is idle the search runs at once (the local database answers
 * in milliseconds); while one is still on its way, keystrokes are coalesced: the latest text is
 * searched as soon as that query settles, or after ~120 ms at the latest.
 */
export function setSearchText(text: string): void {
  set({ searchText: text })
  clearTimeout(searchTimer)
  if (isBusy(get())) {
    pendingSearch = text
    searchTimer = setTimeout(() => applySearch(text), SEARCH_DEBOUNCE_MS)
  } else applySearch(text)
}

function applySearch(text: string): void {
  pendingSearch = null
  clearTimeout(searchTimer)
  if (get().querySearch === text) return
  set({ querySearch: text, viewEdited: get().viewId !== null })
  reload()
}

/** A query finished arriving: run the search typed meanwhile. */
function settle(): void {
  if (pendingSearch !== null && !isBusy(get())) applySearch(pendingSearch)
}

/** The rows of the current query have not arrived yet (the count may still be on its way after them). */
export const isBusy = (s: Pick<InboxState, 'pagesGeneration' | 'generation'>) => s.pagesGeneration !== s.generation

/** Back to every item: empty filter, no search. Selects the view that has no filter, if any. */
export function clearFilters(views: SavedView[]): void {
  clearTimeout(searchTimer)
  pendingSearch = null
  const all = views.find((v) => v.builtIn && Object.keys(v.filter).length === 0)
  set({ viewId: all?.id ?? null, viewEdited: false, filter: {}, searchText: '', querySearch: '', sort: all?.sort ?? get().sort })
  reload()
}

export function setSelectedIndex(index: number | null): void {
  set({ selectedIndex: index })
}

export function requestScrollTo(index: number, focus: boolean): void {
  const seq = (get().scrollRequest?.seq ?? 0) + 1
  set({ scrollRequest: { index, seq, focus } })
}

// Selector hooks.
export const useInboxViewId = () => useInboxStore((s) => s.viewId)
export const useInboxViewEdited = () => useInboxStore((s) => s.viewEdited)
export const useInboxFilter = () => useInboxStore((s) => s.filter)
export const useInboxSort = () => useInboxStore((s) => s.sort)
export const useInboxSearchText = () => useInboxStore((s) => s.searchText)
export const useInboxTotal = () => useInboxStore((s) => s.total)
export const useInboxRowCount = () => useInboxStore((s) => s.rowCount)
export const useInboxPages = () => useInboxStore((s) => s.pages)
export const useInboxBusy = () => useInboxStore(isBusy)
export const useInboxShownSearch = () => useInboxStore((s) => s.shownSearch)
export const useInboxGeneration = () => useInboxStore((s) => s.generation)
export const useInboxSelectedIndex = () => useInboxStore((s) => s.selectedIndex)
export const useInboxScrollRequest = () => useInboxStore((s) => s.scrollRequest)
