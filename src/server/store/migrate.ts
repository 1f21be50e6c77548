import { randomBytes, randomUUID } from 'node:crypto'
import { SchemaTooNewError } from './errors'
import { MIGRATIONS, SCHEMA_VERSION } from './schema'
import type { SqlClient } from './sql'

/** An arbitrary constant: the advisory lock every server process takes to migrate. */
const MIGRATION_LOCK = 72_616_001

/**
 * Brings the store to SCHEMA_VERSION in one transaction under a transaction-scoped advisory
 * lock, so several processes starting at once migrate once (the others wait, then find nothing
 * to do). Refuses a store migrated by a newer server. Returns the version found before.
 */
export async function migrate(sql: SqlClient): Promise<number> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await tx.query('CREATE TABLE IF NOT EXISTS schema_version (id int PRIMARY KEY CHECK (id = 1), version int NOT NULL)')
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_version WHERE id = 1')
    const found = rows[0] ? Number(rows[0].version) : 0
    if (found > SCHEMA_VERSION) throw new SchemaTooNewError(found, SCHEMA_VERSION)
    for (let v = found; v < SCHEMA_VERSION; v++) {
      for (const statement of splitStatements(MIGRATIONS[v]!)) await tx.query(statement)
    }
    if (found < SCHEMA_VERSION) {
      await tx.query('INSERT INTO schema_version (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = excluded.version', [SCHEMA_VERSION])
      await tx.query('INSERT INTO server_meta (id, server_id) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [randomUUID()])
      // The cursor signing key (V9): made once, kept for good (a new key would void every cursor).
      await tx.query('UPDATE server_meta SET cursor_key = $1 WHERE id = 1 AND cursor_key IS NULL', [randomBytes(32)])
    }
    return found
  })
}

/** The statements of a migration (they hold no semicolons inside literals or bodies). */
function splitStatements(script: string): string[] {
  return script
    .split(';')
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0)
}
