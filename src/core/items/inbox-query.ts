import type { Database } from 'better-sqlite3'
import type { InboxRow } from '../../shared/contract'
import type { InboxSort, SavedViewFilter, SortColumn } from '../../shared/domain/entities'
import { facetCount, facetsOf, itemConditions, onlyInactive, type Facets } from './facets'
import { choosePlan, countByProbing, indexFor, isSearchPlan, presentFacets, type Analysis, type Choice, type Plan } from './inbox-plan'
import { ITEM_COLUMNS, inboxRowFromRow, type ItemRow } from '../infra/rows'
import { flushSearchIndex } from '../search/search-index'
import { searchExpression } from '../search/search-query'
import { isFtsQueryError } from '../search/search-text'
import { plucked, prepared } from '../infra/statements'
import { UNREAD_COLUMN } from './unread'

export { PLANS, isSearchPlan, type Plan } from './inbox-plan'

/** Who is asking and when: resolves assignee "me" and "due within N minutes". */
export interface QueryContext {
  agentId: string | null
  now: Date
}

export interface InboxPageQuery {
  filter: SavedViewFilter
  sort: InboxSort
  offset: number
  limit: number
}

/**
 * The sort key of each column; the rowid breaks ties. "age" is rowid order itself (item rids are
 * creation-ordered, see item-keys.ts). Kind and channel sort by their labels, status in
 * lifecycle order, priority by rank. slaDue: the deadline, then active items without one, then
 * resolved/closed items. Unassigned sorts before any name when ascending (NULL is smallest).
 */
const SORT_KEY: Record<SortColumn, string | null> = {
  kind: 'i.kind_code',
  channel: 'i.channel_code',
  customer: 'i.customer_name',
  subject: 'i.subject',
  status: 'i.status_rank',
  priority: 'i.priority_rank',
  assignee: 'i.assignee_name',
  age: null,
  slaDue: 'i.sla_key'
}

function analyse(db: Database, filter: SavedViewFilter, sort: InboxSort, ctx: QueryContext): Analysis {
  const facets = facetsOf(db, filter, ctx.agentId)
  const dueAt = filter.dueWithinMinutes === undefined ? null : new Date(ctx.now.getTime() + filter.dueWithinMinutes * 60_000).toISOString()
  if (filter.search !== undefined) flushSearchIndex(db)
  const match = filter.search === undefined ? null : searchExpression(db, filter.search)
  return { facets, sort: constantKeyToAge(facets, sort), dueAt, match }
}

/** When the filter gives every row the same sort key (one status, one assignee...), the order is the tiebreaker's: age. */
function constantKeyToAge(f: Facets, sort: InboxSort): InboxSort {
  const constant = (() => {
    switch (sort.column) {
      case 'kind':
        return f.kinds?.length === 1
      case 'channel':
        return f.channels?.length === 1
      case 'status':
        return f.statuses?.length === 1
      case 'priority':
        return f.priorities?.length === 1
      case 'assignee':
        return f.assignee.type !== 'any'
      case 'slaDue':
        return onlyInactive(f)
      case 'customer':
      case 'subject':
      case 'age':
        return false
    }
  })()
  return constant ? { column: 'age', direction: sort.direction } : sort
}

function whereParts(a: Analysis): { conditions: string[]; params: unknown[] } {
  const { conditions, params } = itemConditions(a.facets)
  if (a.dueAt !== null) {
    // Resolved/closed items and items without a deadline have far-future keys: never due.
    conditions.push('i.sla_key <= ?')
    params.push(a.dueAt)
  }
  return { conditions, params }
}

function orderBy(sort: InboxSort, rowid: string): string {
  const dir = sort.direction === 'asc' ? 'ASC' : 'DESC'
  const key = SORT_KEY[sort.column]
  return key === null ? `${rowid} ${dir}` : `${key} ${dir}, i.rid ${dir}`
}

