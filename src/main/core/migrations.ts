import type { Database } from 'better-sqlite3'
import { DatabaseRefusedError } from './errors'
import { createSchemaV1 } from './schema-v1'
import { migrateToV2 } from './schema-v2'
import { migrateToV3 } from './schema-v3'
import { migrateToV4 } from './schema-v4'
import { migrateToV5 } from './schema-v5'
import { migrateToV6 } from './schema-v6'

/**
 * Schema migrations, modelled on Signal Desktop's ts/sql/migrations: an ordered list, each step
 * bringing the schema from version - 1 to version. `PRAGMA user_version` records where a file is.
 * All pending steps run in ONE transaction at start-up, so a file is either at its old version or
 * at the latest, never in between. A released migration is never edited; add a new one.
 */
export interface Migration {
  version: number
  name: string
  up(db: Database): void
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', up: createSchemaV1 },
  { version: 2, name: 'handoff protocol: queues, summaries, SLA clock, settings', up: migrateToV2 },
  { version: 3, name: 'sync client: rejections, purge flag', up: migrateToV3 },
  { version: 4, name: 'personal figures: indexes by actor, author, assignee and rating time', up: migrateToV4 },
  { version: 5, name: 'supervisor view: cache of the server figures', up: migrateToV5 },
  { version: 6, name: 'personal figures: archive of purged items, assignment indexes', up: migrateToV6 }
]

/** `PRAGMA application_id` of every Handoff database: "HAND" in ASCII. */
export const HANDOFF_APPLICATION_ID = 0x48414e44

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0
}

/** A list is valid when its versions are 1, 2, 3, ... in order: a gap or a duplicate is a programming error. */
export function assertMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration list is out of order: position ${i + 1} holds version ${m.version} (${m.name}).`)
  })
}

export function readUserVersion(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }))
}

export function newerVersionMessage(found: number, latest: number): string {
  return `This database was written by a newer version of Handoff (schema ${found}; this version knows up to ${latest}). Update Handoff to open it.`
}

export interface MigrationReport {
  from: number
  to: number
  applied: string[]
}

/**
 * Brings `db` to the latest version of `migrations`. Refuses (and writes nothing) when the file is
 * newer than the list; the caller has normally checked that before the first write already.
 */
export function migrate(db: Database, file: string, migrations: readonly Migration[] = MIGRATIONS): MigrationReport {
  assertMigrationList(migrations)
  const latest = latestVersion(migrations)
  const from = readUserVersion(db)
  if (from > latest) throw new DatabaseRefusedError('newer', file, newerVersionMessage(from, latest))
  const pending = migrations.filter((m) => m.version > from)
  const appId = Number(db.pragma('application_id', { simple: true }))
  if (pending.length === 0 && appId === HANDOFF_APPLICATION_ID) return { from, to: from, applied: [] }
  db.transaction(() => {
    for (const m of pending) m.up(db)
    // Both pragmas write the database header inside this transaction: they roll back with it.
    db.pragma(`application_id = ${HANDOFF_APPLICATION_ID}`)
    db.pragma(`user_version = ${latest}`)
  }).immediate()
  return { from, to: latest, applied: pending.map((m) => `${m.version} ${m.name}`) }
}
