import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { freshDatabase } from '../support/pg-database'

describe('the throwaway PostgreSQL', () => {
  it('hands each caller its own empty database', async () => {
    const [a, b] = [await freshDatabase(), await freshDatabase()]
    expect(a).not.toBe(b)
    const client = new pg.Client({ connectionString: a })
    await client.connect()
    try {
      const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'")
      expect(Number(rows[0]?.n)).toBe(0)
    } finally {
      await client.end()
    }
  })
})
