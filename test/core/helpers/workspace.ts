import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll } from 'vitest'
import { createCore, type Core } from '../../../src/core/core'
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

/** An agent put straight into a workspace's file, as a sync would bring it. */
export interface LocalAgent {
  id: string
  name: string
  email: string
  role: 'service' | 'support' | 'supervisor'
  /** JSON list of tiers, e.g. '[1]'. */
  tiers: string
}

/** The colleagues the core tests add beside Maya: a specialist per tier and a supervisor. */
export const LOCAL_TEAM = {
  tomas: { id: '019a0000-0000-7000-8000-0000000000a1', name: 'Tomás Alvarez', email: 'tomas@example.com', role: 'support', tiers: '[1]' },
  hannah: { id: '019a0000-0000-7000-8000-0000000000a2', name: 'Hannah Schultz', email: 'hannah@example.com', role: 'support', tiers: '[2]' },
  kenji: { id: '019a0000-0000-7000-8000-0000000000a3', name: 'Kenji Watanabe', email: 'kenji@example.com', role: 'support', tiers: '[3]' },
  grace: { id: '019a0000-0000-7000-8000-0000000000a4', name: 'Grace Mitchell', email: 'grace@example.com', role: 'supervisor', tiers: '[]' }
} as const satisfies Record<string, LocalAgent>

/**
 * A workspace Maya Okafor started empty (she is signed in), with `agents` added to its file, on a
 * core reopened over it (pinned clock, or `now`).
 */
export function teamWorkspace(agents: readonly LocalAgent[], opts: { now?: () => Date } = {}): { core: Core; file: string; maya: string } {
  const first = openCore(opts)
  const started = first.core.dispatch('workspace.startEmpty', { name: 'Maya Okafor', email: 'maya@example.com' })
  const maya = ok<{ agent: { id: string } | null }>(started).agent?.id ?? ''
  first.core.close()
  const db = new Database(first.file)
  const add = db.prepare('INSERT INTO agents (id, name, email, role, tiers) VALUES (?, ?, ?, ?, ?)')
  for (const a of agents) add.run(a.id, a.name, a.email, a.role, a.tiers)
  db.close()
  return { core: openCore({ ...opts, file: first.file }).core, file: first.file, maya }
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
