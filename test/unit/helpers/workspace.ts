import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll } from 'vitest'
import { createCore, type Core } from '../../../src/main/core/core'
import type { Envelope } from '../../../src/shared/contract'

/** Fresh temp directories per test file, removed when the file's tests end. */
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

export function tempDir(prefix = 'handoff-core-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

export const tempFile = (name = 'handoff.sqlite') => join(tempDir(), name)

export const FIXED_NOW = new Date('2026-11-23T09:00:00.000Z')

/** A core on a new file with a pinned clock. */
export function openCore(opts: { file?: string; seedDemo?: boolean; now?: () => Date } = {}): { core: Core; file: string } {
  const file = opts.file ?? tempFile()
  const core = createCore({ file, now: opts.now ?? (() => FIXED_NOW), seedDemoIfEmpty: opts.seedDemo ?? false })
  return { core, file }
}

/** The value of a successful Envelope; fails the test with the error otherwise. */
export function ok<T = unknown>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`Expected ok, got ${JSON.stringify(envelope.error)}`)
  return envelope.value as T
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

/** A second, read-only connection: how tests look at what the core wrote. */
export function peek<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

export const TABLES = ['agents', 'customers', 'items', 'messages', 'item_events', 'ratings', 'views', 'outbox', 'meta', 'item_facets', 'search_dirty', 'settings'] as const

type Counted = (typeof TABLES)[number] | 'items_fts' | 'customers_fts'

/** Row counts of every table, plus the FTS row counts (a rejected call must change none of them). */
export function rowCounts(file: string): Record<Counted, number> {
  return peek(file, (db) => {
    const count = (t: Counted) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number
    return Object.fromEntries([...TABLES, 'items_fts', 'customers_fts'].map((t) => [t, count(t as Counted)])) as Record<Counted, number>
  })
}

/** Every row of every table, for "nothing changed" comparisons. */
export function dump(file: string): string {
  return peek(file, (db) => JSON.stringify(TABLES.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).raw().all())))
}
