import type { Migration } from './migration'

/**
 * Schema version 3: the sync client (src/main/core/sync). Frozen once released, like 1 and 2.
 *
 * - sync_rejections: the changes the server refused (a pull's `rejections`), keyed by this
 *   client's sequence number, kept until the agent dismisses them.
 * - sync_shadow: the server's version of every item a pending (not yet confirmed) local mutation
 *   touched, as JSON, kept from just before the first such mutation and refreshed by each pull.
 *   A pull that brings a rejection resets the rejected mutation's item to it and re-runs the
 *   pending mutations, so the rejected change disappears even when the server does not send the
 *   item again. Emptied once nothing is pending.
 * - sync_purge: a one-row flag. A pull removes items that left the agent's scope and the rows a
 *   rejected mutation created, history included; item_events stays append-only for every other
 *   writer: its delete trigger refuses unless the flag row is present, and the purge sets and
 *   clears the flag inside its own transaction (so a crash can never leave it set on disk).
 */
const SCHEMA_V3 = `
CREATE TABLE sync_rejections (
  seq INTEGER PRIMARY KEY,
  mutation_id TEXT NOT NULL,
  name TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  item_id TEXT,
  at TEXT NOT NULL,
  dismissed INTEGER NOT NULL DEFAULT 0 CHECK (dismissed = 0 OR dismissed = 1)
);

CREATE TABLE sync_shadow (
  item_id TEXT PRIMARY KEY,
  item TEXT NOT NULL CHECK (json_valid(item))
) WITHOUT ROWID;

CREATE TABLE sync_purge (
  id INTEGER PRIMARY KEY CHECK (id = 1)
);

DROP TRIGGER item_events_no_delete;
-- The history is append-only, except while a sync purge holds the flag (same transaction).
CREATE TRIGGER item_events_no_delete BEFORE DELETE ON item_events WHEN NOT EXISTS (SELECT 1 FROM sync_purge)
BEGIN SELECT RAISE(ABORT, 'item_events is append-only'); END;
`

export const migration: Migration = {
  version: 3,
  name: 'sync client: rejections, purge flag',
  up(db) {
    db.exec(SCHEMA_V3)
  }
}
