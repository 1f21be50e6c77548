import { create } from 'zustand'
import type { InboxSort, SavedView, SavedViewFilter } from '../../../shared/domain/entities'
import type { InboxRow } from '../../../shared/contract'
import { api, errorMessage } from '../api/client'
import { showError } from './ui'

/** Rows per inbox.page request. */
export const PAGE_SIZE = 100
/** Pages kept in the cache; the ones farthest from what is on screen are dropped first. */
const MAX_CACHED_PAGES = 12
const SEARCH_DEBOUNCE_MS = 120

export const DEFAULT_SORT: InboxSort = { column: 'age', direction: 'desc' }

export interface InboxState {
  /** The saved view the filter came from; `viewEdited` once the agent changed it. */
  viewId: string | null
  viewEdited: boolean
  /** The filter without the search text (kept apart: it is typed, then debounced). */
  filter: SavedViewFilter
  sort: InboxSort
  /** What is in the search box right now. */
  searchText: string
  /** The search the list was fetched with (searchText, debounced). */
  querySearch: string
  /** Bumped whenever the query changes; responses for an older generation are dropped. */
  generation: number
  /** Matching items, or null while counting. */
  total: number | null
  /** Page cache keyed by offset. */
  pages: ReadonlyMap<number, InboxRow[]>
  /** Index of the selected row in the current list. */
  selectedIndex: number | null
  /** A request to scroll a row into view and focus it: bumped with each request. */
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
  pages: new Map(),
  selectedIndex: null,
  scrollRequest: null
}))

const set = useInboxStore.setState
const get = useInboxStore.getState

/** Offsets requested and not answered yet, for the current generation. */
let inFlight = new Set<number>()
/** The range the table last showed, used to pick which pages to keep and refresh. */
let visible = { first: 0, last: 0 }
let searchTimer: ReturnType<typeof setTimeout> | undefined

/** The filter sent to the core: the view's filter plus the search text. */
export function queryFilter(s: Pick<InboxState, 'filter' | 'querySearch'> = get()): SavedViewFilter {
  const search = s.querySearch.trim()
  const { search: _drop, ...rest } = s.filter
  return search ? { ...rest, search } : rest
}

const pageOf = (index: number) => Math.floor(index / PAGE_SIZE) * PAGE_SIZE

async function fetchPage(offset: number, generation: number): Promise<void> {
  inFlight.add(offset)
  const { sort } = get()
  try {
    const { rows } = await api['inbox.page']({ filter: queryFilter(), sort, offset, limit: PAGE_SIZE })
    if (get().generation !== generation) return
    const pages = new Map(get().pages)
    pages.set(offset, rows)
    set({ pages: evict(pages) })
  } catch (e) {
    if (get().generation === generation) showError(`The inbox could not be loaded: ${errorMessage(e)}`)
  } finally {
    if (get().generation === generation) inFlight.delete(offset)
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
    if (get().generation === generation) set({ total })
  } catch (e) {
    if (get().generation === generation) {
      set({ total: 0 })
      showError(`The inbox could not be counted: ${errorMessage(e)}`)
    }
  }
}

/** Ask for the pages covering rows first..last that are neither cached nor on their way. */
export function ensureRange(first: number, last: number): void {
  visible = { first, last }
  const { generation, pages, total } = get()
  const end = total === null ? last : Math.min(last, total - 1)
  for (let offset = pageOf(first); offset <= end; offset += PAGE_SIZE) {
    if (!pages.has(offset) && !inFlight.has(offset)) void fetchPage(offset, generation)
  }
}

/** The query changed: forget everything and fetch the count and the first pages again. */
function reload(): void {
  const generation = get().generation + 1
  inFlight = new Set()
  set({ generation, pages: new Map(), total: null, selectedIndex: null, scrollRequest: null })
  void fetchCount(generation)
  void fetchPage(0, generation)
}

/**
 * The data changed underneath (after a mutation): keep showing the rows we have, refetch the
 * count and the pages on screen, and drop the rest of the cache.
 */
export function refreshInbox(): void {
  const generation = get().generation + 1
  inFlight = new Set()
  const keep = new Map<number, InboxRow[]>()
  const { pages } = get()
  for (let offset = pageOf(visible.first); offset <= visible.last; offset += PAGE_SIZE) {
    const rows = pages.get(offset)
    if (rows) keep.set(offset, rows)
  }
  set({ generation, pages: keep })
  void fetchCount(generation)
  const offsets = keep.size > 0 ? [...keep.keys()] : [0]
  for (const offset of offsets) void fetchPage(offset, generation)
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
  const offset = pageOf(index)
  return get().pages.get(offset)?.[index - offset]
}

export function indexOfRow(id: string): number | null {
  for (const [offset, rows] of get().pages) {
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

export function setSearchText(text: string): void {
  set({ searchText: text })
  clearTimeout(searchTimer)
  searchTimer = setTimeout(() => {
    if (get().querySearch === text) return
    set({ querySearch: text, viewEdited: get().viewId !== null })
    reload()
  }, SEARCH_DEBOUNCE_MS)
}

/** Back to every item: empty filter, no search. Selects the view that has no filter, if any. */
export function clearFilters(views: SavedView[]): void {
  clearTimeout(searchTimer)
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
export const useInboxPages = () => useInboxStore((s) => s.pages)
export const useInboxGeneration = () => useInboxStore((s) => s.generation)
export const useInboxSelectedIndex = () => useInboxStore((s) => s.selectedIndex)
export const useInboxScrollRequest = () => useInboxStore((s) => s.scrollRequest)
