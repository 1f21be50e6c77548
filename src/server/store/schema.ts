/**
 * The server's PostgreSQL schema, as ordered migrations. A migration is frozen once released:
 * value lists are spelled out, not imported from the vocabulary, so a later vocabulary change
 * cannot silently change what an old version was. Change the schema with a new migration.
 *
 * Timestamps of domain rows are ISO-8601 text exactly as decide() wrote them (they round-trip to
 * the wire unchanged and sort as time). Ids are text primary keys (clients make them).
 */
const oneOf = (column: string, values: readonly string[]) => `${column} IN (${values.map((v) => `'${v}'`).join(', ')})`
const CHANNELS = ['phone', 'chat', 'email', 'social', 'sms', 'webform', 'inperson']
const QUEUES = ['service', 'tier1', 'tier2', 'tier3']

const V1 = `
CREATE TABLE server_meta (
  id int PRIMARY KEY CHECK (id = 1),
  server_id uuid NOT NULL
);

CREATE TABLE agents (
  id text PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
  role text NOT NULL CHECK (${oneOf('role', ['service', 'support', 'supervisor'])}),
  tiers jsonb NOT NULL DEFAULT '[]',
  admin boolean NOT NULL DEFAULT false,
  disabled boolean NOT NULL DEFAULT false,
  credential_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE clients (
  id uuid PRIMARY KEY,
  agent_id text NOT NULL REFERENCES agents (id),
  last_seq bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Every pushed mutation the server applied or rejected, per client and seq.
CREATE TABLE mutations (
  client_id uuid NOT NULL REFERENCES clients (id),
  seq bigint NOT NULL,
  mutation_id uuid NOT NULL,
  name text NOT NULL,
  actor_id text NOT NULL,
  status text NOT NULL CHECK (${oneOf('status', ['applied', 'rejected'])}),
  rejection_code text,
  rejection_message text,
  item_id text,
  applied_at text NOT NULL,
  PRIMARY KEY (client_id, seq)
);
-- A mutation id is applied at most once (a re-push under another seq is rejected as a duplicate,
-- and that rejection row repeats the id, so uniqueness holds over applied rows).
CREATE UNIQUE INDEX mutations_applied_once ON mutations (mutation_id) WHERE status = 'applied';
CREATE INDEX mutations_by_id ON mutations (mutation_id);
CREATE INDEX mutations_rejected ON mutations (client_id, seq) WHERE status = 'rejected';

CREATE TABLE customers (
  id text PRIMARY KEY,
  name text NOT NULL,
  email text,
  phone text,
  created_at text NOT NULL
);

CREATE TABLE items (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (${oneOf('kind', ['service', 'support'])}),
  category text NOT NULL,
  channel text NOT NULL CHECK (${oneOf('channel', CHANNELS)}),
  customer_id text NOT NULL REFERENCES customers (id),
  subject text NOT NULL,
  status text NOT NULL CHECK (${oneOf('status', ['new', 'open', 'pending', 'resolved', 'closed'])}),
  priority text NOT NULL CHECK (${oneOf('priority', ['low', 'normal', 'high', 'urgent'])}),
  assignee_id text,
  tier int CHECK (tier IS NULL OR tier BETWEEN 1 AND 3),
  queue text NOT NULL CHECK (${oneOf('queue', QUEUES)}),
  handoff_summary text,
  queue_changed_by text,
  queue_changed_at text,
  sla_started_at text NOT NULL,
  sla_responded_at text,
  created_at text NOT NULL,
  updated_at text NOT NULL,
  first_response_at text,
  resolved_at text,
  sla_due_at text
);
-- A pull's scope: by queue, or assigned to the agent (both in id order, to page).
CREATE INDEX items_by_queue ON items (queue, id);
CREATE INDEX items_by_assignee ON items (assignee_id, id) WHERE assignee_id IS NOT NULL;

CREATE TABLE messages (
  id text PRIMARY KEY,
  item_id text NOT NULL,
  kind text NOT NULL CHECK (${oneOf('kind', ['customer', 'reply', 'note', 'contact', 'auto', 'handoff'])}),
  author_id text,
  channel text NOT NULL CHECK (${oneOf('channel', CHANNELS)}),
  body text NOT NULL,
  created_at text NOT NULL
);
CREATE INDEX messages_by_item ON messages (item_id);

CREATE TABLE item_events (
  id text PRIMARY KEY,
  item_id text NOT NULL,
  type text NOT NULL CHECK (${oneOf('type', ['created', 'status', 'priority', 'assigned', 'rating', 'contact_logged', 'escalated', 'handed_back', 'deescalated'])}),
  actor_id text,
  from_value text,
  to_value text,
  reason text,
  created_at text NOT NULL
);
CREATE INDEX item_events_by_item ON item_events (item_id);
-- The escalation figures read these events by time.
CREATE INDEX item_events_figures ON item_events (created_at)
  WHERE type IN ('escalated', 'handed_back', 'deescalated') OR (type = 'status' AND to_value = 'resolved');

CREATE TABLE ratings (
  id text PRIMARY KEY,
  item_id text NOT NULL,
  kind text NOT NULL CHECK (${oneOf('kind', ['csat', 'nps'])}),
  score int NOT NULL CHECK ((kind = 'csat' AND score BETWEEN 1 AND 5) OR (kind = 'nps' AND score BETWEEN 0 AND 10)),
  recorded_by text NOT NULL,
  created_at text NOT NULL,
  UNIQUE (item_id, kind)
);

CREATE TABLE views (
  id text PRIMARY KEY,
  owner_id text NOT NULL,
  name text NOT NULL,
  filter jsonb NOT NULL,
  sort jsonb NOT NULL
);
CREATE INDEX views_by_owner ON views (owner_id);

CREATE TABLE settings (
  id int PRIMARY KEY CHECK (id = 1),
  value jsonb NOT NULL
);

-- The change feed. tx is the writer's transaction id: a reader hands out rows below the
-- snapshot xmin only (see feed.ts), so a row committed late is never skipped.
CREATE TABLE changes (
  tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
  id bigserial NOT NULL,
  entity text NOT NULL CHECK (${oneOf('entity', ['item', 'agent', 'settings', 'view'])}),
  entity_id text NOT NULL,
  owner_id text,
  queue_before text,
  assignee_before text,
  queue_after text,
  assignee_after text,
  PRIMARY KEY (tx, id)
);
`

