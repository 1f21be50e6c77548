/**
 * vitest globalSetup: one throwaway PostgreSQL cluster for the whole run (about a second to
 * start). Each test file makes its own database from it (inject('pgAdminUrl') + createDatabase
 * in test/support/pg-database.ts), so files never share data.
 */
import type { TestProject } from 'vitest/node'
import { startPostgres, type PostgresCluster } from './postgres'

let cluster: PostgresCluster | undefined

export async function setup(project: TestProject): Promise<void> {
  cluster = await startPostgres()
  project.provide('pgAdminUrl', cluster.adminUrl)
}

export function teardown(): void {
  cluster?.stop()
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string
  }
}
