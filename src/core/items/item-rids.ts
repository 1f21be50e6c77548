import type { Database } from 'better-sqlite3'
import { prepared } from '../infra/statements'

/**
 * Item id -> rid, per connection: a mutation names its item by id several times (its snapshot,
 * its message, its update, its event). Sound because an item's rid never changes and items are
 * deleted only by a sync purge, which forgets the cache; bounded so it stays small.
 */
const ridCache = new WeakMap<Database, Map<string, number>>()
const RID_CACHE_SIZE = 5_000

/** Thrown when a change names a row that is not there: a bug in a decide(), never a user error. */
export class MissingRowError extends Error {
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`)
    this.name = 'MissingRowError'
  }
}

/** The rid remembered for an item, if any (no query). */
export function cachedItemRid(db: Database, itemId: string): number | undefined {
  return ridCache.get(db)?.get(itemId)
}

/** Forgets every cached rid: a sync purge deletes items (and an id may come back with a new rid). */
export function forgetItemRids(db: Database): void {
  ridCache.delete(db)
}

export function rememberItemRid(db: Database, itemId: string, rid: number): void {
  let cache = ridCache.get(db)
  if (!cache) {
    cache = new Map()
    ridCache.set(db, cache)
  }
  if (cache.size >= RID_CACHE_SIZE) cache.clear()
  cache.set(itemId, rid)
}

/** An existing item's rid; throws MissingRowError when there is no such item. */
export function itemRid(db: Database, itemId: string): number {
  const cached = ridCache.get(db)?.get(itemId)
  if (cached !== undefined) return cached
  const row = prepared<[string], { rid: number }>(db, 'SELECT rid FROM items WHERE id = ?').get(itemId)
  if (!row) throw new MissingRowError('Item', itemId)
  rememberItemRid(db, itemId, row.rid)
  return row.rid
}
