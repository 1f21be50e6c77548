import type { Migration } from './migration'

/**
 * Schema version 6: what the personal figures panel (figures-personal.ts) needs beyond v4.
 * Frozen once released.
 *
 * - personal_figures_archive: on a server-bound console a pull deletes the items that leave the
 *   agent's scope (sync/apply-pull.ts). Before it does, the facts of those the signed-in agent
 *   acted on (first response, a resolution held, a reopen, an escalation, a hand-back, a rating,
 *   an SLA target due while theirs) are kept here, as itemFacts() JSON, so the agent's figures
 *   keep them offline. `last_at` (epoch ms: the item's latest fact time) lets the panel read
 *   only the rows that can touch a window; `active` records whether the item was open at the
 *   purge (no reason to read it: an item out of the agent's scope is never in their backlog).
 *   A pulled item that comes back into scope drops its row: the live item wins.
 * - item_events_assigned_from: hand-overs away from an agent, by time. An item the agent held
 *   when it was resolved, or when an SLA target fell due, and that was assigned away since, is
 *   found through the hand-over (which came after that instant).
 * - item_events_assignments: the same events by item, so "was this item ever the agent's?" is
 *   one small probe for a rating given in the window (a rating counts for the assignee at the
 *   resolution before it).
 * Both indexes are partial (assignment events only): other mutations do not pay for them.
 */
const SCHEMA_V6 = `
CREATE TABLE personal_figures_archive (
  item_id TEXT PRIMARY KEY,
  facts TEXT NOT NULL CHECK (json_valid(facts)),
  last_at INTEGER NOT NULL,
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  archived_at TEXT NOT NULL
);

CREATE INDEX item_events_assigned_from ON item_events (from_value, created_at, item_rid) WHERE type = 'assigned';
CREATE INDEX item_events_assignments ON item_events (item_rid, from_value) WHERE type = 'assigned';
`

export const migration: Migration = {
  version: 6,
  name: 'personal figures: archive of purged items, assignment indexes',
  up(db) {
    db.exec(SCHEMA_V6)
  }
}
