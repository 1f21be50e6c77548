/** A fresh, empty PostgreSQL database in the run's throwaway cluster (see pg-global-setup.ts). */
import pg from 'pg'
import { inject } from 'vitest'

let counter = 0

export async function freshDatabase(prefix = 't'): Promise<string> {
  const adminUrl = inject('pgAdminUrl')
  const name = `${prefix}_${process.pid}_${Date.now()}_${counter++}`.toLowerCase().replace(/[^a-z0-9_]/g, '_')
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE "${name}"`)
  } finally {
    await client.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}