const PROBE = 'EXISTS (SELECT 1 FROM items_fts WHERE items_fts MATCH ? AND items_fts.rowid = i.rid)'
const indexed = (index: string | null) => (index ? ` INDEXED BY ${index}` : '')

interface Statement {
  choice: Choice
  sql: string
  params: unknown[]
  match: string | null
  /** The facet conditions on items i, their parameters, and the sort the plan was made for. */
  where: string
  whereParams: unknown[]
  sort: InboxSort
}

/** The statement that selects the rowids of one page, in order. */
function pageStatement(db: Database, q: InboxPageQuery, ctx: QueryContext, force?: Plan): Statement {
  const a = analyse(db, q.filter, q.sort, ctx)
  const choice: Choice = force && force !== 'empty' && isSearchPlan(force) === (a.match !== null) ? { plan: force, index: indexFor(db, a, force) } : choosePlan(db, a, q.offset + q.limit)
  const w = whereParts(a)
  const where = w.conditions.join(' AND ')
  const tail = 'LIMIT ? OFFSET ?'
  const paging = [q.limit, q.offset]
  return { ...planStatement(), where, whereParams: w.params, sort: a.sort }
  function planStatement(): Omit<Statement, 'where' | 'whereParams' | 'sort'> {
    switch (choice.plan) {
      case 'empty':
        return { choice, sql: `SELECT i.rid FROM items i WHERE 0 ${tail}`, params: paging, match: null }
      case 'walk':
      case 'gather':
        return { choice, sql: `SELECT i.rid FROM items i${indexed(choice.index)} WHERE ${where} ORDER BY ${orderBy(a.sort, 'i.rid')} ${tail}`, params: [...w.params, ...paging], match: null }
      case 'search-stream':
      case 'search-gather':
        return {
          choice,
          // CROSS JOIN keeps the FTS table outer: its hits drive, items are looked up by rowid.
          sql: `SELECT i.rid FROM items_fts CROSS JOIN items i ON i.rid = items_fts.rowid WHERE items_fts MATCH ? AND ${where} ORDER BY ${orderBy(a.sort, 'items_fts.rowid')} ${tail}`,
          params: [a.match, ...w.params, ...paging],
          match: a.match
        }
      case 'search-semi':
        return {
          choice,
          // The unary + keeps the rowid test out of FTS5's hands (it would probe each rowid): the
          // subquery becomes an in-memory set checked against each hit as the hits stream by.
          sql: `SELECT i.rid FROM items_fts CROSS JOIN items i ON i.rid = items_fts.rowid WHERE items_fts MATCH ? AND +items_fts.rowid IN (SELECT i.rid FROM items i${indexed(choice.index)} WHERE ${where}) ORDER BY ${orderBy(a.sort, 'items_fts.rowid')} ${tail}`,
          params: [a.match, ...w.params, ...paging],
          match: a.match
        }
      case 'search-probe-walk':
      case 'search-probe-gather':
        return {
          choice,
          sql: `SELECT i.rid FROM items i${indexed(choice.index)} WHERE ${where} AND ${PROBE} ORDER BY ${orderBy(a.sort, 'i.rid')} ${tail}`,
          params: [...w.params, a.match, ...paging],
          match: a.match
        }
    }
  }
}

/** FTS hits read by newestHitsFirst before it gives up. */
const HIT_BUDGET = 1_000

/**
 * A search in age order whose filter the planner could not trust to stream (statuses, due
 * dates: open work is recent, closed work old) first streams only the first HIT_BUDGET hits in
 * the page's direction. When those hold the whole page, it is the page (the hits come in age
 * order, so no later hit can precede them); otherwise null, and the chosen plan runs. Costs at
 * most HIT_BUDGET joined hits, and saves building a set or probing when the page is near.
 */
