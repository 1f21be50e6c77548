import type { Migration } from './migration'

/**
 * Schema version 8: the composer's unsent text (issue 13), so a crash or a reload loses nothing
 * the agent typed. Frozen once released.
 *
 * - drafts: one per item, agent and mode (a reply and an internal note are drafted apart, as
 *   the composer shows them apart). Local to this console and never synced: a half-written reply
 *   is nobody else's business until it is sent. It goes with its item (a purge, an item that left
 *   the agent's scope); the rid of an item is kept across pulls, so a pull never drops one.
 */
const SCHEMA_V8 = `
CREATE TABLE drafts (
  item_rid INTEGER NOT NULL REFERENCES items (rid) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('reply', 'note')),
  body TEXT NOT NULL CHECK (body <> ''),
  saved_at TEXT NOT NULL,
  PRIMARY KEY (item_rid, agent_id, mode)
) WITHOUT ROWID;
`

export const migration: Migration = {
  version: 8,
  name: 'composer drafts, local to this console',
  up(db) {
    db.exec(SCHEMA_V8)
  }
}
