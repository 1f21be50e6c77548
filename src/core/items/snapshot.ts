import type { Database } from 'better-sqlite3'
import type { Item, Rating } from '../../shared/domain/entities'
import { ITEM_COLUMNS, itemFromRow, ratingFromRow, type ItemRow, type RatingRow } from '../infra/rows'
import { prepared } from '../infra/statements'
import { cachedItemRid, rememberItemRid } from './item-rids'

/** The items of a snapshot, by id; missing ids are simply absent. */
export function loadItems(db: Database, ids: readonly string[] | undefined): Map<string, Item> {
  const items = new Map<string, Item>()
  for (const id of ids ?? []) {
    // By rowid when known (no search of the id index): an item's rid never changes.
    const rid = cachedItemRid(db, id)
    const row =
      rid === undefined
        ? prepared<[string], ItemRow>(db, `SELECT ${ITEM_COLUMNS} FROM items i WHERE i.id = ?`).get(id)
        : prepared<[number], ItemRow>(db, `SELECT ${ITEM_COLUMNS} FROM items i WHERE i.rid = ?`).get(rid)
    if (row) {
      items.set(id, itemFromRow(row))
      rememberItemRid(db, id, row.rid)
    }
  }
  return items
}

/** The ratings of each named item, in the order they were given (an item with none has []). */
export function loadRatings(db: Database, itemIds: readonly string[] | undefined): Map<string, Rating[]> {
  const ratings = new Map<string, Rating[]>()
  for (const itemId of itemIds ?? []) {
    const rows = prepared<[string], RatingRow>(
      db,
      'SELECT r.id, r.kind, r.score, r.recorded_by, r.created_at FROM ratings r JOIN items i ON i.rid = r.item_rid WHERE i.id = ? ORDER BY r.rid'
    ).all(itemId)
    ratings.set(
      itemId,
      rows.map((r) => ratingFromRow(itemId, r))
    )
  }
  return ratings
}
