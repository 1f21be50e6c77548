import type { Database, Statement } from 'better-sqlite3'

/**
 * Prepared statements, cached per connection by their SQL text. Preparing costs more than running
 * most of our statements, so every hot path goes through here. Dynamic SQL (inbox filters) has a
 * bounded number of shapes; the cache still evicts the oldest entry past MAX_CACHED.
 */
const MAX_CACHED = 400
const caches = new WeakMap<Database, Map<string, Statement>>()

export function prepared<P extends unknown[] | object = unknown[], R = unknown>(db: Database, sql: string): Statement<P, R> {
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
    cache.set(sql, stmt)
    if (cache.size > MAX_CACHED) {
      const oldest = cache.keys().next().value
      if (oldest !== undefined) cache.delete(oldest)
    }
  }
  return stmt as unknown as Statement<P, R>
}
