/**
 * Why a database file was refused at open. The file is never changed when it is refused:
 * - corrupt: not an SQLite file, or an SQLite file too damaged to read
 * - foreign: an SQLite file of another application
 * - newer: a Handoff database with a schema newer than this build knows
 * - outdated: opened read-only, but its schema needs a migration this build would have to write
 */
export type RefusalReason = 'corrupt' | 'foreign' | 'newer' | 'outdated'

export class DatabaseRefusedError extends Error {
  readonly reason: RefusalReason
  readonly file: string
  constructor(reason: RefusalReason, file: string, message: string) {
    super(message)
    this.name = 'DatabaseRefusedError'
    this.reason = reason
    this.file = file
  }
}

export const isDatabaseRefusedError = (e: unknown): e is DatabaseRefusedError => e instanceof DatabaseRefusedError
