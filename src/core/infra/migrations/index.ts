import type { Database } from 'better-sqlite3'
import { DatabaseRefusedError } from '../errors'
import type { Migration } from './migration'
import { migration as m001 } from './001-initial-schema'
import { migration as m002 } from './002-handoff-protocol'
import { migration as m003 } from './003-sync-rejections'
import { migration as m004 } from './004-figures-indexes'
import { migration as m005 } from './005-team-figures-cache'
import { migration as m006 } from './006-figures-archive'
import { migration as m007 } from './007-channel-messages'
import { migration as m008 } from './008-drafts'

/**
 * Schema migrations, modelled on Signal Desktop's ts/sql/migrations: an ordered list, each step
 * bringing the schema from version - 1 to version. `PRAGMA user_version` records where a file is.
 * One file a step, `NNN-what.ts`, exporting its `migration`; nothing else imports a migration.
 * All pending steps run in ONE transaction at start-up, so a file is either at its old version or
 * at the latest, never in between. A released migration is never edited; add a new one.
 */

export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008]

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

export type { Migration }
