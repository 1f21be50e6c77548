import type { Migration } from './migration'

/**
 * Schema version 1. A migration is frozen once released: the value lists below are spelled out
 * (not imported from the vocabulary) so that a later vocabulary change cannot silently change
 * what version 1 was. A later version changes the schema with a new migration.
 *
 * Keys: every table that other rows or the FTS index point at has an INTEGER rowid key (`rid`)
 * next to its string `id`. Item rids are derived from created_at (see item-keys.ts), so rowid
 * order is age order: the inbox "age" sort and a full-text search in age order walk the table
 * or the FTS doclist directly and stop after one page.
 */
/**
 * `(column = 'a' OR column = 'b' ...)`. Written out as comparisons rather than `column IN (...)`:
 * SQLite evaluates a CHECK with an IN list through a temporary table built on every insert,
 * which made inserts several times slower.
 */
function oneOf(column: string, values: readonly string[]): string {
  return values.map((v) => `${column} = '${v}'`).join(' OR ')
}

const SCHEMA_V1 = `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE agents (
  rid INTEGER PRIMARY KEY, -- a small number for the inbox indexes (items.assignee_key)
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL COLLATE NOCASE,
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (${oneOf('role', ['service', 'support', 'supervisor'])}),
  tiers TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tiers))
);

CREATE TABLE customers (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL COLLATE NOCASE,
  email TEXT COLLATE NOCASE,
  phone TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX customers_by_name ON customers (name);

CREATE TABLE items (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (${oneOf('kind', ['service', 'support'])}),
  category TEXT NOT NULL CHECK (${oneOf('category', ['order', 'return', 'billing', 'onboarding', 'loyalty', 'general', 'complaint', 'troubleshooting', 'setup', 'howto', 'bug', 'access'])}),
  channel TEXT NOT NULL CHECK (${oneOf('channel', ['phone', 'chat', 'email', 'social', 'sms', 'webform', 'inperson'])}),
  customer_id TEXT NOT NULL REFERENCES customers (id),
  customer_name TEXT NOT NULL COLLATE NOCASE,
  subject TEXT NOT NULL COLLATE NOCASE,
  status TEXT NOT NULL CHECK (${oneOf('status', ['new', 'open', 'pending', 'resolved', 'closed'])}),
  priority TEXT NOT NULL CHECK (${oneOf('priority', ['low', 'normal', 'high', 'urgent'])}),
  assignee_id TEXT REFERENCES agents (id),
  -- Denormalized from agents for sorting and for compact index keys; written with assignee_id.
  assignee_name TEXT COLLATE NOCASE,
  assignee_key INTEGER,
  tier INTEGER CHECK (tier IS NULL OR tier = 1 OR tier = 2 OR tier = 3),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  first_response_at TEXT,
  resolved_at TEXT,
  sla_due_at TEXT,
  -- Small codes of the facets and sort keys, for compact indexes: kind and channel in the
  -- alphabetical order of their labels, status in lifecycle order, priority by rank, and the
  -- deadline (an active item without one sorts as the far future, a resolved/closed item after).
  kind_code INTEGER GENERATED ALWAYS AS (CASE kind WHEN 'service' THEN 0 ELSE 1 END) VIRTUAL,
  channel_code INTEGER GENERATED ALWAYS AS (CASE channel WHEN 'chat' THEN 0 WHEN 'email' THEN 1 WHEN 'inperson' THEN 2 WHEN 'phone' THEN 3 WHEN 'sms' THEN 4 WHEN 'social' THEN 5 ELSE 6 END) VIRTUAL,
  status_rank INTEGER GENERATED ALWAYS AS (CASE status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'pending' THEN 2 WHEN 'resolved' THEN 3 ELSE 4 END) VIRTUAL,
  priority_rank INTEGER GENERATED ALWAYS AS (CASE priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END) VIRTUAL,
  sla_key TEXT GENERATED ALWAYS AS (CASE WHEN status = 'resolved' OR status = 'closed' THEN '9999-12-31T23:59:59.999Z' ELSE coalesce(sla_due_at, '9999-12-31T23:59:59.998Z') END) VIRTUAL
);
-- Inbox walk indexes, one per sort column: status first, then the sort key, the rowid (the
-- tiebreaker), then every other facet. A query names its statuses as an IN list (all five when
-- the view does not filter on status), so SQLite walks each status in sort order and stops as
-- soon as the page is full, checking every facet filter from the index without reading rows.
CREATE INDEX items_walk_age ON items (status_rank, rid, kind_code, channel_code, priority_rank, assignee_key);
CREATE INDEX items_walk_sla ON items (status_rank, sla_key, rid, kind_code, channel_code, priority_rank, assignee_key);
CREATE INDEX items_walk_customer ON items (status_rank, customer_name, rid, kind_code, channel_code, priority_rank, assignee_key);
CREATE INDEX items_walk_subject ON items (status_rank, subject, rid, kind_code, channel_code, priority_rank, assignee_key);
CREATE INDEX items_walk_assignee ON items (status_rank, assignee_name, rid, kind_code, channel_code, priority_rank, assignee_key);
CREATE INDEX items_walk_priority ON items (status_rank, priority_rank, rid, kind_code, channel_code, assignee_key);
CREATE INDEX items_walk_kind ON items (status_rank, kind_code, rid, channel_code, priority_rank, assignee_key);
CREATE INDEX items_walk_channel ON items (status_rank, channel_code, rid, kind_code, priority_rank, assignee_key);
-- Gather indexes: the items of one facet value (few of them), to be sorted after; they also
-- carry the other facets, so only the matching rows are read.
CREATE INDEX items_by_kind ON items (kind_code, status_rank, channel_code, priority_rank, assignee_key);
CREATE INDEX items_by_channel ON items (channel_code, status_rank, kind_code, priority_rank, assignee_key);
CREATE INDEX items_by_priority ON items (priority_rank, status_rank, kind_code, channel_code, assignee_key);
CREATE INDEX items_by_assignee ON items (assignee_key, status_rank, kind_code, channel_code, priority_rank);
-- A customer's items across kinds, newest first.
CREATE INDEX items_by_customer ON items (customer_id);

-- How many items have each combination of facets, kept by triggers: exact inbox counts without
-- scanning items, and the selectivity of a filter for choosing how to fetch a page.
CREATE TABLE item_facets (
  kind TEXT NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  priority TEXT NOT NULL,
  assignee_id TEXT NOT NULL, -- '' when unassigned
  n INTEGER NOT NULL,
  PRIMARY KEY (kind, channel, status, priority, assignee_id)
) WITHOUT ROWID;
CREATE TRIGGER items_count_insert AFTER INSERT ON items BEGIN
  INSERT INTO item_facets (kind, channel, status, priority, assignee_id, n) VALUES (new.kind, new.channel, new.status, new.priority, coalesce(new.assignee_id, ''), 1)
    ON CONFLICT (kind, channel, status, priority, assignee_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER items_count_update AFTER UPDATE OF kind, channel, status, priority, assignee_id ON items BEGIN
  UPDATE item_facets SET n = n - 1
    WHERE kind = old.kind AND channel = old.channel AND status = old.status AND priority = old.priority AND assignee_id = coalesce(old.assignee_id, '');
  INSERT INTO item_facets (kind, channel, status, priority, assignee_id, n) VALUES (new.kind, new.channel, new.status, new.priority, coalesce(new.assignee_id, ''), 1)
    ON CONFLICT (kind, channel, status, priority, assignee_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER items_count_delete AFTER DELETE ON items BEGIN
  UPDATE item_facets SET n = n - 1
    WHERE kind = old.kind AND channel = old.channel AND status = old.status AND priority = old.priority AND assignee_id = coalesce(old.assignee_id, '');
END;

CREATE TABLE messages (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  item_rid INTEGER NOT NULL REFERENCES items (rid),
  kind TEXT NOT NULL CHECK (${oneOf('kind', ['customer', 'reply', 'note', 'contact', 'auto'])}),
  author_id TEXT REFERENCES agents (id),
  channel TEXT NOT NULL CHECK (${oneOf('channel', ['phone', 'chat', 'email', 'social', 'sms', 'webform', 'inperson'])}),
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX messages_by_item ON messages (item_rid);

CREATE TABLE item_events (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  item_rid INTEGER NOT NULL REFERENCES items (rid),
  type TEXT NOT NULL CHECK (${oneOf('type', ['created', 'status', 'priority', 'assigned', 'rating', 'contact_logged'])}),
  actor_id TEXT REFERENCES agents (id),
  from_value TEXT,
  to_value TEXT,
  reason TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX item_events_by_item ON item_events (item_rid);
-- The history is append-only.
CREATE TRIGGER item_events_no_update BEFORE UPDATE ON item_events BEGIN SELECT RAISE(ABORT, 'item_events is append-only'); END;
CREATE TRIGGER item_events_no_delete BEFORE DELETE ON item_events BEGIN SELECT RAISE(ABORT, 'item_events is append-only'); END;

CREATE TABLE ratings (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  item_rid INTEGER NOT NULL REFERENCES items (rid),
  kind TEXT NOT NULL CHECK (${oneOf('kind', ['csat', 'nps'])}),
  score INTEGER NOT NULL CHECK ((kind = 'csat' AND score BETWEEN 1 AND 5) OR (kind = 'nps' AND score BETWEEN 0 AND 10)),
  recorded_by TEXT NOT NULL REFERENCES agents (id),
  created_at TEXT NOT NULL,
  -- The first answer of each kind stands.
  UNIQUE (item_rid, kind)
);

CREATE TABLE views (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  owner_id TEXT NOT NULL REFERENCES agents (id),
  name TEXT NOT NULL,
  filter TEXT NOT NULL CHECK (json_valid(filter)),
  sort TEXT NOT NULL CHECK (json_valid(sort))
);
CREATE INDEX views_by_owner ON views (owner_id);

-- Mutations recorded locally and not yet acknowledged by the server, in the order they happened.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  mutation_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  args TEXT NOT NULL CHECK (json_valid(args)),
  actor_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- Items (tbl 0) and customers (tbl 1) whose full-text document must be (re)written. A mutation
-- marks them in its own transaction; the index is brought up to date in one batch before the
-- next search reads it (search-index.ts), so a burst of writes pays for FTS5 once, not per commit.
CREATE TABLE search_dirty (
  tbl INTEGER NOT NULL,
  rid INTEGER NOT NULL,
  PRIMARY KEY (tbl, rid)
) WITHOUT ROWID;

-- Full-text search. Contentless (the text lives in items/messages/customers) with
-- contentless_delete so a document can be replaced. One document per item: its subject, its
-- customer's name and every message body, keyed by the item rid, so all terms of a query may
-- match anywhere in the item and hits come back in age order. detail=none: no phrase or NEAR
-- queries (the query builder never makes them), a much smaller index. Prefix indexes make
-- search-as-you-type cheap.
CREATE VIRTUAL TABLE items_fts USING fts5 (doc, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3', detail = none);
CREATE VIRTUAL TABLE customers_fts USING fts5 (doc, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3', detail = none);
`

export const migration: Migration = {
  version: 1,
  name: 'initial schema',
  up(db) {
    db.exec(SCHEMA_V1)
    db.prepare(`INSERT INTO meta (key, value) VALUES ('app', 'handoff') ON CONFLICT (key) DO NOTHING`).run()
  }
}
