import type { Migration } from './migration'

/**
 * Schema version 2: the handoff protocol (domain.md). Frozen once released, like version 1: the
 * value lists are spelled out, not imported from the vocabulary.
 *
 * - items: queue (the queue the item waits in), handoff_summary, queue_changed_by/_at, and the
 *   current SLA clock (sla_started_at, sla_responded_at). Backfill: a support item waits in its
 *   tier's queue (tier 1 when it had none, which it then also gets), a service item in 'service';
 *   the SLA clock starts at creation and was answered at the first response.
 * - queue_code (generated) and items_walk_queue: the per-queue views walk this index (one queue,
 *   its active statuses, age order) and stop after a page; it is also the gather index of the
 *   queue facet. item_facets gains the queue, so queue counts stay exact and free.
 * - messages.kind allows 'handoff'; item_events.type allows escalated/handed_back/deescalated.
 *   SQLite cannot change a CHECK constraint, so both tables are rebuilt with the same rowids
 *   (the full-text index and its message high-water mark key on them), indexes and triggers.
 * - settings: one row of JSON (WorkspaceSettings); no row means the defaults.
 */
function oneOf(column: string, values: readonly string[]): string {
  return values.map((v) => `${column} = '${v}'`).join(' OR ')
}

/** The history events the figures read, frozen here; src/core/figures/figure-events.ts repeats it exactly so the partial index applies. */
const FIGURE_EVENTS = `(type = 'escalated' OR type = 'handed_back' OR type = 'deescalated' OR (type = 'status' AND to_value = 'resolved'))`

const CHANNELS = ['phone', 'chat', 'email', 'social', 'sms', 'webform', 'inperson']

