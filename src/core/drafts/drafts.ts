import type { Database } from 'better-sqlite3'
import type { Draft, DraftMode } from '../../shared/contract'
import { plucked, prepared } from '../infra/statements'

/**
 * The composer's drafts (table drafts, local to this console, never synced): one per item, agent
 * and mode. A draft goes with its item (ON DELETE CASCADE), and with the send of its text.
 */

const ITEM_RID = 'SELECT rid FROM items WHERE id = ?'

export function getDraft(db: Database, itemId: string, agentId: string, mode: DraftMode): Draft {
  const row = prepared<[string, string, DraftMode], { body: string; savedAt: string }>(
    db,
    `SELECT body, saved_at AS savedAt FROM drafts WHERE item_rid = (${ITEM_RID}) AND agent_id = ? AND mode = ?`
  ).get(itemId, agentId, mode)
  return row ?? { body: '', savedAt: null }
}

/** Keeps `body` as the draft (an empty one clears it). Whether the item is here; unknown: nothing written. */
export function saveDraft(db: Database, itemId: string, agentId: string, mode: DraftMode, body: string, at: Date): boolean {
  const rid = plucked<[string], number>(db, ITEM_RID).get(itemId)
  if (rid === undefined) return false
  if (body === '') clearDraft(db, itemId, agentId, mode)
  else {
    prepared(
      db,
      `INSERT INTO drafts (item_rid, agent_id, mode, body, saved_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (item_rid, agent_id, mode) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at`
    ).run(rid, agentId, mode, body, at.toISOString())
  }
  return true
}

export function clearDraft(db: Database, itemId: string, agentId: string, mode: DraftMode): void {
  prepared(db, `DELETE FROM drafts WHERE item_rid = (${ITEM_RID}) AND agent_id = ? AND mode = ?`).run(itemId, agentId, mode)
}
