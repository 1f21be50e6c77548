import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createCoreOrRefusal } from '../../src/core/core'
import { openDatabase } from '../../src/core/infra/database'
import { DatabaseRefusedError } from '../../src/core/infra/errors'
import { HANDOFF_APPLICATION_ID, MIGRATIONS, assertMigrationList, latestVersion, migrate, type Migration } from '../../src/core/infra/migrations'
import { peek, sha256, tempFile } from './helpers/workspace'
import { FIGURE_EVENTS } from '../../src/core/figures/figure-events'

const tablesOf = (db: Database.Database) =>
  db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts_%' ORDER BY name`)
    .pluck()
    .all()

/** Opening must throw a DatabaseRefusedError of `reason` and leave the file byte-for-byte as it was. */
function expectRefusedUntouched(file: string, reason: DatabaseRefusedError['reason'], message: RegExp) {
  const before = sha256(file)
  let error: unknown
  try {
    openDatabase(file).close()
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(DatabaseRefusedError)
  expect((error as DatabaseRefusedError).reason).toBe(reason)
  expect((error as DatabaseRefusedError).message).toMatch(message)
  expect(sha256(file)).toBe(before)
  // Through the core's door: every call answers database_refused, and the file still is untouched.
  const core = createCoreOrRefusal({ file })
  const answer = core.dispatch('session.get', {})
  expect(answer).toMatchObject({ ok: false, error: { code: 'database_refused' } })
  expect(!answer.ok && answer.error.message).toBe((error as DatabaseRefusedError).message)
  expect(core.dispatch('item.reply', { itemId: 'x', body: 'y' })).toMatchObject({ ok: false, error: { code: 'database_refused' } })
  core.close()
  expect(sha256(file)).toBe(before)
  return error as DatabaseRefusedError
}

describe('a fresh database', () => {
  it('gets the latest schema, the Handoff application id and WAL', () => {
    const file = tempFile()
    const db = openDatabase(file)
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion())
    expect(db.pragma('application_id', { simple: true })).toBe(HANDOFF_APPLICATION_ID)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(1) // NORMAL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(tablesOf(db)).toEqual(['agents', 'attachments', 'customers', 'customers_fts', 'drafts', 'item_events', 'item_facets', 'items', 'items_fts', 'messages', 'meta', 'outbox', 'personal_figures_archive', 'ratings', 'search_dirty', 'settings', 'sync_purge', 'sync_rejections', 'sync_shadow', 'team_figures_cache', 'unread_items', 'views'])
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'app'`).pluck().get()).toBe('handoff')
    db.close()
    // Reopening migrates nothing.
    const again = openDatabase(file)
    expect(again.pragma('user_version', { simple: true })).toBe(latestVersion())
    again.close()
  })

  it('has the figures index on exactly the expression the figures queries repeat (else SQLite would not use it)', () => {
    const file = tempFile()
    openDatabase(file).close()
    const db = new Database(file, { readonly: true })
    const sql = db.prepare<[], string>("SELECT sql FROM sqlite_master WHERE name = 'item_events_figures'").pluck().get()
    db.close()
    expect(sql).toBe(`CREATE INDEX item_events_figures ON item_events (created_at) WHERE ${FIGURE_EVENTS}`)
  })

  it('migrates an existing empty SQLite file at user_version 0', () => {
    const file = tempFile()
    const raw = new Database(file)
    raw.exec('CREATE TABLE scratch (x); DROP TABLE scratch;')
    raw.close()
    expect(readFileSync(file).length).toBeGreaterThan(0)
    const db = openDatabase(file)
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion())
    expect(tablesOf(db)).toContain('items')
    db.close()
  })
})

describe('the migration runner', () => {
  const LATEST = latestVersion()
  const v2: Migration = {
    version: LATEST + 1,
    name: 'agents get a signature',
    up: (db) => {
      db.exec(`ALTER TABLE agents ADD COLUMN signature TEXT NOT NULL DEFAULT ''`)
      db.exec(`UPDATE agents SET signature = 'Kind regards, ' || name`)
    }
  }

  it('upgrades a latest-version file to an injected next version, keeping its data', () => {
    const file = tempFile()
    const v1 = openDatabase(file)
    v1.prepare(`INSERT INTO agents (id, name, email, role) VALUES ('a1', 'Maya', 'maya@example.com', 'service')`).run()
    v1.close()
    const db = openDatabase(file, { migrations: [...MIGRATIONS, v2] })
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST + 1)
    expect(db.prepare(`SELECT signature FROM agents WHERE id = 'a1'`).pluck().get()).toBe('Kind regards, Maya')
    db.close()
    // The build that only knows the latest version now refuses the file.
    const error = expectRefusedUntouched(file, 'newer', new RegExp(`newer version of Handoff \\(schema ${LATEST + 1}; this version knows up to ${LATEST}\\)`))
    expect(error.file).toBe(file)
  })

  it('runs every pending step in one transaction: a failing step leaves the file at its old version', () => {
    const file = tempFile()
    openDatabase(file).close()
    const broken: Migration = {
      version: LATEST + 2,
      name: 'fails halfway',
      up: (db) => {
        db.exec('CREATE TABLE half_done (x)')
        throw new Error('disk on fire')
      }
    }
    expect(() => openDatabase(file, { migrations: [...MIGRATIONS, v2, broken] })).toThrow('disk on fire')
    const db = new Database(file, { readonly: true })
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST)
    expect(tablesOf(db)).not.toContain('half_done')
    expect(db.prepare(`SELECT count(*) FROM pragma_table_info('agents') WHERE name = 'signature'`).pluck().get()).toBe(0)
    db.close()
  })

  it('rejects a list with gaps or out of order', () => {
    expect(() => assertMigrationList([...MIGRATIONS, { ...v2, version: LATEST + 2 }])).toThrow(/out of order/)
    expect(() => migrate(new Database(':memory:'), ':memory:', [v2])).toThrow(/out of order/)
  })
})

describe('refused files stay byte-for-byte untouched', () => {
  it('refuses a database written by a newer Handoff', () => {
    const file = tempFile()
    openDatabase(file).close()
    const raw = new Database(file)
    raw.pragma(`user_version = ${latestVersion() + 1}`)
    raw.pragma('journal_mode = DELETE')
    raw.close()
    expectRefusedUntouched(file, 'newer', new RegExp(`^This database was written by a newer version of Handoff \\(schema ${latestVersion() + 1}; this version knows up to ${latestVersion()}\\)\\. Update Handoff to open it\\.$`))
  })

  it('refuses a newer database still in WAL mode', () => {
    const file = tempFile()
    openDatabase(file).close()
    const raw = new Database(file)
    raw.pragma('user_version = 9')
    raw.close()
    expectRefusedUntouched(file, 'newer', /schema 9/)
  })

  it('refuses random bytes', () => {
    const file = tempFile()
    writeFileSync(file, randomBytes(64 * 1024))
    const error = expectRefusedUntouched(file, 'corrupt', /not an SQLite database file/)
    expect(error.message).toContain(file)
  })

  it('refuses a tiny file', () => {
    const file = tempFile()
    writeFileSync(file, 'SQLite')
    expectRefusedUntouched(file, 'corrupt', /not an SQLite database/)
  })

  it('refuses a valid header followed by garbage', () => {
    const file = tempFile()
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), randomBytes(32 * 1024)]))
    expectRefusedUntouched(file, 'corrupt', /damaged|not an SQLite/)
  })

  it('refuses a valid header followed by zeros', () => {
    const file = tempFile()
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(8192, 0x5a)]))
    expectRefusedUntouched(file, 'corrupt', /damaged|not an SQLite/)
  })

  it('refuses a Handoff database whose schema page was overwritten', () => {
    const file = tempFile()
    const db = openDatabase(file)
    db.pragma('journal_mode = DELETE')
    db.close()
    const bytes = readFileSync(file)
    randomBytes(4096 - 100).copy(bytes, 100) // keep the 100-byte header, wreck the rest of page 1
    writeFileSync(file, bytes)
    expectRefusedUntouched(file, 'corrupt', /damaged/)
  })

  it('refuses an SQLite file of another application (its own application id)', () => {
    const file = tempFile()
    const raw = new Database(file)
    raw.pragma('application_id = 1234567')
    raw.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)')
    raw.close()
    expectRefusedUntouched(file, 'foreign', /another application/)
  })

  it('refuses an SQLite file with tables but no Handoff marks', () => {
    const file = tempFile()
    const raw = new Database(file)
    raw.exec(`CREATE TABLE meta (k TEXT, v TEXT); CREATE TABLE items (id INTEGER PRIMARY KEY); INSERT INTO meta VALUES ('app', 'other')`)
    raw.close()
    expectRefusedUntouched(file, 'foreign', /another application \(tables: items, meta\)/)
  })

  it('does not create anything next to a refused file', () => {
    const file = tempFile()
    writeFileSync(file, randomBytes(1024))
    expectRefusedUntouched(file, 'corrupt', /not an SQLite/)
    expect(existsSync(`${file}-wal`)).toBe(false)
  })
})

describe('read-only opening', () => {
  it('opens an up-to-date file without writing and refuses one that needs a migration', () => {
    const file = tempFile()
    openDatabase(file).close()
    const before = sha256(file)
    const ro = openDatabase(file, { readonly: true })
    expect(ro.prepare('SELECT count(*) FROM items').pluck().get()).toBe(0)
    ro.close()
    expect(sha256(file)).toBe(before)
    const v2: Migration = { version: latestVersion() + 1, name: 'noop', up: () => undefined }
    expect(() => openDatabase(file, { readonly: true, migrations: [...MIGRATIONS, v2] })).toThrow(DatabaseRefusedError)
  })
})

describe('version 1 -> 2 (the handoff protocol)', () => {
  it('keeps every row, backfills queues and the SLA clock, and search still finds the items', async () => {
    const { inboxPage } = await import('../../src/core/items/inbox-query')
    const file = tempFile()
    const v1 = openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) })
    expect(v1.pragma('user_version', { simple: true })).toBe(1)
    v1.exec(`
      INSERT INTO agents (id, name, email, role, tiers) VALUES ('a1', 'Maya Okafor', 'maya@example.com', 'service', '[]'), ('a2', 'Kenji Watanabe', 'kenji@example.com', 'support', '[2]');
      INSERT INTO customers (id, name, email, phone, created_at) VALUES ('c1', 'Ann Smith', 'ann@example.com', NULL, '2026-01-01T00:00:00.000Z');
      INSERT INTO items (rid, id, kind, category, channel, customer_id, customer_name, subject, status, priority, assignee_id, assignee_name, assignee_key, tier, created_at, updated_at, first_response_at, resolved_at, sla_due_at) VALUES
        (100, 'i-service', 'service', 'billing', 'email', 'c1', 'Ann Smith', 'Charged twice', 'open', 'normal', 'a1', 'Maya Okafor', 1, NULL, '2026-11-20T08:00:00.000Z', '2026-11-20T09:00:00.000Z', '2026-11-20T09:00:00.000Z', NULL, '2026-11-22T08:00:00.000Z'),
        (200, 'i-tier2', 'support', 'bug', 'chat', 'c1', 'Ann Smith', 'Sync crashes', 'new', 'high', 'a2', 'Kenji Watanabe', 2, 2, '2026-11-21T08:00:00.000Z', '2026-11-21T08:00:00.000Z', NULL, NULL, '2026-11-21T10:00:00.000Z'),
        (300, 'i-notier', 'support', 'access', 'webform', 'c1', 'Ann Smith', 'Locked out', 'closed', 'low', NULL, NULL, NULL, NULL, '2026-11-01T08:00:00.000Z', '2026-11-02T08:00:00.000Z', '2026-11-01T09:00:00.000Z', '2026-11-02T08:00:00.000Z', NULL);
      INSERT INTO messages (rid, id, item_rid, kind, author_id, channel, body, created_at) VALUES
        (7, 'm1', 100, 'customer', NULL, 'email', 'Please refund the duplicate charge', '2026-11-20T08:00:00.000Z'),
        (9, 'm2', 200, 'customer', NULL, 'chat', 'The zebrafish sync crashes', '2026-11-21T08:00:00.000Z');
      INSERT INTO item_events (rid, id, item_rid, type, actor_id, from_value, to_value, reason, created_at) VALUES
        (5, 'e1', 100, 'created', NULL, NULL, 'new', NULL, '2026-11-20T08:00:00.000Z'),
        (6, 'e2', 100, 'status', 'a1', 'new', 'open', NULL, '2026-11-20T09:00:00.000Z');
      INSERT INTO search_dirty (tbl, rid) VALUES (0, 100), (0, 200), (0, 300);
    `)
    // Index the v1 file as v1 did, so the FTS rows predate the migration.
    v1.close()
    const before = peek(file, (db) => ({ fts: db.prepare('SELECT count(*) FROM items_fts').pluck().get() }))
    const db = openDatabase(file)
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion())
    const items = db.prepare('SELECT id, kind, tier, queue, sla_started_at, sla_responded_at, handoff_summary, queue_changed_by FROM items ORDER BY rid').all()
    expect(items).toEqual([
      { id: 'i-service', kind: 'service', tier: null, queue: 'service', sla_started_at: '2026-11-20T08:00:00.000Z', sla_responded_at: '2026-11-20T09:00:00.000Z', handoff_summary: null, queue_changed_by: null },
      { id: 'i-tier2', kind: 'support', tier: 2, queue: 'tier2', sla_started_at: '2026-11-21T08:00:00.000Z', sla_responded_at: null, handoff_summary: null, queue_changed_by: null },
      { id: 'i-notier', kind: 'support', tier: 1, queue: 'tier1', sla_started_at: '2026-11-01T08:00:00.000Z', sla_responded_at: '2026-11-01T09:00:00.000Z', handoff_summary: null, queue_changed_by: null }
    ])
    // Rowids survive the rebuilt tables; their indexes and append-only triggers are back.
    expect(db.prepare('SELECT rid, id, item_rid, kind FROM messages ORDER BY rid').all()).toEqual([
      { rid: 7, id: 'm1', item_rid: 100, kind: 'customer' },
      { rid: 9, id: 'm2', item_rid: 200, kind: 'customer' }
    ])
    expect(db.prepare('SELECT rid, id, type FROM item_events ORDER BY rid').all()).toEqual([
      { rid: 5, id: 'e1', type: 'created' },
      { rid: 6, id: 'e2', type: 'status' }
    ])
    const names = (type: string) => db.prepare(`SELECT name FROM sqlite_schema WHERE type = ? ORDER BY name`).pluck().all(type)
    expect(names('index')).toEqual(expect.arrayContaining(['messages_by_item', 'item_events_by_item', 'item_events_figures', 'items_walk_queue', 'items_walk_age']))
    expect(names('trigger')).toEqual(expect.arrayContaining(['item_events_no_update', 'item_events_no_delete', 'items_count_insert', 'items_count_update', 'items_count_delete']))
    expect(() => db.prepare(`UPDATE item_events SET reason = 'x'`).run()).toThrow(/append-only/)
    // The new values are allowed, the CHECKs still refuse the rest.
    db.prepare(`INSERT INTO messages (id, item_rid, kind, author_id, channel, body, created_at) VALUES ('m3', 200, 'handoff', 'a2', 'chat', 'summary', '2026-11-22T00:00:00.000Z')`).run()
    db.prepare(`INSERT INTO item_events (id, item_rid, type, actor_id, created_at) VALUES ('e3', 200, 'escalated', 'a2', '2026-11-22T00:00:00.000Z')`).run()
    expect(() => db.prepare(`INSERT INTO messages (id, item_rid, kind, channel, body, created_at) VALUES ('m4', 200, 'bogus', 'chat', 'x', 'x')`).run()).toThrow(/CHECK/)
    expect(() => db.prepare(`UPDATE items SET queue = 'tier4' WHERE rid = 100`).run()).toThrow(/CHECK/)
    // Facet counts now know the queue.
    expect(db.prepare('SELECT queue, sum(n) AS n FROM item_facets GROUP BY queue ORDER BY queue').all()).toEqual([
      { queue: 'service', n: 1 },
      { queue: 'tier1', n: 1 },
      { queue: 'tier2', n: 1 }
    ])
    expect(db.prepare('SELECT value FROM settings').all()).toEqual([])
    // Search (the FTS rows are keyed by item rid, which did not change) and the queue filter.
    const ctx = { agentId: null, now: new Date('2026-11-23T09:00:00.000Z') }
    const page = (filter: object) => inboxPage(db, { filter, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 10 }, ctx).map((r) => r.id)
    expect(page({ search: 'refund' })).toEqual(['i-service'])
    expect(page({ search: 'zebrafish' })).toEqual(['i-tier2'])
    expect(page({ queues: ['tier2'] })).toEqual(['i-tier2'])
    expect(page({ queues: ['tier1', 'service'] })).toEqual(['i-notier', 'i-service']) // rid order (descending)
    expect(before.fts).toBeGreaterThanOrEqual(0)
    db.close()
  })

  it('keeps FTS rows written before the migration', async () => {
    const { inboxPage } = await import('../../src/core/items/inbox-query')
    const { flushSearchIndex } = await import('../../src/core/search/search-index')
    const file = tempFile()
    const v1 = openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) })
    v1.exec(`
      INSERT INTO customers (id, name, email, phone, created_at) VALUES ('c1', 'Ann Smith', NULL, NULL, '2026-01-01T00:00:00.000Z');
      INSERT INTO items (rid, id, kind, category, channel, customer_id, customer_name, subject, status, priority, tier, created_at, updated_at) VALUES
        (100, 'i1', 'support', 'bug', 'email', 'c1', 'Ann Smith', 'Quasar widget', 'new', 'normal', 3, '2026-11-20T08:00:00.000Z', '2026-11-20T08:00:00.000Z');
      INSERT INTO messages (id, item_rid, kind, channel, body, created_at) VALUES ('m1', 100, 'customer', 'email', 'flux capacitor', '2026-11-20T08:00:00.000Z');
      INSERT INTO search_dirty (tbl, rid) VALUES (0, 100);
    `)
    flushSearchIndex(v1)
    const ftsRows = v1.prepare('SELECT count(*) FROM items_fts').pluck().get()
    expect(ftsRows).toBe(1)
    v1.close()
    const db = openDatabase(file)
    expect(db.prepare('SELECT count(*) FROM items_fts').pluck().get()).toBe(1)
    expect(db.prepare('SELECT count(*) FROM search_dirty').pluck().get()).toBe(0)
    const ctx = { agentId: null, now: new Date('2026-11-23T09:00:00.000Z') }
    expect(inboxPage(db, { filter: { search: 'capacitor', queues: ['tier3'] }, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 10 }, ctx).map((r) => r.id)).toEqual(['i1'])
    db.close()
  })
})
