import type { Database } from 'better-sqlite3'
import { PREVIEW_CHARS, type EventPayloads } from '../../shared/contract/events'
import { prepared } from '../infra/statements'

export type ArrivalNotice = EventPayloads['messages.arrived']

/**
 * What to tell the agent of the customer messages a pull brought in (sync/apply-pull.ts's
 * `arrived`): one notice per message on an item assigned to `agentId`, none for anyone else's or
 * for a message no longer here. Read after the page's commit.
 */
export function arrivalNotices(db: Database, arrived: readonly { itemId: string; messageId: string }[], agentId: string): ArrivalNotice[] {
  const read = prepared<[string, string], { subject: string; customer_name: string; assignee_id: string | null; body: string }>(
    db,
    `SELECT i.subject, i.customer_name, i.assignee_id, m.body FROM messages m JOIN items i ON i.rid = m.item_rid WHERE m.id = ? AND i.id = ?`
  )
  return arrived.flatMap(({ itemId, messageId }) => {
    const row = read.get(messageId, itemId)
    if (!row || row.assignee_id !== agentId) return []
    return [{ itemId, messageId, subject: row.subject, customerName: row.customer_name, preview: previewOf(row.body) }]
  })
}

/** The first PREVIEW_CHARS characters of a message, whitespace folded to single spaces, "…" when cut (never inside a surrogate pair). */
export function previewOf(body: string): string {
  const folded = body.replace(/\s+/gu, ' ').trim()
  const chars = Array.from(folded)
  return chars.length <= PREVIEW_CHARS ? folded : `${chars.slice(0, PREVIEW_CHARS - 1).join('').trimEnd()}…`
}