/**
 * Figures (issue 5): agents get an optional team; item_facts caches each item's derived facts
 * (the shared itemFacts() output as JSON) with the span of its times, so a report reads only the
 * items relevant to its period (first_at/last_at) plus those open now. figures_state remembers
 * how far the change feed has been folded into the cache (a pull-like xid8 watermark) and the
 * SLA policy and facts version the cache was derived with (either changing empties it).
 */
const V2 = `
ALTER TABLE agents ADD COLUMN team text;

CREATE TABLE item_facts (
  item_id text PRIMARY KEY,
  open boolean NOT NULL,
  first_at bigint NOT NULL,
  last_at bigint NOT NULL,
  facts text NOT NULL
);
CREATE INDEX item_facts_by_last ON item_facts (last_at, first_at);
CREATE INDEX item_facts_open ON item_facts (item_id) WHERE open;

CREATE TABLE figures_state (
  id int PRIMARY KEY CHECK (id = 1),
  fed_to xid8,
  basis text NOT NULL
);
`

/**
 * Figures: the facts cache keeps its facts compact (figures-codec.ts), agents named by numbers
 * from this append-only dictionary.
 */
const V3 = `
ALTER TABLE figures_state ADD COLUMN agents jsonb NOT NULL DEFAULT '[]';
`

/**
 * Figures: each cached facts row remembers the transaction that last wrote it, so a server process
 * that keeps the decoded facts in memory re-reads only the rows written since it last looked
 * (figures-facts.ts), with the same xid8-watermark rule as pull.
 */
const V4 = `
ALTER TABLE item_facts ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX item_facts_by_tx ON item_facts (tx);
`

/**
 * Figures: a rebuild of the facts cache runs in many short transactions (so pushes interleave);
 * rebuild_after is the last item id derived by the rebuild under way (null: none under way).
 */
const V5 = `
ALTER TABLE figures_state ADD COLUMN rebuild_after text;
`

/**
 * Push (issue 4): less work for each mutation's record. The duplicate check finds an applied id
 * through mutations_applied_once and a rejected one through a partial index of rejected rows
 * (rare), so the full index on mutation_id, one more index entry per mutation, goes. The
 * foreign key from mutations to clients goes too: the statement that records a mutation locks
 * its client row and checks its last seq first (push.ts), and clients are never deleted; the key
 * re-read and re-locked that row for every mutation.
 */
