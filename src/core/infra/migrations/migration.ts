import type { Database } from 'better-sqlite3'

/** One step of the schema, from version - 1 to version. A released step is never edited. */
export interface Migration {
  version: number
  name: string
  up(db: Database): void
}
