import type { Migration } from './migration'

/**
 * Schema version 7: what the channels (issue 12) bring to a message, and the agent's unread marks.
 * Frozen once released.
 *
 * - messages.delivery: a reply the server delivers on a channel, as the server last reported it
 *   (the MessageDelivery of shared/domain/entities.ts as JSON; null: not delivered on a channel).
 * - messages.problems: what the server could not read of an inbound message (JSON array of text).
 * - attachments: the files of a customer's message as listed by the server; their bytes are
 *   fetched on demand, never synced. They go with their message.
 * - unread_items: items with a customer message the agent has not seen since it arrived (set
 *   when a pull brings one in, cleared when the agent opens the item). Local to this console.
 */
const SCHEMA_V7 = `
ALTER TABLE messages ADD COLUMN delivery TEXT CHECK (delivery IS NULL OR json_valid(delivery));
ALTER TABLE messages ADD COLUMN problems TEXT CHECK (problems IS NULL OR json_valid(problems));

CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  message_rid INTEGER NOT NULL REFERENCES messages (rid) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  refused TEXT
);
CREATE INDEX attachments_by_message ON attachments (message_rid, position);

CREATE TABLE unread_items (
  item_rid INTEGER PRIMARY KEY REFERENCES items (rid) ON DELETE CASCADE,
  since TEXT NOT NULL
);
`

export const migration: Migration = {
  version: 7,
  name: 'channel messages: delivery state, problems, attachments; unread marks',
  up(db) {
    db.exec(SCHEMA_V7)
  }
}
