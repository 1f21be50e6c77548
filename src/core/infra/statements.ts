import type { Database, Statement } from 'better-sqlite3'

/**
 * Prepared statements, cached per connection by their SQL text. Preparing costs more than running
 * most of our statements, so every hot path goes through here. Dynamic SQL (inbox filters) has a
 * bounded number of shapes; each cache still evicts the oldest entry past MAX_CACHED.
 *
 * A cached Statement is shared by every caller of its text, and better-sqlite3's mode switches
 * (.pluck(), .raw(), .expand(), .safeIntegers(), .bind()) change the Statement itself, so one
 * caller's switch would change what the next caller gets. Hence the mode is part of the cache key
 * (prepared: rows as objects; plucked: the first column's values, each in a cache of its own),
 * and what callers get offers only the methods that run a statement.
 */
export type SharedStatement<P extends unknown[] | object = unknown[], R = unknown> = Pick<Statement<P, R>, 'run' | 'get' | 'all' | 'iterate'>

const MAX_CACHED = 400
type Cache = WeakMap<Database, Map<string, Statement>>
const rowCaches: Cache = new WeakMap()
const pluckedCaches: Cache = new WeakMap()

/** A statement whose get/all/iterate give rows as objects keyed by column name. */
export function prepared<P extends unknown[] | object = unknown[], R = unknown>(db: Database, sql: string): SharedStatement<P, R> {
  return cached(rowCaches, db, sql, false) as unknown as SharedStatement<P, R>
}

/** A statement whose get/all/iterate give the value of each row's first column (`V`). */
export function plucked<P extends unknown[] | object = unknown[], V = unknown>(db: Database, sql: string): SharedStatement<P, V> {
  return cached(pluckedCaches, db, sql, true) as unknown as SharedStatement<P, V>
}

function cached(caches: Cache, db: Database, sql: string, pluck: boolean): Statement {
  let cache = caches.get(db)
  if (!cache) {
    cache = new Map()
    caches.set(db, cache)
  }
  let stmt = cache.get(sql)
  if (stmt) {
    // Keep recently used statements at the young end of the Map's insertion order.
    cache.delete(sql)
    cache.set(sql, stmt)
  } else {
    stmt = db.prepare(sql)
    if (pluck) stmt.pluck()
    cache.set(sql, stmt)
    if (cache.size > MAX_CACHED) {
      const oldest = cache.keys().next().value
      if (oldest !== undefined) cache.delete(oldest)
    }
  }
  return stmt
}