const SCHEMA_V2 = `
ALTER TABLE items ADD COLUMN queue TEXT NOT NULL DEFAULT 'service' CHECK (${oneOf('queue', ['service', 'tier1', 'tier2', 'tier3'])});
ALTER TABLE items ADD COLUMN handoff_summary TEXT;
ALTER TABLE items ADD COLUMN queue_changed_by TEXT;
ALTER TABLE items ADD COLUMN queue_changed_at TEXT;
ALTER TABLE items ADD COLUMN sla_started_at TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN sla_responded_at TEXT;

UPDATE items SET
  tier = CASE WHEN kind = 'support' THEN coalesce(tier, 1) ELSE tier END,
  queue = CASE WHEN kind = 'support' THEN 'tier' || coalesce(tier, 1) ELSE 'service' END,
  sla_started_at = created_at,
  sla_responded_at = first_response_at;

ALTER TABLE items ADD COLUMN queue_code INTEGER GENERATED ALWAYS AS (CASE queue WHEN 'service' THEN 0 WHEN 'tier1' THEN 1 WHEN 'tier2' THEN 2 ELSE 3 END) VIRTUAL;
CREATE INDEX items_walk_queue ON items (queue_code, status_rank, rid, kind_code, channel_code, priority_rank, assignee_key);

DROP TRIGGER items_count_insert;
DROP TRIGGER items_count_update;
DROP TRIGGER items_count_delete;
DROP TABLE item_facets;
CREATE TABLE item_facets (
  kind TEXT NOT NULL,
  queue TEXT NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  priority TEXT NOT NULL,
  assignee_id TEXT NOT NULL, -- '' when unassigned
  n INTEGER NOT NULL,
  PRIMARY KEY (kind, queue, channel, status, priority, assignee_id)
) WITHOUT ROWID;
INSERT INTO item_facets (kind, queue, channel, status, priority, assignee_id, n)
  SELECT kind, queue, channel, status, priority, coalesce(assignee_id, ''), count(*) FROM items GROUP BY 1, 2, 3, 4, 5, 6;
CREATE TRIGGER items_count_insert AFTER INSERT ON items BEGIN
  INSERT INTO item_facets (kind, queue, channel, status, priority, assignee_id, n) VALUES (new.kind, new.queue, new.channel, new.status, new.priority, coalesce(new.assignee_id, ''), 1)
    ON CONFLICT (kind, queue, channel, status, priority, assignee_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER items_count_update AFTER UPDATE OF kind, queue, channel, status, priority, assignee_id ON items BEGIN
  UPDATE item_facets SET n = n - 1
    WHERE kind = old.kind AND queue = old.queue AND channel = old.channel AND status = old.status AND priority = old.priority AND assignee_id = coalesce(old.assignee_id, '');
  INSERT INTO item_facets (kind, queue, channel, status, priority, assignee_id, n) VALUES (new.kind, new.queue, new.channel, new.status, new.priority, coalesce(new.assignee_id, ''), 1)
    ON CONFLICT (kind, queue, channel, status, priority, assignee_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER items_count_delete AFTER DELETE ON items BEGIN
  UPDATE item_facets SET n = n - 1
    WHERE kind = old.kind AND queue = old.queue AND channel = old.channel AND status = old.status AND priority = old.priority AND assignee_id = coalesce(old.assignee_id, '');
END;

CREATE TABLE messages_v2 (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  item_rid INTEGER NOT NULL REFERENCES items (rid),
  kind TEXT NOT NULL CHECK (${oneOf('kind', ['customer', 'reply', 'note', 'contact', 'auto', 'handoff'])}),
  author_id TEXT REFERENCES agents (id),
  channel TEXT NOT NULL CHECK (${oneOf('channel', CHANNELS)}),
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
INSERT INTO messages_v2 (rid, id, item_rid, kind, author_id, channel, body, created_at)
  SELECT rid, id, item_rid, kind, author_id, channel, body, created_at FROM messages ORDER BY rid;
DROP TABLE messages;
ALTER TABLE messages_v2 RENAME TO messages;
CREATE INDEX messages_by_item ON messages (item_rid);

DROP TRIGGER item_events_no_update;
DROP TRIGGER item_events_no_delete;
CREATE TABLE item_events_v2 (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  item_rid INTEGER NOT NULL REFERENCES items (rid),
  type TEXT NOT NULL CHECK (${oneOf('type', ['created', 'status', 'priority', 'assigned', 'rating', 'contact_logged', 'escalated', 'handed_back', 'deescalated'])}),
  actor_id TEXT REFERENCES agents (id),
  from_value TEXT,
  to_value TEXT,
  reason TEXT,
  created_at TEXT NOT NULL
);
INSERT INTO item_events_v2 (rid, id, item_rid, type, actor_id, from_value, to_value, reason, created_at)
  SELECT rid, id, item_rid, type, actor_id, from_value, to_value, reason, created_at FROM item_events ORDER BY rid;
DROP TABLE item_events;
ALTER TABLE item_events_v2 RENAME TO item_events;
CREATE INDEX item_events_by_item ON item_events (item_rid);
-- Escalation figures read the handoffs and resolutions of a period; a partial index, so the
-- common events (created, assigned, replies' status changes...) do not pay for it.
CREATE INDEX item_events_figures ON item_events (created_at) WHERE ${FIGURE_EVENTS};
-- The history is append-only.
CREATE TRIGGER item_events_no_update BEFORE UPDATE ON item_events BEGIN SELECT RAISE(ABORT, 'item_events is append-only'); END;
CREATE TRIGGER item_events_no_delete BEFORE DELETE ON item_events BEGIN SELECT RAISE(ABORT, 'item_events is append-only'); END;

-- Workspace settings (SLA policy, escalation reasons) as one JSON row; absent means the defaults.
CREATE TABLE settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value TEXT NOT NULL CHECK (json_valid(value))
);
`

export const migration: Migration = {
  version: 2,
  name: 'handoff protocol: queues, summaries, SLA clock, settings',
  up(db) {
    db.exec(SCHEMA_V2)
  }
}
