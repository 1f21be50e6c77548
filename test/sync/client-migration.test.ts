import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/core/infra/database'
import { MIGRATIONS, latestVersion } from '../../src/core/infra/migrations'
import { tempFile } from '../core/helpers/workspace'

function v2WithData(): string {
  const file = tempFile()
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 2) })
  expect(db.pragma('user_version', { simple: true })).toBe(2)
  db.exec(`
    INSERT INTO agents (id, name, email, role) VALUES ('a1', 'Maya', 'maya@example.com', 'service');
    INSERT INTO customers (id, name, created_at) VALUES ('c1', 'Ann', '2026-11-01T00:00:00.000Z');
    INSERT INTO items (rid, id, kind, category, channel, customer_id, customer_name, subject, status, priority, created_at, updated_at, sla_started_at)
      VALUES (1, 'i1', 'service', 'order', 'email', 'c1', 'Ann', 'Hello', 'new', 'normal', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z');
    INSERT INTO item_events (id, item_rid, type, actor_id, created_at) VALUES ('e1', 1, 'created', 'a1', '2026-11-01T00:00:00.000Z');
    INSERT INTO outbox (mutation_id, name, args, actor_id, created_at) VALUES ('m1', 'item.reply', '{}', 'a1', '2026-11-01T00:00:00.000Z');
  `)
  db.close()
  return file
}

describe('schema v3 (sync client)', () => {
  it('migrates a version 2 workspace keeping every row, and adds the sync tables', () => {
    const file = v2WithData()
    const db = openDatabase(file)
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion())
    expect(latestVersion()).toBeGreaterThanOrEqual(3)
    expect(db.prepare('SELECT count(*) FROM items').pluck().get()).toBe(1)
    expect(db.prepare('SELECT count(*) FROM item_events').pluck().get()).toBe(1)
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(1)
    expect(db.prepare('SELECT count(*) FROM sync_rejections').pluck().get()).toBe(0)
    expect(db.prepare('SELECT count(*) FROM sync_purge').pluck().get()).toBe(0)
    db.prepare(`INSERT INTO sync_rejections (seq, mutation_id, name, code, message, item_id, at) VALUES (1, 'm', 'item.reply', 'closed', 'No.', 'i1', '2026-11-01T00:00:00.000Z')`).run()
    expect(() => db.prepare(`UPDATE sync_rejections SET dismissed = 2`).run()).toThrow(/CHECK/)
    expect(() => db.prepare('INSERT INTO sync_purge (id) VALUES (2)').run()).toThrow(/CHECK/)
    db.close()
  })

  it('keeps the history append-only unless a purge holds the flag (in its own transaction)', () => {
    const file = v2WithData()
    const db = openDatabase(file)
    expect(() => db.prepare(`DELETE FROM item_events WHERE id = 'e1'`).run()).toThrow(/append-only/)
    expect(() => db.prepare(`UPDATE item_events SET reason = 'x'`).run()).toThrow(/append-only/)
    db.transaction(() => {
      db.prepare('INSERT INTO sync_purge (id) VALUES (1)').run()
      db.prepare(`DELETE FROM item_events WHERE id = 'e1'`).run()
      db.prepare('DELETE FROM sync_purge').run()
    })()
    expect(db.prepare('SELECT count(*) FROM item_events').pluck().get()).toBe(0)
    // The flag cleared: deletes are refused again.
    db.prepare(`INSERT INTO item_events (id, item_rid, type, created_at) VALUES ('e2', 1, 'created', '2026-11-01T00:00:00.000Z')`).run()
    expect(() => db.prepare(`DELETE FROM item_events WHERE id = 'e2'`).run()).toThrow(/append-only/)
    db.close()
    const raw = new Database(file, { readonly: true })
    expect(raw.prepare(`SELECT count(*) FROM item_events`).pluck().get()).toBe(1)
    raw.close()
  })
})
