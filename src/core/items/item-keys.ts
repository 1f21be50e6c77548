import type { Database } from 'better-sqlite3'
import { prepared } from '../infra/statements'

/**
 * Item rowids ("rid") are derived from created_at: milliseconds since the epoch times
 * SLOTS_PER_MS, plus a slot for items created in the same millisecond. Rowid order is then
 * creation order, with insertion order breaking ties, so the "age" sort and full-text hits
 * (FTS rowids are item rids) come back in age order without a sort. The largest key stays below
 * 2^53 (a safe JavaScript number) until the year 2248.
 */
export const SLOTS_PER_MS = 1024

export function baseKey(createdAt: string): number {
  const ms = Date.parse(createdAt)
  if (!Number.isFinite(ms)) throw new Error(`Not a timestamp: ${createdAt}`)
  return ms * SLOTS_PER_MS
}

/**
 * The rid for an item created at `createdAt`: the next free slot of its millisecond. If a
 * millisecond's slots are all taken (over 1024 items in one ms), it takes the next key after the
 * largest one in use, which keeps order for items created "now".
 */
export function allocateItemKey(db: Database, createdAt: string): number {
  const base = baseKey(createdAt)
  const top = prepared<[number, number], { top: number | null }>(db, 'SELECT max(rid) AS top FROM items WHERE rid >= ? AND rid < ?').get(base, base + SLOTS_PER_MS)?.top
  if (top === null || top === undefined) return base
  if (top + 1 < base + SLOTS_PER_MS) return top + 1
  const last = prepared<[], { top: number }>(db, 'SELECT max(rid) AS top FROM items').get()?.top ?? base
  return last + 1
}
