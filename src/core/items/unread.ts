import type { Database } from 'better-sqlite3'
import { prepared } from '../infra/statements'

/**
 * The agent's unread marks (table unread_items, local to this console): a pull that brings a new
 * customer message after the first sync sets one (sync/apply-pull.ts); opening the item clears it.
 * Only customer messages set one, so the agent's own replies, notes and new items never do.
 */

/**
 * Whether each row of an inbox query (items `i`) is unread, as a column: one look-up in the
 * unread_items primary key per row read, so a page costs as many look-ups as it has rows.
 */
export const UNREAD_COLUMN = 'EXISTS (SELECT 1 FROM unread_items u WHERE u.item_rid = i.rid) AS unread'

/** Clears the item's mark; whether there was one (an unknown item has none). */
export function markRead(db: Database, itemId: string): boolean {
  return prepared(db, 'DELETE FROM unread_items WHERE item_rid = (SELECT rid FROM items WHERE id = ?)').run(itemId).changes > 0
}
