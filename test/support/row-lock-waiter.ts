/** For tests that hold a row open on PostgreSQL while the code under test runs into it. */
import type { SqlClient } from '../../src/server/store/sql'
import { until } from './until'

/** Until some backend waits on a row lock (a transaction id): the code under test reached the held row. */
export async function rowLockWaiter(sql: SqlClient, what = 'a backend waiting on the held row'): Promise<void> {
  await until(
    what,
    async () => {
      const { rows } = await sql.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'")
      return Number(rows[0]!.n) > 0
    },
    4000,
    10
  )
}
