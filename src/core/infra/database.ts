import Database from 'better-sqlite3'
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { DatabaseRefusedError } from './errors'
import { HANDOFF_APPLICATION_ID, MIGRATIONS, latestVersion, migrate, newerVersionMessage, type Migration } from './migrations'

export type Db = Database.Database

export interface OpenOptions {
  /** Path of better-sqlite3's compiled addon; Electron loads a build made for its own ABI. */
  nativeBinding?: string
  readonly?: boolean
  /** The migration list; tests inject a longer one to exercise an upgrade. */
  migrations?: readonly Migration[]
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1')

/**
 * Opens (creating if missing) a Handoff database and brings its schema up to date.
 *
 * Before anything is written the file is inspected through a read-only connection and refused
 * with a DatabaseRefusedError, leaving it byte-for-byte as it was, when it is not an SQLite file
 * or is damaged ('corrupt'), belongs to another application ('foreign'), or was written by a newer
 * Handoff ('newer'). Only then is it opened for writing, switched to WAL and migrated.
 *
 * Durability: WAL with synchronous=NORMAL. A commit is appended to the WAL without waiting for
 * fsync, so if the app is killed (crash, SIGKILL, task manager) every committed transaction
 * survives, because the data is already in the OS; a power loss or OS crash may lose the last
 * few commits, but the database is never corrupted (the WAL is fsynced before each checkpoint).
 * The outbox is written in the same transaction as the change it records, so whatever survives,
 * a change and its outbox row survive together.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS
  if (file !== ':memory:') inspectExistingFile(file, options, latestVersion(migrations))
  const db = new Database(file, { ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}), readonly: options.readonly ?? false })
  try {
    configure(db, options.readonly ?? false)
    if (!options.readonly) migrate(db, file, migrations)
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

function configure(db: Db, readonly: boolean): void {
  db.pragma('busy_timeout = 5000')
  db.pragma('cache_size = -65536') // 64 MiB of page cache
  db.pragma('temp_store = MEMORY')
  db.pragma('foreign_keys = ON')
  if (readonly) return
  const mode = String(db.pragma('journal_mode = WAL', { simple: true }))
  if (mode !== 'wal' && db.name !== ':memory:') throw new Error(`Could not switch ${db.name} to WAL (journal_mode is ${mode}).`)
  db.pragma('synchronous = NORMAL')
  // Checkpoint every ~80 MB of WAL instead of every 4 MB: a checkpoint writes each changed page
  // once however often it changed, and syncs the database file, so fewer of them means far less
  // I/O under a burst of mutations (measured at a million items: ~7,400 mutations/s with the
  // default, ~9,600 at 10,000 pages, ~10,300 at 20,000). The WAL is cut back to 96 MB after.
  db.pragma('wal_autocheckpoint = 20000')
  db.pragma('journal_size_limit = 100663296')
}

/** What the read-only look at an existing file found. */
interface Inspection {
  applicationId: number
  userVersion: number
  tables: string[]
  hasHandoffMeta: boolean
}

function inspectExistingFile(file: string, options: OpenOptions, latest: number): void {
  let size: number
  try {
    size = statSync(file).size
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
    throw e
  }
  if (size === 0) return
  const corrupt = (detail: string) =>
    new DatabaseRefusedError('corrupt', file, `${file} is not a Handoff database that can be read: ${detail}. Handoff has not changed it.`)
  if (!hasSqliteHeader(file)) throw corrupt('it is not an SQLite database file')

  const found = readInspection(file, options.nativeBinding, corrupt)
  if (found.applicationId !== 0 && found.applicationId !== HANDOFF_APPLICATION_ID) {
    throw new DatabaseRefusedError('foreign', file, `${file} is a database of another application (application id ${found.applicationId}), not a Handoff workspace. Handoff has not changed it.`)
  }
  if (found.applicationId === 0 && found.tables.length > 0 && !found.hasHandoffMeta) {
    throw new DatabaseRefusedError('foreign', file, `${file} is an SQLite database of another application (tables: ${found.tables.slice(0, 5).join(', ')}), not a Handoff workspace. Handoff has not changed it.`)
  }
  if (found.userVersion > latest) throw new DatabaseRefusedError('newer', file, newerVersionMessage(found.userVersion, latest))
  if (options.readonly && found.userVersion < latest) {
    throw new DatabaseRefusedError('outdated', file, `${file} has schema ${found.userVersion} and needs an upgrade to ${latest}, which a read-only open cannot do.`)
  }
}

function hasSqliteHeader(file: string): boolean {
  const fd = openSync(file, 'r')
  try {
    const head = Buffer.alloc(SQLITE_MAGIC.length)
    const n = readSync(fd, head, 0, head.length, 0)
    return n === head.length && head.equals(SQLITE_MAGIC)
  } finally {
    closeSync(fd)
  }
}

const CORRUPTION_CODES = /^SQLITE_(CORRUPT|NOTADB)/
function isCorruption(e: unknown): e is Error & { code: string } {
  if (!(e instanceof Error)) return false
  const code: unknown = (e as Error & { code?: unknown }).code
  return typeof code === 'string' && CORRUPTION_CODES.test(code)
}

/** The first reads of the file, through a read-only connection that cannot change it. */
function readInspection(file: string, nativeBinding: string | undefined, corrupt: (detail: string) => DatabaseRefusedError): Inspection {
  let ro: Db | null = null
  try {
    ro = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) })
    const tables = ro
      .prepare<[], { name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all()
      .map((r) => r.name)
    const applicationId = Number(ro.pragma('application_id', { simple: true }))
    const userVersion = Number(ro.pragma('user_version', { simple: true }))
    let hasHandoffMeta = false
    if (tables.includes('meta')) {
      try {
        hasHandoffMeta = ro.prepare<[], { value: unknown }>(`SELECT value FROM meta WHERE key = 'app'`).get()?.value === 'handoff'
      } catch (e) {
        if (isCorruption(e)) throw e
        hasHandoffMeta = false // a "meta" table of some other shape: not ours
      }
    }
    return { applicationId, userVersion, tables, hasHandoffMeta }
  } catch (e) {
    if (isCorruption(e)) throw corrupt(`the file is damaged (${e.message})`)
    throw e
  } finally {
    ro?.close()
  }
}
