import type { Migration } from './migration'

/**
 * Schema version 4: indexes for the personal figures panel (figures-personal.ts). Frozen once
 * released. The panel selects, for one agent and a period, the items that agent touched; each
 * index answers one way an item can concern the agent, as a range scan that also carries the
 * item's rid (so no table row is read to find the items):
 *
 * - item_events_by_actor: what the agent did (resolutions, escalations, hand-backs, assignments,
 *   logged contacts, ratings recorded), by time.
 * - messages_by_author: the agent's public replies and logged contacts (their first responses),
 *   by time; a partial index, so customer messages and notes do not pay for it.
 * - ratings_by_time: ratings given in the period (a rating counts for the assignee at the
 *   resolution before it, who may not have recorded it).
 * - items_rid_assignee: a narrow copy of each item's assignee by rid, so "is this item the
 *   agent's?" reads a small index instead of a wide item row: for the period's ratings, and for
 *   the period's resolutions and handoffs (v2's item_events_figures) of items the agent holds,
 *   which someone else may have resolved while the item was theirs.
 * - item_events_resolver (partial: resolutions only): a rating on an item nobody held counts for
 *   whoever resolved it.
 *
 * No index moves on items.updated_at, which nearly every mutation changes: these cost a
 * mutation only when it writes what they index.
 */
const SCHEMA_V4 = `
CREATE INDEX item_events_by_actor ON item_events (actor_id, created_at, item_rid);
CREATE INDEX messages_by_author ON messages (author_id, created_at, item_rid) WHERE kind = 'reply' OR kind = 'contact';
CREATE INDEX ratings_by_time ON ratings (created_at, item_rid);
CREATE INDEX items_rid_assignee ON items (rid, assignee_key);
CREATE INDEX item_events_resolver ON item_events (item_rid, actor_id) WHERE type = 'status' AND (to_value = 'resolved' OR to_value = 'closed');
`

export const migration: Migration = {
  version: 4,
  name: 'personal figures: indexes by actor, author, assignee and rating time',
  up(db) {
    db.exec(SCHEMA_V4)
  }
}