function newestHitsFirst(db: Database, q: InboxPageQuery, p: Statement): number[] | null {
  if (p.match === null || p.choice.plan === 'search-stream' || p.sort.column !== 'age') return null
  const dir = p.sort.direction === 'asc' ? 'ASC' : 'DESC'
  const rids = plucked<unknown[], number>(
    db,
    `SELECT i.rid FROM (SELECT rowid AS rid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid ${dir} LIMIT ?) f CROSS JOIN items i ON i.rid = f.rid WHERE ${p.where} ORDER BY f.rid ${dir} LIMIT ? OFFSET ?`
  )
    .all(p.match, HIT_BUDGET, ...p.whereParams, q.limit, q.offset)
  return rids.length === q.limit ? rids : null
}

/**
 * One page of the inbox for a view's filter and sort. The page's rowids are found from the
 * indexes alone; only those rows are then read. A search FTS5 cannot parse matches nothing.
 * `force` picks the plan (tests check every plan gives the same rows); it is ignored when it
 * does not fit the query (a search plan without a search, or the reverse).
 */
export function inboxPage(db: Database, q: InboxPageQuery, ctx: QueryContext, force?: Plan): InboxRow[] {
  const p = pageStatement(db, q, ctx, force)
  let rids: number[]
  try {
    rids = (force === undefined ? newestHitsFirst(db, q, p) : null) ?? plucked<unknown[], number>(db, p.sql).all(...p.params)
  } catch (e) {
    if (p.match !== null && isFtsQueryError(e)) return []
    throw e
  }
  if (rids.length === 0) return []
  // Only the page's rows are read, each with its unread mark (a primary-key look-up).
  const rows = prepared<[string], ItemRow & { unread: number }>(db, `SELECT ${ITEM_COLUMNS}, ${UNREAD_COLUMN} FROM items i WHERE i.rid IN (SELECT value FROM json_each(?))`).all(
    JSON.stringify(rids)
  )
  const byRid = new Map(rows.map((r) => [r.rid, r]))
  return rids.flatMap((rid) => {
    const row = byRid.get(rid)
    return row ? [inboxRowFromRow(row)] : []
  })
}

/**
 * How many items a filter matches. Facet-only filters are answered exactly from item_facets
 * (no scan); a deadline filter counts through the deadline index; a search counts its hits
 * (or probes the facet matches, when they are fewer).
 */
export function inboxCount(db: Database, filter: SavedViewFilter, ctx: QueryContext): number {
  const a = analyse(db, filter, { column: 'age', direction: 'desc' }, ctx)
  if (a.match === null && a.dueAt === null) return facetCount(db, a.facets)
  const w = whereParts(a)
  const where = w.conditions.join(' AND ')
  let sql: string
  let params: unknown[]
  if (a.match === null) {
    sql = `SELECT count(*) FROM items i INDEXED BY items_walk_sla WHERE ${where}`
    params = w.params
  } else if (a.dueAt === null && presentFacets(a.facets).length === 0) {
    sql = 'SELECT count(*) FROM items_fts WHERE items_fts MATCH ?'
    params = [a.match]
  } else {
    const probing = countByProbing(db, a)
    sql = probing.probe
      ? `SELECT count(*) FROM items i${indexed(probing.index)} WHERE ${where} AND ${PROBE}`
      : `SELECT count(*) FROM items_fts CROSS JOIN items i ON i.rid = items_fts.rowid WHERE items_fts MATCH ? AND ${where}`
    params = probing.probe ? [...w.params, a.match] : [a.match, ...w.params]
  }
  try {
    return plucked<unknown[], number>(db, sql).get(...params) ?? 0
  } catch (e) {
    if (a.match !== null && isFtsQueryError(e)) return 0
    throw e
  }
}

/** The chosen plan and SQLite's query plan for a page: for tests and benchmarks. */
export function explainInboxPage(db: Database, q: InboxPageQuery, ctx: QueryContext, force?: Plan): { plan: Plan; index: string | null; steps: string[] } {
  const p = pageStatement(db, q, ctx, force)
  const steps = db
    .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${p.sql}`)
    .all(...p.params)
    .map((r) => r.detail)
  return { plan: p.choice.plan, index: p.choice.index, steps }
}