const V6 = `
CREATE INDEX mutations_rejected_by_id ON mutations (mutation_id) WHERE status = 'rejected';
DROP INDEX mutations_by_id;
ALTER TABLE mutations DROP CONSTRAINT mutations_client_id_fkey;
`

/**
 * Email in (issue 12): a channel is a support mailbox (IMAP in, SMTP out). Its config names where
 * each password is (an environment variable or a file), never the password itself; its health is
 * what the runner last saw. inbound_messages is the dedupe record of every email taken from a
 * mailbox, keyed by (channel, Message-ID): what became of it ('item': written to item_id as
 * message_id; 'ignored': automated mail; 'refused': unreadable), why, and what could not be read.
 * messages.external_id is the Message-ID of an inbound email (and later of an outbound reply), so
 * an answer's In-Reply-To/References find their item.
 */
const V7 = `
CREATE TABLE channels (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (${oneOf('kind', ['email'])}),
  name text NOT NULL,
  address text NOT NULL,
  config jsonb NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  connected boolean NOT NULL DEFAULT false,
  last_poll_at timestamptz,
  last_error text,
  last_error_at timestamptz
);

CREATE TABLE inbound_messages (
  channel_id text NOT NULL REFERENCES channels (id),
  external_id text NOT NULL,
  status text NOT NULL CHECK (${oneOf('status', ['item', 'ignored', 'refused'])}),
  item_id text,
  message_id text,
  reason text,
  problems jsonb NOT NULL DEFAULT '[]',
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel_id, external_id)
);
CREATE INDEX inbound_messages_by_external ON inbound_messages (external_id) WHERE status = 'item';
CREATE INDEX customers_by_email ON customers (lower(email)) WHERE email IS NOT NULL;

ALTER TABLE messages ADD COLUMN external_id text;
CREATE INDEX messages_by_external ON messages (external_id) WHERE external_id IS NOT NULL;
`

/**
 * Email out and attachments (issue 12).
 * deliveries: one row per reply the server must deliver on a channel, written in the reply's own
 * push transaction (so a reply applied is a reply queued, exactly once). 'sending' is committed
 * before the hand-over to SMTP, with the claiming process and a lease: a row found 'sending' after
 * its lease ran out belongs to a process that died mid-hand-over, and becomes 'unconfirmed' (maybe
 * sent), never queued again by itself. external_id is the Message-ID it is sent with.
 * attachments: the files of inbound messages (content null when refused, with why), fetched by
 * consoles on demand. messages.problems: what could not be read of an inbound message.
 */
const V8 = `
CREATE TABLE deliveries (
  message_id text PRIMARY KEY,
  item_id text NOT NULL,
  channel_id text,
  state text NOT NULL CHECK (${oneOf('state', ['queued', 'sending', 'sent', 'failed', 'unconfirmed'])}),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_error text,
  claimed_by text,
  claimed_until timestamptz,
  sent_at timestamptz,
  external_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_by_item ON deliveries (item_id);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state IN ('queued', 'failed') AND next_attempt_at IS NOT NULL;
CREATE INDEX deliveries_claimed ON deliveries (claimed_until) WHERE state = 'sending';

CREATE TABLE attachments (
  id text PRIMARY KEY,
  message_id text NOT NULL,
  item_id text NOT NULL,
  position int NOT NULL,
  filename text NOT NULL,
  content_type text NOT NULL,
  size bigint NOT NULL,
  inline boolean NOT NULL DEFAULT false,
  content bytea,
  refused text
);
CREATE INDEX attachments_by_message ON attachments (message_id, position);

ALTER TABLE messages ADD COLUMN problems jsonb;
`

/**
 * V9: server_meta.cursor_key, the secret pull cursors are signed with (HMAC-SHA256, cursor.ts),
 * so that a client cannot forge one. 32 random bytes, set by migrate() for the store's one row
 * (new or existing) where it is null.
 */
const V9 = `
ALTER TABLE server_meta ADD COLUMN cursor_key bytea;
`

/** Migrations in order: MIGRATIONS[i] brings the schema from version i to i + 1. */
export const MIGRATIONS: readonly string[] = [V1, V2, V3, V4, V5, V6, V7, V8, V9]
export const SCHEMA_VERSION = MIGRATIONS.length
